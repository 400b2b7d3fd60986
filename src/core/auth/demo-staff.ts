import { randomBytes } from 'node:crypto';
import { CROCKFORD_ALPHABET } from '../crypto/random.ts';
import { generateTotp, generateTotpSecret } from '../crypto/totp.ts';
import { hashPassword } from '../crypto/passwords.ts';
import { inTransaction } from '../db/transaction.ts';
import { AppError } from '../http/errors.ts';
import { OPERATOR } from './auth-audit.ts';
import { normalizeEmail, secretsFor } from './auth-secrets.ts';
import { authRepo } from './auth.repo.ts';
import { type AccountDeps, provisionStaffUser } from './accounts.service.ts';
import { endAllSessions } from './sessions.service.ts';
import { ROLES, type Role } from './permissions.ts';

/**
 * Demo staff accounts: one per role, `<role>@demo.sanctuary.example` (`.example` is reserved, RFC 2606: no
 * real mailbox can have it). Passwords and TOTP secrets are random for each seeding and printed once, so a
 * demo database never shares credentials with another.
 *
 * Admins and counsel normally need a passkey, which a console cannot print. Demo accounts (and only they,
 * and only while DEMO is on) may therefore use their authenticator code where a passkey is required — at
 * sign-in and at step-up — and every staff page says so. Turning DEMO off removes that exception at once.
 */
export const DEMO_EMAIL_DOMAIN = 'demo.sanctuary.example';

export function demoEmail(role: Role): string {
  return `${role}@${DEMO_EMAIL_DOMAIN}`;
}

const DEMO_NAMES: Record<Role, string> = {
  admin: 'Demo Administrator',
  counsel: 'Demo Counsel',
  'office-staff': 'Demo Office Staff',
  'program-staff': 'Demo Program Staff',
  'partner-attorney': 'Demo Partner Attorney',
  'certifying-official': 'Demo Certifying Official',
  'certifying-supervisor': 'Demo Certifying Supervisor',
  'legal-defense-staff': 'Demo Legal Defense Staff',
};

/** A readable random password: `demo-XXXX-XXXX-XXXX-XXXX` (80 random bits). */
function demoPassword(): string {
  const bytes = randomBytes(16);
  let s = '';
  for (let i = 0; i < 16; i++) s += CROCKFORD_ALPHABET[(bytes[i] as number) & 31];
  return `demo-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}`.toLowerCase();
}

export interface DemoCredential {
  role: Role;
  email: string;
  password: string;
  totpSecret: string;
  /** `created`, or `reset` when the account existed (only with `force`). */
  outcome: 'created' | 'reset';
}

/** True when the database has any staff account (the demo seed then refuses without `--force`). */
export async function hasStaffAccounts(deps: AccountDeps): Promise<boolean> {
  return (await authRepo.listUsers(deps.db.kysely)).length > 0;
}

/**
 * Creates the demo accounts (or, with `force`, gives existing demo accounts new credentials and ends their
 * sessions). Refuses unless DEMO is on.
 */
export async function seedDemoStaff(deps: AccountDeps, options: { force?: boolean } = {}): Promise<DemoCredential[]> {
  if (!deps.config.demo) throw new AppError('forbidden', { message: 'demo accounts can only be created while DEMO is on' });
  const out: DemoCredential[] = [];
  const secrets = secretsFor(deps);
  for (const role of ROLES) {
    const email = demoEmail(role);
    const password = demoPassword();
    const totpSecret = generateTotpSecret();
    const existing = await authRepo.findUserByLookup(deps.db.kysely, secrets.emailLookupKey(email));
    if (!existing) {
      await provisionStaffUser(deps, { email, displayName: DEMO_NAMES[role], roles: [role], password, totpSecret, demo: true });
      out.push({ role, email, password, totpSecret, outcome: 'created' });
      continue;
    }
    if (!options.force) throw new AppError('conflict', { message: `${email} already exists` });
    const at = deps.now().toISOString();
    const passwordHash = await hashPassword(password);
    const sealed = await secrets.seal(existing.id, { table: 'auth_users', column: 'totp_secret', rowId: existing.id }, totpSecret);
    await inTransaction(deps.db, async (tx) => {
      await authRepo.updateUser(tx, existing.id, {
        status: 'active',
        password_hash: passwordHash,
        totp_secret: sealed,
        last_totp_step: null,
        demo: 1,
        disabled_at: null,
        updated_at: at,
      });
      await authRepo.setRoles(tx, existing.id, [role], at);
      await endAllSessions(deps, existing.id, tx);
      await deps.audit.record(tx, { actor: OPERATOR, action: 'admin.demo-reset', record: { type: 'core.user', id: existing.id }, purpose: 'administration' });
    });
    out.push({ role, email, password, totpSecret, outcome: 'reset' });
  }
  return out;
}

/** The current authenticator code of a demo account (`sanctuary demo code`), only while DEMO is on. */
export async function demoCode(deps: AccountDeps, email: string): Promise<string> {
  if (!deps.config.demo) throw new AppError('forbidden', { message: 'DEMO is off' });
  const secrets = secretsFor(deps);
  const user = await authRepo.findUserByLookup(deps.db.kysely, secrets.emailLookupKey(email));
  if (!user || user.demo !== 1 || !user.totp_secret || !normalizeEmail(email).endsWith(`@${DEMO_EMAIL_DOMAIN}`)) {
    throw new AppError('not_found', { message: `${email} is not a demo account` });
  }
  const secret = await secrets.open(user.id, { table: 'auth_users', column: 'totp_secret', rowId: user.id }, user.totp_secret);
  return generateTotp(secret, { now: deps.now() });
}

/** The lines printed at start and by `sanctuary demo seed`. */
export function demoCredentialLines(baseUrl: string, credentials: readonly DemoCredential[]): string[] {
  if (credentials.length === 0) return [];
  const width = Math.max(...credentials.map((c) => c.email.length));
  return [
    `Demo staff accounts — sign in at ${baseUrl}/staff/login`,
    '  Add each TOTP secret to an authenticator app, or print the current code with',
    '  "npx sanctuary demo code --email <email>". These credentials are shown only now.',
    '',
    `  ${'email'.padEnd(width)}  ${'password'.padEnd(24)}  TOTP secret`,
    ...credentials.map((c) => `  ${c.email.padEnd(width)}  ${c.password.padEnd(24)}  ${c.totpSecret}`),
    '',
    '  Admins and counsel normally must use a passkey. In this demo (DEMO=true) the demo accounts may use',
    '  their authenticator code instead, and the staff home page says so. A real installation never allows it.',
  ];
}
