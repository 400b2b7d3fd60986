import { BarChart, publishedCellText } from '../../views/bar-chart.tsx';
import { Table } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import type { PublishedCell } from '../suppression.ts';
import type { TransparencyReport } from '../transparency.service.ts';

function cellText(ctx: ViewContext, c: PublishedCell | undefined): string {
  return publishedCellText(ctx, c, ctx.t('transparency.suppressed'));
}

function quarterLabel(ctx: ViewContext, q: string): string {
  return ctx.t('transparency.quarter', { year: q.slice(0, 4), n: Number(q.slice(6)) });
}

/** Demands per quarter by outcome, the last eight quarters (the shared server-side chart; the tables are its text alternative). */
export function DemandsChart(props: { ctx: ViewContext; report: TransparencyReport }) {
  const { ctx, report } = props;
  const t = ctx.t;
  const groups = report.quarters.slice(-8).map((q) => {
    const quarter = quarterLabel(ctx, q.quarter);
    return {
      label: quarter,
      bars: report.outcomes.map((outcome, j) => {
        const cell = q.table.columnTotals[j];
        const args = { quarter, outcome: t(`transparency.outcome.${outcome}`) };
        return { cell, title: !cell || cell.suppressed ? t('transparency.chart.barHidden', args) : t('transparency.chart.bar', { ...args, n: cell.value }) };
      }),
    };
  });
  return (
    <BarChart
      ctx={ctx}
      id="demands-chart"
      title={t('transparency.chart.title')}
      desc={t('transparency.chart.desc', { quarters: groups.length })}
      caption={t('transparency.chart.caption')}
      hiddenMark={t('transparency.chart.hiddenMark')}
      groups={groups}
      series={report.outcomes.map((o) => t(`transparency.outcome.${o}`))}
    />
  );
}

/** The public transparency report on outside demands for data. */
export function TransparencyPage(props: { ctx: ViewContext; report: TransparencyReport }) {
  const { ctx, report } = props;
  const t = ctx.t;
  const newestFirst = [...report.quarters].reverse();
  return (
    <Layout ctx={ctx} title={t('transparency.title')}>
      <div class="usa-prose">
        <h1>{t('transparency.title')}</h1>
        <p class="usa-intro">{t('transparency.intro', { city: ctx.cityName })}</p>
        <h2>{t('transparency.rules.heading')}</h2>
        <ul>
          <li>{t('transparency.rules.judge')}</li>
          <li>{t('transparency.rules.twoPeople')}</li>
          <li>{t('transparency.rules.scope')}</li>
          <li>{t('transparency.rules.notice')}</li>
        </ul>
        <h2>{t('transparency.privacy.heading')}</h2>
        <p>{t('transparency.privacy.body')}</p>
        <p>{t('transparency.privacy.quarters')}</p>
      </div>
      {report.quarters.length === 0 ? (
        <p>{t('transparency.empty')}</p>
      ) : (
        <>
          <DemandsChart ctx={ctx} report={report} />
          <p>
            <a class="usa-link" href={`/transparency/demands.csv?lang=${ctx.locale}`} download="demands-transparency.csv">
              {t('transparency.csv')}
            </a>
          </p>
          {newestFirst.map((q) => (
            <section>
              <h2>{quarterLabel(ctx, q.quarter)}</h2>
              <Table
                caption={t('transparency.table.caption', { quarter: quarterLabel(ctx, q.quarter) })}
                headers={[t('transparency.table.type'), ...report.outcomes.map((o) => t(`transparency.outcome.${o}`)), t('transparency.table.total')]}
                numeric={[1, 2, 3, 4]}
                rows={[
                  ...report.types.map((type, i) => [
                    <span>{t(`demands.type.${type}`)}</span>,
                    ...report.outcomes.map((_o, j) => <span>{cellText(ctx, q.table.cells[i]?.[j])}</span>),
                    <span>{cellText(ctx, q.table.rowTotals[i])}</span>,
                  ]),
                  [
                    <strong>{t('transparency.table.total')}</strong>,
                    ...report.outcomes.map((_o, j) => <strong>{cellText(ctx, q.table.columnTotals[j])}</strong>),
                    <strong>{cellText(ctx, q.table.grandTotal)}</strong>,
                  ],
                ]}
              />
            </section>
          ))}
        </>
      )}
    </Layout>
  );
}
