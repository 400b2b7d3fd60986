/**
 * A small PDF reader for tests of the printed card and letters: page count, page boxes, and the text each page
 * draws — read back through the fonts' `ToUnicode` maps and `/ActualText` spans, as a PDF viewer's copy/paste
 * does — plus the glyphs drawn with glyph 0 (`.notdef`, the empty box a font draws for a character it does not
 * have: "tofu").
 *
 * It reads what Chromium (Skia) writes: uncompressed object table, Flate streams, Type0/Identity-H fonts. It is
 * not a general PDF parser. `pdftotext` (poppler-utils), when installed, gives an independent second reading.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

export interface PdfPage {
  /** `[x1, y1, x2, y2]` in points. */
  mediaBox: [number, number, number, number];
  /** Width and height of the media box in millimetres. */
  sizeMm: { width: number; height: number };
  /** The text drawn, in drawing order (runs separated by spaces). */
  text: string;
  /** Glyphs drawn with glyph id 0 (`.notdef`), per font name. */
  notdef: Array<{ font: string }>;
  /** Base font names used on the page (subset prefix removed). */
  fonts: string[];
  /** Images drawn (XObjects of subtype Image). */
  images: number;
}

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

function parseObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endobj', start);
    if (end < 0) break;
    const body = text.slice(start, end);
    const streamAt = body.indexOf('stream');
    if (streamAt >= 0 && /\/Length\s+\d+/.test(body.slice(0, streamAt))) {
      const dict = body.slice(0, streamAt);
      let s = start + streamAt + 'stream'.length;
      if (text[s] === '\r') s++;
      if (text[s] === '\n') s++;
      const length = Number(/\/Length\s+(\d+)/.exec(dict)?.[1]);
      let data = pdf.subarray(s, s + length);
      if (/\/FlateDecode/.test(dict)) data = zlib.inflateSync(data);
      objects.set(Number(m[1]), { dict, stream: data });
    } else {
      objects.set(Number(m[1]), { dict: body });
    }
    re.lastIndex = end;
  }
  return objects;
}

/** The object number of `/Key N 0 R` in a dictionary. */
function ref(dict: string, key: string): number | undefined {
  let at = dict.indexOf(`/${key}`);
  while (at >= 0) {
    const after = dict.slice(at + key.length + 1);
    const m = /^\s+(\d+) 0 R/.exec(after);
    if (m) return Number(m[1]);
    at = dict.indexOf(`/${key}`, at + 1);
  }
  return undefined;
}

/** The body of a `<< … >>` value of `key` (nested dictionaries balanced). */
function subDict(dict: string, key: string): string | undefined {
  const at = dict.indexOf(`/${key}`);
  if (at < 0) return undefined;
  const open = dict.indexOf('<<', at);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < dict.length - 1; i++) {
    if (dict.startsWith('<<', i)) {
      depth++;
      i++;
    } else if (dict.startsWith('>>', i)) {
      depth--;
      i++;
      if (depth === 0) return dict.slice(open + 2, i - 1);
    }
  }
  return undefined;
}

function hexToUnicode(hex: string): string {
  let out = '';
  for (let i = 0; i + 4 <= hex.length; i += 4) out += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return out;
}

/** A ToUnicode CMap: code (hex) → text. */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of (block[1] as string).matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(parseInt(m[1] as string, 16), hexToUnicode(m[2] as string));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of (block[1] as string).matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])/g)) {
      const lo = parseInt(m[1] as string, 16);
      const hi = parseInt(m[2] as string, 16);
      const target = m[3] as string;
      if (target.startsWith('[')) {
        const items = [...target.matchAll(/<([0-9A-Fa-f]+)>/g)].map((x) => hexToUnicode(x[1] as string));
        for (let c = lo; c <= hi; c++) map.set(c, items[c - lo] ?? '');
      } else {
        const base = hexToUnicode(target.slice(1, -1));
        const last = base.charCodeAt(base.length - 1);
        for (let c = lo; c <= hi; c++) map.set(c, base.slice(0, -1) + String.fromCharCode(last + (c - lo)));
      }
    }
  }
  return map;
}

interface Font {
  name: string;
  toUnicode: Map<number, string>;
  /** Bytes per character code: 2 for Type0 Identity-H fonts, 1 for simple and Type3 fonts (Skia draws CJK as Type3). */
  bytes: 1 | 2;
  /** Type0 with an Identity CID→GID map: code 0 is glyph 0, `.notdef`. */
  identity: boolean;
}

