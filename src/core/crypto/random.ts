/**
 * Identifiers, reference codes and tokens — every random value the platform hands out.
 *
 * All randomness comes from `node:crypto` (a CSPRNG: ASVS 4.0.3 6.3.1, 5.0 11.5.1); `Math.random` is
 * never used.
 */
import { randomBytes, randomFillSync } from 'node:crypto';

/** Crockford's base32 alphabet: digits and upper-case letters without I, L, O and U. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const MAX_TIMESTAMP = 2 ** 48 - 1;
const RANDOM_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

// The 80 random bits of an id are kept as two 40-bit halves in plain numbers (exact in a double), which is
// several times cheaper than BigInt arithmetic. The state is kept per process so ids created in the same
// millisecond still sort in creation order (see randomId).
const HALF = 2 ** 40;
let lastTimestamp = -1;
let lastHigh = 0;
let lastLow = 0;

// Random bytes are drawn from the CSPRNG in blocks and handed out in order (each byte used once), so an id
// costs no system call of its own.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolPos = POOL_SIZE;

function random40(): number {
  if (poolPos + 5 > POOL_SIZE) {
    randomFillSync(pool);
    poolPos = 0;
  }
  const v = pool.readUIntBE(poolPos, 5);
  pool.fill(0, poolPos, poolPos + 5);
  poolPos += 5;
  return v;
}

/** Writes a 25-bit integer as 5 base32 characters. */
function base32x5(v: number): string {
  const a = CROCKFORD_ALPHABET;
  return (a[(v >>> 20) & 31] as string) + (a[(v >>> 15) & 31] as string) + (a[(v >>> 10) & 31] as string) + (a[(v >>> 5) & 31] as string) + (a[v & 31] as string);
}

/** Writes a 20-bit integer as 4 base32 characters. */
function base32x4(v: number): string {
  const a = CROCKFORD_ALPHABET;
  return (a[(v >>> 15) & 31] as string) + (a[(v >>> 10) & 31] as string) + (a[(v >>> 5) & 31] as string) + (a[v & 31] as string);
}

const P20 = 2 ** 20;
const P25 = 2 ** 25;

// 26 characters carry 130 bits: the first 10 the timestamp (48 bits, top two bits zero), then 8 for each half.
function encodeId(timestamp: number, high: number, low: number): string {
  const tHigh = Math.floor(timestamp / P25);
  const hHigh = Math.floor(high / P20);
  const lHigh = Math.floor(low / P20);
  return (
    base32x5(tHigh) + base32x5(timestamp - tHigh * P25) + base32x4(hHigh) + base32x4(high - hHigh * P20) + base32x4(lHigh) + base32x4(low - lHigh * P20)
  );
}

/**
 * THE id format of the platform: a 26-character, time-sortable, unguessable identifier.
 *
 * Layout (128 bits, the same shape as a ULID): a 48-bit big-endian Unix timestamp in milliseconds followed
 * by 80 bits from the CSPRNG, written as 26 characters of Crockford base32 (upper case, no I/L/O/U; the first
 * character is always 0–7). Ids therefore sort lexicographically by creation time — good for B-tree locality
 * and keyset pagination — while still carrying 80 bits nobody can predict.
 *
 * Within one process, ids created in the same millisecond (or after the clock stepped back) are kept strictly
 * increasing: the random part is advanced by 1 + a fresh random 40-bit amount, not by 1 as in ULID's
 * "monotonic" mode, so a neighbouring id still cannot be guessed from another. Across processes two ids of the
 * same millisecond are ordered arbitrarily.
 *
 * Ids reveal their creation time to whoever sees them; that is accepted (records have timestamps anyway), but
 * an id is never a secret or a capability: every access goes through authorization.
 *
 * @param options.now  a fixed timestamp in ms (tests, back-fills); bypasses the per-process ordering state.
 */
export function randomId(options?: { now?: number }): string {
  if (options?.now !== undefined) {
    const ts = options.now;
    if (!Number.isSafeInteger(ts) || ts < 0 || ts > MAX_TIMESTAMP) {
      throw new RangeError('randomId: now must be an integer millisecond timestamp that fits in 48 bits');
    }
    return encodeId(ts, random40(), random40());
  }
  let ts = Date.now();
  let high: number;
  let low: number;
  if (ts <= lastTimestamp) {
    ts = lastTimestamp;
    high = lastHigh;
    low = lastLow + 1 + random40();
    if (low >= HALF) {
      low -= HALF;
      high += 1;
    }
    if (high >= HALF) {
      // Exhausted this millisecond (needs ~2^40 ids in one ms): borrow the next one.
      ts = lastTimestamp + 1;
      high = Math.floor(random40() / 2);
      low = random40();
    }
  } else {
    // Start in the lower half so same-millisecond increments practically never overflow.
    high = Math.floor(random40() / 2);
    low = random40();
  }
  lastTimestamp = ts;
  lastHigh = high;
  lastLow = low;
  return encodeId(ts, high, low);
}

