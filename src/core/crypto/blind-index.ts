/**
 * Blind indexes: exact-match lookups over encrypted fields without storing plaintext or an unkeyed hash
 * (CipherSweet's design; security-reliability §3.4, R25).
 *
 *     index = truncate(HMAC-SHA-256(K_index, encode(normalize(value))), bits)
 *     K_index = HKDF-SHA-256(ikm = index root key, salt = "sanctuary/blind-index/v1", info = indexName)
 *
 * ## Key decision: a separate, long-lived index root key — not the KEK
 *
 * Index keys are derived from a dedicated **index root key** kept beside the KEKs (key file, or
 * `SANCTUARY_INDEX_KEY`), never from a KEK, because:
 *
 * 1. **KEK rotation stays cheap.** Rotating a KEK only re-wraps DEKs (§3.2). If index keys came from the KEK,
 *    every rotation would have to decrypt every row to recompute every index, and lookups would break while
 *    it runs — so rotations would be postponed, which is worse.
 * 2. **KMS/HSM KEKs cannot be derived from.** A KMS never releases the KEK; HKDF needs its bytes. The root key
 *    is the one secret a KMS provider unwraps once at start-up (see `key-provider.ts`).
 * 3. **Smaller blast radius.** The root key only allows *confirming guesses* against indexes; it decrypts
 *    nothing. The KEK never needs to be in memory for lookups.
 *
 * The price, and how we pay it: an old backup keeps the blind-index values of a subject shredded since, and
 * someone holding both that backup and the root key could confirm a guessed value ("was José García a
 * client?"). Therefore (a) shredding also deletes the subject's index rows, and (b) the root key is
 * rotatable: the key file holds several root keys with one current, so an operator can re-index under a new
 * root and destroy the old one after the backup window — the same schedule as KEK destruction. During a
 * re-index, query with both keys (`WHERE idx IN (old, new)`).
 *
 * ## Using it
 *
 * - One index name per (table, column, transformation), e.g. `legal_defense_subjects.a_number`,
 *   `municipal_id_applicants.name`, `municipal_id_applicants.dob_last_name`. Distinct names give unrelated
 *   keys, so equal values do not link across tables or programs (DESIGN §3.5).
 * - Normalisation makes lookups tolerant ("José  Garcia" = "jose garcia"); results are *candidates*: always
 *   decrypt and compare before acting on a match (normalisation and truncation both allow false positives).
 * - Never index a low-cardinality field alone (status, country, yes/no): that publishes it. Combine it with a
 *   high-cardinality one as a compound value (`[initial, lastName]`), or do not index it.
 * - Leakage: equal values have equal indexes, so the database shows which rows share a value (frequency
 *   analysis). Fewer bits create deliberate collisions that blur this; 64 bits (the default) is effectively
 *   collision-free for a city, so choose fewer bits for fields whose equality pattern is itself sensitive.
 */
import { createHmac, hkdfSync } from 'node:crypto';

import { KEY_BYTES, type IndexRootKey, type KeyProvider } from './key-provider.ts';

const HKDF_SALT = Buffer.from('sanctuary/blind-index/v1', 'utf8');
const INDEX_NAME_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,127}$/;

/** A per-index HMAC key. Derive once at start-up (or lazily) and reuse; derivation is not per call. */
export interface BlindIndexKey {
  readonly name: string;
  /** Id of the root key it was derived from (to tell old and new indexes apart during a re-index). */
  readonly rootId: string;
  readonly key: Buffer;
}

function isProvider(source: KeyProvider | IndexRootKey): source is KeyProvider {
  return typeof (source as KeyProvider).indexRootKey === 'function';
}

/**
 * Derives the key of one blind index from an index root key (HKDF-SHA-256; the index name is the HKDF info,
 * so every index gets an independent key).
 */
