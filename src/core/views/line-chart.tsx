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
  /** Space between legend entries. */
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
 * A line chart.
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
  const plotW = s.width - s.left - s.right;
  const plotH = s.height - s.top - s.bottom;
  const xMax = Math.max(1, props.xMax);
  const yMax = Math.max(1, props.yMax);
  const px = (x: number) => s.left + (Math.min(Math.max(x, 0), xMax) / xMax) * plotW;
  const py = (y: number) => s.top + plotH - (Math.min(Math.max(y, 0), yMax) / yMax) * plotH;
  const base = s.top + plotH;
  const round = (v: number) => Math.round(v * 10) / 10;
  return (
    <figure class="sanctuary-chart">
      <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`} viewBox={`0 0 ${s.width} ${s.height}`} width={String(s.width)} height={String(s.height)} class="sanctuary-chart__svg">
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{props.desc}</desc>
        {[0, yMax / 2, yMax].map((v) => (
          <g>
            <line x1={String(s.left)} x2={String(s.width - s.right)} y1={String(round(py(v)))} y2={String(round(py(v)))} stroke="#dfe1e2" />
            <text x={String(s.left - 6)} y={String(round(py(v)) + 4)} text-anchor="end" font-size="11" fill="#1b1b1b">
              {props.yFormat(v)}
            </text>
          </g>
        ))}
        <line x1={String(s.left)} x2={String(s.width - s.right)} y1={String(base)} y2={String(base)} stroke="#565c65" />
        {props.xTicks.map((tick) => (
          <g>
            <line x1={String(round(px(tick.x)))} x2={String(round(px(tick.x)))} y1={String(base)} y2={String(base + 4)} stroke="#565c65" />
            <text x={String(round(px(tick.x)))} y={String(base + 16)} text-anchor="middle" font-size="10" fill="#1b1b1b">
              {tick.label}
            </text>
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
        {props.series.length > 1
          ? props.series.map((series, j) => {
              const style = STYLES[j % STYLES.length] ?? STYLES[0];
              const x = s.left + j * s.legend;
              const y = s.height - 14;
              return (
                <g>
                  <line x1={String(x)} x2={String(x + 24)} y1={String(y)} y2={String(y)} stroke={style.stroke} stroke-width="2" stroke-dasharray={style.dash} />
                  <Marker shape={style.marker} x={x + 12} y={y} color={style.stroke} title={series.label} />
                  <text x={String(x + 30)} y={String(y + 4)} font-size="11" fill="#1b1b1b">
                    {series.label}
                  </text>
                </g>
              );
            })
          : null}
      </svg>
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}
