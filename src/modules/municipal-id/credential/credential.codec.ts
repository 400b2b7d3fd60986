/**
 * The SMART Health Card framing of a compact JWS inside a QR code (spec `docs/index.md`, "Encoding in QR
 * codes"; `FAQ/qr.md`): the text `shc:/` followed by two decimal digits per JWS character, each the
 * character's code minus 45 (`-` is 00, `z` is 77). Pure functions, no I/O.
 *
 * Chunking (`shc:/<i>/<n>/<digits>`) is deprecated since SMART Health Cards 1.3.0 and never used for our own
 * cards; {@link assembleShcChunks} still checks a complete set by the spec's rules so the framing-only profile
 * can report exactly what is wrong with a chunked code.
 */
import type { ReasonCode } from './credential.reasons.ts';

export const SHC_PREFIX = 'shc:/';
/** Largest JWS in one QR code of version 22 at error correction L (`FAQ/qr.md`: (8048 − 76) × 3 / 20). */
export const MAX_SINGLE_QR_JWS_CHARS = 1195;
/** Largest JWS part in one chunk of a chunked set (spec: chunks of at most 1191 characters). */
export const MAX_CHUNK_JWS_CHARS = 1191;
/** Most chunks a set may have before we stop reading (the spec sets no number; a card never needs this many). */
export const MAX_CHUNKS = 32;
/** Highest QR version a card may use (spec: legible at 40 × 40 mm). */
export const MAX_QR_VERSION = 22;

/** Result of reading a numeric QR text: the JWS, or why there is none. */
export type ShcParse = { ok: true; jws: string } | { ok: false; reason: ReasonCode };

/** `shc:/` + the numeric encoding of a JWS (each character's code − 45, two digits). */
export function jwsToShc(jws: string): string {
  let out = SHC_PREFIX;
  for (let i = 0; i < jws.length; i++) {
    const v = jws.charCodeAt(i) - 45;
    if (v < 0 || v > 77) throw new RangeError('a compact JWS contains only base64url characters and dots');
    out += v < 10 ? `0${v}` : String(v);
  }
  return out;
}

/** The numeric digits (without prefix) of a JWS, for the QR code's numeric-mode segment. */
export function jwsToDigits(jws: string): string {
  return jwsToShc(jws).slice(SHC_PREFIX.length);
}

/** Decodes digits (already known to be an even count of ASCII digits) to a JWS; `null` when a pair is > 77. */
function digitsToJws(text: string, start: number): string | null {
  const codes = new Array<number>((text.length - start) >> 1);
  for (let i = start, j = 0; i < text.length; i += 2, j++) {
    const v = (text.charCodeAt(i) - 48) * 10 + (text.charCodeAt(i + 1) - 48);
    if (v > 77) return null;
    codes[j] = v + 45;
  }
  // Chunks of 4096 keep String.fromCharCode within argument-count limits on any engine.
  let out = '';
  for (let i = 0; i < codes.length; i += 4096) out += String.fromCharCode(...codes.slice(i, i + 4096));
  return out;
}

function allDigits(text: string, start: number): boolean {
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

interface ChunkHeader {
  index: number;
  total: number;
  digitsAt: number;
}

/** Reads `shc:/<i>/<n>/` at the start of a chunk; `null` when the text is not chunked, or a reason when malformed. */
function chunkHeader(text: string): ChunkHeader | null | ReasonCode {
  const m = /^shc:\/(\d{1,3})\/(\d{1,3})\//.exec(text);
  if (!m) return /^shc:\/\d*\//.test(text) ? 'qr_chunk_invalid' : null;
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 2 || index < 1 || index > total || m[1]?.startsWith('0') || m[2]?.startsWith('0')) return 'qr_chunk_invalid';
  return { index, total, digitsAt: m[0].length };
}

