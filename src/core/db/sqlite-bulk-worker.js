// The worker thread behind `sqlite-bulk.ts`: its own connection to the service's SQLite file, set up as the
// service's writer is (WAL, synchronous=FULL, foreign keys, secure delete), that runs bulk jobs. Plain
// JavaScript that needs nothing of the service, so the thread starts in milliseconds under any loader.
//
// A job (one message, JSON text) is a `BulkJob` (sqlite-bulk.ts): in one transaction, `sql` runs once per row,
// and `then` for each row it changed whose `thenWhen` value is not null; with `foreignKeys: false` without
// checking references. A statement's values are positions in
// the job's `shared` values followed by the row's. The answer: { changed } (a Uint8Array, the rows `sql`
// changed per row, transferred), or { error } after a rollback. Like the service's writer, it checkpoints the
// WAL after a commit once it has grown past SQLite's threshold (here, off the service's thread).
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const db = new SQLite(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.pragma('secure_delete = ON');

/** Prepared statements by SQL text (a job sends the same texts batch after batch). */
const statements = new Map();
function prepared(text) {
  let stmt = statements.get(text);
  if (!stmt) {
    stmt = db.prepare(text);
    if (statements.size >= 64) statements.delete(statements.keys().next().value);
    statements.set(text, stmt);
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

function runJob(job) {
  const stmt = prepared(job.sql);
  const then = job.then === undefined ? undefined : prepared(job.then);
  const shared = job.shared;
  const rows = job.rows;
  const when = job.thenWhen === undefined ? -1 : job.thenWhen - shared.length;
  const changed = new Uint8Array(rows.length);
  const params = new Array(job.positions.length);
  const thenParams = then ? new Array(job.thenPositions.length) : undefined;
  // A job whose rows cannot break a reference may skip the checks (a pragma that only works outside a transaction).
  if (job.foreignKeys === false) db.pragma('foreign_keys = OFF');
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
  } finally {
    if (job.foreignKeys === false) db.pragma('foreign_keys = ON');
  }
  return changed;
}

parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const changed = runJob(JSON.parse(message));
    parentPort.postMessage({ changed }, [changed.buffer]);
  } catch (err) {
    parentPort.postMessage({ error: { message: err instanceof Error ? err.message : String(err), code: err?.code } });
  }
});
