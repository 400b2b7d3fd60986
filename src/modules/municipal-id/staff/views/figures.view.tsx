import type { PublishedCell } from '../../../../core/privacy/suppression.ts';
import { BarChart, publishedCellText } from '../../../../core/views/bar-chart.tsx';
import { Table } from '../../../../core/views/components.tsx';
import { Layout } from '../../../../core/views/layout.tsx';
import type { ViewContext } from '../../../../core/views/view-context.ts';
import type { PublicFigures } from '../staff.service.ts';
import { formatMonth } from './desk-format.tsx';

function cellText(ctx: ViewContext, c: PublishedCell): string {
  return publishedCellText(ctx, c, ctx.t('municipalId.figures.suppressed'));
}

function wardLabel(ctx: ViewContext, ward: string): string {
  return ward === 'none' ? ctx.t('municipalId.figures.ward.none') : ctx.t('municipalId.figures.ward', { ward });
}

/** Cards per month (the shared server-side chart; the table below is its text alternative). */
export function MonthlyChart(props: { ctx: ViewContext; months: readonly string[]; cells: readonly PublishedCell[] }) {
  const { ctx, months, cells } = props;
  const t = ctx.t;
  const groups = months.map((m, i) => {
    const month = formatMonth(ctx, m);
    const cell = cells[i];
    return { label: month, bars: [{ cell, title: !cell || cell.suppressed ? t('municipalId.figures.chart.barHidden', { month }) : t('municipalId.figures.chart.bar', { month, n: cell.value }) }] };
  });
  return (
    <BarChart
      ctx={ctx}
      id="cards-chart"
      title={t('municipalId.figures.chart.title')}
      desc={t('municipalId.figures.chart.desc', { months: months.length })}
      caption={t('municipalId.figures.chart.caption')}
      hiddenMark={t('municipalId.figures.chart.hiddenMark')}
      groups={groups}
      valueLabels={false}
      size={{ top: 16, bottom: 48, group: 44, bar: 28 }}
    />
  );
}

/** The public figures page: cards per month and per ward, suppressed. */
export function FiguresView(props: { ctx: ViewContext; figures: PublicFigures }) {
  const { ctx, figures } = props;
  const t = ctx.t;
  const title = t('municipalId.figures.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p class="usa-intro">{t('municipalId.figures.intro', { city: ctx.cityName })}</p>
      <p>{t('municipalId.figures.suppression', { max: figures.smallCellMax })}</p>
      <h2>{t('municipalId.figures.byMonth.title')}</h2>
      <MonthlyChart ctx={ctx} months={figures.months} cells={figures.byMonth.values} />
      <Table
        caption={t('municipalId.figures.byMonth.caption')}
        headers={[t('municipalId.figures.column.month'), t('municipalId.figures.column.cards')]}
        numeric={[1]}
        rows={[
          ...figures.months.map((m, i) => [formatMonth(ctx, m), cellText(ctx, figures.byMonth.values[i] as PublishedCell)]),
          [t('municipalId.figures.total'), cellText(ctx, figures.byMonth.total)],
        ]}
      />
      <h2>{t('municipalId.figures.byWard.title')}</h2>
      <Table
        caption={t('municipalId.figures.byWard.caption', { months: figures.months.length })}
        headers={[t('municipalId.figures.column.ward'), t('municipalId.figures.column.cards')]}
        numeric={[1]}
        rows={[
          ...figures.wards.map((w, i) => [wardLabel(ctx, w), cellText(ctx, figures.byWard.values[i] as PublishedCell)]),
          [t('municipalId.figures.total'), cellText(ctx, figures.byWard.total)],
        ]}
      />
      <p class="usa-hint">{t('municipalId.figures.source')}</p>
    </Layout>
  );
}
