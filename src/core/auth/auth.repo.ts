import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/transaction.ts';
import type { Role } from './permissions.ts';

/** Lifecycle of a staff account: created (enrolment link issued) → active → disabled. */
export type UserStatus = 'pending' | 'active' | 'disabled';
/** The second factor a session was opened with. */
export type SessionFactor = 'totp' | 'passkey';

export interface AuthUserTable {
  id: string;
  /** Lookup key of the normalized email (unique); see `emailLookupKey()`. */
  email_lookup: string;
  /** The email as shown to administrators. */
  email_display: string;
  display_name: string;
  status: UserStatus;
  /** argon2id PHC string; null until enrolment completes. */
  password_hash: string | null;
  /** Sealed base32 TOTP secret; null until enrolment completes. */
  totp_secret: string | null;
  /** The last accepted TOTP time step: a code is accepted only for a later step (replay protection). */
  last_totp_step: number | null;
  /** 1 for the demo accounts seeded into a demo database: they may use TOTP where a passkey is required, while DEMO is on. */
  demo: number;
  last_login_at: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuthUserRoleTable {
  user_id: string;
  role: Role;
  granted_at: string;
}

export interface AuthEnrolmentTable {
  id: string;
  user_id: string;
  /** SHA-256 of the token in the link; the token itself is only ever printed once. */
  token_hash: string;
  /** SHA-256 of a cookie set on the first step, so a half-finished enrolment cannot be taken over. */
  browser_hash: string | null;
  pending_password_hash: string | null;
  pending_totp_secret: string | null;
  totp_confirmed_step: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AuthSessionTable {
  /** SHA-256 (hex) of the session id in the cookie; the id itself is never stored. */
  id_hash: string;
  user_id: string;
  factor: SessionFactor;
  created_at: string;
  last_seen_at: string;
  /** When the last step-up passkey assertion was verified in this session. */
  step_up_at: string | null;
}

export interface AuthPasskeyTable {
  /** WebAuthn credential id (base64url). */
  id: string;
  user_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  counter: number;
  /** JSON array of transports reported at registration. */
  transports: string;
  created_at: string;
  last_used_at: string | null;
}

export type ChallengePurpose = 'login' | 'register' | 'step-up';

export interface AuthWebauthnChallengeTable {
  /** The random challenge (base64url); one-time. */
  challenge: string;
  purpose: ChallengePurpose;
  /** The user it was issued to (registration and step-up); null for a sign-in challenge. */
  user_id: string | null;
  expires_at: string;
}

export interface AuthThrottleTable {
  /** `account:<email lookup key>` or `ip:<address>`. */
  key: string;
  failures: number;
  locked_until: string | null;
  last_failure_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    auth_users: AuthUserTable;
    auth_user_roles: AuthUserRoleTable;
    auth_enrolments: AuthEnrolmentTable;
    auth_sessions: AuthSessionTable;
    auth_passkeys: AuthPasskeyTable;
    auth_webauthn_challenges: AuthWebauthnChallengeTable;
    auth_throttle: AuthThrottleTable;
  }
}

export type AuthUser = Selectable<AuthUserTable>;
export type AuthEnrolment = Selectable<AuthEnrolmentTable>;
export type AuthPasskey = Selectable<AuthPasskeyTable>;
export type AuthThrottle = Selectable<AuthThrottleTable>;

/** A user row with its roles. */
export interface AuthUserWithRoles extends AuthUser {
  roles: Role[];
}

/** The session row joined with what the session hook needs about its user. */
export interface SessionRecord {
  id_hash: string;
  user_id: string;
  factor: SessionFactor;
  created_at: string;
  last_seen_at: string;
  step_up_at: string | null;
  status: UserStatus;
  display_name: string;
  demo: number;
  roles: Role[];
}

export type NewAuthUser = Insertable<AuthUserTable>;

/**
 * Queries over the auth tables. Pure data access: no hashing, no decryption, no policy — the services do
 * that. Every function takes an executor so services can compose them in one transaction.
 */
export const authRepo = {
  async insertUser(db: Executor, user: NewAuthUser, roles: readonly Role[]): Promise<void> {
    await db.insertInto('auth_users').values(user).execute();
    if (roles.length > 0) {
      await db
        .insertInto('auth_user_roles')
        .values(roles.map((role) => ({ user_id: user.id, role, granted_at: user.created_at })))
        .execute();
    }
  },

  async findUserByLookup(db: Executor, emailLookup: string): Promise<AuthUser | undefined> {
    return db.selectFrom('auth_users').selectAll().where('email_lookup', '=', emailLookup).executeTakeFirst();
  },

  async findUserById(db: Executor, id: string): Promise<AuthUser | undefined> {
    return db.selectFrom('auth_users').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async rolesOf(db: Executor, userId: string): Promise<Role[]> {
    const rows = await db.selectFrom('auth_user_roles').select('role').where('user_id', '=', userId).orderBy('role').execute();
    return rows.map((r) => r.role);
  },

  async listUsers(db: Executor): Promise<AuthUserWithRoles[]> {
    const users = await db.selectFrom('auth_users').selectAll().orderBy('email_display').orderBy('id').execute();
    const roles = await db.selectFrom('auth_user_roles').select(['user_id', 'role']).orderBy('role').execute();
    const byUser = new Map<string, Role[]>();
    for (const r of roles) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.role]);
    return users.map((u) => ({ ...u, roles: byUser.get(u.id) ?? [] }));
  },

