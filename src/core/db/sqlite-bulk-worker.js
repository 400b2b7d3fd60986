// Bulk jobs (`sqlite-bulk.ts`): `runJob` runs one on a connection, and, loaded as the bulk writer's worker thread,
// this module opens its own connection to the service's SQLite file, set up as the service's writer is (WAL,
// synchronous=FULL, foreign keys, secure delete), and runs the jobs it is sent. Plain JavaScript that needs
// nothing of the service, so the thread starts in milliseconds under any loader.
//
// A job is a `BulkJob` (sqlite-bulk.ts): in one transaction, `sql` runs once per row, and `then` for each row it
// changed whose `thenWhen` value is not null; with `foreignKeys: false` without checking references. A
// statement's values are positions in the job's `shared` values followed by the row's. The thread answers a job
// (an `EncodedJob`) with { changed } (a Uint8Array, the rows `sql` changed per row), or { error } after a
// rollback, and the job's buffer (transferred both ways) for a later job.
//
// Checkpoints: a run of jobs (a recomputation sends one per batch, back to back) is not interrupted by them. The
// thread copies the WAL back into the database once it has been idle for CHECKPOINT_IDLE_MS, or at once after
// CHECKPOINT_ROWS rows since the last one (so a long run keeps the WAL to some tens of megabytes), and then says
// { checkpointed: true }: the service's writer leaves checkpoints to this thread from a job's start until then, so
// the service's thread never copies a run's WAL (sqlite-group-commit.ts). Every commit is durable in the WAL
// (synchronous=FULL) whether or not it has been copied.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

/** Prepared statements per connection and SQL text (a job sends the same texts batch after batch). */
const statements = new WeakMap();
function prepared(db, text) {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let stmt = cache.get(text);
  if (!stmt) {
    stmt = db.prepare(text);
    if (cache.size >= 64) cache.delete(cache.keys().next().value);
    cache.set(text, stmt);
  }
  return stmt;
}

/** Binds `positions` of [...shared, ...row] into `params`. */
function bind(params, positions, shared, row) {
  const s = shared.length;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    params[i] = p < s ? shared[p] : row[p - s];
  }
  return params;
}

/** Runs a job on `db` (outside any transaction) in a transaction of its own; returns the rows `sql` changed, per row. */
export function runJob(db, job) {
  const stmt = prepared(db, job.sql);
  const then = job.then === undefined ? undefined : prepared(db, job.then);
  const shared = job.shared;
  const rows = job.rows;
  const when = job.thenWhen === undefined ? -1 : job.thenWhen - shared.length;
  const changed = new Uint8Array(rows.length);
  const params = new Array(job.positions.length);
  const thenParams = then ? new Array(job.thenPositions.length) : undefined;
  // A job whose rows cannot break a reference may skip the checks (a pragma that only works outside a transaction).
  if (job.foreignKeys === false) db.pragma('foreign_keys = OFF');
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r];
        // Spread, not an array: better-sqlite3 binds arguments directly, an array's elements through lookups.
        const n = stmt.run(...bind(params, job.positions, shared, row)).changes;
        changed[r] = n;
        if (n > 0 && then && (when < 0 || row[when] !== null)) then.run(...bind(thenParams, job.thenPositions, shared, row));
      }
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  } finally {
    if (job.foreignKeys === false) db.pragma('foreign_keys = ON');
  }
  return changed;
}

const decoder = new TextDecoder();

/** A job from its `EncodedJob` (sqlite-bulk.ts): the head, and the rows from their texts. */
function decodeJob(encoded) {
  const job = JSON.parse(encoded.head);
  const bytes = new Uint8Array(encoded.bytes);
  const rows = [];
  let at = 0;
  for (const end of encoded.ends) {
    for (const row of JSON.parse(decoder.decode(bytes.subarray(at, end)))) rows.push(row);
    at = end;
  }
  job.rows = rows;
  return job;
}

/** How long the thread waits without a job before it checkpoints (the next batch of a run comes sooner). */
const CHECKPOINT_IDLE_MS = 100;
/** Rows written since the last checkpoint after which the thread checkpoints without waiting to be idle. */
const CHECKPOINT_ROWS = 100_000;

// The bulk writer's thread (started by sqlite-bulk.ts with the file to open).
if (parentPort && typeof workerData?.sanctuaryBulkFile === 'string') {
  const port = parentPort;
  const db = new SQLite(workerData.sanctuaryBulkFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('secure_delete = ON');
  db.pragma('wal_autocheckpoint = 0');
  let rowsSince = 0;
  let idle;
  const checkpoint = () => {
    idle = undefined;
    rowsSince = 0;
    try {
      // PASSIVE: copies what no reader still needs, never waits for a lock (the service's writer goes on).
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // What could not be copied is left to the next checkpoint (the service's writer takes them up again).
    }
    port.postMessage({ checkpointed: true });
  };
  port.on('message', (message) => {
    clearTimeout(idle);
    idle = undefined;
    if (message === 'close') {
      db.close();
      port.close();
      return;
    }
    let rows = 0;
    try {
      const changed = runJob(db, decodeJob(message));
      rows = changed.length;
      port.postMessage({ changed, bytes: message.bytes }, [changed.buffer, message.bytes]);
    } catch (err) {
      port.postMessage({ error: { message: err instanceof Error ? err.message : String(err), code: err?.code }, bytes: message.bytes }, [message.bytes]);
    }
    rowsSince += rows;
    if (rowsSince >= CHECKPOINT_ROWS) checkpoint();
    else idle = setTimeout(checkpoint, CHECKPOINT_IDLE_MS);
  });
}
