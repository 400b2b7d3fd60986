/**
 * Envelope encryption with per-subject data keys (DESIGN §3.3–3.4; security-reliability §3.2–3.3; R21–R24).
 *
 * - Each subject (a person in one program) gets a random 256-bit **data key** (DEK) with its own id.
 * - Personal fields are **sealed** with AES-256-GCM under the subject's DEK; the AAD binds the table, column
 *   and row id, so a ciphertext copied to another row or column does not open.
 * - The DEK is stored only **wrapped** by a KEK held by a {@link KeyProvider}; the AAD of the wrap binds the
 *   DEK id, the subject id and the purpose (program), so a wrapped key moved to another subject does not unwrap.
 * - Deleting the wrapped DEK **crypto-shreds** the subject: every sealed value, in the database and in every
 *   backup, becomes unreadable once the KEKs that wrapped older copies are rotated away.
 *
 * Formats (all parts unpadded base64url or ids from `[A-Za-z0-9_-]`, joined with dots; the leading tag names
 * the algorithm for crypto agility, ASVS 6.2.4 / 11.2.2):
 *
 * - sealed value: `s1.<dataKeyId>.<nonce 12 B>.<ciphertext ‖ tag 16 B>` — s1 = AES-256-GCM, 96-bit random
 *   nonce, AAD = `s1 \0 dataKeyId \0 table \0 column \0 rowId`.
 * - wrapped DEK: `w1.<dataKeyId>.<kekId>.<provider blob>` — AAD = `sanctuary/dek/w1 \0 dataKeyId \0 purpose \0 subjectId`.
 *
 * Nonces are random; with one key per subject a key seals thousands of values, far below the 2^32 limit for
 * random 96-bit GCM nonces (NIST SP 800-38D §8.3).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { DecryptError } from './errors.ts';
import { KEY_BYTES, KEY_ID_PATTERN, type KeyProvider } from './key-provider.ts';
import { randomId, randomNonce } from './random.ts';

const SEAL_VERSION = 's1';
const WRAP_VERSION = 'w1';
const NONCE_BYTES = 12;
const NONCE_CHARS = 16; // base64url of 12 bytes
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A subject's data key, unwrapped. Keep it for the duration of a request; never log or persist it. */
export interface DataKey {
  /** Stable id (a {@link randomId}); written into every value it seals. */
  readonly id: string;
  /** 32 random bytes. */
  readonly key: Buffer;
}

/** What a wrapped data key is bound to. */
export interface DataKeyContext {
  /** The subject's id in its program. */
  readonly subjectId: string;
  /** The program / purpose the key serves, e.g. `legal-defense`. Keys of different purposes never mix. */
  readonly purpose: string;
}

/** Where a sealed value lives; bound as AAD so the ciphertext is only valid in that exact place. */
export interface SealContext {
  readonly table: string;
  readonly column: string;
  readonly rowId: string;
}

function assertContextPart(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw new TypeError(`${what} must be a non-empty string without NUL characters`);
  }
}

function assertDataKey(dek: DataKey): void {
  if (!KEY_ID_PATTERN.test(dek.id)) throw new TypeError('data key id is invalid');
  if (!Buffer.isBuffer(dek.key) || dek.key.length !== KEY_BYTES) throw new TypeError(`data key must be ${KEY_BYTES} bytes`);
}

/** A fresh random data key for a new subject. */
export function generateDataKey(): DataKey {
  return { id: randomId(), key: randomBytes(KEY_BYTES) };
}

/** Overwrites a data key in memory once it is no longer needed (best effort: JS may hold copies). */
export function destroyDataKey(dek: DataKey): void {
  dek.key.fill(0);
}

function wrapAad(dataKeyId: string, context: DataKeyContext): Buffer {
  assertContextPart(context.subjectId, 'subjectId');
  assertContextPart(context.purpose, 'purpose');
  return Buffer.from(`sanctuary/dek/${WRAP_VERSION}\0${dataKeyId}\0${context.purpose}\0${context.subjectId}`, 'utf8');
}

/**
 * Wraps a subject's data key under the provider's current KEK, bound to the subject and purpose. Returns the
 * string to store (e.g. in `subject_keys.wrapped_key`).
 */