function fontsOf(objects: Map<number, PdfObject>, pageDict: string): Map<string, Font> {
  const fonts = new Map<string, Font>();
  const resources = subDict(pageDict, 'Resources') ?? '';
  const fontDict = subDict(resources, 'Font') ?? '';
  for (const m of fontDict.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) {
    const obj = objects.get(Number(m[2]));
    if (!obj) continue;
    const base = /\/BaseFont\s*\/([^\s/<>[\]]+)/.exec(obj.dict)?.[1] ?? '?';
    const cmapRef = ref(obj.dict, 'ToUnicode');
    const cmap = cmapRef !== undefined ? objects.get(cmapRef)?.stream?.toString('latin1') : undefined;
    const type0 = /\/Subtype\s*\/Type0/.test(obj.dict);
    const descriptor = ref(obj.dict, 'FontDescriptor');
    const family = descriptor !== undefined ? /\/FontName\s*\/([^\s/<>[\]]+)/.exec(objects.get(descriptor)?.dict ?? '')?.[1] : undefined;
    fonts.set(m[1] as string, {
      name: (base === '?' && family ? family : base).replace(/^[A-Z]{6}\+/, ''),
      toUnicode: cmap ? parseToUnicode(cmap) : new Map<number, string>(),
      bytes: type0 ? 2 : 1,
      identity: type0 && /\/Identity-H/.test(obj.dict),
    });
  }
  return fonts;
}

/** Decodes a PDF literal string `( … )` with its escapes. */
function literal(s: string): string {
  return s.replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_m, e: string) => {
    const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
    return map[e] ?? String.fromCharCode(parseInt(e, 8));
  });
}

function contentText(content: string, fonts: Map<string, Font>): { text: string; notdef: Array<{ font: string }>; used: Set<string> } {
  const tokens = content.match(/<<|>>|\[|\]|<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\)|\/[^\s/<>[\]()]+|[^\s/<>[\]()]+/g) ?? [];
  let font: Font | undefined;
  const parts: string[] = [];
  const notdef: Array<{ font: string }> = [];
  const used = new Set<string>();
  // Marked content: ActualText spans (their text replaces the glyphs drawn inside them) and ReversedChars
  // (right-to-left text drawn in visual order: reversed back to reading order at its end).
  const actual: Array<string | null> = [];
  const reversed: Array<number | null> = [];
  const stack: Array<string | number> = [];
  const show = (hex: string) => {
    if (!font) return;
    const clean = hex.replace(/\s+/g, '');
    let s = '';
    const width = font.bytes * 2;
    for (let i = 0; i + width <= clean.length; i += width) {
      const code = parseInt(clean.slice(i, i + width), 16);
      if (code === 0 && font.identity) notdef.push({ font: font.name });
      s += font.toUnicode.get(code) ?? '';
    }
    used.add(font.name);
    if (!actual.some((a) => a !== null)) parts.push(s);
  };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as string;
    if (tok === 'Tf') {
      font = fonts.get(String(stack[stack.length - 2] ?? '').slice(1));
      stack.length = 0;
    } else if (tok === 'Tj' || tok === "'" || tok === '"') {
      const arg = stack[stack.length - 1];
      if (typeof arg === 'string' && arg.startsWith('<')) show(arg.slice(1, -1));
      stack.length = 0;
    } else if (tok === '[') {
      // TJ array: collect to the matching ].
      let j = i + 1;
      while (j < tokens.length && tokens[j] !== ']') {
        const t = tokens[j] as string;
        if (t.startsWith('<') && t !== '<<') show(t.slice(1, -1));
        j++;
      }
      i = j;
    } else if (tok === 'BDC') {
      const props = stack.filter((x): x is string => typeof x === 'string').join(' ');
      const m = /\/ActualText\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))/.exec(props);
      if (m) {
        const v = m[1] as string;
        const text = v.startsWith('<') ? hexToUnicode(v.slice(1, -1).replace(/\s+/g, '').replace(/^FEFF/i, '')) : literal(v.slice(1, -1));
        parts.push(text);
        actual.push(text);
      } else {
        actual.push(null);
      }
      reversed.push(null);
      stack.length = 0;
    } else if (tok === 'BMC') {
      actual.push(null);
      reversed.push(stack[stack.length - 1] === '/ReversedChars' ? parts.length : null);
      stack.length = 0;
    } else if (tok === 'EMC') {
      actual.pop();
      const from = reversed.pop();
      if (typeof from === 'number') parts.splice(from, parts.length - from, [...parts.slice(from).join('')].reverse().join(''));
    } else if (tok === 'ET') {
      parts.push(' ');
      stack.length = 0;
    } else if (tok === '<<') {
      // Inline dictionary (BDC properties): keep it as one string operand.
      let depth = 1;
      let j = i + 1;
      const body = ['<<'];
      while (j < tokens.length && depth > 0) {
        const t = tokens[j] as string;
        if (t === '<<') depth++;
        if (t === '>>') depth--;
        body.push(t);
        j++;
      }
      stack.push(body.join(' '));
      i = j - 1;
    } else if (/^[A-Za-z*'"]+$/.test(tok) && !tok.startsWith('/')) {
      stack.length = 0;
    } else {
      stack.push(tok);
    }
  }
  return { text: parts.join('').replace(/\s+/g, ' ').trim(), notdef, used };
}

