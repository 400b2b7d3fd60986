/**
 * Staff passwords: argon2id hashing and a NIST SP 800-63B / ASVS policy (R2, R3).
 *
 * Policy: 12 to 128 characters (Unicode code points after NFC, so "é" and emoji count as one), not a common
 * or predictable password, not the user's e-mail address or containing it — and deliberately **no
 * composition rules** and no periodic expiry (ASVS 2.1.9–2.1.10; they push people to weaker, predictable
 * passwords). Passwords are never truncated.
 *
 * The common-password list (`common-passwords.txt`, ~22,000 lower-case entries) was compiled without network
 * access from the well-known public top lists (RockYou/SecLists/NCSC/NordPass-style rankings), keyboard walks,
 * digit runs, names, words, sports teams, Spanish/Somali/Hmong words and local (Minneapolis) terms, plus their
 * usual suffixes (`1`, `123`, `!`, years). Entries shorter than 12 characters are still useful: the policy
 * also rejects a listed word padded with a short or predictable affix ("sunshine2024!").
 */
import { readFileSync } from 'node:fs';

import argon2 from 'argon2';

import { randomToken } from './random.ts';

/** argon2id parameters: OWASP Password Storage Cheat Sheet's first option (m = 19 MiB, t = 2, p = 1). */
export const PASSWORD_HASH_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Shortest and longest accepted password, in code points. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

// Bound the work an attacker can cause by posting a huge "password" to the login form.
const MAX_PASSWORD_BYTES = 4096;

/** NIST 800-63B §5.1.1.2: normalise before hashing so the same password typed on another keyboard matches. */
function prepare(password: string): string {
  return password.normalize('NFKC');
}

/** Hashes a password with argon2id (random 16-byte salt). Returns a PHC string `$argon2id$v=19$m=19456,p=1,t=2$<salt>$<hash>`. */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError('hashPassword: empty password');
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) throw new RangeError('hashPassword: password too long');
  return argon2.hash(prepare(password), { type: argon2.argon2id, ...PASSWORD_HASH_PARAMS });
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash, in roughly constant time per call. Pass `null` when the account
 * does not exist: a dummy hash is verified instead, so the response time does not reveal which accounts exist
 * (ASVS 5.0 6.3.8). Returns false (never throws) for a wrong password, an over-long input or a corrupt hash.
 */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  const tooLong = typeof password !== 'string' || Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES;
  const candidate = tooLong ? '' : prepare(password);
  if (!hash) {
    dummyHash ??= hashPassword(randomToken(18));
    await argon2.verify(await dummyHash, candidate || 'x').catch(() => false);
    return false;
  }
  try {
    const ok = await argon2.verify(hash, candidate || 'x');
    return ok && !tooLong && candidate !== '';
  } catch {
    return false;
  }
}

/**
 * True when a stored hash should be replaced (re-hash the password the user just typed successfully): not
 * argon2id, an old version, parameters weaker than {@link PASSWORD_HASH_PARAMS}, or unparsable.
 */
export function needsRehash(hash: string): boolean {
  const params = parseArgon2idParams(hash);
  if (!params) return true;
  return (
    params.version !== 19 ||
    params.memoryCost < PASSWORD_HASH_PARAMS.memoryCost ||
    params.timeCost < PASSWORD_HASH_PARAMS.timeCost ||
    params.parallelism < PASSWORD_HASH_PARAMS.parallelism
  );
}

/**
 * The parameters of an argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`; the parameter order varies
 * between implementations — node-argon2 writes `m,p,t`), or `null` if it is not one.
 */
export function parseArgon2idParams(hash: string): { version: number; memoryCost: number; timeCost: number; parallelism: number } | null {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== '' || parts[1] !== 'argon2id') return null;
  const [, , version = '', list = '', salt = '', digest = ''] = parts;
  if (!/^v=\d{1,3}$/.test(version) || !/^[A-Za-z0-9+/]+$/.test(salt) || !/^[A-Za-z0-9+/]+$/.test(digest)) return null;
  const p = new Map<string, number>();
  for (const kv of list.split(',')) {
    if (!/^[mtp]=\d{1,10}$/.test(kv) || p.has(kv[0] as string)) return null;
    p.set(kv[0] as string, Number(kv.slice(2)));
  }
  const memoryCost = p.get('m');
  const timeCost = p.get('t');
  const parallelism = p.get('p');
  if (memoryCost === undefined || timeCost === undefined || parallelism === undefined) return null;
  return { version: Number(version.slice(2)), memoryCost, timeCost, parallelism };
}

