/**
 * The recomputation worker: reads and computes batches of open clocks in a thread of its own, with its own
 * read-only connection to the SQLite file, while the service's thread writes the batch before (see
 * `ClockService.recomputeAll`). Started by `startWorker` (core/workers.ts) with {@link RecomputeWorkerData}.
 *
 * Once loaded it says `{ ready: true }`. Messages in: `{ type: 'begin', afterId, batchSize, stale }` starts (or
 * takes over) a run after the clock `afterId` (no answer);
 * `{ type: 'next', nowMs }` asks for the next batch, answered by `{ plan }` (a `RecomputePlan`) or
 * `{ error: { name, message } }`. One question at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteReader } from '../db/database.ts';
import type { Jurisdiction } from '../jurisdiction/index.ts';
import { ClockCalculator } from './clock-math.ts';
import type { StaleFilter } from './clocks.repo.ts';
import { Recomputer } from './recompute.ts';

/** What the worker starts with. */
export interface RecomputeWorkerData {
  file: string;
  profile: Jurisdiction;
  /** The rules digest the service computed: the worker must reach the same, or it refuses to plan. */
  digest: string;
}

/** A request to the worker. */
export type RecomputeRequest = { type: 'begin'; afterId: string; batchSize: number; stale?: StaleFilter } | { type: 'next'; nowMs: number };

const port = parentPort;
if (!port) throw new Error('recompute-worker runs as a worker thread');
const data = workerData as RecomputeWorkerData;
const recomputer = new Recomputer(ClockCalculator.for(data.profile));
const reader = openSqliteReader(data.file);
let run: { cursor: { afterId: string }; batchSize: number; stale?: StaleFilter } | undefined;

port.on('message', (msg: RecomputeRequest) => {
  if (msg.type === 'begin') {
    run = { cursor: { afterId: msg.afterId }, batchSize: msg.batchSize, stale: msg.stale };
    return;
  }
  void next(msg.nowMs).then(
    (plan) => port.postMessage({ plan }),
    (err: unknown) => port.postMessage({ error: { name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) } }),
  );
});

async function next(nowMs: number) {
  if (recomputer.calc.rulesDigest !== data.digest) throw new Error('The worker computed another rules digest than the service');
  if (!run) throw new Error('A recomputation batch was asked for before the run began');
  return recomputer.plan(reader.kysely, reader.dialect, run.cursor, { batchSize: run.batchSize, stale: run.stale, nowMs, digest: data.digest });
}

port.postMessage({ ready: true });
