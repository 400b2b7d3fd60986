import { Cron } from 'croner';
import { isDottedCode } from '../audit/audit-entry.ts';
import { randomId } from '../crypto/random.ts';
import type { Db } from '../db/database.ts';
import type { Executor } from '../db/transaction.ts';
import type { AppContext } from '../modules/context.ts';
import { type JobPayload, decodeJobPayload, encodeJobPayload } from './job-payload.ts';
import { type JobRow, jobsRepo } from './jobs.repo.ts';

/** What a handler receives besides its payload. */
export interface JobRun {
  ctx: AppContext;
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  /** For a scheduled run, the time it was scheduled for (e.g. "the 03:15 purge of 2026-11-27"). */
  scheduledFor: Date | null;
  /** Aborted when the worker shuts down and the grace period is over; long handlers should check it. */
  signal: AbortSignal;
}

/** A kind of job. Handlers must be idempotent: a job whose worker died mid-run is run again. */
export interface JobDefinition<P extends JobPayload = JobPayload> {
  /** `area.verb` code, e.g. `privacy.retention-purge`. */
  name: string;
  handler(payload: P, run: JobRun): Promise<void>;
  /** Tries before the job is marked failed (default 5). */
  maxAttempts?: number;
  /** How long one try may hold its lock before another worker may take the job over (default 5 minutes; renewed while running). */
  lockMs?: number;
  /** Delay before retry `attempt` (1-based); default exponential from 10 s, capped at 1 h, with jitter. */
  backoffMs?(attempt: number): number;
}

/**
 * A recurring job. `cron` is a 5- or 6-field croner pattern evaluated in `timezone` (default: the
 * jurisdiction's). Each due run is enqueued once across every instance (unique name + scheduled time). Give
 * `handler` to define the job in the same breath, or name an already defined job.
 */
export interface ScheduleDefinition<P extends JobPayload = JobPayload> {
  name: string;
  cron: string;
  timezone?: string;
  payload?: P;
  handler?: JobDefinition<P>['handler'];
  maxAttempts?: number;
  lockMs?: number;
  /** A run missed while no instance was up is still enqueued if it is at most this old (default 36 h). */
  catchUpMs?: number;
}

/** Options of {@link JobQueue.enqueue}. */
export interface EnqueueOptions<P extends JobPayload = JobPayload> {
  name: string;
  payload?: P;
  /** Default now. */
  runAt?: Date;
  maxAttempts?: number;
  /** With a key, enqueuing the same (name, key) twice creates one job (idempotent producers). */
  dedupeKey?: string;
}

const ERROR_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;
const DEFAULT_LOCK_MS = 5 * 60_000;

/** Default retry delay: 10 s, 20 s, 40 s … capped at 1 hour, ±20% jitter so retries of many jobs spread out. */
export function defaultBackoffMs(attempt: number): number {
  const base = Math.min(3_600_000, 10_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** The error code stored for a failed try: the error's `code` or class name — never its message. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && ERROR_CODE.test(code)) return code;
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && ERROR_CODE.test(name)) return name;
  return 'error';
}

interface CompiledSchedule {
  def: ScheduleDefinition;
  cron: Cron;
}

/**
 * The job registry and the producer side of the queue (`ctx.jobs`). Core and modules `define` jobs and
 * `schedule` recurring ones at start-up; services `enqueue` work, ideally in the same transaction as the
 * change that needs it (pass the transaction as `db`).
 */
export class JobQueue {
  readonly #defs = new Map<string, JobDefinition>();
  readonly #schedules = new Map<string, CompiledSchedule>();

  constructor(private readonly deps: { db: Db; now(): Date; timezone: string }) {}