// ---------------------------------------------------------------------------------------------------------
// Policy

/** One reason a password is refused. Codes are stable; the UI maps them to translated messages. */
export type PasswordProblem =
  | { readonly code: 'too_short'; readonly min: number; readonly length: number }
  | { readonly code: 'too_long'; readonly max: number; readonly length: number }
  | { readonly code: 'common' }
  | { readonly code: 'repetitive' }
  | { readonly code: 'contains_email' }
  | { readonly code: 'contains_personal_info' };

/** What the policy knows about the account. */
export interface PasswordContext {
  readonly email?: string | null;
  /** Other words the password must not contain: the user's name, the service's name (≥ 4 characters each). */
  readonly words?: readonly string[];
}

let commonPasswords: ReadonlySet<string> | undefined;

/** The bundled list of common passwords (lower case), loaded once. */
export function commonPasswordList(): ReadonlySet<string> {
  if (!commonPasswords) {
    const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    commonPasswords = new Set(
      text
        .split('\n')
        .map((l) => l.replace(/\r$/, ''))
        .filter((l) => l.length > 0),
    );
  }
  return commonPasswords;
}

function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

// Walks people treat as "random": digit runs, the alphabet, keyboard rows (QWERTY and AZERTY/QWERTZ variants).
const SEQUENCES = [
  '01234567890',
  '09876543210',
  'abcdefghijklmnopqrstuvwxyz',
  'zyxwvutsrqponmlkjihgfedcba',
  'qwertyuiopasdfghjklzxcvbnm',
  'mnbvcxzlkjhgfdsapoiuytrewq',
  'azertyuiopqsdfghjklmwxcvbn',
  'qwertzuiopasdfghjklyxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'qazwsxedcrfvtgbyhnujmikolp',
  '1q2w3e4r5t6y7u8i9o0p',
];

/** A password made of one short unit repeated ("abcabcabcabc"), very few distinct symbols, or a keyboard/alphabet run. */
function isRepetitive(pw: string): boolean {
  const cps = [...pw];
  if (new Set(cps).size <= 3) return true;
  for (let unit = 1; unit <= 6 && unit * 2 <= cps.length; unit++) {
    let repeats = true;
    for (let i = unit; i < cps.length && repeats; i++) if (cps[i] !== cps[i % unit]) repeats = false;
    if (repeats) return true;
  }
  // A run along one of the sequences, possibly wrapping and repeated ("123456789012", "qwertyuiopas").
  return SEQUENCES.some((seq) => (seq + seq + seq).includes(pw));
}

/** Predictable padding around a common word: nothing, up to 4 characters, a date/PIN-like run of ≤ 8 digits, or a repetition. */
function isPredictableAffix(affix: string): boolean {
  return [...affix].length <= 4 || /^[0-9]{1,8}[^\p{L}\p{N}]{0,3}$/u.test(affix) || isRepetitive(affix);
}

function isCommon(pw: string, list: ReadonlySet<string>): boolean {
  if (list.has(pw)) return true;
  // Strip leading and trailing non-letters ("!!sunshine2024!") and check the core word.
  const m = /^([^\p{L}]*)(.*?)([^\p{L}]*)$/su.exec(pw);
  if (!m) return false;
  const [, lead = '', core = '', trail = ''] = m;
  if ([...core].length < 3 || (lead === '' && trail === '')) return false;
  return list.has(core) && isPredictableAffix(lead) && isPredictableAffix(trail);
}

/**
 * Checks a new password against the policy. Returns the problems found (empty = acceptable), so the form can
 * show them all at once.
 */
export function checkPasswordPolicy(password: string, context: PasswordContext = {}): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push({ code: 'too_short', min: PASSWORD_MIN_LENGTH, length });
  if (length > PASSWORD_MAX_LENGTH) problems.push({ code: 'too_long', max: PASSWORD_MAX_LENGTH, length });

  const pw = fold(password);
  if (isCommon(pw, commonPasswordList())) problems.push({ code: 'common' });
  else if (isRepetitive(pw)) problems.push({ code: 'repetitive' });

  const email = context.email ? fold(context.email.trim()) : '';
  if (email) {
    const local = email.split('@')[0] ?? '';
    if (pw.includes(email) || (local.length >= 4 && pw.includes(local))) problems.push({ code: 'contains_email' });
  }
  const words = (context.words ?? []).map((w) => fold(w.trim())).filter((w) => [...w].length >= 4);
  if (words.some((w) => pw.includes(w))) problems.push({ code: 'contains_personal_info' });
  return problems;
}