export async function wrapDataKey(provider: KeyProvider, dek: DataKey, context: DataKeyContext): Promise<string> {
  assertDataKey(dek);
  const wrapped = await provider.wrap(dek.key, wrapAad(dek.id, context));
  if (!KEY_ID_PATTERN.test(wrapped.kid)) throw new TypeError('key provider returned an invalid KEK id');
  return `${WRAP_VERSION}.${dek.id}.${wrapped.kid}.${wrapped.blob.toString('base64url')}`;
}

/** The ids inside a wrapped data key (to find keys that still need re-wrapping after a KEK rotation). */
export function parseWrappedDataKey(wrapped: string): { dataKeyId: string; kid: string; blob: Buffer } {
  const parts = typeof wrapped === 'string' ? wrapped.split('.') : [];
  if (parts.length !== 4) throw new DecryptError('malformed', 'wrapped data key is malformed');
  const [version, dataKeyId, kid, blob] = parts as [string, string, string, string];
  if (version !== WRAP_VERSION) throw new DecryptError('unsupported_version', 'wrapped data key has an unsupported version');
  if (!KEY_ID_PATTERN.test(dataKeyId) || !KEY_ID_PATTERN.test(kid) || blob.length === 0 || !BASE64URL.test(blob)) {
    throw new DecryptError('malformed', 'wrapped data key is malformed');
  }
  return { dataKeyId, kid, blob: Buffer.from(blob, 'base64url') };
}

/**
 * Unwraps a stored data key for the given subject and purpose. Throws {@link DecryptError} if it was wrapped
 * for another subject/purpose or altered, and `KeyNotFoundError` if its KEK has been destroyed.
 */
export async function unwrapDataKey(provider: KeyProvider, wrapped: string, context: DataKeyContext): Promise<DataKey> {
  const { dataKeyId, kid, blob } = parseWrappedDataKey(wrapped);
  const key = await provider.unwrap({ kid, blob }, wrapAad(dataKeyId, context));
  if (key.length !== KEY_BYTES) {
    key.fill(0);
    throw new DecryptError('malformed', 'unwrapped data key has the wrong length');
  }
  return { id: dataKeyId, key };
}

/**
 * KEK rotation step for one stored DEK: if it is wrapped by a KEK other than the current one, unwrap and wrap
 * again under the current KEK. The sealed data is untouched. Returns the (possibly unchanged) string.
 */
export async function rewrapDataKey(
  provider: KeyProvider,
  wrapped: string,
  context: DataKeyContext,
): Promise<{ wrapped: string; changed: boolean }> {
  const { kid } = parseWrappedDataKey(wrapped);
  if (kid === (await provider.currentKid())) return { wrapped, changed: false };
  const dek = await unwrapDataKey(provider, wrapped, context);
  try {
    return { wrapped: await wrapDataKey(provider, dek, context), changed: true };
  } finally {
    destroyDataKey(dek);
  }
}

function sealAad(dataKeyId: string, aad: SealContext): Buffer {
  assertContextPart(aad.table, 'table');
  assertContextPart(aad.column, 'column');
  assertContextPart(aad.rowId, 'rowId');
  return Buffer.from(`${SEAL_VERSION}\0${dataKeyId}\0${aad.table}\0${aad.column}\0${aad.rowId}`, 'utf8');
}

/**
 * Encrypts one field value for one place (table, column, row). Returns `s1.<dataKeyId>.<nonce>.<ct‖tag>`.
 * Strings are encoded as UTF-8. The output reveals the exact plaintext length — pad upstream if the length
 * itself is sensitive.
 */
