/**
 * The partner API's intake queue. In a surge the hotlines send hundreds of reports a minute; each is accepted
 * at once — checked, sealed under the intake key of the hour, written to `legal_defense_intake` and answered
 * `202` with its reference code — and filed moments later by the queue's runner: merged into the person's open
 * case or opened as a new one (the same `createReport` the other doors use), checked for residency and offered
 * to a provider. Filing takes about three times the work of accepting, so the runner gives way while reports
 * are arriving, for at most {@link MAX_DELAY_MS}, and files them when the line is quiet: a hotline does not wait
 * behind the filing of other reports. In a flood that filing cannot keep up with, the hotlines are slowed instead
 * of the people they report: while the reports queued here would take longer than `behindMs` to file,
 * each answer waits for one queued report to be filed. The clocks count from when a report was accepted.
 *
 * Nothing is lost: a report is queued in the transaction that answers it, and leaves the queue in the one that
 * files it. A report that cannot be filed is tried again later (`attempts`, `last_error`), and the
 * `legal-defense.intake` job files whatever is left after a restart, on any instance.
 *
 * Intake keys: each instance seals the reports it queues under a vault subject of its own that it replaces every
 * hour (`legal_defense_intake_keys`); the job forgets a key — destroys it, so no backup of the queue can be read
 * again — two hours after it was made, once no queued report is sealed under it.
 */
import type { Role } from '../../core/auth/permissions.ts';
import { randomId, referenceCode } from '../../core/crypto/random.ts';
import { type Tx, inTransaction } from '../../core/db/transaction.ts';
import { referenceCodeIndex } from '../../core/forms/index.ts';
import type { ScheduleDefinition } from '../../core/jobs/job-queue.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { offerCase } from './legal-defense.assignment.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import type { ReportInput } from './legal-defense.schemas.ts';
import { LEGAL_DEFENSE_PROGRAM, REPORT_FORM_ID, type StaffActor, createReport, fileReport } from './legal-defense.service.ts';

/** How long the line must be quiet before the runner files queued reports. */
const QUIET_MS = 20;
/** The longest a report waits to be filed while reports keep arriving. */
const MAX_DELAY_MS = 5_000;
/**
 * Reports filed at once. On SQLite their transactions share commits, and a few keep the event loop free between
 * them for arriving requests; PostgreSQL waits on the network, so more go at once (fewer than the pool's 10).
 */
const parallelOf = (ctx: AppContext) => (ctx.db.dialect === 'postgres' ? 8 : 4);
/** When the intake queue slows the answers (see {@link INTAKE_LIMITS}). */
export interface IntakeLimits {
  /**
   * Filing is behind when the reports this instance queued would take longer than this to file, at the rate it
   * has been filing. Then each new report's answer waits for one queued report to be filed (for at most
   * `maxHoldMs`): in a flood the hotlines are answered a little later, and the people they report are offered a
   * lawyer within seconds, not at the end of the flood.
   */
  behindMs: number;
  /** The longest an answer waits while filing is behind. */
  maxHoldMs: number;
}

/** The service's limits: ten seconds behind, an answer held two seconds at most. */
export const INTAKE_LIMITS: IntakeLimits = { behindMs: 10_000, maxHoldMs: 2_000 };
/** A report that failed to file is tried again after this, doubling up to an hour. */
const RETRY_MS = 30_000;
/** An instance makes a new intake key this often; the job forgets one twice as old, once nothing uses it. */
const KEY_MS = 3_600_000;

/** What a queued report keeps, sealed. */
interface Queued {
  input: ReportInput;
  reference: string;
}

const sealedAt = (id: string) => ({ table: 'legal_defense_intake', column: 'payload_sealed', rowId: id });

/** The intake key each app seals with, and the making of the next one (shared by concurrent requests). */
const intakeKeys = new WeakMap<AppContext, { subjectId: string; madeAt: number } | Promise<string>>();