/** Reads the pages of a PDF made by Chromium. */
export function readPdf(pdf: Buffer): PdfPage[] {
  const objects = parseObjects(pdf);
  const catalog = [...objects.values()].find((o) => /\/Type\s*\/Catalog/.test(o.dict));
  const rootPages = catalog ? ref(catalog.dict, 'Pages') : undefined;
  const order: number[] = [];
  const walk = (id: number) => {
    const o = objects.get(id);
    if (!o) return;
    if (/\/Type\s*\/Pages/.test(o.dict)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(o.dict)?.[1] ?? '';
      for (const k of kids.matchAll(/(\d+) 0 R/g)) walk(Number(k[1]));
    } else if (/\/Type\s*\/Page\b/.test(o.dict)) {
      order.push(id);
    }
  };
  if (rootPages !== undefined) walk(rootPages);
  return order.map((id) => {
    const dict = (objects.get(id) as PdfObject).dict;
    const box = (/\/MediaBox\s*\[([^\]]*)\]/.exec(dict)?.[1] ?? '0 0 0 0').trim().split(/\s+/).map(Number) as [number, number, number, number];
    const contentRefs = /\/Contents\s*\[([^\]]*)\]/.exec(dict)?.[1] ?? `${ref(dict, 'Contents') ?? ''} 0 R`;
    const content = [...contentRefs.matchAll(/(\d+) 0 R/g)].map((m) => objects.get(Number(m[1]))?.stream?.toString('latin1') ?? '').join('\n');
    const fonts = fontsOf(objects, dict);
    const { text, notdef, used } = contentText(content, fonts);
    const xobjects = subDict(subDict(dict, 'Resources') ?? '', 'XObject') ?? '';
    const images = [...xobjects.matchAll(/(\d+) 0 R/g)].filter((m) => /\/Subtype\s*\/Image/.test(objects.get(Number(m[1]))?.dict ?? '')).length;
    const toMm = (p: number) => (p / 72) * 25.4;
    return {
      mediaBox: box,
      sizeMm: { width: toMm(box[2] - box[0]), height: toMm(box[3] - box[1]) },
      text,
      notdef,
      fonts: [...used],
      images,
    };
  });
}

/** Whether `pdftotext` (poppler-utils) is installed. */
export function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The text of a PDF by `pdftotext` (one page with `page`). */
export function pdftotext(pdf: Buffer, page?: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-pdf-'));
  try {
    const file = path.join(dir, 'in.pdf');
    fs.writeFileSync(file, pdf);
    const args = page ? ['-f', String(page), '-l', String(page)] : [];
    return execFileSync('pdftotext', [...args, '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Letters of a text for comparison: NFKC (presentation forms and ligatures to letters), no spaces or marks of direction. */
export function letters(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu, '');
}

/** Whether every character of `needle` occurs in `haystack` at least as often (order-free; for right-to-left runs). */
export function containsLetters(haystack: string, needle: string): boolean {
  const count = new Map<string, number>();
  for (const ch of letters(haystack)) count.set(ch, (count.get(ch) ?? 0) + 1);
  for (const ch of letters(needle)) {
    const n = count.get(ch) ?? 0;
    if (n === 0) return false;
    count.set(ch, n - 1);
  }
  return true;
}