export function deriveIndexKeyFromRoot(root: IndexRootKey, indexName: string): BlindIndexKey {
  if (!INDEX_NAME_PATTERN.test(indexName)) {
    throw new TypeError('index name must be 1–128 of a–z 0–9 _ . : - (e.g. "legal_defense_subjects.a_number")');
  }
  if (!Buffer.isBuffer(root.key) || root.key.length !== KEY_BYTES) throw new TypeError('index root key must be 32 bytes');
  const key = Buffer.from(hkdfSync('sha256', root.key, HKDF_SALT, Buffer.from(indexName, 'utf8'), KEY_BYTES));
  return { name: indexName, rootId: root.id, key };
}

/**
 * Derives the key of one blind index from a {@link KeyProvider} (its current index root key, or the root key
 * `rootId` during a re-index) or directly from an {@link IndexRootKey}.
 */
export async function deriveIndexKey(
  source: KeyProvider | IndexRootKey,
  indexName: string,
  options?: { rootId?: string },
): Promise<BlindIndexKey> {
  const root = isProvider(source) ? await source.indexRootKey(options?.rootId) : source;
  return deriveIndexKeyFromRoot(root, indexName);
}

// ---------------------------------------------------------------------------------------------------------
// Normalisation

/** One normalisation step. */
export type NormalizeStep =
  | 'nfc'
  | 'nfkc'
  | 'trim'
  | 'casefold'
  | 'collapse-whitespace'
  | 'remove-whitespace'
  | 'strip-punctuation'
  | 'strip-diacritics'
  | 'digits-only'
  | 'alnum-only';

/** A preset name, a list of steps applied in order, or a custom function. */
export type Normalizer = keyof typeof NORMALIZE_PRESETS | readonly NormalizeStep[] | ((value: string) => string);

// Letters that do not decompose under NFD but are commonly typed without their mark.
const FOLDED_LETTERS: Readonly<Record<string, string>> = {
  ø: 'o', æ: 'ae', œ: 'oe', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ŋ: 'n', ħ: 'h', ŧ: 't',
  Ø: 'O', Æ: 'AE', Œ: 'OE', Ł: 'L', Đ: 'D', Ð: 'D', Þ: 'TH', Ŋ: 'N', Ħ: 'H', Ŧ: 'T',
};
const FOLDED_LETTERS_RE = /[øæœłđðþıŋħŧØÆŒŁĐÐÞŊĦŦ]/gu; // the keys of FOLDED_LETTERS

/**
 * JS has no full Unicode case folding; upper-then-lower approximates it (ß→ss) without locale rules.
 * Repeated to a fixed point: "ẞ" lowers to "ß", which only a second round folds to "ss"; NFKC can also produce
 * capitals ("㎁" → "nA").
 */
function casefold(value: string): string {
  let s = value;
  for (let i = 0; i < 4; i++) {
    // toLowerCase applies the contextual Final_Sigma rule (Σ → ς at a word end), so its result depends on the
    // neighbours; Unicode case folding maps ς → σ unconditionally, and so do we.
    const next = s.toUpperCase().toLowerCase().replace(/ς/g, 'σ').normalize('NFKC');
    if (next === s) break;
    s = next;
  }
  return s;
}

