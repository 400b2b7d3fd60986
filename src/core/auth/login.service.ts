import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { hashPassword, needsRehash, verifyPassword } from '../crypto/passwords.ts';
import { verifyTotp } from '../crypto/totp.ts';
import { secretsFor } from './auth-secrets.ts';
import { type SessionFactor, authRepo } from './auth.repo.ts';
import { type AccountDeps, demoStepUpWithCode } from './accounts.service.ts';
import { staffActor } from './auth-audit.ts';
import type { Role } from './permissions.ts';
import { verifyPasskeyAssertion } from './passkeys.service.ts';
import { endSession, createSession, hashToken, recordStepUp } from './sessions.service.ts';
import { clearFailures, lockedFor, recordFailure, throttleKey } from './throttle.service.ts';

/**
 * Sign-in with two factors: password plus a TOTP code, or password plus a passkey assertion.
 *
 * No user enumeration (ASVS 5.0 6.3.8, R5): an unknown e-mail, a disabled or unfinished account, a wrong
 * password, a wrong or replayed code and a foreign passkey all return the same `invalid` result after the
 * same work — the password is always checked with argon2 (against a dummy hash when there is no account)
 * and a TOTP code is always computed. Throttling counts the e-mail's lookup key whether or not an account
 * exists, so lockouts reveal nothing either.
 */

// A fixed, valid base32 secret to verify codes against when there is no account (timing parity only).
const DUMMY_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

export type SignInResult =
  | { ok: true; userId: string; factor: SessionFactor; sessionToken: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

export interface SignInInput {
  email: string;
  password: string;
  /** The TOTP code, when signing in with the authenticator app. */
  code?: string;
  /** The assertion, when signing in with a passkey. */
  passkey?: AuthenticationResponseJSON;
  /** Client address for the per-IP counter. */
  ip: string;
  requestId?: string;
}

/** Verifies both factors and, on success, opens a new session (whose id the caller sets as the cookie). */
export async function signIn(deps: AccountDeps, input: SignInInput): Promise<SignInResult> {
  const secrets = secretsFor(deps);
  const lookup = secrets.emailLookupKey(input.email);
  const accountKey = throttleKey('account', lookup);
  const keys = [accountKey, throttleKey('ip', secrets.ipLookupKey(input.ip))];
  const found = await authRepo.findUserByLookup(deps.db.kysely, lookup);
  // Failed attempts are audited for known and unknown addresses alike (the same work either way); the
  // record names the account when there is one, so counsel can see attacks on it.
  const failure = (detail: string) =>
    deps.audit.recordNow({
      actor: { id: null, role: 'anonymous' },
      action: 'auth.login',
      outcome: 'failure',
      purpose: 'security',
      detail,
      ...(found ? { record: { type: 'core.user', id: found.id } } : {}),
      requestId: input.requestId,
    });
  const retryAfterSeconds = await lockedFor(deps, keys);
  if (retryAfterSeconds > 0) {
    await failure('reason.locked');
    return { ok: false, reason: 'locked', retryAfterSeconds };
  }

  const user = found && found.status === 'active' && found.password_hash && found.totp_secret ? found : undefined;
  const passwordOk = await verifyPassword(user?.password_hash ?? null, input.password);

  let factor: SessionFactor | null = null;
  let totpStep: number | null = null;
  if (input.passkey) {
    // Always run the assertion check (it consumes the challenge); it must name a credential of this user.
    const asserted = await verifyPasskeyAssertion(deps, { purpose: 'login', response: input.passkey });
    if (asserted && user && asserted.userId === user.id) factor = 'passkey';
  } else {
    // The sealed secret is opened only once the password is right: a wrong password costs the same for an
    // existing and a missing account (no key lookup either way).
    const secret =
      user?.totp_secret && passwordOk
        ? await secrets.open(user.id, { table: 'auth_users', column: 'totp_secret', rowId: user.id }, user.totp_secret)
        : DUMMY_TOTP_SECRET;
    const match = verifyTotp(secret, input.code ?? '', { now: deps.now(), afterStep: user?.last_totp_step ?? null });
    if (match && user) {
      factor = 'totp';
      totpStep = match.step;
    }
  }

  if (!user || !passwordOk || !factor) {
    await recordFailure(deps, keys);
    await failure('reason.bad-credentials');
    return { ok: false, reason: 'invalid' };
  }
  // Spend the TOTP step atomically: of two requests racing with one code, only one wins (ASVS 2.8.4).
  if (totpStep !== null && !(await authRepo.consumeTotpStep(deps.db.kysely, user.id, totpStep))) {
    await recordFailure(deps, keys);
    await failure('reason.bad-credentials');
    return { ok: false, reason: 'invalid' };
  }
  await clearFailures(deps, accountKey);
  const at = deps.now().toISOString();
  // Upgrade a hash made with older or weaker parameters while the password is at hand (crypto agility).
  const rehashed = user.password_hash && needsRehash(user.password_hash) ? await hashPassword(input.password) : undefined;
  await authRepo.updateUser(deps.db.kysely, user.id, { last_login_at: at, ...(rehashed ? { password_hash: rehashed } : {}) });
  const sessionToken = await createSession(deps, { userId: user.id, factor });
  const roles = await authRepo.rolesOf(deps.db.kysely, user.id);
  await deps.audit.recordNow({
    actor: staffActor(user.id, roles),
    action: 'auth.login',
    record: { type: 'core.user', id: user.id },
    purpose: 'security',
    detail: `factor.${factor}`,
    requestId: input.requestId,
  });
  return { ok: true, userId: user.id, factor, sessionToken };
}

/** Ends the session a cookie names (sign-out) and records it. Unknown or malformed ids are ignored. */
export async function signOut(deps: AccountDeps, input: { sessionToken: string; requestId?: string }): Promise<void> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(input.sessionToken)) return;
  const session = await authRepo.findSession(deps.db.kysely, hashToken(input.sessionToken));
  await endSession(deps, input.sessionToken);
  if (session) {
    await deps.audit.recordNow({
      actor: staffActor(session.user_id, session.roles),
      action: 'auth.logout',
      record: { type: 'core.user', id: session.user_id },
      purpose: 'security',
      requestId: input.requestId,
    });
  }
}

/**
 * Step-up (R10): a fresh passkey assertion by the session's own user — or, for a seeded demo account while
 * DEMO is on, an authenticator code — recorded on the session for five minutes.
 */
export async function stepUp(
  deps: AccountDeps,
  input: {
    sessionIdHash: string;
    userId: string;
    roles: readonly Role[];
    purpose: string;
    passkey?: AuthenticationResponseJSON;
    code?: string;
    requestId?: string;
  },
): Promise<boolean> {
  let ok = false;
  if (input.passkey) ok = (await verifyPasskeyAssertion(deps, { purpose: 'step-up', response: input.passkey, userId: input.userId })) !== null;
  else if (input.code) ok = await demoStepUpWithCode(deps, { userId: input.userId, code: input.code });
  if (ok) await recordStepUp(deps, input.sessionIdHash);
  await deps.audit.recordNow({
    actor: staffActor(input.userId, input.roles),
    action: 'auth.step-up',
    outcome: ok ? 'success' : 'failure',
    record: { type: 'core.user', id: input.userId },
    purpose: 'security',
    detail: `purpose.${input.purpose}`,
    requestId: input.requestId,
  });
  return ok;
}
