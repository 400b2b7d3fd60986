import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { checkPasswordPolicy, hashPassword, type PasswordProblem, verifyPassword } from '../crypto/passwords.ts';
import { randomId, randomToken } from '../crypto/random.ts';
import { generateTotpSecret, totpUri, verifyTotp } from '../crypto/totp.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Vault } from '../crypto/vault.ts';
import { inTransaction } from '../db/transaction.ts';
import { AppError } from '../http/errors.ts';
import { type Actor, staffActor } from './auth-audit.ts';
import { normalizeEmail, secretsFor } from './auth-secrets.ts';
import { type AuthEnrolment, type AuthUser, type AuthUserWithRoles, authRepo } from './auth.repo.ts';
import {
  type NewPasskey,
  type PasskeyDeps,
  passkeyRegistrationOptions,
  savePasskey,
  verifyPasskeyRegistration,
} from './passkeys.service.ts';
import { HIGH_ASSURANCE_ROLES, ROLES, type Role, isRole } from './permissions.ts';
import { endAllSessions, hashToken } from './sessions.service.ts';

/**
 * Staff accounts: creation with a one-time enrolment link, enrolment (password, TOTP, and a passkey for
 * admins and counsel), disabling, role changes and the account list.
 */

/** Enrolment links expire after 72 hours. */
export const ENROLMENT_TTL_MS = 72 * 60 * 60_000;

export interface AccountDeps extends PasskeyDeps {
  config: Pick<Config, 'baseUrl' | 'demo'>;
  vault: Vault;
  audit: AuditService;
}

const USER_RECORD = 'core.user';

/** Roles whose holders must register a passkey at enrolment (R1). */
export function needsPasskey(roles: readonly Role[]): boolean {
  return roles.some((r) => HIGH_ASSURANCE_ROLES.includes(r));
}

/** The input of {@link createStaffUser}; validated here so the CLI and the admin page share the rules. */
export const newUserSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'auth.users.error.emailRequired')
    .max(254, 'auth.users.error.emailInvalid')
    .pipe(z.email('auth.users.error.emailInvalid')),
  displayName: z.string().trim().min(1, 'auth.users.error.nameRequired').max(100, 'auth.users.error.nameTooLong'),
  roles: z
    .array(z.string())
    .min(1, 'auth.users.error.rolesRequired')
    .max(ROLES.length)
    .refine((rs) => rs.every(isRole), 'auth.users.error.roleUnknown')
    .transform((rs) => [...new Set(rs)] as Role[]),
});

/** The place of a sealed value of a staff account. */
function place(table: 'auth_users' | 'auth_enrolments', column: string, rowId: string) {
  return { table, column, rowId };
}

/**
 * Two requests creating the same address at once both pass the existence check; the unique index stops the
 * second, which then gets the same answer as if it had come later.
 */
async function emailTakenOnRace<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new AppError('conflict', { fields: [{ field: 'email', key: 'auth.users.error.emailTaken' }], messageKey: 'auth.users.error.emailTaken' });
    }
    throw err;
  }
}

/** The link printed or shown once: the token in it is never stored. */
export function enrolmentLink(config: Pick<Config, 'baseUrl'>, token: string): string {
  return `${config.baseUrl}/staff/enrol/${token}`;
}

async function newEnrolment(deps: AccountDeps, userId: string, db = deps.db.kysely): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken(32);
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + ENROLMENT_TTL_MS);
  await authRepo.deleteEnrolmentsOf(db, userId);
  await authRepo.insertEnrolment(db, {
    id: randomId(),
    user_id: userId,
    token_hash: hashToken(token),
    browser_hash: null,
    pending_password_hash: null,
    pending_totp_secret: null,
    totp_confirmed_step: null,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    used_at: null,
  });
  return { token, expiresAt };
}

/**
 * Creates a pending staff account and its one-time enrolment link (72 h). Throws a `validation` AppError for
 * bad input and a `conflict` AppError when the e-mail already has an account.
 */
