/**
 * The public figures' bar chart, drawn on the server as SVG (no script, no inline style): transparency report,
 * U/T-visa turnaround, municipal ID cards, legal-defense outcomes. Every figure on a public page has passed
 * small-cell suppression first; a suppressed figure is drawn as a dashed outline with a mark, never as a bar
 * of some height. Series differ by pattern as well as colour (WCAG 1.4.1). The chart is an image with a title
 * and a description; the page's table is its text alternative.
 */
import type { PublishedCell } from '../privacy/suppression.ts';
import { CHART_FONT, CHART_LINE, placeLegend, textWidth, widestWord, wrapText } from './chart-text.ts';
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

/** Sizes in SVG units; the defaults suit a few grouped bars per period. The chart grows past them to fit its text. */
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
  /** The least distance from one legend entry to the next (a long label gets more). */
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
 *
 * Text is never scaled down and never overlaps: the chart is drawn at its own size with 12px text, and grows to
 * fit its labels — a group is at least as wide as the longest word of its label, labels wrap onto more lines
 * (the chart grows taller), bars of a group stand far enough apart for their numbers, the legend wraps onto more
 * rows. A chart wider than the screen scrolls sideways in a focusable region named by its title (public/app.css).
 * `size` gives the smallest sizes: the plot's height (`height - top - bottom`), and a group's and a bar's width.
 *
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
  const anyHidden = groups.some((g) => g.bars.some((b) => !b.cell || b.cell.suppressed));
  // Horizontal layout: the bars of a group one slot apart (room for each one's number), groups wide enough for
  // their bars and for the longest word of their label, the y axis wide enough for its numbers.
  const texts = [...(props.valueLabels === false ? [] : values.map((v) => format.format(v))), ...(anyHidden ? [props.hiddenMark] : [])];
  const slot = Math.max(s.bar + s.gap, ...texts.map((t) => textWidth(t) + 4));
  const perGroup = Math.max(1, ...groups.map((g) => g.bars.length));
  const barsWidth = perGroup * slot - (slot - s.bar);
  const group = Math.max(s.group, barsWidth + 16, ...groups.map((g) => widestWord(g.label) + 8));
  const labels = groups.map((g) => wrapText(g.label, group - 8));
  const ticks = [0, Math.round(max / 2), max];
  const left = Math.max(s.left, ...ticks.map((v) => textWidth(format.format(v)) + 10));
  const legendWidth = Math.max(0, ...series.map((label) => 16 + textWidth(label)));
  const width = Math.max(left + Math.max(1, groups.length) * group + 16, left + legendWidth + 8);
  // Vertical layout: the plot, the labels' lines under it, then the legend's rows.
  const plot = s.height - s.top - s.bottom;
  const base = s.top + plot;
  const y = (v: number) => s.top + plot - (v / max) * plot;
  const labelTop = base + 18;
  const labelBottom = labelTop + (Math.max(1, ...labels.map((l) => l.length)) - 1) * CHART_LINE + 4;
  const legend = series.length > 1 ? placeLegend(series, { left, right: width - 8, swatch: 16, step: s.legend }) : { places: [], rows: 0 };
  const legendTop = labelBottom + 12;
  const height = Math.max(s.height, legend.rows > 0 ? legendTop + legend.rows * 20 : labelBottom + 8);
  const fill = (j: number) => `url(#${id}-fill-${PATTERNS[j % PATTERNS.length] ?? 'solid'})`;
  return (
    <figure class="sanctuary-chart">
      <div class="sanctuary-chart__scroll" role="region" aria-label={props.title} tabindex={0}>
        <svg
          xmlns="http://www.w3.org/2000/svg"
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          viewBox={`0 0 ${width} ${height}`}
          width={String(width)}
          height={String(height)}
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
          {ticks.map((v) => (
            <g>
              <line x1={String(left)} x2={String(width - 8)} y1={String(y(v))} y2={String(y(v))} stroke="#dfe1e2" />
              <text x={String(left - 6)} y={String(y(v) + 4)} text-anchor="end" font-size={String(CHART_FONT)} fill="#1b1b1b">
                {format.format(v)}
              </text>
            </g>
          ))}
          {groups.map((g, i) => {
            const center = left + i * group + group / 2;
            const x0 = center - barsWidth / 2;
            return (
              <g>
                {g.bars.map((b, j) => {
                  const x = x0 + j * slot;
                  const c = b.cell;
                  if (!c || c.suppressed) {
                    return (
                      <g>
                        <rect x={String(x)} y={String(base - 16)} width={String(s.bar)} height="16" fill="none" stroke="#565c65" stroke-dasharray="3 2" />
                        <text x={String(x + s.bar / 2)} y={String(base - 4)} text-anchor="middle" font-size={String(CHART_FONT)} fill="#1b1b1b">
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
                        <text x={String(x + s.bar / 2)} y={String(top - 3)} text-anchor="middle" font-size={String(CHART_FONT)} fill="#1b1b1b">
                          {format.format(c.value)}
                        </text>
                      )}
                      <title>{b.title}</title>
                    </g>
                  );
                })}
                <text class="sanctuary-chart__label" x={String(center)} y={String(labelTop)} text-anchor="middle" font-size={String(CHART_FONT)} fill="#1b1b1b">
                  {(labels[i] ?? []).map((line, k) => (
                    <tspan x={String(center)} dy={k === 0 ? '0' : String(CHART_LINE)}>
                      {line}
                    </tspan>
                  ))}
                </text>
              </g>
            );
          })}
          {legend.places.map((place, j) => {
            const rowTop = legendTop + place.row * 20;
            return (
              <g>
                <rect x={String(place.x)} y={String(rowTop)} width="12" height="12" fill={fill(j)} />
                <text x={String(place.x + 16)} y={String(rowTop + 10)} font-size={String(CHART_FONT)} fill="#1b1b1b">
                  {series[j]}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}
