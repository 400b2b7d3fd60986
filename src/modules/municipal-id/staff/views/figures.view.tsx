import type { PublishedCell } from '../../../../core/privacy/suppression.ts';
import { Table } from '../../../../core/views/components.tsx';
import { Layout } from '../../../../core/views/layout.tsx';
import type { ViewContext } from '../../../../core/views/view-context.ts';
import type { PublicFigures } from '../staff.service.ts';
import { formatMonth, formatNumber } from './desk-format.tsx';

const CHART = { height: 240, top: 16, bottom: 48, left: 48, step: 44, bar: 28 } as const;

function cellText(ctx: ViewContext, c: PublishedCell): string {
  return c.suppressed ? ctx.t('municipalId.figures.suppressed') : formatNumber(ctx, c.value);
}

function wardLabel(ctx: ViewContext, ward: string): string {
  return ward === 'none' ? ctx.t('municipalId.figures.ward.none') : ctx.t('municipalId.figures.ward', { ward });
}

/**
 * Bar chart of cards per month, drawn on the server as SVG (no script). A suppressed month is a dashed outline
 * with a mark, never a bar of some height; the table below is the chart's text alternative.
 */
export function MonthlyChart(props: { ctx: ViewContext; months: readonly string[]; cells: readonly PublishedCell[] }) {
  const { ctx, months, cells } = props;
  const t = ctx.t;
  const values = cells.flatMap((c) => (c.suppressed ? [] : [c.value]));
  const max = Math.max(20, ...values);
  const plot = CHART.height - CHART.top - CHART.bottom;
  const width = CHART.left + months.length * CHART.step + 16;
  const y = (v: number) => CHART.top + plot - (v / max) * plot;
  const ticks = [0, Math.round(max / 2), max];
  return (
    <figure class="sanctuary-chart">
      <svg
        xmlns="http://www.w3.org/2000/svg"
        role="img"
        aria-labelledby="cards-chart-title cards-chart-desc"
        viewBox={`0 0 ${width} ${CHART.height}`}
        width={String(width)}
        height={String(CHART.height)}
        class="sanctuary-chart__svg"
      >
        <title id="cards-chart-title">{t('municipalId.figures.chart.title')}</title>
        <desc id="cards-chart-desc">{t('municipalId.figures.chart.desc', { months: months.length })}</desc>
        {ticks.map((v) => (
          <g>
            <line x1={String(CHART.left)} x2={String(width - 8)} y1={String(y(v))} y2={String(y(v))} stroke="#dfe1e2" />
            <text x={String(CHART.left - 6)} y={String(y(v) + 4)} text-anchor="end" font-size="11" fill="#1b1b1b">
              {formatNumber(ctx, v)}
            </text>
          </g>
        ))}
        {months.map((m, i) => {
          const c = cells[i] as PublishedCell;
          const x = CHART.left + i * CHART.step + 8;
          const label = (
            <text x={String(x + CHART.bar / 2)} y={String(CHART.height - CHART.bottom + 16)} text-anchor="middle" font-size="10" fill="#1b1b1b">
              {formatMonth(ctx, m)}
            </text>
          );
          if (c.suppressed) {
            return (
              <g>
                <rect x={String(x)} y={String(CHART.top + plot - 16)} width={String(CHART.bar)} height="16" fill="none" stroke="#565c65" stroke-dasharray="3 2" />
                <text x={String(x + CHART.bar / 2)} y={String(CHART.top + plot - 4)} text-anchor="middle" font-size="11" fill="#1b1b1b">
                  {t('municipalId.figures.chart.hiddenMark')}
                </text>
                {label}
                <title>{t('municipalId.figures.chart.barHidden', { month: formatMonth(ctx, m) })}</title>
              </g>
            );
          }
          return (
            <g>
              <rect x={String(x)} y={String(y(c.value))} width={String(CHART.bar)} height={String(Math.max(0, CHART.top + plot - y(c.value)))} fill="#1a4480" />
              {label}
              <title>{t('municipalId.figures.chart.bar', { month: formatMonth(ctx, m), n: c.value })}</title>
            </g>
          );
        })}
      </svg>
      <figcaption>{t('municipalId.figures.chart.caption')}</figcaption>
    </figure>
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
