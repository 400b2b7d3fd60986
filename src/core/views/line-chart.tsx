/**
 * A line chart drawn on the server as SVG (no script, no inline style), for figures over time: a budget's
 * balance month by month and its projection, a count per week. Series differ by line pattern and marker shape
 * as well as colour (WCAG 1.4.1); the first series may be filled below its line (an area). The chart is an
 * image with a title and a description, each point has its own accessible title, and the page must show the
 * same figures in a table (its text alternative).
 *
 * Values are plain numbers on a numeric x axis (e.g. days since a start): the caller formats the axis labels
 * and point titles in the page's language. Public figures must pass small-cell suppression before they get
 * here (this chart draws what it is given; hidden figures belong in `bar-chart.tsx`).
 */
import { CHART_FONT, CHART_LINE, placeLegend, textWidth, widestWord, wrapText } from './chart-text.ts';

/** One point: its position and what assistive technology reads for it. */
export interface LinePoint {
  readonly x: number;
  readonly y: number;
  readonly title: string;
}

/** One line. */
export interface LineSeries {
  readonly label: string;
  readonly points: readonly LinePoint[];
}

/** Sizes in SVG units. */
export interface LineChartSize {
  readonly width: number;
  readonly height: number;
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
  /** The least distance from one legend entry to the next (a long label gets more). */
  readonly legend: number;
}

const DEFAULT_SIZE: LineChartSize = { width: 640, height: 260, top: 16, bottom: 60, left: 84, right: 16, legend: 200 };

/** Per series: colour, dash pattern and marker shape (told apart without colour). */
const STYLES = [
  { stroke: '#1a4480', dash: undefined, marker: 'circle' },
  { stroke: '#936f38', dash: '8 5', marker: 'square' },
  { stroke: '#565c65', dash: '2 4', marker: 'diamond' },
] as const;

function Marker(props: { shape: 'circle' | 'square' | 'diamond'; x: number; y: number; color: string; title: string }) {
  const { x, y } = props;
  const shape =
    props.shape === 'circle' ? (
      <circle cx={String(x)} cy={String(y)} r="3.5" fill={props.color} />
    ) : props.shape === 'square' ? (
      <rect x={String(x - 3.5)} y={String(y - 3.5)} width="7" height="7" fill={props.color} />
    ) : (
      <polygon points={`${x},${y - 4.5} ${x + 4.5},${y} ${x},${y + 4.5} ${x - 4.5},${y}`} fill={props.color} />
    );
  return (
    <g>
      {shape}
      <title>{props.title}</title>
    </g>
  );
}

/**
 * A line chart. Drawn at its own size with 12px text (never scaled down; wider than the screen, it scrolls
 * sideways in a focusable region named by its title). The x axis labels never overlap: they wrap onto more lines
 * to fit between their ticks, and when even one word does not fit, only every second (third, …) tick is labelled
 * — every point keeps its own title, and the page's table has every figure. The y axis and the bottom margin grow
 * to fit their text; the legend wraps onto more rows.
 * @param props.id     unique on the page: prefixes the ids of the title and description
 * @param props.xMax   the right end of the x axis (x runs from 0)
 * @param props.yMax   the top of the y axis (y runs from 0; points above it are drawn at the top)
 * @param props.xTicks labelled positions on the x axis
 * @param props.yFormat the y axis labels (three: 0, half, max)
 * @param props.area   fill below the first series
 */