/**
 * The intake key to seal with now, made (in a transaction of its own, before the report's) when there is none
 * or the current one is an hour old.
 */
export async function intakeKey(ctx: AppContext): Promise<string> {
  const current = intakeKeys.get(ctx);
  if (current instanceof Promise) return current;
  const now = ctx.now().getTime();
  if (current && now >= current.madeAt && now - current.madeAt < KEY_MS) return current.subjectId;
  const making = inTransaction(ctx.db, async (tx) => {
    const subjectId = await ctx.vault.createSubject(tx, LEGAL_DEFENSE_PROGRAM);
    await legalDefenseRepo.insertIntakeKey(tx, { subject_id: subjectId, created_at: new Date(now).toISOString() });
    return subjectId;
  });
  intakeKeys.set(ctx, making);
  try {
    const subjectId = await making;
    intakeKeys.set(ctx, { subjectId, madeAt: now });
    return subjectId;
  } catch (err) {
    if (current) intakeKeys.set(ctx, current);
    else intakeKeys.delete(ctx);
    throw err;
  }
}

/** Forgets the intake keys made more than two hours ago that no queued report needs (the job); returns how many. */
export async function forgetIntakeKeys(ctx: AppContext): Promise<number> {
  const current = intakeKeys.get(ctx);
  const keep = current && !(current instanceof Promise) ? current.subjectId : undefined;
  const old = (await legalDefenseRepo.unusedIntakeKeys(ctx.db.kysely, new Date(ctx.now().getTime() - 2 * KEY_MS).toISOString())).filter((id) => id !== keep);
  if (old.length === 0) return 0;
  await inTransaction(ctx.db, (tx) => ctx.vault.forgetSubjects(tx, old));
  return old.length;
}

/**
 * Queues a checked report in the caller's transaction, sealed under `key` (from {@link intakeKey}); returns its
 * report id and the reference code for the reporter.
 */
export async function queueReport(ctx: AppContext, tx: Tx, options: { input: ReportInput; filer: StaffActor; now: Date; key: string }): Promise<{ reportId: string; reference: string }> {
  const reportId = randomId();
  const reference = referenceCode();
  const payload = await ctx.vault.useSubject(options.key, (c) => c.sealJson({ input: options.input, reference } satisfies Queued, sealedAt(reportId)));
  const nowIso = options.now.toISOString();
  await legalDefenseRepo.insertIntake(tx, {
    id: reportId,
    subject_id: options.key,
    filed_by: options.filer.userId,
    filer_role: options.filer.role,
    request_id: options.filer.requestId ?? null,
    reference_index: referenceCodeIndex(ctx, REPORT_FORM_ID, reference),
    received_at: nowIso,
    payload_sealed: payload,
    next_attempt_at: nowIso,
  });
  return { reportId, reference };
}

/**
 * Files one queued report in a transaction of its own. `gone` when it is no longer queued (filed by another
 * instance, or forgotten); `failed` when filing threw: it stays queued, to be tried again later.
 */
