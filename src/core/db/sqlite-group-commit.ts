/**
 * Group commit for SQLite: concurrent transactions share one durable commit.
 *
 * With `synchronous = FULL` every COMMIT waits for the disk (fsync, 2–5 ms here), so one transaction per request
 * caps a server at a few hundred writes per second whatever else it does. This Kysely driver keeps the
 * durability and shares the wait:
 *
 * - **One writer, one batch.** Transactions still run one at a time on the single writing connection, but
 *   each runs inside a SAVEPOINT of an open batch transaction instead of its own BEGIN…COMMIT. When no other
 *   transaction is waiting (checked after one turn of the event loop, so requests in flight can join), or the
 *   batch is full or old, the batch COMMITs: one fsync for all of them.
 * - **Answered after the commit.** A transaction's `commit` resolves only when its batch is durable. If the
 *   batch cannot commit, or SQLite rolled the whole batch back, nothing of it was written and every member fails
 *   with a retryable error (`GroupRolledBackError`, the cause attached) that `inTransaction` runs again.
 * - **Failures stay private.** A transaction that throws is rolled back to its savepoint: what the others in
 *   the batch wrote is untouched.
 * - **Reads do not wait.** Statements outside a transaction that only read run on a second, read-only
 *   connection (WAL lets it read while the writer writes); they see committed data only, never a batch in
 *   progress. Writes outside a transaction (and PRAGMAs) wait for the open batch to commit, then run alone.
 *
 * A `:memory:` database has no second connection (it would be another database): its reads take the writer.
 */
import SQLite from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  type Dialect,
  type DialectAdapter,
  type DatabaseIntrospector,
  type Kysely,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { type BulkJob, BulkJobError, SqliteBulkWriter } from './sqlite-bulk.ts';
import { runJob } from './sqlite-bulk-worker.js';

/** A batch that SQLite rolled back as a whole (e.g. the disk filled mid-transaction): retry the transaction. */
export class GroupRolledBackError extends Error {
  readonly code = 'SANCTUARY_GROUP_ROLLED_BACK';
  constructor(cause: unknown) {
    super('the group of transactions this one was committed with was rolled back; run it again', { cause });
    this.name = 'GroupRolledBackError';
  }
}

/** Limits of a batch. */
export interface GroupCommitOptions {
  /** Transactions in one batch at most (default 256). */
  maxBatch?: number;
  /** Milliseconds a batch stays open at most once started (default 50). */
  maxBatchMs?: number;
}

/** What the group-commit driver has done (for tests and the bench). */
export interface GroupCommitStats {
  /** Transactions committed (each member of each batch). */
  transactions: number;
  /** Durable COMMITs of batches. */
  commits: number;
  /** Transactions rolled back to their savepoint (their batch went on). */
  rolledBack: number;
  /** Checkpoints the bulk thread ran after its jobs. */
  bulkCheckpoints: number;
}

class Mutex {
  #locked = false;
  readonly #queue: Array<() => void> = [];

  get waiting(): number {
    return this.#queue.length;
  }

  get locked(): boolean {
    return this.#locked;
  }

  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve));
  }

  unlock(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#locked = false;
  }
}