export function seal(dek: DataKey, plaintext: string | Buffer, aad: SealContext): string {
  assertDataKey(dek);
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  if (!Buffer.isBuffer(data)) throw new TypeError('seal: plaintext must be a string or a Buffer');
  const nonce = randomNonce();
  const cipher = createCipheriv('aes-256-gcm', dek.key, nonce);
  cipher.setAAD(sealAad(dek.id, aad));
  const ct = cipher.update(data);
  cipher.final(); // GCM emits nothing here
  const body = Buffer.concat([ct, cipher.getAuthTag()], ct.length + TAG_BYTES);
  return `${SEAL_VERSION}.${dek.id}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
}

/**
 * The data key id a sealed value was made with, so the caller can load and unwrap the right DEK.
 * Throws {@link DecryptError} (`malformed`) when `sealed` is not a sealed value.
 */
export function sealedKeyId(sealed: string): string {
  return parseSealed(sealed).keyId;
}

function parseSealed(sealed: string): { keyId: string; nonce: string; body: string } {
  if (typeof sealed !== 'string') throw new DecryptError('malformed', 'sealed value is not a string');
  const a = sealed.indexOf('.');
  const b = a < 0 ? -1 : sealed.indexOf('.', a + 1);
  const c = b < 0 ? -1 : sealed.indexOf('.', b + 1);
  if (c < 0 || sealed.indexOf('.', c + 1) !== -1) throw new DecryptError('malformed', 'sealed value is malformed');
  if (sealed.slice(0, a) !== SEAL_VERSION) throw new DecryptError('unsupported_version', 'sealed value has an unsupported version');
  const keyId = sealed.slice(a + 1, b);
  const nonce = sealed.slice(b + 1, c);
  const body = sealed.slice(c + 1);
  if (!KEY_ID_PATTERN.test(keyId) || nonce.length !== NONCE_CHARS || !BASE64URL.test(nonce)) {
    throw new DecryptError('malformed', 'sealed value is malformed');
  }
  // base64url of at least the 16-byte tag is ≥ 22 characters; a length ≡ 1 (mod 4) is never valid base64.
  if (body.length < 22 || body.length % 4 === 1 || !BASE64URL.test(body)) throw new DecryptError('malformed', 'sealed value is malformed');
  return { keyId, nonce, body };
}

/**
 * Decrypts a value made by {@link seal}. Throws {@link DecryptError} on a malformed string, a value sealed
 * with another data key, a different `aad` (value moved to another row/column) or any tampering.
 */
export function open(dek: DataKey, sealed: string, aad: SealContext): Buffer {
  assertDataKey(dek);
  const parts = parseSealed(sealed);
  if (parts.keyId !== dek.id) throw new DecryptError('key_mismatch', 'sealed value belongs to another data key');
  const nonce = Buffer.from(parts.nonce, 'base64url');
  const body = Buffer.from(parts.body, 'base64url');
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new DecryptError('malformed', 'sealed value is malformed');
  const decipher = createDecipheriv('aes-256-gcm', dek.key, nonce);
  decipher.setAAD(sealAad(dek.id, aad));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  const out = decipher.update(body.subarray(0, body.length - TAG_BYTES));
  try {
    decipher.final();
  } catch (cause) {
    out.fill(0); // never let unauthenticated plaintext escape
    throw new DecryptError('authentication', 'sealed value did not authenticate (wrong key, wrong row/column, or tampered)', { cause });
  }
  return out;
}

/** {@link open}, decoded as UTF-8 (throws {@link DecryptError} if the bytes are not valid UTF-8). */
export function openText(dek: DataKey, sealed: string, aad: SealContext): string {
  const bytes = open(dek, sealed, aad);
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new DecryptError('malformed', 'sealed value is not UTF-8 text', { cause });
  } finally {
    bytes.fill(0);
  }
}

/** Seals any JSON-serialisable value (objects, arrays, numbers…) with {@link seal}. */
export function sealJson(dek: DataKey, value: unknown, aad: SealContext): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('sealJson: value is not JSON-serialisable');
  return seal(dek, json, aad);
}

/**
 * Opens a value sealed by {@link sealJson}. Pass a parser (e.g. a Zod schema's `parse`) to get a typed value;
 * without one the result is `unknown` — never trust the shape of decrypted data blindly.
 */
export function openJson(dek: DataKey, sealed: string, aad: SealContext): unknown;
export function openJson<T>(dek: DataKey, sealed: string, aad: SealContext, parse: (value: unknown) => T): T;
export function openJson<T>(dek: DataKey, sealed: string, aad: SealContext, parse?: (value: unknown) => T): unknown {
  const text = openText(dek, sealed, aad);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DecryptError('malformed', 'sealed value is not JSON', { cause });
  }
  return parse ? parse(value) : value;
}