export function LineChart(props: {
  id: string;
  title: string;
  desc: string;
  caption: string;
  series: readonly LineSeries[];
  xMax: number;
  yMax: number;
  xTicks: ReadonlyArray<{ x: number; label: string }>;
  yFormat: (value: number) => string;
  area?: boolean;
  size?: Partial<LineChartSize>;
}) {
  const s: LineChartSize = { ...DEFAULT_SIZE, ...props.size };
  const xMax = Math.max(1, props.xMax);
  const yMax = Math.max(1, props.yMax);
  const yTicks = [0, yMax / 2, yMax];
  const left = Math.max(s.left, ...yTicks.map((v) => textWidth(props.yFormat(v)) + 10));
  // Wider by what the y axis needs past `left`, and by what the last label (centred on its tick) needs past `right`.
  const lastTick = props.xTicks.reduce<{ x: number; label: string } | undefined>((a, t) => (a === undefined || t.x >= a.x ? t : a), undefined);
  const right = Math.max(s.right, lastTick ? Math.ceil(textWidth(lastTick.label) / 2) + 4 : 0);
  const width = s.width + (left - s.left) + (right - s.right);
  const plotW = width - left - right;
  const plotH = s.height - s.top - s.bottom;
  const px = (x: number) => left + (Math.min(Math.max(x, 0), xMax) / xMax) * plotW;
  const py = (y: number) => s.top + plotH - (Math.min(Math.max(y, 0), yMax) / yMax) * plotH;
  const base = s.top + plotH;
  const round = (v: number) => Math.round(v * 10) / 10;
  const ticks = xTickLabels(props.xTicks, px, width - left);
  const labelTop = base + 18;
  const labelBottom = labelTop + (Math.max(1, ...ticks.map((t) => t.lines.length)) - 1) * CHART_LINE + 4;
  const legend = props.series.length > 1 ? placeLegend(props.series.map((x) => x.label), { left, right: width - 8, swatch: 30, step: s.legend }) : { places: [], rows: 0 };
  const legendTop = labelBottom + 14;
  const height = Math.max(s.height, legend.rows > 0 ? legendTop + legend.rows * 22 : labelBottom + 8);
  return (
    <figure class="sanctuary-chart">
      <div class="sanctuary-chart__scroll" role="region" aria-label={props.title} tabindex={0}>
        <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`} viewBox={`0 0 ${width} ${height}`} width={String(width)} height={String(height)} class="sanctuary-chart__svg">
          <title id={`${props.id}-title`}>{props.title}</title>
          <desc id={`${props.id}-desc`}>{props.desc}</desc>
          {yTicks.map((v) => (
            <g>
              <line x1={String(left)} x2={String(width - right)} y1={String(round(py(v)))} y2={String(round(py(v)))} stroke="#dfe1e2" />
              <text x={String(left - 6)} y={String(round(py(v)) + 4)} text-anchor="end" font-size={String(CHART_FONT)} fill="#1b1b1b">
                {props.yFormat(v)}
              </text>
            </g>
          ))}
          <line x1={String(left)} x2={String(width - right)} y1={String(base)} y2={String(base)} stroke="#565c65" />
          {ticks.map((tick) => (
            <g>
              <line x1={String(round(px(tick.x)))} x2={String(round(px(tick.x)))} y1={String(base)} y2={String(base + 4)} stroke="#565c65" />
              {tick.lines.length > 0 ? (
                <text class="sanctuary-chart__label" x={String(round(px(tick.x)))} y={String(labelTop)} text-anchor="middle" font-size={String(CHART_FONT)} fill="#1b1b1b">
                  {tick.lines.map((line, k) => (
                    <tspan x={String(round(px(tick.x)))} dy={k === 0 ? '0' : String(CHART_LINE)}>
                      {line}
                    </tspan>
                  ))}
                </text>
              ) : null}
            </g>
          ))}
          {props.series.map((series, j) => {
            const style = STYLES[j % STYLES.length] ?? STYLES[0];
            const pts = series.points.map((p) => `${round(px(p.x))},${round(py(p.y))}`);
            const first = series.points[0];
            const last = series.points[series.points.length - 1];
            return (
              <g>
                {props.area && j === 0 && first && last && series.points.length > 1 ? (
                  <polygon points={`${round(px(first.x))},${base} ${pts.join(' ')} ${round(px(last.x))},${base}`} fill="#d9e8f6" />
                ) : null}
                {series.points.length > 1 ? <polyline points={pts.join(' ')} fill="none" stroke={style.stroke} stroke-width="2" stroke-dasharray={style.dash} /> : null}
                {series.points.map((p) => (
                  <Marker shape={style.marker} x={round(px(p.x))} y={round(py(p.y))} color={style.stroke} title={p.title} />
                ))}
              </g>
            );
          })}
          {legend.places.map((place, j) => {
            const series = props.series[j];
            if (!series) return null;
            const style = STYLES[j % STYLES.length] ?? STYLES[0];
            const x = place.x;
            const y = legendTop + place.row * 22 + 6;
            return (
              <g>
                <line x1={String(x)} x2={String(x + 24)} y1={String(y)} y2={String(y)} stroke={style.stroke} stroke-width="2" stroke-dasharray={style.dash} />
                <Marker shape={style.marker} x={x + 12} y={y} color={style.stroke} title={series.label} />
                <text x={String(x + 30)} y={String(y + 4)} font-size={String(CHART_FONT)} fill="#1b1b1b">
                  {series.label}
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

/**
 * The x axis labels as lines of text: each wrapped to fit the room to its neighbours; when one word of some label
 * is wider than that room, only every n-th tick keeps its label (the others an empty list: a tick mark alone).
 */
function xTickLabels(ticks: ReadonlyArray<{ x: number; label: string }>, px: (x: number) => number, plotWidth: number): Array<{ x: number; lines: string[] }> {
  const sorted = [...ticks].sort((a, b) => a.x - b.x);
  let gap = plotWidth;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, px((sorted[i] as { x: number }).x) - px((sorted[i - 1] as { x: number }).x));
  const word = Math.max(0, ...sorted.map((t) => widestWord(t.label)));
  // Every n-th label, so that labelled ticks are at least one word plus a margin apart; fewer still when that
  // makes every label fit on two lines (a tall stack of single words is hard to read).
  const fewest = gap <= 0 ? sorted.length : Math.max(1, Math.ceil((word + 8) / gap));
  const room = (every: number) => Math.max(word, gap * every - 8);
  let every = fewest;
  while (every < sorted.length && sorted.some((t, i) => i % every === 0 && wrapText(t.label, room(every)).length > 2)) every += 1;
  if (sorted.some((t, i) => i % every === 0 && wrapText(t.label, room(every)).length > 2)) every = fewest;
  return sorted.map((t, i) => ({ x: t.x, lines: i % every === 0 ? wrapText(t.label, room(every)) : [] }));
}
