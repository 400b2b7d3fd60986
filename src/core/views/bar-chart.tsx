/**
 * The public figures' bar chart, drawn on the server as SVG (no script, no inline style): transparency report,
 * U/T-visa turnaround, municipal ID cards, legal-defense outcomes. Every figure on a public page has passed
 * small-cell suppression first; a suppressed figure is drawn as a dashed outline with a mark, never as a bar
 * of some height. Series differ by pattern as well as colour (WCAG 1.4.1). The chart is an image with a title
 * and a description; the page's table is its text alternative.
 */
import type { PublishedCell } from '../privacy/suppression.ts';
import type { ViewContext } from './view-context.ts';

/** One bar: a published cell (`undefined` or suppressed = hidden) and its accessible name. */
export interface ChartBar {
  readonly cell: PublishedCell | undefined;
  /** Read by assistive technology and shown as a tooltip: what the bar is, with its number or "hidden". */
  readonly title: string;
}

/** A group of bars under one label (a quarter, a month). */
export interface ChartGroup {
  readonly label: string;
  /** One bar per series, in the order of `series`. */
  readonly bars: readonly ChartBar[];
}

/** Sizes in SVG units; the defaults suit a few grouped bars per period. */
export interface ChartSize {
  readonly height: number;
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  /** Width of one group. */
  readonly group: number;
  readonly bar: number;
  /** Space between bars of a group. */
  readonly gap: number;
  /** Space between legend entries. */
  readonly legend: number;
}

const DEFAULT_SIZE: ChartSize = { height: 240, top: 20, bottom: 56, left: 48, group: 96, bar: 22, gap: 4, legend: 120 };

/** Fills by series: solid blue, hatched brown, dotted grey (told apart without colour). */
const PATTERNS = ['solid', 'hatched', 'dotted'] as const;

/** A published cell as text: the number in the page's language, or the word for a hidden figure. */
export function publishedCellText(ctx: ViewContext, cell: PublishedCell | undefined, hiddenText: string, format?: Intl.NumberFormat): string {
  if (!cell || cell.suppressed) return hiddenText;
  return (format ?? numberFormat(ctx)).format(cell.value);
}

/** A number format for the page's language (Hmong pages use English digits and separators). */
export function numberFormat(ctx: ViewContext, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  return new Intl.NumberFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, options);
}

/**
 * A grouped bar chart of suppressed figures.
 * @param props.id        unique on the page: prefixes the ids of the title, description and patterns
 * @param props.series    legend labels, one per bar of a group (no legend with a single series)
 * @param props.hiddenMark the short mark drawn on a hidden figure (e.g. "—", "n/a")
 * @param props.valueLabels print each published number above its bar (default true)
 */
export function BarChart(props: {
  ctx: ViewContext;
  id: string;
  title: string;
  desc: string;
  caption: string;
  hiddenMark: string;
  groups: readonly ChartGroup[];
  series?: readonly string[];
  valueLabels?: boolean;
  size?: Partial<ChartSize>;
}) {
  const { ctx, id, groups } = props;
  const s: ChartSize = { ...DEFAULT_SIZE, ...props.size };
  const series = props.series ?? [];
  const format = numberFormat(ctx);
  const values = groups.flatMap((g) => g.bars.flatMap((b) => (b.cell && !b.cell.suppressed ? [b.cell.value] : [])));
  const max = Math.max(20, ...values);
  const plot = s.height - s.top - s.bottom;
  const width = s.left + Math.max(1, groups.length) * s.group + 16;
  const y = (v: number) => s.top + plot - (v / max) * plot;
  const base = s.top + plot;
  const fill = (j: number) => `url(#${id}-fill-${PATTERNS[j % PATTERNS.length] ?? 'solid'})`;
  const perGroup = Math.max(1, ...groups.map((g) => g.bars.length));
  const groupWidth = perGroup * s.bar + (perGroup - 1) * s.gap;
  return (
    <figure class="sanctuary-chart">
      <svg
        xmlns="http://www.w3.org/2000/svg"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${width} ${s.height}`}
        width={String(width)}
        height={String(s.height)}
        class="sanctuary-chart__svg"
      >
        <title id={`${id}-title`}>{props.title}</title>
        <desc id={`${id}-desc`}>{props.desc}</desc>
        <defs>
          <pattern id={`${id}-fill-solid`} width="6" height="6" patternUnits="userSpaceOnUse">
            <rect width="6" height="6" fill="#1a4480" />
          </pattern>
          <pattern id={`${id}-fill-hatched`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#936f38" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2" />
          </pattern>
          <pattern id={`${id}-fill-dotted`} width="6" height="6" patternUnits="userSpaceOnUse">
            <rect width="6" height="6" fill="#565c65" />
            <circle cx="3" cy="3" r="1.2" fill="#ffffff" />
          </pattern>
        </defs>
        {[0, Math.round(max / 2), max].map((v) => (
          <g>
            <line x1={String(s.left)} x2={String(width - 8)} y1={String(y(v))} y2={String(y(v))} stroke="#dfe1e2" />
            <text x={String(s.left - 6)} y={String(y(v) + 4)} text-anchor="end" font-size="11" fill="#1b1b1b">
              {format.format(v)}
            </text>
          </g>
        ))}
        {groups.map((g, i) => {
          const x0 = s.left + i * s.group + 8;
          return (
            <g>
              {g.bars.map((b, j) => {
                const x = x0 + j * (s.bar + s.gap);
                const c = b.cell;
                if (!c || c.suppressed) {
                  return (
                    <g>
                      <rect x={String(x)} y={String(base - 16)} width={String(s.bar)} height="16" fill="none" stroke="#565c65" stroke-dasharray="3 2" />
                      <text x={String(x + s.bar / 2)} y={String(base - 4)} text-anchor="middle" font-size="11" fill="#1b1b1b">
                        {props.hiddenMark}
                      </text>
                      <title>{b.title}</title>
                    </g>
                  );
                }
                const top = y(c.value);
                return (
                  <g>
                    <rect x={String(x)} y={String(top)} width={String(s.bar)} height={String(Math.max(0, base - top))} fill={fill(j)} />
                    {props.valueLabels === false ? null : (
                      <text x={String(x + s.bar / 2)} y={String(top - 3)} text-anchor="middle" font-size="11" fill="#1b1b1b">
                        {format.format(c.value)}
                      </text>
                    )}
                    <title>{b.title}</title>
                  </g>
                );
              })}
              <text x={String(x0 + groupWidth / 2)} y={String(s.height - s.bottom + 16)} text-anchor="middle" font-size="10" fill="#1b1b1b">
                {g.label}
              </text>
            </g>
          );
        })}
        {series.length > 1
          ? series.map((label, j) => (
              <g>
                <rect x={String(s.left + j * s.legend)} y={String(s.height - 22)} width="12" height="12" fill={fill(j)} />
                <text x={String(s.left + j * s.legend + 16)} y={String(s.height - 12)} font-size="11" fill="#1b1b1b">
                  {label}
                </text>
              </g>
            ))
          : null}
      </svg>
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}