interface Batch {
  started: number;
  members: number;
  waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

// Prepared statements kept per connection and SQL text: preparing is most of the cost of a short statement, and
// an application sends the same few hundred texts over and over. SQLite re-prepares a kept statement by itself
// when the schema changes. Bounded, oldest text out first (queries with IN lists of many lengths).
const STATEMENT_CACHE_SIZE = 2000;
const statementCaches = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

function prepared(db: SQLite.Database, text: string): SQLite.Statement {
  let cache = statementCaches.get(db);
  if (!cache) {
    cache = new Map();
    statementCaches.set(db, cache);
  }
  let stmt = cache.get(text);
  if (!stmt) {
    stmt = db.prepare(text);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(text, stmt);
  }
  return stmt;
}

function run(db: SQLite.Database, query: CompiledQuery): QueryResult<unknown> {
  const stmt = prepared(db, query.sql);
  if (stmt.reader) return { rows: stmt.all(...(query.parameters as unknown[])) };
  const { changes, lastInsertRowid } = stmt.run(...(query.parameters as unknown[]));
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/** SQLite's default: a commit that leaves the WAL this many pages long copies it back into the database. */
const AUTOCHECKPOINT_PAGES = 1000;

/** Statements that cannot (or must not) run inside a transaction. */
const OUTSIDE_TRANSACTION = /^\s*(pragma|vacuum|attach|detach)\b/i;

/** The writer lock of one database file, and the handle whose batch is open on it. */
interface FileLock {
  mutex: Mutex;
  open: GroupCommitDriver | undefined;
}

const fileLocks = new Map<string, FileLock>();

function fileLock(file: string | undefined): FileLock {
  if (file === undefined) return { mutex: new Mutex(), open: undefined };
  let lock = fileLocks.get(file);
  if (!lock) {
    lock = { mutex: new Mutex(), open: undefined };
    fileLocks.set(file, lock);
  }
  return lock;
}

/** One connection handed to Kysely: reads go to the reader, a transaction to the writer's batch. */
export class GroupConnection implements DatabaseConnection {
  /** Whether a transaction runs on this connection (inside the batch, on the writer). */
  inTransaction = false;

  constructor(private readonly driver: GroupCommitDriver) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return (await this.driver.execute(this, query)) as QueryResult<R>;
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const rows = (await this.executeQuery<R>(query)).rows;
    for (const row of rows) yield { rows: [row] };
  }
}

/** The Kysely driver behind group commit (see the file's comment). */
export class GroupCommitDriver implements Driver {
  readonly #writer: SQLite.Database;
  readonly #reader: SQLite.Database | undefined;
  /** The writer lock, shared by every handle on the same file in this process. */
  readonly #file: FileLock;
  readonly #maxBatch: number;
  readonly #maxBatchMs: number;
  #batch: Batch | undefined;
  #commitScheduled = false;
  readonly #classified = new Map<string, boolean>();
  /** The thread of bulk jobs (a file database; a `:memory:` one runs them on the writer). */
  readonly #bulk: SqliteBulkWriter | undefined;
  /** Bulk jobs queued or running on the thread. */
  #bulkJobs = 0;
  /** Whether the writer leaves checkpoints to the bulk thread (from a job's start until the thread has checkpointed). */
  #checkpointsLeft = false;
  readonly stats: GroupCommitStats = { transactions: 0, commits: 0, rolledBack: 0, bulkCheckpoints: 0 };

  constructor(writer: SQLite.Database, reader: SQLite.Database | undefined, options: GroupCommitOptions = {}) {
    this.#writer = writer;
    this.#reader = reader;
    this.#file = fileLock(writer.memory ? undefined : writer.name);
    this.#bulk = writer.memory ? undefined : new SqliteBulkWriter(writer.name, { onCheckpointsBack: (checkpointed) => this.#takeCheckpointsBack(checkpointed) });
    this.#maxBatch = options.maxBatch ?? 256;
    this.#maxBatchMs = options.maxBatchMs ?? 50;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new GroupConnection(this);
  }

  async releaseConnection(): Promise<void> {}

