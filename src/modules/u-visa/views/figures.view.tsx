import { Table } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import type { PublishedCell } from '../../../core/privacy/suppression.ts';
import type { UVisaFigures } from '../u-visa.figures.ts';

function numberFormat(ctx: ViewContext, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  return new Intl.NumberFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, options);
}

function cellText(ctx: ViewContext, c: PublishedCell | undefined): string {
  if (!c || c.suppressed) return ctx.t('u-visa.figures.suppressed');
  return numberFormat(ctx).format(c.value);
}

function quarterLabel(ctx: ViewContext, q: string): string {
  return ctx.t('u-visa.figures.quarter', { year: q.slice(0, 4), n: Number(q.slice(6)) });
}

const CHART = { height: 250, top: 20, bottom: 60, left: 44, group: 64, bar: 22 } as const;
const FILLS = ['url(#uvisa-fill-certified)', 'url(#uvisa-fill-denied)'] as const;

/**
 * Certified and denied requests per quarter, drawn on the server as SVG (no script). A suppressed figure is
 * a dashed marker, never a bar of some height; the outcomes differ by pattern as well as colour. The table
 * below is the chart's text alternative.
 */
export function FiguresChart(props: { ctx: ViewContext; figures: UVisaFigures }) {
  const { ctx, figures } = props;
  const t = ctx.t;
  const quarters = figures.quarters.map((q, i) => ({ quarter: q.quarter, cells: [figures.outcomes.cells[i]?.[0], figures.outcomes.cells[i]?.[1]] }));
  const values = quarters.flatMap((q) => q.cells.flatMap((c) => (c && !c.suppressed ? [c.value] : [])));
  const max = Math.max(20, ...values);
  const plot = CHART.height - CHART.top - CHART.bottom;
  const width = CHART.left + Math.max(1, quarters.length) * CHART.group + 16;
  const y = (v: number) => CHART.top + plot - (v / max) * plot;
  const outcomes = ['certified', 'denied'] as const;
  return (
    <figure class="sanctuary-chart">
      <svg
        xmlns="http://www.w3.org/2000/svg"
        role="img"
        aria-labelledby="uvisa-chart-title uvisa-chart-desc"
        viewBox={`0 0 ${width} ${CHART.height}`}
        width={String(width)}
        height={String(CHART.height)}
        class="sanctuary-chart__svg"
      >
        <title id="uvisa-chart-title">{t('u-visa.figures.chart.title')}</title>
        <desc id="uvisa-chart-desc">{t('u-visa.figures.chart.desc', { quarters: quarters.length })}</desc>
        <defs>
          <pattern id="uvisa-fill-certified" width="6" height="6" patternUnits="userSpaceOnUse">
            <rect width="6" height="6" fill="#1a4480" />
          </pattern>
          <pattern id="uvisa-fill-denied" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#936f38" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2" />
          </pattern>
        </defs>
        {[0, Math.round(max / 2), max].map((v) => (
          <g>
            <line x1={String(CHART.left)} x2={String(width - 8)} y1={String(y(v))} y2={String(y(v))} stroke="#dfe1e2" />
            <text x={String(CHART.left - 6)} y={String(y(v) + 4)} text-anchor="end" font-size="11" fill="#1b1b1b">
              {String(v)}
            </text>
          </g>
        ))}
        {quarters.map((q, i) => {
          const x0 = CHART.left + i * CHART.group + 8;
          return (
            <g>
              {outcomes.map((outcome, j) => {
                const c = q.cells[j];
                const x = x0 + j * (CHART.bar + 2);
                if (!c || c.suppressed) {
                  return (
                    <g>
                      <rect x={String(x)} y={String(CHART.top + plot - 16)} width={String(CHART.bar)} height="16" fill="none" stroke="#565c65" stroke-dasharray="3 2" />
                      <text x={String(x + CHART.bar / 2)} y={String(CHART.top + plot - 4)} text-anchor="middle" font-size="11" fill="#1b1b1b">
                        {t('u-visa.figures.chart.hiddenMark')}
                      </text>
                      <title>{t('u-visa.figures.chart.barHidden', { quarter: quarterLabel(ctx, q.quarter), outcome: t(`u-visa.decision.${outcome}`) })}</title>
                    </g>
                  );
                }
                const top = y(c.value);
                return (
                  <g>
                    <rect x={String(x)} y={String(top)} width={String(CHART.bar)} height={String(CHART.top + plot - top)} fill={FILLS[j] ?? FILLS[0]} />
                    <text x={String(x + CHART.bar / 2)} y={String(top - 3)} text-anchor="middle" font-size="11" fill="#1b1b1b">
                      {String(c.value)}
                    </text>
                    <title>{t('u-visa.figures.chart.bar', { quarter: quarterLabel(ctx, q.quarter), outcome: t(`u-visa.decision.${outcome}`), n: c.value })}</title>
                  </g>
                );
              })}
              <text x={String(x0 + CHART.bar)} y={String(CHART.height - CHART.bottom + 16)} text-anchor="middle" font-size="10" fill="#1b1b1b">
                {quarterLabel(ctx, q.quarter)}
              </text>
            </g>
          );
        })}
        {outcomes.map((outcome, j) => (
          <g>
            <rect x={String(CHART.left + j * 140)} y={String(CHART.height - 22)} width="12" height="12" fill={FILLS[j] ?? FILLS[0]} />
            <text x={String(CHART.left + j * 140 + 16)} y={String(CHART.height - 12)} font-size="11" fill="#1b1b1b">
              {t(`u-visa.decision.${outcome}`)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{t('u-visa.figures.chart.caption')}</figcaption>
    </figure>
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
            <span>{q.medianDays === null ? hidden : days.format(q.medianDays)}</span>,
            <span>{q.p90Days === null ? hidden : days.format(q.p90Days)}</span>,
            <span>{q.within7 === null ? hidden : pct.format(q.within7)}</span>,
            <span>{q.within30 === null ? hidden : pct.format(q.within30)}</span>,
            <span>{cellText(ctx, figures.goodCause.values[i])}</span>,
          ];
        })}
      />
      <div class="usa-prose">
        <h2>{t('u-visa.figures.notes.heading')}</h2>
        <ul>
          <li>{t('u-visa.figures.notes.quarters')}</li>
          <li>{t('u-visa.figures.notes.days')}</li>
          <li>{t('u-visa.figures.notes.goodCause')}</li>
        </ul>
      </div>
    </Layout>
  );
}
