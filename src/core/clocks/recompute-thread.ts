/**
 * The service's side of the recomputation worker (`recompute-worker.ts`): started when a recomputation begins
 * (which goes on in the service's thread until the worker has loaded), kept for a while in case another run
 * follows (a profile change often comes with a few), then stopped. While a run is going on the worker keeps
 * the process alive; while it waits, it does not.
 */
import type { Worker } from 'node:worker_threads';
import type { StaleFilter } from './clocks.repo.ts';
import { ClockRuleError } from './clock-math.ts';
import type { RecomputePlan } from './recompute.ts';
import type { RecomputeRequest, RecomputeWorkerData } from './recompute-worker.ts';
import { startWorker } from '../workers.ts';

/** How long an idle worker is kept. */
const IDLE_MS = 60_000;

type Answer = { ready: true } | { plan: RecomputePlan } | { error: { name: string; message: string } };

export class RecomputeThread {
  readonly #data: RecomputeWorkerData;
  #worker: Worker | undefined;
  #waiting: { resolve: (plan: RecomputePlan) => void; reject: (err: Error) => void } | undefined;
  #idle: NodeJS.Timeout | undefined;
  #ready = false;
  #readyWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];

  constructor(data: RecomputeWorkerData) {
    this.#data = data;
  }

  /** A run is starting: the worker is started if it is not running, and kept while the run lasts. */
  warm(): void {
    clearTimeout(this.#idle);
    (this.#worker ?? this.#start()).ref();
  }

  /** Starts the worker if needed and resolves once it has loaded. */
  whenReady(): Promise<void> {
    this.warm();
    if (this.#ready) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /** Whether the worker has loaded and can take batches. */
  get ready(): boolean {
    return this.#ready && this.#worker !== undefined;
  }

  /** Hands the run to the worker from the clock after `afterId` on. */
  begin(options: { afterId: string; batchSize: number; stale?: StaleFilter }): void {
    const worker = this.#worker;
    if (!worker || !this.#ready) throw new Error('The recomputation worker is not ready');
    worker.postMessage({ type: 'begin', afterId: options.afterId, batchSize: options.batchSize, stale: options.stale } satisfies RecomputeRequest);
  }

  /** The next batch of the run, computed with `nowMs` as the present. */
  next(nowMs: number): Promise<RecomputePlan> {
    const worker = this.#worker;
    if (!worker) return Promise.reject(new Error('The recomputation worker is not running'));
    if (this.#waiting) return Promise.reject(new Error('The recomputation worker is already asked for a batch'));
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      worker.postMessage({ type: 'next', nowMs } satisfies RecomputeRequest);
    });
  }

  /** The run is over: the worker waits, without holding the process, and stops when nobody needs it. */
  end(): void {
    const worker = this.#worker;
    if (!worker) return;
    worker.unref();
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => void this.close(), IDLE_MS);
    this.#idle.unref();
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    clearTimeout(this.#idle);
    const worker = this.#worker;
    this.#worker = undefined;
    this.#ready = false;
    if (worker) await worker.terminate();
  }

  #start(): Worker {
    const worker = startWorker(import.meta.url, 'recompute-worker', this.#data);
    worker.on('message', (answer: Answer) => {
      if ('ready' in answer) {
        this.#ready = true;
        for (const w of this.#readyWaiters.splice(0)) w.resolve();
        return;
      }
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (!waiting) return;
      if ('plan' in answer) waiting.resolve(answer.plan);
      else waiting.reject(answer.error.name === 'ClockRuleError' ? new ClockRuleError(answer.error.message) : new Error(answer.error.message));
    });
    const fail = (err: Error) => {
      if (this.#worker === worker) {
        this.#worker = undefined;
        this.#ready = false;
      }
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.reject(err);
      for (const w of this.#readyWaiters.splice(0)) w.reject(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The recomputation worker stopped (exit code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}
