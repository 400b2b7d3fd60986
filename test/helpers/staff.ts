import type { FastifyInstance } from 'fastify';
import { provisionStaffUser } from '../../src/core/auth/accounts.service.ts';
import { HIGH_ASSURANCE_ROLES, type Role } from '../../src/core/auth/permissions.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession, hashToken, recordStepUp } from '../../src/core/auth/sessions.service.ts';
import { hashPassword } from '../../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../../src/core/crypto/totp.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { TestBrowser } from './app.ts';

/** The password of every account made by {@link signInAs}. */
export const TEST_PASSWORD = 'correct horse battery staple';

// argon2id is deliberately slow: hash the shared test password once per test file.
let passwordHash: Promise<string> | undefined;
let counter = 0;

/** A browser signed in as a staff member, with what a test needs to know about the account. */
export class StaffBrowser extends TestBrowser {
  constructor(
    app: FastifyInstance,
    private readonly ctx: AppContext,
    readonly userId: string,
    readonly email: string,
    readonly roles: readonly Role[],
    readonly totpSecret: string,
    readonly sessionToken: string,
  ) {
    super(app);
  }

  /** Records a passkey step-up on this session now (for routes that call `requireStepUp`). */
  async stepUp(): Promise<void> {
    await recordStepUp(this.ctx, hashToken(this.sessionToken));
  }
}

/**
 * Creates an active staff account with the given role(s) and returns a browser holding a valid session for
 * it — the quick way for any test to act as staff:
 *
 * ```ts
 * const t = await createTestApp(dialect);
 * const admin = await signInAs(t, 'admin');
 * const res = await admin.get('/staff/users');
 * ```
 *
 * Sessions of admins and counsel are opened as passkey sessions (their roles need one); others as TOTP
 * sessions. `options.factor: 'totp'` makes an admin/counsel session without a passkey (its high-assurance
 * roles are then withheld, as in production). `options.stepUp` records a fresh step-up.
 */
export async function signInAs(
  target: { app: FastifyInstance; ctx: AppContext },
  role: Role | readonly Role[],
  options: { factor?: 'totp' | 'passkey'; stepUp?: boolean; email?: string; displayName?: string } = {},
): Promise<StaffBrowser> {
  const roles: Role[] = typeof role === 'string' ? [role] : [...role];
  const { app, ctx } = target;
  counter += 1;
  const email = options.email ?? `${roles.join('-') || 'none'}-${process.pid}-${counter}@staff.test`;
  const totpSecret = generateTotpSecret();
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const { userId } = await provisionStaffUser(ctx, {
    email,
    displayName: options.displayName ?? `Test ${roles.join(' ') || 'staff'}`,
    roles,
    password: TEST_PASSWORD,
    passwordHash: await passwordHash,
    totpSecret,
  });
  const factor = options.factor ?? (roles.some((r) => HIGH_ASSURANCE_ROLES.includes(r)) ? 'passkey' : 'totp');
  const token = await createSession(ctx, { userId, factor });
  const browser = new StaffBrowser(app, ctx, userId, email, roles, totpSecret, token);
  browser.setCookie(SESSION_COOKIE, token);
  if (options.stepUp) await browser.stepUp();
  return browser;
}
