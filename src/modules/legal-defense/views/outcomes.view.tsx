import { BarChart, numberFormat, publishedCellText } from '../../../core/views/bar-chart.tsx';
import { Table, Tag } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import type { PublishedCell, SuppressedTable } from '../../../core/privacy/suppression.ts';
import { BASELINES, baselineValues } from '../legal-defense.baselines.ts';
import type { ContactFigures, OutcomeFigures } from '../legal-defense.outcomes.ts';

function quarterLabel(ctx: ViewContext, q: string): string {
  return ctx.t('legal-defense.outcomes.quarter', { year: q.slice(0, 4), n: Number(q.slice(6)) });
}

/** One grouped bar chart of published cells, per quarter (the table below it is its text alternative). */
function Chart(props: {
  ctx: ViewContext;
  id: string;
  figures: OutcomeFigures;
  titleKey: string;
  captionKey: string;
  series: ReadonlyArray<{ labelKey: string; cell: (i: number) => PublishedCell | undefined }>;
}) {
  const { ctx, figures } = props;
  const t = ctx.t;
  const groups = figures.quarters.map((q, i) => {
    const quarter = quarterLabel(ctx, q);
    return {
      label: quarter,
      bars: props.series.map((s) => {
        const cell = s.cell(i);
        const args = { quarter, series: t(s.labelKey) };
        return { cell, title: !cell || cell.suppressed ? t('legal-defense.outcomes.chart.barHidden', args) : t('legal-defense.outcomes.chart.bar', { ...args, n: cell.value }) };
      }),
    };
  });
  const title = t(props.titleKey);
  return (
    <BarChart
      ctx={ctx}
      id={props.id}
      title={title}
      desc={t('legal-defense.outcomes.chart.desc', { title, quarters: groups.length })}
      caption={t(props.captionKey)}
      hiddenMark={t('legal-defense.outcomes.chart.hiddenMark')}
      groups={groups}
      series={props.series.map((s) => t(s.labelKey))}
      size={{ height: 250, bottom: 60, left: 44, group: props.series.length > 2 ? 80 : 60, gap: 2, legend: 170 }}
    />
  );
}

/** A table of some columns of the figures, one row per quarter (newest first) and a total row. */
function FiguresTable(props: {
  ctx: ViewContext;
  figures: OutcomeFigures;
  caption: string;
  columns: ReadonlyArray<{ header: string; cell: (i: number) => string; total: string }>;
}) {
  const { ctx, figures } = props;
  const t = ctx.t;
  const rows = [...figures.quarters.keys()].reverse();
  return (
    <Table
      caption={props.caption}
      headers={[t('legal-defense.outcomes.column.quarter'), ...props.columns.map((c) => c.header)]}
      numeric={props.columns.map((_, j) => j + 1)}
      rows={[
        ...rows.map((i) => [<span>{quarterLabel(ctx, figures.quarters[i] as string)}</span>, ...props.columns.map((c) => <span>{c.cell(i)}</span>)]),
        [<span>{t('legal-defense.outcomes.total', { quarters: figures.quarters.length })}</span>, ...props.columns.map((c) => <span>{c.total}</span>)],
      ]}
    />
  );
}

/**
 * The program's public outcome figures: every count through the suppression library, charts drawn on the server,
 * a CSV of the same figures, and national figures (with their sources) as context.
 */
