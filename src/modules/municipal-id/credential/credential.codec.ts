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

/**
 * Decodes the digits after `start` to a JWS in one pass into a byte buffer (this runs on every verification),
 * or says what is wrong: a non-digit, an odd count, a pair above 77.
 */
function digitsToJws(text: string, start: number): string | { reason: ReasonCode } {
  const count = text.length - start;
  const out = Buffer.allocUnsafe(count >> 1);
  let outOfRange = false;
  for (let i = start, j = 0; i + 1 < text.length; i += 2, j++) {
    const a = text.charCodeAt(i) - 48;
    const b = text.charCodeAt(i + 1) - 48;
    if (a < 0 || a > 9 || b < 0 || b > 9) return { reason: 'qr_not_numeric' };
    const v = a * 10 + b;
    if (v > 77) outOfRange = true;
    out[j] = v + 45;
  }
  if (count % 2 !== 0) {
    const last = text.charCodeAt(text.length - 1);
    return { reason: last < 48 || last > 57 ? 'qr_not_numeric' : 'qr_odd_length' };
  }
  if (count === 0) return { reason: 'qr_odd_length' };
  return outOfRange ? { reason: 'qr_value_out_of_range' } : out.toString('latin1');
}

interface ChunkHeader {
  index: number;
  total: number;
  digitsAt: number;
}

/** Reads `shc:/<i>/<n>/` at the start of a chunk; `null` when the text is not chunked, or a reason when malformed. */
function chunkHeader(text: string): ChunkHeader | null | ReasonCode {
  // Cheap test first (this runs on every verification): a chunked text has a '/' within a few digits of the prefix.
  let i = SHC_PREFIX.length;
  while (i < text.length && i < SHC_PREFIX.length + 4 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (text.charCodeAt(i) !== 47) return null;
  const m = /^shc:\/(\d{1,3})\/(\d{1,3})\//.exec(text);
  if (!m) return 'qr_chunk_invalid';
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 2 || index < 1 || index > total || m[1]?.startsWith('0') || m[2]?.startsWith('0')) return 'qr_chunk_invalid';
  return { index, total, digitsAt: m[0].length };
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
  if ((text.length - SHC_PREFIX.length) / 2 > maxJws) return { ok: false, reason: 'qr_too_long' };
  const jws = digitsToJws(text, SHC_PREFIX.length);
  return typeof jws === 'string' ? { ok: true, jws } : { ok: false, reason: jws.reason };
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
    if ((text.length - header.digitsAt) / 2 > MAX_CHUNK_JWS_CHARS) return { ok: false, reason: 'qr_chunk_too_big' };
    const jws = digitsToJws(text, header.digitsAt);
    if (typeof jws !== 'string') return { ok: false, reason: jws.reason };
    parts.set(header.index, jws);
  }
  if (parts.size !== total || total > MAX_CHUNKS) return { ok: false, reason: total > MAX_CHUNKS ? 'qr_chunk_invalid' : 'qr_chunk_missing' };
  let jws = '';
  for (let i = 1; i <= total; i++) jws += parts.get(i) ?? '';
  if (jws.length > options.maxJwsChars) return { ok: false, reason: 'jws_too_long' };
  if (Math.ceil(jws.length / MAX_CHUNK_JWS_CHARS) < total) return { ok: false, reason: 'qr_chunk_too_small' };
  return { ok: true, jws };
}
