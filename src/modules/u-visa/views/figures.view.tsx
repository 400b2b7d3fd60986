import { BarChart, numberFormat, publishedCellText } from '../../../core/views/bar-chart.tsx';
import { Table } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import type { PublishedCell } from '../../../core/privacy/suppression.ts';
import type { QuarterFigures, UVisaFigures } from '../u-visa.figures.ts';

function cellText(ctx: ViewContext, c: PublishedCell | undefined): string {
  return publishedCellText(ctx, c, ctx.t('u-visa.figures.suppressed'));
}

function quarterLabel(ctx: ViewContext, q: string): string {
  return ctx.t('u-visa.figures.quarter', { year: q.slice(0, 4), n: Number(q.slice(6)) });
}

/** Certified and denied requests per quarter (the shared server-side chart; the table is its text alternative). */
export function FiguresChart(props: { ctx: ViewContext; figures: UVisaFigures }) {
  const { ctx, figures } = props;
  const t = ctx.t;
  const outcomes = ['certified', 'denied'] as const;
  const groups = figures.quarters.map((q, i) => {
    const quarter = quarterLabel(ctx, q.quarter);
    return {
      label: quarter,
      bars: outcomes.map((outcome, j) => {
        const cell = figures.outcomes.cells[i]?.[j];
        const args = { quarter, outcome: t(`u-visa.decision.${outcome}`) };
        return { cell, title: !cell || cell.suppressed ? t('u-visa.figures.chart.barHidden', args) : t('u-visa.figures.chart.bar', { ...args, n: cell.value }) };
      }),
    };
  });
  return (
    <BarChart
      ctx={ctx}
      id="uvisa-chart"
      title={t('u-visa.figures.chart.title')}
      desc={t('u-visa.figures.chart.desc', { quarters: groups.length })}
      caption={t('u-visa.figures.chart.caption')}
      hiddenMark={t('u-visa.figures.chart.hiddenMark')}
      groups={groups}
      series={outcomes.map((o) => t(`u-visa.decision.${o}`))}
      size={{ height: 250, bottom: 60, left: 44, group: 64, gap: 2, legend: 140 }}
    />
  );
}

/** The public turnaround figures of U and T visa certification (aggregates only, every count suppressed). */
export function FiguresPage(props: { ctx: ViewContext; figures: UVisaFigures; city: string; cityDays: { standard: number; expedited: number } }) {
  const { ctx, figures } = props;
  const t = ctx.t;
  const pct = numberFormat(ctx, { style: 'percent', maximumFractionDigits: 0 });
  const days = numberFormat(ctx, { maximumFractionDigits: 1 });
  const rows = [...figures.quarters.keys()].reverse();
  const hidden = t('u-visa.figures.suppressed');
  // Days and shares of a quarter without decisions: nothing to compute, which is not the same as hidden.
  const none = (
    <>
      <span aria-hidden="true">{t('u-visa.figures.noDecisions.mark')}</span>
      <span class="usa-sr-only">{t('u-visa.figures.noDecisions')}</span>
    </>
  );
  const derived = (q: QuarterFigures, v: number | null, format: Intl.NumberFormat) => (v !== null ? format.format(v) : q.noDecisions ? none : hidden);
  return (
    <Layout ctx={ctx} title={t('u-visa.figures.title')}>
      <div class="usa-prose">
        <h1>{t('u-visa.figures.title')}</h1>
        <p class="usa-intro">{t('u-visa.figures.intro', { city: props.city, standard: props.cityDays.standard, expedited: props.cityDays.expedited })}</p>
        <h2>{t('u-visa.figures.privacy.heading')}</h2>
        <p>{t('u-visa.figures.privacy.body', { max: figures.smallCellMax })}</p>
      </div>
      <FiguresChart ctx={ctx} figures={figures} />
      <p>
        <a class="usa-link" href={`/u-visa/figures.csv?lang=${ctx.locale}`} download="u-visa-figures.csv">
          {t('u-visa.figures.csv')}
        </a>
      </p>
      <Table
        caption={t('u-visa.figures.table.caption')}
        headers={[
          t('u-visa.figures.column.quarter'),
          t('u-visa.figures.column.requests'),
          t('u-visa.figures.column.certified'),
          t('u-visa.figures.column.denied'),
          t('u-visa.figures.column.median'),
          t('u-visa.figures.column.p90'),
          t('u-visa.figures.column.within7'),
          t('u-visa.figures.column.within30'),
          t('u-visa.figures.column.goodCause'),
        ]}
        numeric={[1, 2, 3, 4, 5, 6, 7, 8]}
        rows={rows.map((i) => {
          const q = figures.quarters[i];
          if (!q) return [];
          return [
            <span>{quarterLabel(ctx, q.quarter)}</span>,
            <span>{cellText(ctx, figures.outcomes.rowTotals[i])}</span>,
            <span>{cellText(ctx, figures.outcomes.cells[i]?.[0])}</span>,
            <span>{cellText(ctx, figures.outcomes.cells[i]?.[1])}</span>,
            <span>{derived(q, q.medianDays, days)}</span>,
            <span>{derived(q, q.p90Days, days)}</span>,
            <span>{derived(q, q.within7, pct)}</span>,
            <span>{derived(q, q.within30, pct)}</span>,
            <span>{cellText(ctx, figures.goodCause.values[i])}</span>,
          ];
        })}
      />
      <div class="usa-prose">
        <h2>{t('u-visa.figures.notes.heading')}</h2>
        <ul>
          <li>{t('u-visa.figures.notes.quarters')}</li>
          <li>{t('u-visa.figures.notes.days')}</li>
          <li>{t('u-visa.figures.notes.noDecisions', { mark: t('u-visa.figures.noDecisions.mark'), hidden })}</li>
          <li>{t('u-visa.figures.notes.goodCause')}</li>
        </ul>
      </div>
    </Layout>
  );
}