/** True when `value` is a well-formed {@link randomId}. */
export function isRandomId(value: string): boolean {
  return RANDOM_ID_PATTERN.test(value);
}

/** The creation time encoded in a {@link randomId}. Throws on a malformed id. */
export function randomIdTimestamp(id: string): Date {
  if (!isRandomId(id)) throw new TypeError('not a valid id');
  let ms = 0;
  for (let i = 0; i < 10; i++) ms = ms * 32 + CROCKFORD_ALPHABET.indexOf(id[i] as string);
  // 10 characters carry 50 bits; the top two are always zero for a 48-bit timestamp.
  return new Date(ms);
}

// ---------------------------------------------------------------------------------------------------------
// Reference codes

const REFERENCE_DATA_CHARS = 9; // 9 × 5 = 45 bits of entropy
const REFERENCE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{10}$/;

/** Multiply by x in GF(2^5) with the primitive polynomial x^5 + x^2 + 1. */
function gfTimes2(v: number): number {
  const r = v << 1;
  return r & 32 ? (r ^ 0b100101) & 31 : r;
}

/**
 * Check character over GF(32): h = ((h·x) XOR digit) for each symbol, then the check symbol is h·x, so that
 * running the same recurrence over all ten symbols ends at 0. The operation a∘b = x·a + b is a totally
 * anti-symmetric quasigroup (Damm's construction), so every single-symbol substitution and every transposition
 * of two adjacent symbols — including the check symbol itself — is detected.
 */
function referenceState(symbols: string): number {
  let h = 0;
  for (let i = 0; i < symbols.length; i++) h = gfTimes2(h) ^ CROCKFORD_ALPHABET.indexOf(symbols[i] as string);
  return h;
}

function formatReference(symbols: string): string {
  return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8, 10)}`;
}

/**
 * A code a resident can read aloud over the phone to track a request: `XXXX-XXXX-XX`, Crockford base32 (no I,
 * L, O, U, so no 0/O or 1/I/L confusion), 9 random symbols (45 bits) plus one check symbol that catches every
 * single typo and every swap of neighbouring symbols. 45 bits is not enough to act as a password on its own:
 * pair a reference code with rate limiting and a second factor (e.g. date of birth or a token) before it
 * reveals anything.
 */
export function referenceCode(): string {
  const bytes = randomBytes(REFERENCE_DATA_CHARS);
  let data = '';
  // One byte per symbol, keeping 5 bits: 256 is a multiple of 32, so there is no modulo bias.
  for (let i = 0; i < REFERENCE_DATA_CHARS; i++) data += CROCKFORD_ALPHABET[(bytes[i] as number) & 31];
  const check = CROCKFORD_ALPHABET[gfTimes2(referenceState(data))] as string;
  return formatReference(data + check);
}

/**
 * Parses what a person typed or read out into the canonical `XXXX-XXXX-XX` form, or returns `null` when it is
 * not a valid reference code (wrong length, unknown symbol, or failed check symbol).
 *
 * Tolerant of case, spaces, dashes, dots and the usual confusions: O→0, I and L→1.
 */
export function normalizeReferenceCode(input: string): string | null {
  const symbols = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—_.]/gu, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (!REFERENCE_PATTERN.test(symbols)) return null;
  if (referenceState(symbols) !== 0) return null;
  return formatReference(symbols);
}

/** True when `input` (in any tolerated spelling) is a valid reference code. */
export function isValidReferenceCode(input: string): boolean {
  return normalizeReferenceCode(input) !== null;
}

// ---------------------------------------------------------------------------------------------------------
// Tokens

/**
 * A random bearer token (session ids, e-mail links, CSRF tokens) as unpadded base64url.
 * At least 16 bytes (128 bits, ASVS 5.0 7.2.3 / 11.5.1); 32 by default.
 */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024) {
    throw new RangeError('randomToken: bytes must be an integer from 16 to 1024');
  }
  return randomBytes(bytes).toString('base64url');
}

// A pool of random bytes for 96-bit AEAD nonces: one CSPRNG call per 512 nonces instead of one per nonce.
// Bytes are handed out once and never reused. Nonces are public (they travel with the ciphertext), so holding
// future ones in memory exposes nothing.
const NONCE_POOL = Buffer.alloc(12 * 512);
let noncePoolOffset = NONCE_POOL.length;

/**
 * A fresh 12-byte random nonce (internal to the crypto package). The returned buffer is a copy, so it stays
 * valid after the pool refills.
 */
export function randomNonce(): Buffer {
  if (noncePoolOffset >= NONCE_POOL.length) {
    randomFillSync(NONCE_POOL);
    noncePoolOffset = 0;
  }
  const nonce = Buffer.allocUnsafe(12);
  NONCE_POOL.copy(nonce, 0, noncePoolOffset, noncePoolOffset + 12);
  noncePoolOffset += 12;
  return nonce;
}