  async passkeyCounts(db: Executor): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('auth_passkeys')
      .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('user_id')
      .execute();
    return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
  },

  async setRoles(db: Executor, userId: string, roles: readonly Role[], at: string): Promise<void> {
    await db.deleteFrom('auth_user_roles').where('user_id', '=', userId).execute();
    if (roles.length > 0) {
      await db
        .insertInto('auth_user_roles')
        .values(roles.map((role) => ({ user_id: userId, role, granted_at: at })))
        .execute();
    }
    await db.updateTable('auth_users').set({ updated_at: at }).where('id', '=', userId).execute();
  },

  async updateUser(db: Executor, userId: string, changes: Partial<Omit<AuthUser, 'id'>>): Promise<void> {
    await db.updateTable('auth_users').set(changes).where('id', '=', userId).execute();
  },

  /**
   * Records a TOTP step as used, only if it is later than the last one: the conditional update makes two
   * concurrent logins with the same code race safely — exactly one wins.
   */
  async consumeTotpStep(db: Executor, userId: string, step: number): Promise<boolean> {
    const result = await db
      .updateTable('auth_users')
      .set({ last_totp_step: step })
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('last_totp_step', 'is', null), eb('last_totp_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  // Enrolments ------------------------------------------------------------------------------------------

  async insertEnrolment(db: Executor, row: Insertable<AuthEnrolmentTable>): Promise<void> {
    await db.insertInto('auth_enrolments').values(row).execute();
  },

  async findEnrolmentByTokenHash(db: Executor, tokenHash: string): Promise<AuthEnrolment | undefined> {
    return db.selectFrom('auth_enrolments').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  },

  async updateEnrolment(db: Executor, id: string, changes: Partial<Omit<AuthEnrolment, 'id'>>): Promise<void> {
    await db.updateTable('auth_enrolments').set(changes).where('id', '=', id).execute();
  },

  /** Marks an enrolment used only if it still is unused (one-time, even under concurrency). */
  async markEnrolmentUsed(db: Executor, id: string, at: string): Promise<boolean> {
    const r = await db.updateTable('auth_enrolments').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async deleteEnrolmentsOf(db: Executor, userId: string): Promise<void> {
    await db.deleteFrom('auth_enrolments').where('user_id', '=', userId).execute();
  },

  // Sessions --------------------------------------------------------------------------------------------

  async insertSession(db: Executor, row: Insertable<AuthSessionTable>): Promise<void> {
    await db.insertInto('auth_sessions').values(row).execute();
  },

  /** One query: the session, its user's status and name, and every role (one row per role). */
  async findSession(db: Executor, idHash: string): Promise<SessionRecord | undefined> {
    const rows = await db
      .selectFrom('auth_sessions as s')
      .innerJoin('auth_users as u', 'u.id', 's.user_id')
      .leftJoin('auth_user_roles as r', 'r.user_id', 's.user_id')
      .select(['s.id_hash', 's.user_id', 's.factor', 's.created_at', 's.last_seen_at', 's.step_up_at', 'u.status', 'u.display_name', 'u.demo', 'r.role'])
      .where('s.id_hash', '=', idHash)
      .execute();
    const first = rows[0];
    if (!first) return undefined;
    const { role: _role, ...session } = first;
    return { ...session, roles: rows.flatMap((r) => (r.role ? [r.role] : [])).sort() };
  },

  async touchSession(db: Executor, idHash: string, at: string): Promise<void> {
    await db.updateTable('auth_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
  },

  async setStepUp(db: Executor, idHash: string, at: string): Promise<void> {
    await db.updateTable('auth_sessions').set({ step_up_at: at, last_seen_at: at }).where('id_hash', '=', idHash).execute();
  },

  async deleteSession(db: Executor, idHash: string): Promise<void> {
    await db.deleteFrom('auth_sessions').where('id_hash', '=', idHash).execute();
  },

  async deleteSessionsOf(db: Executor, userId: string): Promise<number> {
    const r = await db.deleteFrom('auth_sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  },

  async countSessionsOf(db: Executor, userId: string): Promise<number> {
    const r = await db
      .selectFrom('auth_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  // Passkeys --------------------------------------------------------------------------------------------

  async insertPasskey(db: Executor, row: Insertable<AuthPasskeyTable>): Promise<void> {
    await db.insertInto('auth_passkeys').values(row).execute();
  },

  async findPasskey(db: Executor, id: string): Promise<AuthPasskey | undefined> {
    return db.selectFrom('auth_passkeys').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async passkeysOf(db: Executor, userId: string): Promise<AuthPasskey[]> {
    return db.selectFrom('auth_passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
  },

  /**
   * Stores the new signature counter only if it moved forward (a cloned authenticator would go back). An
   * authenticator that keeps no counter reports 0 every time; that is accepted while the stored value is 0.
   */
  async advancePasskeyCounter(db: Executor, id: string, counter: number, at: string): Promise<boolean> {
    const base = db.updateTable('auth_passkeys').set({ counter, last_used_at: at }).where('id', '=', id);
    const r = await (counter === 0 ? base.where('counter', '=', 0) : base.where('counter', '<', counter)).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  // WebAuthn challenges ---------------------------------------------------------------------------------

  async insertChallenge(db: Executor, row: Insertable<AuthWebauthnChallengeTable>): Promise<void> {
    await db.insertInto('auth_webauthn_challenges').values(row).execute();
  },

  /** Deletes and returns a challenge: each is usable once. */
  async takeChallenge(db: Executor, challenge: string): Promise<Selectable<AuthWebauthnChallengeTable> | undefined> {
    const row = await db.selectFrom('auth_webauthn_challenges').selectAll().where('challenge', '=', challenge).executeTakeFirst();
    if (!row) return undefined;
    const r = await db.deleteFrom('auth_webauthn_challenges').where('challenge', '=', challenge).executeTakeFirst();
    return Number(r.numDeletedRows) === 1 ? row : undefined;
  },

  async deleteExpiredChallenges(db: Executor, before: string): Promise<void> {
    await db.deleteFrom('auth_webauthn_challenges').where('expires_at', '<', before).execute();
  },

  // Throttling ------------------------------------------------------------------------------------------

  async findThrottles(db: Executor, keys: readonly string[]): Promise<AuthThrottle[]> {
    if (keys.length === 0) return [];
    return db.selectFrom('auth_throttle').selectAll().where('key', 'in', keys).execute();
  },

  async upsertThrottle(db: Executor, row: AuthThrottle): Promise<void> {
    await db
      .insertInto('auth_throttle')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet({ failures: row.failures, locked_until: row.locked_until, last_failure_at: row.last_failure_at }))
      .execute();
  },

  async clearThrottle(db: Executor, key: string): Promise<void> {
    await db.deleteFrom('auth_throttle').where('key', '=', key).execute();
  },
};