/** Checks the digits after the prefix: numeric, an even count, each pair at most 77. */
function digitsProblem(text: string, start: number): ReasonCode | null {
  if (text.length === start) return 'qr_odd_length';
  if (!allDigits(text, start)) return 'qr_not_numeric';
  if ((text.length - start) % 2 !== 0) return 'qr_odd_length';
  return null;
}

/**
 * Reads one QR text (`shc:/…`). Chunked texts are refused with `qr_chunked` unless `allowChunks`, in which case
 * a single chunk is incomplete by definition (`qr_chunk_missing`): pass every chunk to {@link assembleShcChunks}.
 */
export function parseShc(text: string, options: { maxJwsChars?: number; allowChunks?: boolean } = {}): ShcParse {
  const maxJws = options.maxJwsChars ?? MAX_SINGLE_QR_JWS_CHARS;
  if (!text.startsWith(SHC_PREFIX)) return { ok: false, reason: 'qr_prefix' };
  const header = chunkHeader(text);
  if (typeof header === 'string') return { ok: false, reason: header };
  if (header) return { ok: false, reason: options.allowChunks ? 'qr_chunk_missing' : 'qr_chunked' };
  const problem = digitsProblem(text, SHC_PREFIX.length);
  if (problem) return { ok: false, reason: problem };
  if ((text.length - SHC_PREFIX.length) / 2 > maxJws) return { ok: false, reason: 'qr_too_long' };
  const jws = digitsToJws(text, SHC_PREFIX.length);
  return jws === null ? { ok: false, reason: 'qr_value_out_of_range' } : { ok: true, jws };
}

/**
 * Joins a complete chunked set (`shc:/1/n/…` … `shc:/n/n/…`, in any order) into one JWS, by the spec's
 * rules: every chunk present once with the same total, each at most {@link MAX_CHUNK_JWS_CHARS} JWS
 * characters, and no more chunks than the JWS needs (a set split into more pieces than necessary is
 * `qr_chunk_too_small`, as the SMART Health Cards validator reports it).
 */
export function assembleShcChunks(texts: readonly string[], options: { maxJwsChars: number }): ShcParse {
  if (texts.length === 0) return { ok: false, reason: 'input_empty' };
  if (texts.length === 1) return parseShc(texts[0] ?? '', { maxJwsChars: options.maxJwsChars, allowChunks: true });
  if (texts.length > MAX_CHUNKS) return { ok: false, reason: 'qr_chunk_invalid' };
  const parts = new Map<number, string>();
  let total = 0;
  for (const text of texts) {
    if (!text.startsWith(SHC_PREFIX)) return { ok: false, reason: 'qr_prefix' };
    const header = chunkHeader(text);
    if (header === null) return { ok: false, reason: 'qr_chunk_invalid' };
    if (typeof header === 'string') return { ok: false, reason: header };
    if (total !== 0 && header.total !== total) return { ok: false, reason: 'qr_chunk_invalid' };
    total = header.total;
    if (parts.has(header.index)) return { ok: false, reason: 'qr_chunk_invalid' };
    const problem = digitsProblem(text, header.digitsAt);
    if (problem) return { ok: false, reason: problem };
    if ((text.length - header.digitsAt) / 2 > MAX_CHUNK_JWS_CHARS) return { ok: false, reason: 'qr_chunk_too_big' };
    const jws = digitsToJws(text, header.digitsAt);
    if (jws === null) return { ok: false, reason: 'qr_value_out_of_range' };
    parts.set(header.index, jws);
  }
  if (parts.size !== total || total > MAX_CHUNKS) return { ok: false, reason: total > MAX_CHUNKS ? 'qr_chunk_invalid' : 'qr_chunk_missing' };
  let jws = '';
  for (let i = 1; i <= total; i++) jws += parts.get(i) ?? '';
  if (jws.length > options.maxJwsChars) return { ok: false, reason: 'jws_too_long' };
  if (Math.ceil(jws.length / MAX_CHUNK_JWS_CHARS) < total) return { ok: false, reason: 'qr_chunk_too_small' };
  return { ok: true, jws };
}