  /** Runs one statement where it belongs. */
  async execute(conn: GroupConnection, query: CompiledQuery): Promise<QueryResult<unknown>> {
    if (conn.inTransaction) return run(this.#writer, query);
    if (OUTSIDE_TRANSACTION.test(query.sql)) {
      // A PRAGMA means nothing inside a transaction, VACUUM cannot run in one: alone on the writer, after the
      // open batch is durable.
      return this.#alone(query);
    }
    if (this.#reader && this.#readOnly(query.sql)) {
      let stmt: SQLite.Statement | undefined;
      try {
        stmt = prepared(this.#reader, query.sql);
      } catch {
        // The reader's copy of the schema is older than a table or index the writer made since: running any
        // statement makes SQLite check the schema and load it again.
        this.#reader.prepare('select count(*) from sqlite_schema').get();
        try {
          stmt = prepared(this.#reader, query.sql);
        } catch {
          // Still unknown to the reader: the writer answers.
        }
      }
      if (stmt) return { rows: stmt.all(...(query.parameters as unknown[])) };
      return this.#alone(query);
    }
    // A write outside a transaction is a transaction of one statement: it joins the batch, answered when durable.
    await this.beginTransaction(conn);
    let result: QueryResult<unknown>;
    try {
      result = run(this.#writer, query);
    } catch (err) {
      await this.rollbackTransaction(conn);
      throw err;
    }
    await this.commitTransaction(conn);
    return result;
  }

  /**
   * Runs a bulk job (`sqlite-bulk.ts`) in a transaction of its own, durable when it returns; returns the rows its
   * statement changed, per row. On a file database it runs on the bulk thread while this one holds the file's
   * writer lock: the service's transactions wait their turn without blocking the event loop. A job that fails is
   * rolled back as a whole and throws {@link BulkJobError}.
   */
  async bulk(job: BulkJob): Promise<Uint8Array> {
    const thread = this.#bulk;
    if (!thread) return this.#withWriter(() => this.#bulkHere(job));
    // Encoded now: a job queued behind another starts the moment that one ends, and its rows are not kept meanwhile.
    const encoded = thread.encode(job);
    this.#bulkJobs++;
    try {
      return await this.#withWriter(() => {
        // The thread checkpoints once its jobs stop coming; until then a commit of the writer's must not copy the
        // WAL they wrote on this thread (SQLite's automatic checkpoint, past 1,000 pages, would).
        if (!this.#checkpointsLeft) {
          this.#writer.pragma('wal_autocheckpoint = 0');
          this.#checkpointsLeft = true;
        }
        return thread.run(encoded);
      });
    } finally {
      this.#bulkJobs--;
    }
  }

  /** Starts the bulk thread ahead of a first job (no-op on `:memory:`, where jobs run on the writer). */
  prepareBulk(): void {
    this.#bulk?.prepare();
  }

  /**
   * The bulk thread has checkpointed after its jobs, or has stopped: the writer checkpoints on its own again
   * (SQLite's default).
   */
  #takeCheckpointsBack(checkpointed: boolean): void {
    if (checkpointed) this.stats.bulkCheckpoints++;
    // A job still to run keeps them with the thread, which checkpoints after it; a thread that stopped keeps nothing.
    if (!this.#checkpointsLeft || (checkpointed && this.#bulkJobs > 0) || !this.#writer.open) return;
    this.#writer.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    this.#checkpointsLeft = false;
  }

  /** Runs `fn` holding the file's writer lock, the open batch committed first. */
  async #withWriter<T>(fn: () => T | Promise<T>): Promise<T> {
    await this.#lock();
    try {
      this.#commitBatch();
      return await fn();
    } finally {
      this.#file.mutex.unlock();
    }
  }

  /** A bulk job on the writer itself (a `:memory:` database). */
  #bulkHere(job: BulkJob): Uint8Array {
    try {
      return runJob(this.#writer, job);
    } catch (err) {
      const e = err as { message?: string; code?: string };
      throw new BulkJobError(e.message ?? String(err), e.code);
    }
  }

  /** Runs a statement on the writer outside any batch (the open one is committed first). */
  #alone(query: CompiledQuery): Promise<QueryResult<unknown>> {
    return this.#withWriter(() => run(this.#writer, query));
  }

  /** Whether a statement only reads (classified once per SQL text by the writer, which knows the current schema). */
  #readOnly(text: string): boolean {
    let readOnly = this.#classified.get(text);
    if (readOnly === undefined) {
      const stmt = prepared(this.#writer, text);
      readOnly = stmt.readonly && stmt.reader;
      if (this.#classified.size >= 5000) this.#classified.clear();
      this.#classified.set(text, readOnly);
    }
    return readOnly;
  }

  /**
   * Takes the file's writer lock. Another handle on the same file in this process may hold an open batch
   * between its members: it is committed now (it is idle, or we would not hold the lock), rather than this
   * connection waiting inside SQLite for a lock only this event loop could release.
   */
  async #lock(): Promise<void> {
    await this.#file.mutex.lock();
    const other = this.#file.open;
    if (other && other !== this) other.commitOpenBatch();
  }

