import type { Db } from '../db/database.ts';
import { SESSION_LIMITS } from './sessions.service.ts';
import { THROTTLE_POLICY } from './throttle.service.ts';

/** What {@link purgeAuthHousekeeping} removed (counts only). */
export interface AuthPurgeReceipt {
  sessions: number;
  challenges: number;
  enrolments: number;
  throttles: number;
}

/**
 * Deletes what the auth tables no longer need, keeping them at their declared retention
 * (`auth.classification.ts`): sessions past the idle or absolute limit, expired WebAuthn challenges,
 * enrolment links that expired or were used, and throttle counters with no failure for 24 hours.
 * Each request already refuses expired rows on its own; this keeps them from accumulating.
 * Schedule it hourly with the job queue.
 */
export async function purgeAuthHousekeeping(deps: { db: Db; now(): Date }): Promise<AuthPurgeReceipt> {
  const now = deps.now().getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  const db = deps.db.kysely;
  const sessions = await db
    .deleteFrom('auth_sessions')
    .where((eb) =>
      eb.or([
        eb('last_seen_at', '<', iso(now - SESSION_LIMITS.idleMs)),
        eb('created_at', '<', iso(now - SESSION_LIMITS.absoluteMs)),
      ]),
    )
    .executeTakeFirst();
  const challenges = await db.deleteFrom('auth_webauthn_challenges').where('expires_at', '<', iso(now)).executeTakeFirst();
  const enrolments = await db
    .deleteFrom('auth_enrolments')
    .where((eb) => eb.or([eb('expires_at', '<', iso(now)), eb('used_at', 'is not', null)]))
    .executeTakeFirst();
  const throttles = await db
    .deleteFrom('auth_throttle')
    .where('last_failure_at', '<', iso(now - THROTTLE_POLICY.forgetAfterMs))
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', iso(now))]))
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    challenges: Number(challenges.numDeletedRows),
    enrolments: Number(enrolments.numDeletedRows),
    throttles: Number(throttles.numDeletedRows),
  };
}
