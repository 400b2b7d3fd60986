import { createHash } from 'node:crypto';
import { randomToken } from '../crypto/random.ts';
import type { Db } from '../db/database.ts';
import type { Executor } from '../db/transaction.ts';
import { authRepo, type SessionFactor, type SessionRecord } from './auth.repo.ts';
import { HIGH_ASSURANCE_ROLES, type Role } from './permissions.ts';

/** Session lifetimes (NIST SP 800-63B §4.2.3/§4.3.3, ASVS 4.0.3 3.3.2; R8). */
export const SESSION_LIMITS = {
  /** Idle timeout for ordinary staff (AAL2). */
  idleMs: 30 * 60_000,
  /** Idle timeout when the user holds a high-assurance role (admin, counsel; AAL3). */
  highAssuranceIdleMs: 15 * 60_000,
  /** Absolute lifetime of any session. */
  absoluteMs: 12 * 60 * 60_000,
  /** `last_seen_at` is written at most this often, so a busy page does not write on every request. */
  touchEveryMs: 30_000,
  /** A step-up assertion counts for this long. */
  stepUpMs: 5 * 60_000,
} as const;

/** What the auth services need from the application. */
export interface AuthDeps {
  db: Db;
  now(): Date;
}

/** SHA-256 (hex) of a bearer token: what the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A loaded, valid session. */
export interface ActiveSession {
  idHash: string;
  userId: string;
  displayName: string;
  /** The roles the account holds. */
  roles: Role[];
  factor: SessionFactor;
  /** A seeded demo account (see `auth_users.demo`). */
  demo: boolean;
  createdAt: Date;
  stepUpAt: Date | null;
}

/** Idle limit for an account with these roles. */
export function idleLimitMs(roles: readonly Role[]): number {
  return roles.some((r) => HIGH_ASSURANCE_ROLES.includes(r)) ? SESSION_LIMITS.highAssuranceIdleMs : SESSION_LIMITS.idleMs;
}

/**
 * Opens a new session and returns its id (the cookie value). Only the hash is stored. A fresh id at every
 * sign-in is what prevents session fixation (ASVS 3.2.1).
 */
export async function createSession(deps: AuthDeps, input: { userId: string; factor: SessionFactor; db?: Executor }): Promise<string> {
  const token = randomToken(32);
  const at = deps.now().toISOString();
  await authRepo.insertSession(input.db ?? deps.db.kysely, {
    id_hash: hashToken(token),
    user_id: input.userId,
    factor: input.factor,
    created_at: at,
    last_seen_at: at,
    step_up_at: null,
  });
  return token;
}

/** Why a presented session id was refused. */
export type SessionRejection = 'unknown' | 'idle' | 'expired' | 'disabled';

function check(record: SessionRecord, now: Date): SessionRejection | null {
  if (record.status !== 'active') return 'disabled';
  if (now.getTime() - Date.parse(record.created_at) >= SESSION_LIMITS.absoluteMs) return 'expired';
  if (now.getTime() - Date.parse(record.last_seen_at) >= idleLimitMs(record.roles)) return 'idle';
  return null;
}

/**
 * Loads the session a cookie names, enforcing the idle and absolute timeouts on the application clock.
 * A session past either limit, or of a disabled account, is deleted and refused. A valid one is marked seen.
 */
export async function loadSession(
  deps: AuthDeps,
  token: string,
): Promise<{ ok: true; session: ActiveSession } | { ok: false; reason: SessionRejection }> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: 'unknown' };
  const idHash = hashToken(token);
  const record = await authRepo.findSession(deps.db.kysely, idHash);
  if (!record) return { ok: false, reason: 'unknown' };
  const now = deps.now();
  const rejection = check(record, now);
  if (rejection) {
    await authRepo.deleteSession(deps.db.kysely, idHash);
    return { ok: false, reason: rejection };
  }
  if (now.getTime() - Date.parse(record.last_seen_at) >= SESSION_LIMITS.touchEveryMs) {
    await authRepo.touchSession(deps.db.kysely, idHash, now.toISOString());
  }
  return {
    ok: true,
    session: {
      idHash,
      userId: record.user_id,
      displayName: record.display_name,
      roles: record.roles,
      factor: record.factor,
      demo: record.demo === 1,
      createdAt: new Date(record.created_at),
      stepUpAt: record.step_up_at ? new Date(record.step_up_at) : null,
    },
  };
}

/** Ends one session (logout). Unknown ids are ignored. */
export async function endSession(deps: AuthDeps, token: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return;
  await authRepo.deleteSession(deps.db.kysely, hashToken(token));
}

/** Ends every session of a user (account disabled, a factor changed; ASVS 5.0 7.4.2–7.4.3, R9). */
export async function endAllSessions(deps: AuthDeps, userId: string, db?: Executor): Promise<number> {
  return authRepo.deleteSessionsOf(db ?? deps.db.kysely, userId);
}

/** Records a verified step-up assertion on the session. */
export async function recordStepUp(deps: AuthDeps, idHash: string): Promise<void> {
  await authRepo.setStepUp(deps.db.kysely, idHash, deps.now().toISOString());
}

/** True when the session's last step-up is recent enough for a sensitive action. */
export function isStepUpFresh(stepUpAt: Date | null, now: Date): boolean {
  if (!stepUpAt) return false;
  const age = now.getTime() - stepUpAt.getTime();
  return age >= 0 && age < SESSION_LIMITS.stepUpMs;
}