const STEPS: Readonly<Record<NormalizeStep, (s: string) => string>> = {
  nfc: (s) => s.normalize('NFC'),
  nfkc: (s) => s.normalize('NFKC'),
  trim: (s) => s.trim(),
  casefold,
  'collapse-whitespace': (s) => s.replace(/\s+/gu, ' '),
  'remove-whitespace': (s) => s.replace(/\s+/gu, ''),
  'strip-punctuation': (s) => s.replace(/[\p{P}\p{S}]/gu, ''),
  // Only marks on Latin, Greek and Cyrillic letters: in many other scripts (Devanagari, Myanmar, Thai…) the
  // combining marks are vowels, and removing them would merge different names.
  'strip-diacritics': (s) =>
    s
      .normalize('NFD')
      .replace(/([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{Mn}+/gu, '$1')
      .normalize('NFC')
      .replace(FOLDED_LETTERS_RE, (c) => FOLDED_LETTERS[c] ?? c),
  'digits-only': (s) => s.normalize('NFKC').replace(/[^0-9]/g, ''),
  'alnum-only': (s) => s.replace(/[^\p{L}\p{N}]/gu, ''),
};

/**
 * USCIS A-number ("alien registration number"): written `A123456789`, `A-123-456-789`, `a 12 345 678`…; 8-digit
 * numbers are the same as their 9-digit zero-padded form.
 */
function normalizeANumber(value: string): string {
  const digits = value.normalize('NFKC').replace(/[^0-9]/g, '').replace(/^0+/, '');
  return digits === '' ? '' : digits.padStart(9, '0');
}

/** Named normalisations for common field types. */
export const NORMALIZE_PRESETS = {
  /** Byte-exact apart from Unicode composition (tokens, codes). */
  exact: ['nfc'],
  /** Free text compared loosely: compatibility forms, case, spacing. The default. */
  text: ['nfkc', 'casefold', 'collapse-whitespace', 'trim'],
  /**
   * Personal names: also accents and punctuation and spaces ("O'Brien" = "obrien", "José-Luis" = "jose luis").
   * Accents are stripped last: removing a space or symbol can bring a combining mark next to a letter.
   */
  name: ['nfkc', 'casefold', 'remove-whitespace', 'strip-punctuation', 'strip-diacritics'],
  /** E-mail addresses (local parts are case-insensitive in practice). */
  email: ['nfkc', 'trim', 'casefold'],
  /** Phone numbers: digits only. Canonicalise to E.164 before indexing if numbers come with and without country codes. */
  phone: ['digits-only'],
  /** USCIS A-numbers: digits only, zero-padded to 9. */
  aNumber: normalizeANumber,
} as const satisfies Record<string, readonly NormalizeStep[] | ((value: string) => string)>;

/** Applies a {@link Normalizer} to a value (exported so services can normalise the same way for display checks). */
export function normalizeValue(value: string, normalizer: Normalizer = 'text'): string {
  const n = typeof normalizer === 'string' ? NORMALIZE_PRESETS[normalizer] : normalizer;
  if (typeof n === 'function') return n(value);
  let out = value;
  for (const step of n) out = STEPS[step](out);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Index computation

/** Options for {@link blindIndex}. */
export interface BlindIndexOptions {
  /** Output size in bits: a multiple of 8 from 8 to 256. Default 64. */
  readonly bits?: number;
  /** Default `hex`. */
  readonly encoding?: 'hex' | 'base64url';
  /** Default `text`. Applied to each part of a compound value. */
  readonly normalize?: Normalizer;
}

/**
 * Computes a blind index: HMAC-SHA-256 under the index's key of the normalised value, truncated to `bits`.
 *
 * `value` may be compound (`[firstInitial, lastName]`); parts are length-prefixed, so `["ab", "c"]` and
 * `["a", "bc"]` differ. Throws when the value normalises to nothing: store NULL instead of indexing emptiness
 * (an index of "" would group every empty record together).
 */
export function blindIndex(key: BlindIndexKey, value: string | readonly string[], options?: BlindIndexOptions): string {
  const bits = options?.bits ?? 64;
  if (!Number.isInteger(bits) || bits < 8 || bits > 256 || bits % 8 !== 0) {
    throw new RangeError('blindIndex: bits must be a multiple of 8 from 8 to 256');
  }
  if (!Buffer.isBuffer(key.key) || key.key.length !== KEY_BYTES) throw new TypeError('blindIndex: invalid index key');
  const parts = typeof value === 'string' ? [value] : value;
  if (parts.length === 0) throw new TypeError('blindIndex: empty compound value');
  const hmac = createHmac('sha256', key.key);
  const len = Buffer.allocUnsafe(4);
  let empty = true;
  for (const part of parts) {
    if (typeof part !== 'string') throw new TypeError('blindIndex: value parts must be strings');
    const bytes = Buffer.from(normalizeValue(part, options?.normalize), 'utf8');
    if (bytes.length > 0) empty = false;
    len.writeUInt32BE(bytes.length, 0);
    hmac.update(len);
    hmac.update(bytes);
  }
  if (empty) throw new TypeError('blindIndex: value is empty after normalisation; store NULL instead');
  const digest = hmac.digest().subarray(0, bits / 8);
  return digest.toString(options?.encoding ?? 'hex');
}