export async function fileQueued(ctx: AppContext, id: string): Promise<'filed' | 'gone' | 'failed'> {
  const file = async (tx: Tx): Promise<'filed' | 'gone'> => {
    const row = await legalDefenseRepo.lockIntake(tx, ctx.db.dialect, id);
    if (!row) return 'gone';
    const queued = await ctx.vault.useSubject(row.subject_id, (c) => c.openJson<Queued>(row.payload_sealed, sealedAt(row.id)));
    const actor: StaffActor = { userId: row.filed_by, role: row.filer_role as Role, ...(row.request_id ? { requestId: row.request_id } : {}) };
    await createReport(ctx, tx, {
      input: queued.input,
      channel: 'api',
      filer: { kind: 'api', actor },
      now: ctx.now(),
      reference: queued.reference,
      offer: offerCase,
      queued: { reportId: row.id, receivedAt: new Date(row.received_at) },
    });
    await legalDefenseRepo.deleteIntake(tx, row.id);
    return 'filed';
  };
  try {
    // Two reports about the same new person filed at once: the one that lost the race is filed again, merging.
    return await fileReport(ctx, file);
  } catch (err) {
    const row = await legalDefenseRepo.findIntake(ctx.db.kysely, id);
    if (!row) return 'gone';
    const attempts = row.attempts + 1;
    const code = err instanceof Error ? (((err as { code?: unknown }).code as string | undefined) ?? err.name) : 'unknown';
    ctx.log.error({ err, reportId: id, attempts }, 'legal-defense: a queued report could not be filed; it stays queued');
    await legalDefenseRepo.deferIntake(ctx.db.kysely, id, {
      attempts,
      next_attempt_at: new Date(ctx.now().getTime() + Math.min(RETRY_MS * 2 ** (attempts - 1), 3_600_000)).toISOString(),
      last_error: String(code).slice(0, 64),
    });
    return 'failed';
  }
}

/**
 * Files up to `limit` queued reports that are due, {@link parallelOf} at a time (each as soon as one before it is
 * done); calls `filed` for each report filed. Returns how many it took up.
 */
async function filePass(ctx: AppContext, limit: number, filed: () => void): Promise<number> {
  const due = await legalDefenseRepo.dueIntake(ctx.db.kysely, ctx.now().toISOString(), limit);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let id = due[next++]; id; id = due[next++]) if ((await fileQueued(ctx, id)) === 'filed') filed();
  };
  await Promise.all(Array.from({ length: Math.min(parallelOf(ctx), due.length) }, worker));
  return due.length;
}

/**
 * The queue's runner of one app: files reports when the line is quiet (see the file's comment). The app has one
 * ({@link intakeRunner}); a test may make another with other limits.
 */
export class IntakeRunner {
  readonly #ctx: AppContext;
  readonly #limits: IntakeLimits;
  #timer: NodeJS.Timeout | undefined;
  /** When the last report was accepted, and since when reports have waited (0: none waiting). */
  #lastAccepted = 0;
  #waitingSince = 0;
  /** Reports this instance queued and has not filed (0 again once the queue is found empty). */
  #backlog = 0;
  /** Reports filed per millisecond lately (a moving average over passes; 0 before the first). */
  #rate = 0;
  /** Answers held while filing is behind, first in first out, each with its timer. */
  readonly #heldAnswers = new Set<{ release: () => void }>();
  #running: Promise<void> | undefined;
  #closed = false;
  #held = false;

  constructor(ctx: AppContext, limits: IntakeLimits = INTAKE_LIMITS) {
    this.#ctx = ctx;
    this.#limits = limits;
  }

  /**
   * A report was queued (its transaction committed). Resolves when the report may be answered: at once, unless
   * filing is behind (see {@link IntakeLimits}).
   */
  accepted(): Promise<void> {
    const t = performance.now();
    this.#lastAccepted = t;
    if (this.#waitingSince === 0) this.#waitingSince = t;
    this.#arm(QUIET_MS);
    this.#backlog++;
    if (!this.#behind() || this.#closed || this.#held) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const answer = {
        release: () => {
          clearTimeout(timer);
          this.#heldAnswers.delete(answer);
          resolve();
        },
      };
      const timer = setTimeout(answer.release, this.#limits.maxHoldMs);
      this.#heldAnswers.add(answer);
    });
  }

  /**
   * Holds filing on its own: reports stay queued until {@link drain} (which the job also calls). For tests that
   * look at a report while it is queued.
   */
  hold(): void {
    this.#held = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#releaseAll();
  }

