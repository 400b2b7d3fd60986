/**
 * Text in the server-drawn charts (bar-chart.tsx, line-chart.tsx). The server cannot measure text, so widths are
 * estimated per character from the widest of the fonts the page may use (Source Sans, Helvetica, Arial, Noto
 * Sans: Arial's advances, rounded up), so a label laid out by these numbers does not run into the next one. The
 * charts are drawn at their own size (never scaled down, see public/app.css), so a font size in SVG units is the
 * size on screen.
 */

/** The size of every text in a chart: labels, values, legend (12px on screen). */
export const CHART_FONT = 12;

/** The distance between two lines of a wrapped label. */
export const CHART_LINE = 15;

/** Advance widths in em, a little above Arial's (the widest of the page's fonts for Latin text). */
function advance(ch: string): number {
  if (ch === ' ') return 0.3;
  if (/[.,:;'|!/()[\]\-ijlftrI]/.test(ch)) return 0.4;
  if (ch === 'M' || ch === 'W') return 0.95;
  if (ch === 'm' || ch === 'w') return 0.85;
  if (/[A-Z]/.test(ch)) return 0.72;
  if ((ch.codePointAt(0) ?? 0) > 0x2e7f) return 1; // CJK and other wide scripts
  return 0.6;
}

/** The estimated width of a text at a font size (SVG units). */
export function textWidth(text: string, size = CHART_FONT): number {
  let em = 0;
  for (const ch of text) em += advance(ch);
  return Math.ceil(em * size);
}

/** The widest single word of a text: no width narrower than it can hold the text. */
export function widestWord(text: string, size = CHART_FONT): number {
  return Math.max(0, ...text.split(/\s+/).map((w) => textWidth(w, size)));
}

/** Splits a text into lines no wider than `width`, between words (a word wider than that gets a line alone). */
export function wrapText(text: string, width: number, size = CHART_FONT): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && textWidth(next, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines.length > 0 ? lines : [''];
}

/** One legend entry placed: where its swatch starts and the row it is on. */
export interface LegendPlace {
  readonly x: number;
  readonly row: number;
}

/**
 * Places legend entries left to right from `left`, starting a new row when the next one would pass `right`.
 * Each entry is `swatch` wide, then its label, then a gap; entries start at least `step` apart.
 */
export function placeLegend(labels: readonly string[], options: { left: number; right: number; swatch: number; step?: number }): { places: LegendPlace[]; rows: number } {
  const places: LegendPlace[] = [];
  let x = options.left;
  let row = 0;
  for (const label of labels) {
    const width = options.swatch + textWidth(label);
    if (x > options.left && x + width > options.right) {
      row += 1;
      x = options.left;
    }
    places.push({ x, row });
    x += Math.max(width + 24, options.step ?? 0);
  }
  return { places, rows: labels.length === 0 ? 0 : row + 1 };
}