export async function createStaffUser(
  deps: AccountDeps,
  input: { email: string; displayName: string; roles: readonly string[]; actor: Actor; requestId?: string },
): Promise<{ userId: string; link: string; expiresAt: Date }> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('validation', {
      fields: parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? '_'), key: i.message.startsWith('auth.') ? i.message : 'form.error.invalid' })),
    });
  }
  const { email, displayName, roles } = parsed.data;
  const secrets = secretsFor(deps);
  const lookup = secrets.emailLookupKey(email);
  const at = deps.now().toISOString();
  return emailTakenOnRace(() => inTransaction(deps.db, async (tx) => {
    // A fresh id per attempt: a retried transaction must not reuse the data key made by the failed one.
    const userId = randomId();
    if (await authRepo.findUserByLookup(tx, lookup)) {
      throw new AppError('conflict', { fields: [{ field: 'email', key: 'auth.users.error.emailTaken' }], messageKey: 'auth.users.error.emailTaken' });
    }
    await secrets.createSubject(tx, userId);
    const emailDisplay = await secrets.seal(userId, place('auth_users', 'email_display', userId), normalizeEmail(email));
    await authRepo.insertUser(
      tx,
      {
        id: userId,
        email_lookup: lookup,
        email_display: emailDisplay,
        display_name: displayName,
        status: 'pending',
        password_hash: null,
        totp_secret: null,
        last_totp_step: null,
        demo: 0,
        last_login_at: null,
        disabled_at: null,
        created_at: at,
        updated_at: at,
      },
      roles,
    );
    const { token, expiresAt } = await newEnrolment(deps, userId, tx);
    const record = { type: USER_RECORD, id: userId };
    await deps.audit.record(tx, { actor: input.actor, action: 'admin.user-create', record, purpose: 'administration', requestId: input.requestId });
    for (const role of roles) {
      await deps.audit.record(tx, { actor: input.actor, action: 'admin.role-grant', record, purpose: 'administration', detail: `role.${role}`, requestId: input.requestId });
    }
    return { userId, link: enrolmentLink(deps.config, token), expiresAt };
  }));
}

