/**
 * The claims inside a municipal ID credential (documented in `docs/municipal-id-credential.md`):
 *
 * ```json
 * {
 *   "iss": "https://id.city.example",            // the issuer URL (BASE_URL); keys at iss + /.well-known/jwks.json
 *   "nbf": 1767225600,                            // issued at, seconds
 *   "exp": 1893456000,                            // first second after the last valid day, in the city's time zone
 *   "vc": {
 *     "type": ["https://sanctuary.example/credentials#MunicipalId"],
 *     "credentialSubject": { "cardNumber": "…", "name": "…", "dateOfBirth": "YYYY-MM-DD", "expiresOn": "YYYY-MM-DD" },
 *     "rid": "…"                                  // revocation id: random, base64url, unlinkable to the card number
 *   }
 * }
 * ```
 *
 * Exactly what is printed on the card's face and no more: no address, no photo, no gender, no ward. Pure
 * functions; the content rules here are the `municipal-id` profile of verification.
 */
import type { CardFacts, ReasonCode } from './credential.reasons.ts';
import { RID_PATTERN } from './credential.trust.ts';

/** The credential type, an identifier (not a fetched URL) for the format defined in this module. */
export const MUNICIPAL_ID_TYPE = 'https://sanctuary.example/credentials#MunicipalId';

/** Longest name a card credential carries (code points); long enough for any name people use. */
export const MAX_NAME_CHARS = 100;
/**
 * …and in UTF-8 bytes (80 CJK characters, 60 from the supplementary planes). Random text of this size, which
 * DEFLATE cannot shrink, still fits a QR code of version ≤ 21 at error correction M with room for a long issuer
 * URL; version 22 is the limit.
 */
export const MAX_NAME_BYTES = 240;
const CARD_NUMBER = /^[A-Z0-9][A-Z0-9-]{2,30}[A-Z0-9]$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Printable ASCII only: already NFC, one code point per character (the common case, checked first for speed). */
const ASCII = /^[\x20-\x7e]*$/;
// Control, format (bidi overrides, zero-width joiners are allowed inside names: ZWJ/ZWNJ shape some scripts), and line separators.
// eslint-disable-next-line no-control-regex
const BAD_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** The JWT claims of a municipal ID credential. */
export interface MunicipalIdClaims {
  iss: string;
  nbf: number;
  exp: number;
  vc: {
    type: [typeof MUNICIPAL_ID_TYPE];
    credentialSubject: { cardNumber: string; name: string; dateOfBirth: string; expiresOn: string };
    rid: string;
  };
}

/** A real calendar date `YYYY-MM-DD` (rejects 2025-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/** Why a card's facts cannot go into a credential, or null when they can. */
export function cardFactsProblem(card: CardFacts): string | null {
  if (!CARD_NUMBER.test(card.number)) return 'card number must be 4–32 characters of A–Z, 0–9 and inner hyphens';
  const name = ASCII.test(card.name) ? card.name : card.name.normalize('NFC');
  if (name.trim() === '' || name !== name.trim()) return 'name must be non-empty without surrounding spaces';
  if (name.length > MAX_NAME_CHARS && [...name].length > MAX_NAME_CHARS) return `name must be at most ${MAX_NAME_CHARS} characters`;
  if (name.length * 3 > MAX_NAME_BYTES && Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `name must be at most ${MAX_NAME_BYTES} bytes in UTF-8`;
  if (BAD_NAME_CHARS.test(name)) return 'name contains control or direction-override characters';
  if (!isCalendarDate(card.dateOfBirth)) return 'dateOfBirth must be a real YYYY-MM-DD date';
  if (!isCalendarDate(card.expiresOn)) return 'expiresOn must be a real YYYY-MM-DD date';
  if (card.expiresOn <= card.dateOfBirth) return 'expiresOn must be after dateOfBirth';
  return null;
}

/**
 * The first instant after `date` ends in `timeZone` (midnight of the next local day), as Unix seconds: a card
 * that "expires 2030-06-30" is good through that whole day where it was issued.
 */
export function endOfLocalDay(date: string, timeZone: string): number {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const guess = next.getTime();
  // The zone's offset at that moment (twice: the first guess may sit on the other side of a DST change).
  let instant = guess;
  for (let i = 0; i < 2; i++) instant = guess - zoneOffsetMs(instant, timeZone);
  return Math.floor(instant / 1000);
}

function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** Builds the claims for a card. @throws RangeError when the card's facts break {@link cardFactsProblem}. */
export function buildClaims(card: CardFacts, options: { iss: string; nbf: number; exp: number; rid: string }): MunicipalIdClaims {
  const problem = cardFactsProblem(card);
  if (problem) throw new RangeError(`cannot issue a credential: ${problem}`);
  if (!RID_PATTERN.test(options.rid)) throw new RangeError('rid must be 1–24 base64url characters');
  if (!Number.isSafeInteger(options.nbf) || !Number.isSafeInteger(options.exp) || options.exp <= options.nbf) {
    throw new RangeError('nbf and exp must be whole seconds with exp after nbf');
  }
  return {
    iss: options.iss,
    nbf: options.nbf,
    exp: options.exp,
    vc: {
      type: [MUNICIPAL_ID_TYPE],
      credentialSubject: { cardNumber: card.number, name: card.name.normalize('NFC'), dateOfBirth: card.dateOfBirth, expiresOn: card.expiresOn },
      rid: options.rid,
    },
  };
}

/** The municipal-id profile's content rules on a verified payload: the card's facts, or why they are not usable. */
export function municipalIdFacts(vc: Record<string, unknown>): { ok: true; card: CardFacts } | { ok: false; reason: ReasonCode } {
  const type = vc.type;
  if (!Array.isArray(type) || !type.includes(MUNICIPAL_ID_TYPE)) return { ok: false, reason: 'type_mismatch' };
  const s = vc.credentialSubject;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return { ok: false, reason: 'subject_invalid' };
  const subject = s as Record<string, unknown>;
  const { cardNumber, name, dateOfBirth, expiresOn } = subject;
  if (typeof cardNumber !== 'string' || typeof name !== 'string' || typeof dateOfBirth !== 'string' || typeof expiresOn !== 'string') {
    return { ok: false, reason: 'subject_invalid' };
  }
  const card: CardFacts = { number: cardNumber, name, dateOfBirth, expiresOn };
  // Issued names are NFC; cardFactsProblem checks the NFC form, so a non-NFC name fails here.
  if (cardFactsProblem(card) !== null || (!ASCII.test(name) && name !== name.normalize('NFC'))) return { ok: false, reason: 'subject_invalid' };
  if (vc.rid === undefined) return { ok: false, reason: 'rid_missing' };
  return { ok: true, card };
}