export function OutcomesPage(props: { ctx: ViewContext; figures: OutcomeFigures; city: string }) {
  const { ctx, figures: f } = props;
  const t = ctx.t;
  const hiddenText = t('legal-defense.outcomes.suppressed');
  const count = (c: PublishedCell | undefined) => publishedCellText(ctx, c, hiddenText);
  const pct = numberFormat(ctx, { style: 'percent', maximumFractionDigits: 0 });
  const hours = numberFormat(ctx, { maximumFractionDigits: 1 });
  const cellOf = (table: SuppressedTable, j: number) => (i: number) => count(table.cells[i]?.[j]);
  const totalOf = (table: SuppressedTable, j: number) => count(table.columnTotals[j]);
  const contactCell = (c: ContactFigures | undefined, pick: 'medianHours' | 'p90Hours' | 'withinTarget') => {
    const v = c?.[pick] ?? null;
    if (v === null) return hiddenText;
    return pick === 'withinTarget' ? pct.format(v) : hours.format(v);
  };
  const baselineTag = t('legal-defense.outcomes.baseline.unverified');
  return (
    <Layout ctx={ctx} title={t('legal-defense.outcomes.title')}>
      <div class="usa-prose">
        <h1>{t('legal-defense.outcomes.title')}</h1>
        <p class="usa-intro">{t('legal-defense.outcomes.intro', { city: props.city, quarters: f.quarters.length })}</p>
        <h2>{t('legal-defense.outcomes.privacy.heading')}</h2>
        <p>{t('legal-defense.outcomes.privacy.body', { max: f.smallCellMax })}</p>
        {f.withheld.some(Boolean) ? <p>{t('legal-defense.outcomes.withheld')}</p> : null}
      </div>

      <h2>{t('legal-defense.outcomes.people.heading')}</h2>
      <Chart
        ctx={ctx}
        id="ld-people"
        figures={f}
        titleKey="legal-defense.outcomes.people.chart"
        captionKey="legal-defense.outcomes.people.caption"
        series={[
          { labelKey: 'legal-defense.outcomes.column.people', cell: (i) => f.representation.rowTotals[i] },
          { labelKey: 'legal-defense.outcomes.column.represented', cell: (i) => f.representation.cells[i]?.[0] },
        ]}
      />
      <FiguresTable
        ctx={ctx}
        figures={f}
        caption={t('legal-defense.outcomes.people.table')}
        columns={[
          { header: t('legal-defense.outcomes.column.reports'), cell: (i) => count(f.reports.values[i]), total: count(f.reports.total) },
          { header: t('legal-defense.outcomes.column.people'), cell: (i) => count(f.representation.rowTotals[i]), total: count(f.representation.grandTotal) },
          { header: t('legal-defense.outcomes.column.represented'), cell: cellOf(f.representation, 0), total: totalOf(f.representation, 0) },
          { header: t('legal-defense.outcomes.column.median'), cell: (i) => contactCell(f.contactByQuarter[i], 'medianHours'), total: contactCell(f.contactTotal, 'medianHours') },
          { header: t('legal-defense.outcomes.column.p90'), cell: (i) => contactCell(f.contactByQuarter[i], 'p90Hours'), total: contactCell(f.contactTotal, 'p90Hours') },
          { header: t('legal-defense.outcomes.column.withinTarget', { hours: f.targetHours }), cell: (i) => contactCell(f.contactByQuarter[i], 'withinTarget'), total: contactCell(f.contactTotal, 'withinTarget') },
        ]}
      />

      <h2>{t('legal-defense.outcomes.release.heading')}</h2>
      <Chart
        ctx={ctx}
        id="ld-release"
        figures={f}
        titleKey="legal-defense.outcomes.release.chart"
        captionKey="legal-defense.outcomes.release.caption"
        series={[
          { labelKey: 'legal-defense.outcomes.column.bond', cell: (i) => f.release.cells[i]?.[0] },
          { labelKey: 'legal-defense.outcomes.column.parole', cell: (i) => f.release.cells[i]?.[1] },
          { labelKey: 'legal-defense.outcomes.column.otherRelease', cell: (i) => f.release.cells[i]?.[2] },
        ]}
      />
      <FiguresTable
        ctx={ctx}
        figures={f}
        caption={t('legal-defense.outcomes.release.table')}
        columns={[
          { header: t('legal-defense.outcomes.column.bond'), cell: cellOf(f.release, 0), total: totalOf(f.release, 0) },
          { header: t('legal-defense.outcomes.column.parole'), cell: cellOf(f.release, 1), total: totalOf(f.release, 1) },
          { header: t('legal-defense.outcomes.column.otherRelease'), cell: cellOf(f.release, 2), total: totalOf(f.release, 2) },
        ]}
      />

      <h2>{t('legal-defense.outcomes.court.heading')}</h2>
      <Chart
        ctx={ctx}
        id="ld-court"
        figures={f}
        titleKey="legal-defense.outcomes.court.chart"
        captionKey="legal-defense.outcomes.court.caption"
        series={[
          { labelKey: 'legal-defense.outcomes.column.relief', cell: (i) => f.court.cells[i]?.[0] },
          { labelKey: 'legal-defense.outcomes.column.removal', cell: (i) => f.court.cells[i]?.[1] },
        ]}
      />
      <FiguresTable
        ctx={ctx}
        figures={f}
        caption={t('legal-defense.outcomes.court.table')}
        columns={[
          { header: t('legal-defense.outcomes.column.relief'), cell: cellOf(f.court, 0), total: totalOf(f.court, 0) },
          { header: t('legal-defense.outcomes.column.removal'), cell: cellOf(f.court, 1), total: totalOf(f.court, 1) },
        ]}
      />
      <p>
        <a class="usa-link" href={`/legal-defense/outcomes.csv?lang=${ctx.locale}`} download="legal-defense-outcomes.csv">
          {t('legal-defense.outcomes.csv')}
        </a>
      </p>

      <section class="usa-prose" aria-labelledby="baselines-heading">
        <h2 id="baselines-heading">{t('legal-defense.outcomes.baseline.heading')}</h2>
        <p>{t('legal-defense.outcomes.baseline.intro')}</p>
        <ul>
          {BASELINES.map((b) => (
            <li>
              {t(b.messageKey, baselineValues(b))} {b.figure.unverified ? <Tag>{baselineTag}</Tag> : null}{' '}
              <span>{t('legal-defense.outcomes.baseline.source')}</span>{' '}
              {b.links.map((l, k) => (
                <>
                  {k > 0 ? ', ' : ''}
                  <a class="usa-link" href={l.href} lang="en" rel="noreferrer">
                    {l.title}
                  </a>
                </>
              ))}
            </li>
          ))}
        </ul>
      </section>

      <div class="usa-prose">
        <h2>{t('legal-defense.outcomes.notes.heading')}</h2>
        <ul>
          <li>{t('legal-defense.outcomes.notes.cohort')}</li>
          <li>{t('legal-defense.outcomes.notes.custody')}</li>
          <li>{t('legal-defense.outcomes.notes.contact', { hours: f.targetHours })}</li>
          <li>{t('legal-defense.outcomes.notes.retention')}</li>
        </ul>
      </div>
    </Layout>
  );
}
