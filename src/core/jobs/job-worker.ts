import os from 'node:os';
import { randomId } from '../crypto/random.ts';
import type { AppContext } from '../modules/context.ts';
import { errorCode } from './job-queue.ts';
import type { JobQueue } from './job-queue.ts';

export interface JobWorkerOptions {
  queue: JobQueue;
  ctx: AppContext;
  /** Shown in `locked_by`; default `<host>:<pid>:<random>`. */
  id?: string;
  /** Jobs run at once by this worker (default 2: the service shares its cores with web requests). */
  concurrency?: number;
  /** Idle poll interval (default 1 s). */
  pollMs?: number;
  /** How often due schedules are enqueued (default 30 s). */
  scheduleEveryMs?: number;
}

/**
 * Claims and runs jobs in the background of `serve`: every instance runs one, and the queue's locking makes
 * sure each job runs once. `stop()` stops claiming, waits for running jobs (up to a grace period), then aborts
 * them through their signal; an aborted job's lock simply expires and another instance retries it.
 */
export class JobWorker {
  readonly id: string;
  readonly #queue: JobQueue;
  readonly #ctx: AppContext;
  readonly #concurrency: number;
  readonly #pollMs: number;
  readonly #scheduleEveryMs: number;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #abort = new AbortController();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #lastSchedule = 0;

  constructor(options: JobWorkerOptions) {
    this.#queue = options.queue;
    this.#ctx = options.ctx;
    this.id = options.id ?? `${os.hostname()}:${process.pid}:${randomId().slice(-6)}`;
    this.#concurrency = options.concurrency ?? 2;
    this.#pollMs = options.pollMs ?? 1_000;
    this.#scheduleEveryMs = options.scheduleEveryMs ?? 30_000;
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.#loop || this.#stopping) return;
    this.#loop = this.#run();
  }

  /**
   * Stops claiming, waits up to `graceMs` for running jobs, then aborts the rest. Resolves when the loop has
   * ended; running handlers that ignore the abort signal are left to finish on their own.
   */
  async stop(graceMs = 30_000): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    if (this.#inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => {
        timer = setTimeout(r, graceMs);
      });
      await Promise.race([Promise.allSettled([...this.#inFlight]), grace]);
      clearTimeout(timer);
      this.#abort.abort();
    }
  }

  /**
   * One round, for tests and one-off runs: enqueue due schedules, then claim and run jobs until none is due.
   * Returns how many jobs ran.
   */
  async drain(): Promise<number> {
    await this.#queue.enqueueDueSchedules();
    let ran = 0;
    for (;;) {
      const jobs = await this.#queue.claim(this.id, this.#concurrency);
      if (jobs.length === 0) return ran;
      await Promise.all(jobs.map((j) => this.#queue.run(j, this.#ctx, this.id, this.#abort.signal)));
      ran += jobs.length;
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      let claimed = 0;
      let free = 0;
      try {
        const now = Date.now();
        if (now - this.#lastSchedule >= this.#scheduleEveryMs) {
          this.#lastSchedule = now;
          await this.#queue.enqueueDueSchedules();
        }
        free = this.#concurrency - this.#inFlight.size;
        if (free > 0) {
          const jobs = await this.#queue.claim(this.id, free);
          claimed = jobs.length;
          for (const job of jobs) {
            const p: Promise<unknown> = this.#queue
              .run(job, this.#ctx, this.id, this.#abort.signal)
              .catch((err: unknown) => this.#ctx.log.error({ job: job.name, jobId: job.id, code: errorCode(err) }, 'job bookkeeping failed'))
              .finally(() => {
                this.#inFlight.delete(p);
                this.#wake?.();
              });
            this.#inFlight.add(p);
          }
        }
      } catch (err) {
        // Database down or similar: log the code only, back off, keep going (R43: recover without repair).
        this.#ctx.log.error({ code: errorCode(err), worker: this.id }, 'job worker round failed');
        await this.#sleep(this.#pollMs * 5);
        continue;
      }
      // A full batch means more may be waiting: go again at once; otherwise wait for a poll or a free slot.
      if (claimed === 0 || claimed < free) await this.#sleep(this.#pollMs);
      else if (this.#inFlight.size >= this.#concurrency) await this.#sleep(this.#pollMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}
