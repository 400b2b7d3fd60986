import { Table } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import type { PublishedCell } from '../suppression.ts';
import type { TransparencyReport } from '../transparency.service.ts';

function cellText(ctx: ViewContext, c: PublishedCell | undefined): string {
  if (!c || c.suppressed) return ctx.t('transparency.suppressed');
  return new Intl.NumberFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale).format(c.value);
}

function quarterLabel(ctx: ViewContext, q: string): string {
  return ctx.t('transparency.quarter', { year: q.slice(0, 4), n: Number(q.slice(6)) });
}

const CHART = { height: 240, top: 20, bottom: 56, left: 48, group: 96, bar: 22 } as const;
const FILLS = ['url(#demand-fill-approved)', 'url(#demand-fill-declined)', 'url(#demand-fill-pending)'] as const;

/**
 * Bar chart of demands per quarter by outcome, drawn on the server as SVG (no script). Suppressed figures
 * are drawn as a dashed marker, never as a bar of some height. Outcomes differ by pattern as well as colour.
 * The title and description name the chart; the tables below are its text alternative.
 */
export function DemandsChart(props: { ctx: ViewContext; report: TransparencyReport }) {
  const { ctx, report } = props;
  const t = ctx.t;
  const quarters = report.quarters.slice(-8);
  const values = quarters.flatMap((q) => q.table.columnTotals.flatMap((c) => (c.suppressed ? [] : [c.value])));
  const max = Math.max(20, ...values);
  const plot = CHART.height - CHART.top - CHART.bottom;
  const width = CHART.left + Math.max(1, quarters.length) * CHART.group + 16;
  const y = (v: number) => CHART.top + plot - (v / max) * plot;
  const ticks = [0, Math.round(max / 2), max];
  return (
    <figure class="sanctuary-chart">
      <svg
        xmlns="http://www.w3.org/2000/svg"
        role="img"
        aria-labelledby="demands-chart-title demands-chart-desc"
        viewBox={`0 0 ${width} ${CHART.height}`}
        width={String(width)}
        height={String(CHART.height)}
        class="sanctuary-chart__svg"
      >
        <title id="demands-chart-title">{t('transparency.chart.title')}</title>
        <desc id="demands-chart-desc">{t('transparency.chart.desc', { quarters: quarters.length })}</desc>
        <defs>
          <pattern id="demand-fill-approved" width="6" height="6" patternUnits="userSpaceOnUse">
            <rect width="6" height="6" fill="#1a4480" />
          </pattern>
          <pattern id="demand-fill-declined" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#936f38" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2" />
          </pattern>
          <pattern id="demand-fill-pending" width="6" height="6" patternUnits="userSpaceOnUse">
            <rect width="6" height="6" fill="#565c65" />
            <circle cx="3" cy="3" r="1.2" fill="#ffffff" />
          </pattern>
        </defs>
        {ticks.map((v) => (
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
              {report.outcomes.map((outcome, j) => {
                const c = q.table.columnTotals[j] as PublishedCell;
                const x = x0 + j * (CHART.bar + 4);
                if (c.suppressed) {
                  return (
                    <g>
                      <rect x={String(x)} y={String(CHART.top + plot - 16)} width={String(CHART.bar)} height="16" fill="none" stroke="#565c65" stroke-dasharray="3 2" />
                      <text x={String(x + CHART.bar / 2)} y={String(CHART.top + plot - 4)} text-anchor="middle" font-size="11" fill="#1b1b1b">
                        {t('transparency.chart.hiddenMark')}
                      </text>
                      <title>{t('transparency.chart.barHidden', { quarter: quarterLabel(ctx, q.quarter), outcome: t(`transparency.outcome.${outcome}`) })}</title>
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
                    <title>{t('transparency.chart.bar', { quarter: quarterLabel(ctx, q.quarter), outcome: t(`transparency.outcome.${outcome}`), n: c.value })}</title>
                  </g>
                );
              })}
              <text x={String(x0 + (3 * (CHART.bar + 4)) / 2 - 2)} y={String(CHART.height - CHART.bottom + 16)} text-anchor="middle" font-size="11" fill="#1b1b1b">
                {quarterLabel(ctx, q.quarter)}
              </text>
            </g>
          );
        })}
        {report.outcomes.map((outcome, j) => (
          <g>
            <rect x={String(CHART.left + j * 120)} y={String(CHART.height - 22)} width="12" height="12" fill={FILLS[j] ?? FILLS[0]} />
            <text x={String(CHART.left + j * 120 + 16)} y={String(CHART.height - 12)} font-size="11" fill="#1b1b1b">
              {t(`transparency.outcome.${outcome}`)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{t('transparency.chart.caption')}</figcaption>
    </figure>
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