/** A new enrolment link for an account that has not finished enrolling (older links stop working). */
export async function reissueEnrolment(deps: AccountDeps, input: { userId: string; actor: Actor; requestId?: string }): Promise<{ link: string; expiresAt: Date }> {
  return inTransaction(deps.db, async (tx) => {
    const user = await authRepo.findUserById(tx, input.userId);
    if (!user) throw new AppError('not_found');
    if (user.status !== 'pending') throw new AppError('conflict', { messageKey: 'auth.users.error.notPending' });
    const { token, expiresAt } = await newEnrolment(deps, user.id, tx);
    await deps.audit.record(tx, { actor: input.actor, action: 'admin.enrolment-link', record: { type: USER_RECORD, id: user.id }, purpose: 'administration', requestId: input.requestId });
    return { link: enrolmentLink(deps.config, token), expiresAt };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Enrolment

export type EnrolmentStep = 'password' | 'totp' | 'passkey';

export type EnrolmentState =
  | { status: 'invalid' }
  | { status: 'expired' }
  | { status: 'other-browser' }
  | { status: 'ok'; step: EnrolmentStep; enrolment: AuthEnrolment; user: AuthUser; roles: Role[]; needsPasskey: boolean };

/**
 * Finds the enrolment a link names and where it stands. `browserToken` is the cookie set at the first step:
 * once an enrolment has started in one browser, only that browser may continue it.
 */
export async function getEnrolment(deps: AccountDeps, input: { token: string; browserToken?: string }): Promise<EnrolmentState> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(input.token)) return { status: 'invalid' };
  const enrolment = await authRepo.findEnrolmentByTokenHash(deps.db.kysely, hashToken(input.token));
  if (!enrolment || enrolment.used_at) return { status: 'invalid' };
  const user = await authRepo.findUserById(deps.db.kysely, enrolment.user_id);
  if (!user || user.status !== 'pending') return { status: 'invalid' };
  if (Date.parse(enrolment.expires_at) <= deps.now().getTime()) return { status: 'expired' };
  if (enrolment.browser_hash && (!input.browserToken || hashToken(input.browserToken) !== enrolment.browser_hash)) {
    return { status: 'other-browser' };
  }
  const roles = await authRepo.rolesOf(deps.db.kysely, user.id);
  const step: EnrolmentStep = !enrolment.pending_password_hash ? 'password' : enrolment.totp_confirmed_step === null ? 'totp' : 'passkey';
  return { status: 'ok', step, enrolment, user, roles, needsPasskey: needsPasskey(roles) };
}

function requireStep(state: EnrolmentState, step: EnrolmentStep): Extract<EnrolmentState, { status: 'ok' }> {
  if (state.status === 'expired') throw new AppError('gone', { messageKey: 'auth.enrol.expired' });
  if (state.status === 'other-browser') throw new AppError('conflict', { messageKey: 'auth.enrol.otherBrowser' });
  if (state.status !== 'ok') throw new AppError('not_found', { messageKey: 'auth.enrol.invalid' });
  if (state.step !== step) throw new AppError('conflict', { messageKey: 'auth.enrol.wrongStep' });
  return state;
}

/**
 * Step 1: choose a password. Returns the policy problems (nothing stored) or, when accepted, the browser
 * token to keep in a cookie for the next steps. A TOTP secret is generated at the same time.
 */
export async function setEnrolmentPassword(
  deps: AccountDeps,
  input: { token: string; browserToken?: string; password: string },
): Promise<{ ok: false; problems: PasswordProblem[] } | { ok: true; browserToken: string }> {
  const state = requireStep(await getEnrolment(deps, input), 'password');
  const secrets = secretsFor(deps);
  const email = await secrets.open(state.user.id, place('auth_users', 'email_display', state.user.id), state.user.email_display);
  const problems = checkPasswordPolicy(input.password, { email, words: [state.user.display_name, 'sanctuary'] });
  if (problems.length > 0) return { ok: false, problems };
  const browserToken = input.browserToken && state.enrolment.browser_hash ? input.browserToken : randomToken(32);
  const passwordHash = await hashPassword(input.password);
  const totpSecret = await secrets.seal(state.user.id, place('auth_enrolments', 'pending_totp_secret', state.enrolment.id), generateTotpSecret());
  await authRepo.updateEnrolment(deps.db.kysely, state.enrolment.id, {
    browser_hash: hashToken(browserToken),
    pending_password_hash: passwordHash,
    pending_totp_secret: totpSecret,
  });
  return { ok: true, browserToken };
}

/** Step 2 (display): the TOTP secret and its `otpauth://` URI, to show as text and as a QR code. */
export async function enrolmentTotp(
  deps: AccountDeps,
  input: { token: string; browserToken?: string; issuer: string },
): Promise<{ secret: string; uri: string }> {
  const state = requireStep(await getEnrolment(deps, input), 'totp');
  const secrets = secretsFor(deps);
  const secret = await secrets.open(state.user.id, place('auth_enrolments', 'pending_totp_secret', state.enrolment.id), state.enrolment.pending_totp_secret ?? '');
  const email = await secrets.open(state.user.id, place('auth_users', 'email_display', state.user.id), state.user.email_display);
  return { secret, uri: totpUri({ issuer: input.issuer, account: email, secret }) };
}

/**
 * Step 2: confirm the authenticator app with a code. Accounts without a high-assurance role are then
 * complete; admins and counsel go on to register a passkey.
 */
export async function confirmEnrolmentTotp(
  deps: AccountDeps,
  input: { token: string; browserToken?: string; code: string },
): Promise<{ ok: false } | { ok: true; complete: boolean }> {
  const state = requireStep(await getEnrolment(deps, input), 'totp');
  const secrets = secretsFor(deps);
  const secret = await secrets.open(state.user.id, place('auth_enrolments', 'pending_totp_secret', state.enrolment.id), state.enrolment.pending_totp_secret ?? '');
  const match = verifyTotp(secret, input.code, { now: deps.now() });
  if (!match) return { ok: false };
  await authRepo.updateEnrolment(deps.db.kysely, state.enrolment.id, { totp_confirmed_step: match.step });
  if (state.needsPasskey) return { ok: true, complete: false };
  await completeEnrolment(deps, { ...state, enrolment: { ...state.enrolment, totp_confirmed_step: match.step } }, secret, null);
  return { ok: true, complete: true };
}

/** Step 3 (admins and counsel): options for the browser's passkey ceremony. */
export async function enrolmentPasskeyOptions(deps: AccountDeps, input: { token: string; browserToken?: string; rpName: string }) {
  const state = requireStep(await getEnrolment(deps, input), 'passkey');
  const secrets = secretsFor(deps);
  const email = await secrets.open(state.user.id, place('auth_users', 'email_display', state.user.id), state.user.email_display);
  return passkeyRegistrationOptions(deps, { userId: state.user.id, userName: email, displayName: state.user.display_name, rpName: input.rpName });
}

/** Step 3: verify the new passkey and finish the enrolment. */
export async function registerEnrolmentPasskey(
  deps: AccountDeps,
  input: { token: string; browserToken?: string; response: RegistrationResponseJSON },
): Promise<boolean> {
  const state = requireStep(await getEnrolment(deps, input), 'passkey');
  const passkey = await verifyPasskeyRegistration(deps, { userId: state.user.id, response: input.response });
  if (!passkey) return false;
  const secrets = secretsFor(deps);
  const secret = await secrets.open(state.user.id, place('auth_enrolments', 'pending_totp_secret', state.enrolment.id), state.enrolment.pending_totp_secret ?? '');
  await completeEnrolment(deps, state, secret, passkey);
  return true;
}

/** Moves the pending factors onto the account and activates it, in one transaction; the link is spent. */
async function completeEnrolment(
  deps: AccountDeps,
  state: Extract<EnrolmentState, { status: 'ok' }>,
  totpSecret: string,
  passkey: NewPasskey | null,
): Promise<void> {
  const secrets = secretsFor(deps);
  const sealedTotp = await secrets.seal(state.user.id, place('auth_users', 'totp_secret', state.user.id), totpSecret);
  const at = deps.now().toISOString();
  await inTransaction(deps.db, async (tx) => {
    if (!(await authRepo.markEnrolmentUsed(tx, state.enrolment.id, at))) throw new AppError('not_found', { messageKey: 'auth.enrol.invalid' });
    await authRepo.updateUser(tx, state.user.id, {
      status: 'active',
      password_hash: state.enrolment.pending_password_hash,
      totp_secret: sealedTotp,
      // The code typed to confirm the app may not be replayed to sign in.
      last_totp_step: state.enrolment.totp_confirmed_step,
      updated_at: at,
    });
    if (passkey) await savePasskey(tx, { userId: state.user.id, passkey, at });
    await authRepo.updateEnrolment(tx, state.enrolment.id, { pending_password_hash: null, pending_totp_secret: null });
    await authRepo.deleteEnrolmentsOf(tx, state.user.id);
    await deps.audit.record(tx, {
      actor: staffActor(state.user.id, state.roles),
      action: 'auth.enrol',
      record: { type: USER_RECORD, id: state.user.id },
      purpose: 'security',
      detail: passkey ? 'factor.passkey' : 'factor.totp',
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Administration

/** Finds an account by e-mail (for the CLI). */
export async function findUserByEmail(deps: AccountDeps, email: string): Promise<AuthUser | undefined> {
  return authRepo.findUserByLookup(deps.db.kysely, secretsFor(deps).emailLookupKey(email));
}

async function activeAdminsOtherThan(deps: AccountDeps, userId: string): Promise<number> {
  const users = await authRepo.listUsers(deps.db.kysely);
  return users.filter((u) => u.id !== userId && u.status === 'active' && u.roles.includes('admin')).length;
}

/**
 * Disables an account and ends every one of its sessions at once (ASVS 5.0 7.4.2, R9). Refuses to disable
 * the last active administrator (nobody could manage accounts any more).
 */
export async function disableUser(
  deps: AccountDeps,
  input: { userId: string; actor: Actor; requestId?: string },
): Promise<{ sessionsEnded: number; alreadyDisabled: boolean }> {
  const user = await authRepo.findUserById(deps.db.kysely, input.userId);
  if (!user) throw new AppError('not_found');
  if (user.status === 'disabled') return { sessionsEnded: 0, alreadyDisabled: true };
  const roles = await authRepo.rolesOf(deps.db.kysely, user.id);
  if (user.status === 'active' && roles.includes('admin') && (await activeAdminsOtherThan(deps, user.id)) === 0) {
    throw new AppError('conflict', { messageKey: 'auth.users.error.lastAdmin' });
  }
  const at = deps.now().toISOString();
  return inTransaction(deps.db, async (tx) => {
    await authRepo.updateUser(tx, user.id, { status: 'disabled', disabled_at: at, updated_at: at });
    await authRepo.deleteEnrolmentsOf(tx, user.id);
    const sessionsEnded = await endAllSessions(deps, user.id, tx);
    await deps.audit.record(tx, { actor: input.actor, action: 'admin.user-disable', record: { type: USER_RECORD, id: user.id }, purpose: 'administration', requestId: input.requestId });
    return { sessionsEnded, alreadyDisabled: false };
  });
}

/**
 * Replaces an account's roles. Takes effect on the account's next request (roles are read per request).
 * Refuses to remove the admin role from the last active administrator.
 */
export async function setUserRoles(deps: AccountDeps, input: { userId: string; roles: readonly string[]; actor: Actor; requestId?: string }): Promise<Role[]> {
  const roles = [...new Set(input.roles)];
  if (roles.length === 0) throw new AppError('validation', { fields: [{ field: 'roles', key: 'auth.users.error.rolesRequired' }] });
  if (!roles.every(isRole)) throw new AppError('validation', { fields: [{ field: 'roles', key: 'auth.users.error.roleUnknown' }] });
  const user = await authRepo.findUserById(deps.db.kysely, input.userId);
  if (!user) throw new AppError('not_found');
  const current = await authRepo.rolesOf(deps.db.kysely, user.id);
  if (current.includes('admin') && !roles.includes('admin') && user.status === 'active' && (await activeAdminsOtherThan(deps, user.id)) === 0) {
    throw new AppError('conflict', { messageKey: 'auth.users.error.lastAdmin' });
  }
  const record = { type: USER_RECORD, id: user.id };
  await inTransaction(deps.db, async (tx) => {
    await authRepo.setRoles(tx, user.id, roles, deps.now().toISOString());
    for (const role of roles.filter((r) => !current.includes(r))) {
      await deps.audit.record(tx, { actor: input.actor, action: 'admin.role-grant', record, purpose: 'administration', detail: `role.${role}`, requestId: input.requestId });
    }
    for (const role of current.filter((r) => !roles.includes(r))) {
      await deps.audit.record(tx, { actor: input.actor, action: 'admin.role-revoke', record, purpose: 'administration', detail: `role.${role}`, requestId: input.requestId });
    }
  });
  return [...roles].sort();
}

/** One row of the account list. */
export interface StaffUserSummary {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  status: AuthUser['status'];
  /** `password`, `totp`, `passkey` — the factors the account has. */
  factors: Array<'password' | 'totp' | 'passkey'>;
  passkeys: number;
  lastLoginAt: string | null;
}

async function summarize(deps: AccountDeps, u: AuthUserWithRoles, passkeys: number): Promise<StaffUserSummary> {
  const secrets = secretsFor(deps);
  const factors: StaffUserSummary['factors'] = [];
  if (u.password_hash) factors.push('password');
  if (u.totp_secret) factors.push('totp');
  if (passkeys > 0) factors.push('passkey');
  return {
    id: u.id,
    email: await secrets.open(u.id, place('auth_users', 'email_display', u.id), u.email_display),
    displayName: u.display_name,
    roles: u.roles,
    status: u.status,
    factors,
    passkeys,
    lastLoginAt: u.last_login_at,
  };
}

/** Every staff account, by e-mail. */
export async function listStaffUsers(deps: AccountDeps): Promise<StaffUserSummary[]> {
  const users = await authRepo.listUsers(deps.db.kysely);
  const counts = await authRepo.passkeyCounts(deps.db.kysely);
  return Promise.all(users.map((u) => summarize(deps, u, counts.get(u.id) ?? 0)));
}

/** One staff account. */
export async function getStaffUser(deps: AccountDeps, userId: string): Promise<StaffUserSummary | undefined> {
  const user = await authRepo.findUserById(deps.db.kysely, userId);
  if (!user) return undefined;
  const roles = await authRepo.rolesOf(deps.db.kysely, userId);
  const passkeys = (await authRepo.passkeysOf(deps.db.kysely, userId)).length;
  return summarize(deps, { ...user, roles }, passkeys);
}

/**
 * Adds a passkey to a signed-in account, after the user re-enters their password (re-authentication before
 * binding a new authenticator). A new factor ends every session of the account (R9), so the user signs in
 * again — now able to use the passkey.
 */
export async function addPasskey(
  deps: AccountDeps,
  input: { userId: string; password: string; response: RegistrationResponseJSON },
): Promise<'added' | 'wrong-password' | 'not-verified'> {
  const user = await authRepo.findUserById(deps.db.kysely, input.userId);
  if (!user || user.status !== 'active') throw new AppError('unauthorized');
  if (!(await verifyPassword(user.password_hash, input.password))) return 'wrong-password';
  const passkey = await verifyPasskeyRegistration(deps, { userId: input.userId, response: input.response });
  if (!passkey) return 'not-verified';
  const at = deps.now().toISOString();
  const roles = await authRepo.rolesOf(deps.db.kysely, input.userId);
  await inTransaction(deps.db, async (tx) => {
    await savePasskey(tx, { userId: input.userId, passkey, at });
    await authRepo.updateUser(tx, input.userId, { updated_at: at });
    await endAllSessions(deps, input.userId, tx);
    await deps.audit.record(tx, {
      actor: staffActor(input.userId, roles),
      action: 'auth.factor-add',
      record: { type: USER_RECORD, id: input.userId },
      purpose: 'security',
      detail: 'factor.passkey',
    });
  });
  return 'added';
}

/** Registration options for a signed-in user adding a passkey. */
export async function accountPasskeyOptions(deps: AccountDeps, input: { userId: string; rpName: string }) {
  const user = await authRepo.findUserById(deps.db.kysely, input.userId);
  if (!user || user.status !== 'active') throw new AppError('unauthorized');
  const email = await secretsFor(deps).open(user.id, place('auth_users', 'email_display', user.id), user.email_display);
  return passkeyRegistrationOptions(deps, { userId: user.id, userName: email, displayName: user.display_name, rpName: input.rpName });
}

/**
 * Step-up with an authenticator code instead of a passkey: only for the seeded demo accounts while DEMO is
 * on (a console cannot print a passkey). The code is replay-protected like at sign-in.
 */
export async function demoStepUpWithCode(deps: AccountDeps, input: { userId: string; code: string }): Promise<boolean> {
  if (!deps.config.demo) return false;
  const user = await authRepo.findUserById(deps.db.kysely, input.userId);
  if (!user || user.status !== 'active' || user.demo !== 1 || !user.totp_secret) return false;
  const secret = await secretsFor(deps).open(user.id, place('auth_users', 'totp_secret', user.id), user.totp_secret);
  const match = verifyTotp(secret, input.code, { now: deps.now(), afterStep: user.last_totp_step });
  return match !== null && (await authRepo.consumeTotpStep(deps.db.kysely, user.id, match.step));
}

/**
 * Creates an account that is already active, with its password and TOTP secret given — for the demo seed
 * (whose credentials are printed) and for tests. Real accounts are created with {@link createStaffUser} and
 * enrol themselves, so no one else ever knows their password.
 */
export async function provisionStaffUser(
  deps: AccountDeps,
  input: { email: string; displayName: string; roles: readonly Role[]; password: string; totpSecret: string; demo?: boolean; passwordHash?: string },
): Promise<{ userId: string }> {
  const secrets = secretsFor(deps);
  const lookup = secrets.emailLookupKey(input.email);
  const at = deps.now().toISOString();
  const passwordHash = input.passwordHash ?? (await hashPassword(input.password));
  return emailTakenOnRace(() => inTransaction(deps.db, async (tx) => {
    const userId = randomId();
    if (await authRepo.findUserByLookup(tx, lookup)) throw new AppError('conflict', { messageKey: 'auth.users.error.emailTaken' });
    await secrets.createSubject(tx, userId);
    await authRepo.insertUser(
      tx,
      {
        id: userId,
        email_lookup: lookup,
        email_display: await secrets.seal(userId, place('auth_users', 'email_display', userId), normalizeEmail(input.email)),
        display_name: input.displayName,
        status: 'active',
        password_hash: passwordHash,
        totp_secret: await secrets.seal(userId, place('auth_users', 'totp_secret', userId), input.totpSecret),
        last_totp_step: null,
        demo: input.demo ? 1 : 0,
        last_login_at: null,
        disabled_at: null,
        created_at: at,
        updated_at: at,
      },
      input.roles,
    );
    return { userId };
  }));
}