  /** Registers a kind of job. Names are unique. */
  define<P extends JobPayload>(def: JobDefinition<P>): void {
    if (!isDottedCode(def.name, 2, 4)) throw new Error(`Job name "${String(def.name)}" must be an area.verb code`);
    if (this.#defs.has(def.name)) throw new Error(`Job "${def.name}" is defined twice`);
    this.#defs.set(def.name, def);
  }

  /** Registers a recurring job (see {@link ScheduleDefinition}). Bad cron patterns fail here, at start-up. */
  schedule<P extends JobPayload>(def: ScheduleDefinition<P>): void {
    if (def.handler) this.define({ name: def.name, handler: def.handler, maxAttempts: def.maxAttempts, lockMs: def.lockMs });
    if (!this.#defs.has(def.name)) throw new Error(`Schedule "${def.name}" names no defined job`);
    if (this.#schedules.has(def.name)) throw new Error(`Schedule "${def.name}" is registered twice`);
    if (def.payload) encodeJobPayload(def.payload);
    const cron = new Cron(def.cron, { paused: true, timezone: def.timezone ?? this.deps.timezone });
    this.#schedules.set(def.name, { def, cron });
  }

  /** Registers many at once (from core and the modules). */
  registerAll(sets: { jobs?: readonly JobDefinition[]; schedules?: readonly ScheduleDefinition[] }): void {
    for (const j of sets.jobs ?? []) this.define(j);
    for (const s of sets.schedules ?? []) this.schedule(s);
  }

  definition(name: string): JobDefinition | undefined {
    return this.#defs.get(name);
  }

  /** Names of every defined job (what a worker claims). */
  names(): string[] {
    return [...this.#defs.keys()];
  }

  schedules(): Array<{ name: string; cron: string; next: Date | null }> {
    return [...this.#schedules.values()].map((s) => ({ name: s.def.name, cron: s.def.cron, next: s.cron.nextRun(this.deps.now()) }));
  }

  /**
   * Queues a job. Returns its id, or `null` when a job with the same name and dedupe key already exists.
   * @throws JobPayloadError when the payload holds anything but ids, codes, timestamps and numbers
   */
  async enqueue<P extends JobPayload>(options: EnqueueOptions<P>, db: Executor = this.deps.db.kysely): Promise<string | null> {
    const def = this.#defs.get(options.name);
    if (!def) throw new Error(`Job "${options.name}" is not defined`);
    const now = this.deps.now().toISOString();
    const id = randomId();
    const inserted = await jobsRepo.insert(db, {
      id,
      name: options.name,
      payload: encodeJobPayload(options.payload ?? {}),
      status: 'queued',
      run_at: (options.runAt ?? this.deps.now()).toISOString(),
      attempts: 0,
      max_attempts: options.maxAttempts ?? def.maxAttempts ?? 5,
      locked_by: null,
      locked_until: null,
      last_error: null,
      dedupe_key: options.dedupeKey ?? null,
      scheduled_for: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    });
    return inserted ? id : null;
  }

  /**
   * Enqueues the most recent due run of every schedule (at most one per schedule), once across all
   * instances: the unique (name, scheduled time) key makes every other instance's insert a no-op.
   * Returns how many runs this call enqueued.
   */
  async enqueueDueSchedules(now: Date = this.deps.now()): Promise<number> {
    let enqueued = 0;
    for (const { def, cron } of this.#schedules.values()) {
      const [due] = cron.previousRuns(1, now);
      if (!due || now.getTime() - due.getTime() > (def.catchUpMs ?? 36 * 3_600_000)) continue;
      const iso = due.toISOString();
      const nowIso = now.toISOString();
      const jobDef = this.#defs.get(def.name) as JobDefinition;
      const inserted = await jobsRepo.insert(this.deps.db.kysely, {
        id: randomId(),
        name: def.name,
        payload: encodeJobPayload(def.payload ?? {}),
        status: 'queued',
        run_at: iso,
        attempts: 0,
        max_attempts: def.maxAttempts ?? jobDef.maxAttempts ?? 5,
        locked_by: null,
        locked_until: null,
        last_error: null,
        dedupe_key: `schedule:${iso}`,
        scheduled_for: iso,
        created_at: nowIso,
        updated_at: nowIso,
        finished_at: null,
      });
      if (inserted) enqueued++;
    }
    return enqueued;
  }

  /** Claims up to `limit` due jobs for `workerId` (after returning dead workers' jobs to the queue). */
  async claim(workerId: string, limit: number): Promise<JobRow[]> {
    const now = this.deps.now();
    const nowIso = now.toISOString();
    await jobsRepo.recoverStale(this.deps.db.kysely, nowIso);
    // Lock for the longest lock among the claimable jobs; each running job renews its own lock.
    const lockMs = Math.max(DEFAULT_LOCK_MS, ...[...this.#defs.values()].map((d) => d.lockMs ?? 0));
    return jobsRepo.claim(this.deps.db.kysely, this.deps.db.dialect, {
      workerId,
      names: this.names(),
      now: nowIso,
      lockedUntil: new Date(now.getTime() + lockMs).toISOString(),
      limit,
    });
  }

  /**
   * Runs one claimed job to the end: renews its lock while it runs, then marks it done, or schedules a retry
   * with backoff, or marks it failed after its last attempt. Never throws for a handler's failure.
   */
  async run(job: JobRow, ctx: AppContext, workerId: string, signal: AbortSignal): Promise<'done' | 'retry' | 'failed' | 'lost'> {
    const def = this.#defs.get(job.name);
    const lockMs = def?.lockMs ?? DEFAULT_LOCK_MS;
    const heartbeat = setInterval(() => {
      const now = this.deps.now();
      void jobsRepo
        .extendLock(this.deps.db.kysely, job.id, workerId, new Date(now.getTime() + lockMs).toISOString(), now.toISOString())
        .catch(() => undefined);
    }, Math.max(1_000, Math.floor(lockMs / 3)));
    heartbeat.unref();
    let failure: unknown;
    try {
      if (!def) throw Object.assign(new Error('no handler'), { code: 'unknown_job' });
      await def.handler(decodeJobPayload(job.payload), {
        ctx,
        jobId: job.id,
        attempt: Number(job.attempts),
        scheduledFor: job.scheduled_for ? new Date(job.scheduled_for) : null,
        signal,
      });
    } catch (err) {
      failure = err ?? new Error('job failed');
    } finally {
      clearInterval(heartbeat);
    }
    const nowIso = this.deps.now().toISOString();
    if (failure === undefined) {
      return (await jobsRepo.complete(this.deps.db.kysely, job.id, workerId, nowIso)) ? 'done' : 'lost';
    }
    const code = errorCode(failure);
    ctx.log.warn({ job: job.name, jobId: job.id, attempt: Number(job.attempts), code }, 'job failed');
    const attempts = Number(job.attempts);
    const retry = attempts < Number(job.max_attempts);
    const delay = retry ? (def?.backoffMs ?? defaultBackoffMs)(attempts) : 0;
    const retryAt = retry ? new Date(this.deps.now().getTime() + delay).toISOString() : null;
    const ok = await jobsRepo.fail(this.deps.db.kysely, job.id, workerId, { code, now: nowIso, retryAt });
    if (!ok) return 'lost';
    return retry ? 'retry' : 'failed';
  }
}
