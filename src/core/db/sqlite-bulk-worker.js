// Bulk jobs (`sqlite-bulk.ts`): `runJob` runs one on a connection, and, loaded as the bulk writer's worker thread,
// this module opens its own connection to the service's SQLite file, set up as the service's writer is (WAL,
// synchronous=FULL, foreign keys, secure delete), and runs the jobs it is sent. Plain JavaScript that needs
// nothing of the service, so the thread starts in milliseconds under any loader.
//
// A job is a `BulkJob` (sqlite-bulk.ts): in one transaction, `sql` runs once per row, and `then` for each row it
// changed whose `thenWhen` value is not null; with `foreignKeys: false` without checking references. A
// statement's values are positions in the job's `shared` values followed by the row's. The thread answers a job
// (JSON text) with { changed } (a Uint8Array, the rows `sql` changed per row, transferred), or { error } after a
// rollback. Like the service's writer, it checkpoints the WAL after a commit once it has grown past SQLite's
// threshold (here, off the service's thread).
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
        const n = stmt.run(bind(params, job.positions, shared, row)).changes;
        changed[r] = n;
        if (n > 0 && then && (when < 0 || row[when] !== null)) then.run(bind(thenParams, job.thenPositions, shared, row));
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

// The bulk writer's thread (started by sqlite-bulk.ts with the file to open).
if (parentPort && typeof workerData?.sanctuaryBulkFile === 'string') {
  const port = parentPort;
  const db = new SQLite(workerData.sanctuaryBulkFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('secure_delete = ON');
  port.on('message', (message) => {
    if (message === 'close') {
      db.close();
      port.close();
      return;
    }
    try {
      const changed = runJob(db, JSON.parse(message));
      port.postMessage({ changed }, [changed.buffer]);
    } catch (err) {
      port.postMessage({ error: { message: err instanceof Error ? err.message : String(err), code: err?.code } });
    }
  });
}