  /** Commits this handle's open batch (the caller holds the file's writer lock). */
  commitOpenBatch(): void {
    this.#commitBatch();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as GroupConnection;
    await this.#lock();
    try {
      const batch = this.#batch;
      if (batch && (batch.members >= this.#maxBatch || performance.now() - batch.started > this.#maxBatchMs)) this.#commitBatch();
      if (!this.#batch) {
        this.#writer.exec('BEGIN IMMEDIATE');
        this.#batch = { started: performance.now(), members: 0, waiters: [] };
        this.#file.open = this;
      }
      this.#batch.members++;
      // One name is enough: members run one after the other, each savepoint released or rolled back first.
      this.#writer.exec('SAVEPOINT gc_member');
      conn.inTransaction = true;
    } catch (err) {
      this.#file.mutex.unlock();
      this.#scheduleCommit();
      throw err;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as GroupConnection).inTransaction = false;
    const batch = this.#batch;
    let durable: Promise<void> | undefined;
    let failure: unknown;
    try {
      if (!batch || !this.#writer.inTransaction) throw this.#abandon(new Error('the batch transaction ended early'));
      this.#writer.exec('RELEASE gc_member');
      durable = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
      this.stats.transactions++;
    } catch (err) {
      failure = err;
    } finally {
      this.#file.mutex.unlock();
      this.#scheduleCommit();
    }
    if (!durable) throw failure;
    await durable;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as GroupConnection;
    // Kysely also rolls back after a failed commit: by then this member holds nothing (the writer may already run
    // another member's savepoint), so there is nothing to undo and no lock to give back.
    if (!conn.inTransaction) return;
    conn.inTransaction = false;
    try {
      if (this.#writer.inTransaction) {
        this.#writer.exec('ROLLBACK TO gc_member');
        this.#writer.exec('RELEASE gc_member');
        this.stats.rolledBack++;
      } else {
        // SQLite rolled back the whole batch (an I/O error, a full disk): the members already done are lost.
        this.#abandon(new Error('the batch transaction was rolled back by SQLite'));
      }
    } finally {
      this.#file.mutex.unlock();
      this.#scheduleCommit();
    }
  }

  /** Fails the members of a batch SQLite rolled back, with an error `inTransaction` retries. */
  #abandon(cause: unknown): GroupRolledBackError {
    const err = new GroupRolledBackError(cause);
    const batch = this.#batch;
    this.#batch = undefined;
    if (this.#file.open === this) this.#file.open = undefined;
    if (this.#writer.inTransaction) this.#writer.exec('ROLLBACK');
    for (const w of batch?.waiters ?? []) w.reject(err);
    return err;
  }

  /** Commits the open batch after one turn of the event loop, unless transactions are waiting to join it. */
  #scheduleCommit(): void {
    if (this.#commitScheduled || !this.#batch) return;
    this.#commitScheduled = true;
    setImmediate(() => {
      this.#commitScheduled = false;
      // Someone holds or waits for the writer: they join the batch and schedule again when done.
      if (this.#file.mutex.locked || !this.#batch) return;
      this.#lock().then(() => {
        try {
          this.#commitBatch();
        } finally {
          this.#file.mutex.unlock();
        }
      }, () => undefined);
    });
  }

  /** COMMITs the open batch now (the caller holds the writer) and answers its members. */
  #commitBatch(): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    if (this.#file.open === this) this.#file.open = undefined;
    try {
      this.#writer.exec('COMMIT');
    } catch (err) {
      if (this.#writer.inTransaction) this.#writer.exec('ROLLBACK');
      // Nothing of the group was written; each member may run again (`inTransaction` retries this error).
      const failed = new GroupRolledBackError(err);
      for (const w of batch.waiters) w.reject(failed);
      return;
    }
    this.stats.commits++;
    for (const w of batch.waiters) w.resolve();
  }

  async destroy(): Promise<void> {
    await this.#lock();
    try {
      this.#commitBatch();
    } finally {
      this.#file.mutex.unlock();
    }
    await this.#bulk?.close();
    this.#reader?.close();
    this.#writer.close();
  }
}

/** A Kysely dialect for SQLite with group commit (see {@link GroupCommitDriver}). */
export class GroupCommitSqliteDialect implements Dialect {
  readonly driver: GroupCommitDriver;

  constructor(writer: SQLite.Database, reader: SQLite.Database | undefined, options?: GroupCommitOptions) {
    this.driver = new GroupCommitDriver(writer, reader, options);
  }

  createDriver(): Driver {
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
