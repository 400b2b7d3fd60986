import { authRepo, type AuthThrottle } from './auth.repo.ts';
import type { AuthDeps } from './sessions.service.ts';

/**
 * Login throttling with exponential lockout, kept in the database so every instance behind a load balancer
 * sees the same counters (DESIGN §4 scale-out).
 *
 * Counters are kept per account (keyed by the email's lookup key, so an address that has no account is
 * counted exactly like one that has — the lockout reveals nothing) and per client IP. After `free` failures
 * the key is locked for `baseMs · 2^(failures − free)`, capped at `maxMs`; so an online guesser gets a few
 * dozen tries a day per account, far below NIST 800-63B's 100-consecutive-failures ceiling (R4).
 */
export const THROTTLE_POLICY = {
  account: { free: 5, baseMs: 30_000, maxMs: 60 * 60_000 },
  // Many staff may share one city NAT address: allow more before locking a whole office out.
  ip: { free: 50, baseMs: 30_000, maxMs: 60 * 60_000 },
  /** A counter with no failure for this long starts again from zero. */
  forgetAfterMs: 24 * 60 * 60_000,
} as const;

export type ThrottleKind = 'account' | 'ip';

export function throttleKey(kind: ThrottleKind, value: string): string {
  return `${kind}:${value}`;
}

function kindOf(key: string): ThrottleKind {
  return key.startsWith('ip:') ? 'ip' : 'account';
}

function lockMs(kind: ThrottleKind, failures: number): number {
  const p = THROTTLE_POLICY[kind];
  if (failures < p.free) return 0;
  return Math.min(p.maxMs, p.baseMs * 2 ** Math.min(20, failures - p.free));
}

/** If any of the keys is locked now, how many seconds remain (the longest); otherwise 0. */
export async function lockedFor(deps: AuthDeps, keys: readonly string[]): Promise<number> {
  const now = deps.now().getTime();
  let longest = 0;
  for (const row of await authRepo.findThrottles(deps.db.kysely, keys)) {
    if (row.locked_until) longest = Math.max(longest, Date.parse(row.locked_until) - now);
  }
  return longest > 0 ? Math.ceil(longest / 1000) : 0;
}

/** Counts one failed attempt against each key and locks those past their allowance. */
export async function recordFailure(deps: AuthDeps, keys: readonly string[]): Promise<void> {
  const now = deps.now();
  const existing = new Map((await authRepo.findThrottles(deps.db.kysely, keys)).map((r) => [r.key, r]));
  for (const key of keys) {
    const prev: AuthThrottle | undefined = existing.get(key);
    const stale = prev && now.getTime() - Date.parse(prev.last_failure_at) > THROTTLE_POLICY.forgetAfterMs;
    const failures = (prev && !stale ? prev.failures : 0) + 1;
    const lock = lockMs(kindOf(key), failures);
    await authRepo.upsertThrottle(deps.db.kysely, {
      key,
      failures,
      locked_until: lock > 0 ? new Date(now.getTime() + lock).toISOString() : null,
      last_failure_at: now.toISOString(),
    });
  }
}

/** A successful sign-in clears the account's counter (the IP counter decays on its own). */
export async function clearFailures(deps: AuthDeps, key: string): Promise<void> {
  await authRepo.clearThrottle(deps.db.kysely, key);
}
