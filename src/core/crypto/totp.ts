/**
 * TOTP second factor (RFC 6238): 30-second steps, 6 digits, HMAC-SHA-1 — the parameters every authenticator
 * app supports. The HOTP computation is otplib 13's (RFC 4226, audited noble hashes); the verification window
 * and replay protection are ours, so the matched time step is returned to the caller.
 *
 * Replay (ASVS 2.8.4, 800-63B "replay resistance"): a code is valid for its whole step and for the window
 * around it, so an observed code could be reused. The caller stores the `step` of the last accepted code per
 * user and passes it back as `afterStep`; only later steps are then accepted.
 */
import { timingSafeEqual } from 'node:crypto';

import { generateSecret, generateSync, generateURI } from 'otplib';

const PERIOD_SECONDS = 30;
const DIGITS = 6;
const SECRET_BYTES = 20; // 160 bits, RFC 4226 §4 recommendation for SHA-1

/** A new random TOTP secret, base32-encoded (what authenticator apps expect). 160 bits. */
export function generateTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/**
 * The `otpauth://totp/…` URI to show as a QR code when enrolling an authenticator app. `issuer` names the
 * service ("Sanctuary Minneapolis"), `account` the staff login. Show it once; the secret must then be stored
 * sealed (envelope encryption), never in plaintext.
 */
export function totpUri(options: { issuer: string; account: string; secret: string }): string {
  if (!options.issuer || options.issuer.includes(':')) throw new TypeError('totpUri: issuer must be non-empty and contain no ":"');
  if (!options.account) throw new TypeError('totpUri: account must be non-empty');
  return generateURI({ issuer: options.issuer, label: options.account, secret: options.secret, algorithm: 'sha1', digits: DIGITS, period: PERIOD_SECONDS });
}

function toEpochSeconds(now: Date | number | undefined): number {
  const ms = now === undefined ? Date.now() : typeof now === 'number' ? now : now.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('TOTP: invalid time');
  return Math.floor(ms / 1000);
}

/** The RFC 6238 time step (counter) for a moment. */
export function totpStep(now?: Date | number): number {
  return Math.floor(toEpochSeconds(now) / PERIOD_SECONDS);
}

/**
 * The code for a moment (default: now). For tests, demo accounts and the RFC vectors (`digits: 8`).
 * @param options.now  Date or milliseconds since the epoch.
 */
export function generateTotp(secret: string, options?: { now?: Date | number; digits?: 6 | 7 | 8 }): string {
  const epoch = toEpochSeconds(options?.now);
  return generateSync({ secret, epoch, algorithm: 'sha1', digits: options?.digits ?? DIGITS, period: PERIOD_SECONDS });
}

/** A successful verification: which step matched, and its offset from the current step (clock drift). */
export interface TotpMatch {
  readonly step: number;
  readonly delta: number;
}

/**
 * Verifies a code typed by the user. Accepts spaces and dashes ("123 456"). Returns the matched step, or
 * `null`.
 *
 * @param options.window   steps accepted either side of now (default 1: ±30 s of clock skew, R44).
 * @param options.now      the time to verify at (Date or ms); defaults to now.
 * @param options.afterStep  the step of the last code accepted for this user: steps ≤ it are rejected (replay).
 * @throws if `secret` is not a valid base32 secret of at least 16 bytes (a corrupt stored secret is a bug, not a wrong code).
 */
export function verifyTotp(
  secret: string,
  code: string,
  options?: { window?: number; now?: Date | number; afterStep?: number | null },
): TotpMatch | null {
  const window = options?.window ?? 1;
  if (!Number.isInteger(window) || window < 0 || window > 10) throw new RangeError('verifyTotp: window must be an integer from 0 to 10');
  const typed = typeof code === 'string' ? code.normalize('NFKC').replace(/[\s-]/g, '') : '';
  if (!/^[0-9]{6}$/.test(typed)) return null;
  const typedBytes = Buffer.from(typed, 'ascii');
  const epoch = toEpochSeconds(options?.now);
  const current = Math.floor(epoch / PERIOD_SECONDS);
  const after = options?.afterStep ?? -1;
  // Current step first, then outwards: the closest match wins if two steps happen to share a code.
  const order = [0];
  for (let d = 1; d <= window; d++) order.push(-d, d);
  let match: TotpMatch | null = null;
  for (const delta of order) {
    const step = current + delta;
    // Compute every candidate even after a match, so timing does not reveal which step matched.
    const expected = generateSync({ secret, epoch: step * PERIOD_SECONDS, algorithm: 'sha1', digits: DIGITS, period: PERIOD_SECONDS });
    const equal = timingSafeEqual(Buffer.from(expected, 'ascii'), typedBytes);
    if (equal && match === null && step >= 0 && step > after) match = { step, delta };
  }
  return match;
}