  /** Files every due report now (the job, tests); waits for a run in progress first. */
  async drain(): Promise<void> {
    // One run at a time: a drain asked for while another (or the runner's pass) goes on waits its turn.
    while (this.#running) await this.#running;
    const run = (async () => {
      while ((await this.#pass(64)) > 0);
    })();
    this.#running = run.then(
      () => undefined,
      () => undefined,
    );
    void this.#running.then(() => (this.#running = undefined));
    await run;
  }

  /** Stops filing (the app is closing): a run in progress finishes its pass. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#releaseAll();
    await this.#running;
  }

  /** One pass of filing: measures the rate, and lets one held answer go for each report filed. */
  async #pass(limit: number): Promise<number> {
    const started = performance.now();
    let filed = 0;
    const taken = await filePass(this.#ctx, limit, () => {
      filed++;
      this.#backlog = Math.max(0, this.#backlog - 1);
      if (!this.#behind()) this.#releaseAll();
      else this.#heldAnswers.values().next().value?.release();
    });
    if (taken === 0) {
      this.#backlog = 0;
      this.#releaseAll();
    } else {
      const rate = filed / Math.max(1, performance.now() - started);
      this.#rate = this.#rate === 0 ? rate : 0.9 * this.#rate + 0.1 * rate;
    }
    return taken;
  }

  /** Whether the reports queued here would take longer than `behindMs` to file (see {@link IntakeLimits}). */
  #behind(): boolean {
    return this.#rate > 0 && this.#backlog > this.#rate * this.#limits.behindMs;
  }

  #releaseAll(): void {
    for (const answer of this.#heldAnswers) answer.release();
  }

  #arm(ms: number): void {
    if (this.#timer || this.#running || this.#closed || this.#held) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#tick();
    }, ms);
    this.#timer.unref();
  }

  /** Whether reports are arriving, none has waited too long and filing is not behind: then filing gives way. */
  #busy(): boolean {
    const t = performance.now();
    return t - this.#lastAccepted < QUIET_MS && t - this.#waitingSince < MAX_DELAY_MS && !this.#behind();
  }

  #tick(): void {
    if (this.#closed || this.#running || this.#held) return;
    if (this.#busy()) {
      this.#arm(QUIET_MS);
      return;
    }
    const run = (async () => {
      for (;;) {
        const started = performance.now();
        if ((await this.#pass(parallelOf(this.#ctx))) === 0) {
          // Empty: nothing waits, unless a report came in since the pass looked.
          this.#waitingSince = this.#lastAccepted > started ? this.#lastAccepted : 0;
          return;
        }
        if (this.#closed || this.#held) return;
        // Let waiting requests in before the next pass.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.#busy()) return;
      }
    })();
    this.#running = run
      .catch((err: unknown) => this.#ctx.log.error({ err }, 'legal-defense: the intake queue stopped a run'))
      .finally(() => {
        this.#running = undefined;
        if (this.#waitingSince !== 0) this.#arm(QUIET_MS);
      });
  }
}

const runners = new WeakMap<AppContext, IntakeRunner>();

/** The intake queue's runner of an app. */
export function intakeRunner(ctx: AppContext): IntakeRunner {
  let runner = runners.get(ctx);
  if (!runner) {
    runner = new IntakeRunner(ctx);
    runners.set(ctx, runner);
  }
  return runner;
}

/** Files every queued report that is due (what the runner does when the line is quiet). */
export function drainIntake(ctx: AppContext): Promise<void> {
  return intakeRunner(ctx).drain();
}

/**
 * Every minute, on every instance: files what the runners left (a restart, a failed attempt now due again), and
 * forgets the intake keys nothing needs any more.
 */
export const legalDefenseSchedules: ScheduleDefinition[] = [
  {
    name: 'legal-defense.intake',
    cron: '* * * * *',
    catchUpMs: 2 * 60_000,
    maxAttempts: 1,
    async handler(_payload, run) {
      await drainIntake(run.ctx);
      const forgotten = await forgetIntakeKeys(run.ctx);
      if (forgotten > 0) run.ctx.log.info({ job: 'legal-defense.intake', forgotten }, 'intake keys forgotten');
    },
  },
];
