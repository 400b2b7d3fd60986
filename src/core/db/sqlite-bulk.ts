/**
 * Bulk writes on SQLite from a worker thread.
 *
 * A job that writes many thousands of rows (a recomputation that moves every open clock) keeps the one writer
 * busy for tens of milliseconds per batch. Run on the service's thread, that is time in which nothing else in
 * the process moves, and the job's own next batch cannot be read or computed either. {@link SqliteBulkWriter}
 * runs such a job on a worker thread with its own connection to the same file (`sqlite-bulk-worker.js`) while
 * the caller goes on: it reads and computes its next batch.
 * The group-commit driver holds the file's writer lock for the duration of a job, so the
 * service's transactions wait for it as for any other (without blocking the event loop), and the job never
 * waits for a batch of theirs. The thread checkpoints once its jobs stop coming, not between them, and the
 * driver's own connection leaves checkpoints to it meanwhile: copying a run's WAL back is never the service
 * thread's work, nor part of the run's time.
 *
 * Used through `runBulk` (run-bulk.ts), never directly.
 */
import { Worker } from 'node:worker_threads';

/** A value of a bulk job (jobs travel to the thread as JSON). */
export type BulkValue = string | number | null;

/**
 * One bulk job: a statement run once per row, in one transaction, and a follow-up for the rows it changed.
 * A statement's values are positions in `[...shared, ...row]`.
 */
export interface BulkJob {
  sql: string;
  positions: readonly number[];
  /** Run for each row `sql` changed, unless the value at `thenWhen` is null. */
  then?: string;
  thenPositions?: readonly number[];
  thenWhen?: number;
  /**
   * `false`: run without checking foreign keys, for a job whose rows cannot break a reference (a follow-up that
   * references the row its statement just wrote). The checks cost a lookup per row.
   */
  foreignKeys?: false;
  /** Values every row shares (sent once). */
  shared: readonly BulkValue[];
  rows: ReadonlyArray<readonly BulkValue[]>;
}

/**
 * A job as it travels to the thread, made before the job waits for the writer (its rows are then not kept
 * meanwhile): the job without its rows as JSON, and the rows as UTF-8 JSON texts of {@link ROWS_PER_TEXT} rows
 * each, back to back in a buffer that is transferred, not copied, and comes back with the answer to carry a later
 * job. Each text, read back on the thread, stays well under V8's large-object size (about 128 KB): no string of
 * megabytes in pages mapped afresh for it, and no message buffer of megabytes allocated for every job.
 */
export interface EncodedJob {
  head: string;
  bytes: ArrayBuffer;
  /** Where each text ends in `bytes`. */
  ends: number[];
}

const ROWS_PER_TEXT = 250;
/** Buffers kept for later jobs (a recomputation has at most two jobs out at a time). */
const SPARE_BUFFERS = 2;
const encoder = new TextEncoder();

/** A failed job (rolled back as a whole): SQLite's message and code. */
export class BulkJobError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'BulkJobError';
    this.code = code;
  }
}

type Answer = { changed: Uint8Array; bytes: ArrayBuffer } | { error: { message: string; code?: string }; bytes: ArrayBuffer };
type Message = Answer | { checkpointed: true };

/** The worker thread of one database file, started at its first job (or {@link prepare}) and kept until {@link close}. */
export class SqliteBulkWriter {
  readonly #file: string;
  #worker: Worker | undefined;
  #exit: Promise<void> | undefined;
  /** The answer of the job in flight (one at a time: the caller holds the writer lock). */
  #pending: { resolve: (a: Answer) => void; reject: (err: Error) => void } | undefined;

  readonly #onCheckpointsBack: (checkpointed: boolean) => void;
  /** Buffers that came back with answers, for later jobs. */
  readonly #spare: ArrayBuffer[] = [];

  /**
   * `onCheckpointsBack`: the thread, which runs no checkpoint during its jobs, has checkpointed after them (`true`),
   * or has stopped (`false`); either way the file's other writer may checkpoint again.
   */
  constructor(file: string, options: { onCheckpointsBack?: (checkpointed: boolean) => void } = {}) {
    this.#file = file;
    this.#onCheckpointsBack = options.onCheckpointsBack ?? (() => undefined);
  }

  /** A job encoded for the thread, in a buffer an earlier job brought back if one is free. */
  encode(job: BulkJob): EncodedJob {
    const { rows, ...head } = job;
    let bytes = this.#spare.pop() ?? new ArrayBuffer(1 << 20);
    let view = new Uint8Array(bytes);
    let at = 0;
    const ends: number[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_TEXT) {
      let text = JSON.stringify(rows.slice(i, i + ROWS_PER_TEXT));
      for (;;) {
        const { read, written } = encoder.encodeInto(text, view.subarray(at));
        at += written;
        if (read === text.length) break;
        // Full: a buffer twice the size, with what is written so far, for the rest of the text.
        text = text.slice(read);
        const bigger = new Uint8Array(Math.max(2 * bytes.byteLength, at + 3 * text.length));
        bigger.set(view.subarray(0, at));
        bytes = bigger.buffer;
        view = bigger;
      }
      ends.push(at);
    }
    return { head: JSON.stringify(head), bytes, ends };
  }

  /** Starts the thread ahead of a first job (a caller that reads and computes before it writes). */
  prepare(): void {
    if (!this.#worker) this.#start();
  }

  #start(): Worker {
    // Plain JavaScript and no loader (`execArgv: []`): the thread needs nothing of the service's sources.
    const worker = new Worker(new URL('./sqlite-bulk-worker.js', import.meta.url), { workerData: { sanctuaryBulkFile: this.#file }, execArgv: [] });
    worker.on('message', (answer: Message) => {
      if ('checkpointed' in answer) {
        this.#onCheckpointsBack(true);
        return;
      }
      // Referenced only while a job is in flight: an idle thread does not keep the process alive.
      worker.unref();
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.resolve(answer);
    });
    const fail = (err: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#onCheckpointsBack(false);
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(err);
    };
    worker.on('error', fail);
    this.#exit = new Promise((resolve) =>
      worker.on('exit', (code) => {
        fail(new Error(`the bulk writer thread stopped (exit code ${code})`));
        resolve();
      }),
    );
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  /** Sends a job to the thread and returns its answer. One job at a time. */
  async run(job: EncodedJob): Promise<Uint8Array> {
    if (this.#pending) throw new Error('SqliteBulkWriter: one job at a time');
    const worker = this.#worker ?? this.#start();
    const answer = new Promise<Answer>((resolve, reject) => {
      this.#pending = { resolve, reject };
    });
    worker.ref();
    worker.postMessage(job, [job.bytes]);
    const result = await answer;
    if (this.#spare.length < SPARE_BUFFERS) this.#spare.push(result.bytes);
    if ('error' in result) throw new BulkJobError(result.error.message, result.error.code);
    return result.changed;
  }

  /** Stops the thread (after the job in flight, if any). */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    worker.ref();
    worker.postMessage('close');
    await this.#exit;
  }
}
