/**
 * Encrypted, verified backups (R42): `createBackup`, `restoreBackup`, `verifyBackupFile`, `pruneBackups`.
 *
 * - SQLite: an online copy through SQLite's backup API (consistent while the service runs).
 * - PostgreSQL: `pg_dump --format=custom` of an exported snapshot, with the manifest computed in that same
 *   snapshot, so the row counts and checksums describe exactly what the dump holds.
 *
 * The plain dump exists only in a private temporary directory (0700) next to the destination and is removed
 * as soon as it is encrypted. What leaves is one `.sbk` file: header, encrypted manifest, encrypted dump
 * (`backup-file.ts`), under a key derived from the backup key (`backup-key.ts`) — never the KEK, never in the
 * database. Personal fields inside are sealed anyway and their keys are in the key vault, which is never part
 * of a data backup (docs/privacy.md).
 *
 * A restore decrypts (authenticating every chunk), checks the dump against the manifest and only then
 * replaces the database: SQLite atomically (rename) and only when no other process has it open; PostgreSQL
 * with `pg_restore --clean --single-transaction`, then verified again — any mismatch fails loudly.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { randomId } from '../crypto/random.ts';
import { type DatabaseTarget, postgresDriver } from '../db/database.ts';
import type { BackupKeyRing } from './backup-key.ts';
import { type BackupHeader, readBackupFile, readBackupHeader, writeBackupFile } from './backup-file.ts';
import {
  type BackupManifest,
  type ManifestMismatch,
  type TableManifest,
  compareManifests,
  postgresManifest,
  postgresManifestTables,
  sqliteManifestTables,
} from './manifest.ts';

/** Backup files this module writes and prunes: `sanctuary-<UTC time>-<id>.sbk`. */
export const BACKUP_FILE_PATTERN = /^sanctuary-\d{8}T\d{6}Z-[0-9A-HJKMNP-TV-Z]{26}\.sbk$/;

/** A restore or verification found the data different from the manifest. */
export class BackupVerifyError extends Error {
  constructor(
    readonly mismatches: readonly ManifestMismatch[],
    message: string,
  ) {
    super(message);
    this.name = 'BackupVerifyError';
  }
}

/** A backup or restore could not run (tool missing, database busy, wrong dialect…). */
export class BackupError extends Error {
  constructor(
    readonly code: 'tool-missing' | 'tool-failed' | 'database-in-use' | 'wrong-dialect' | 'exists' | 'memory-database',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BackupError';
  }
}

export interface BackupResult {
  id: string;
  file: string;
  bytes: number;
  createdAt: string;
  tables: number;
  rows: number;
}

export interface RestoreResult {
  id: string;
  createdAt: string;
  tables: number;
  rows: number;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A libpq connection string for a PostgreSQL URL that names a password file instead of the password, so the
 * password never appears on a command line (`ps`). The password file is written into `privateDir` (0700)
 * with mode 0600 and removed with it.
 */
export async function libpqConnection(url: string, privateDir: string): Promise<string> {
  const u = new URL(url);
  const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const host = decodeURIComponent(u.searchParams.get('host') ?? u.hostname);
  const port = u.port || '5432';
  const user = decodeURIComponent(u.username);
  const dbname = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const parts = [`dbname=${quote(dbname)}`, `port=${quote(port)}`];
  if (host) parts.push(`host=${quote(host)}`);
  if (user) parts.push(`user=${quote(user)}`);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) parts.push(`sslmode=${quote(sslmode)}`);
  if (u.password) {
    const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
    const passfile = path.join(privateDir, 'pgpass');
    // Host and port are wildcards: the connection string already pins them (and a socket path may not match).
    await fs.writeFile(passfile, `*:*:${esc(dbname)}:${esc(user || '*')}:${esc(decodeURIComponent(u.password))}\n`, { mode: 0o600 });
    parts.push(`passfile=${quote(passfile)}`);
  }
  return parts.join(' ');
}

/** Runs a PostgreSQL client tool; rejects with its exit code and the tail of its stderr. */
function runTool(cmd: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new BackupError('tool-missing', `${cmd} not found: install the PostgreSQL client tools (the server's major version or newer)`, { cause: err })
          : err,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new BackupError('tool-failed', `${cmd} exited with code ${String(code)}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

async function privateTempDir(near: string): Promise<string> {
  await fs.mkdir(near, { recursive: true, mode: 0o700 });
  return fs.mkdtemp(path.join(near, '.sanctuary-tmp-'));
}

async function syncDir(dir: string): Promise<void> {
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // Not supported everywhere; the files themselves are synced.
  }
}

/**
 * Takes an encrypted backup of the database. Writes `outFile`, or `sanctuary-<time>-<id>.sbk` in `dir`.
 * @throws BackupError when the dump cannot be made
 */
export async function createBackup(options: {
  target: DatabaseTarget;
  keys: BackupKeyRing;
  dir: string;
  outFile?: string;
  now?: Date;
}): Promise<BackupResult> {
  const now = options.now ?? new Date();
  const id = randomId();
  const createdAt = now.toISOString();
  const outFile = path.resolve(options.outFile ?? path.join(options.dir, `sanctuary-${stamp(now)}-${id}.sbk`));
  if (await fs.stat(outFile).then(() => true, () => false)) throw new BackupError('exists', `${outFile} already exists`);
  const tmp = await privateTempDir(path.dirname(outFile));
  const dump = path.join(tmp, 'dump');
  try {
    let tables: TableManifest[];
    if (options.target.kind === 'sqlite') {
      if (options.target.file === ':memory:') throw new BackupError('memory-database', 'an in-memory database cannot be backed up');
      const source = new SQLite(options.target.file, { fileMustExist: true });
      try {
        source.pragma('busy_timeout = 5000');
        // SQLite's online backup API: a consistent copy while other connections keep working.
        await source.backup(dump);
      } finally {
        source.close();
      }
      tables = sqliteManifestTables(dump);
    } else {
      const url = options.target.url;
      const client = new (postgresDriver().Client)({ connectionString: url });
      await client.connect();
      try {
        await client.query('begin isolation level repeatable read read only');
        const { rows } = await client.query<{ s: string }>('select pg_export_snapshot() as s');
        const snapshot = rows[0]?.s as string;
        // pg_dump reads the exported snapshot while this transaction stays open and computes the manifest.
        const conn = await libpqConnection(url, tmp);
        const dumping = runTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshot}`, `--file=${dump}`, `--dbname=${conn}`]);
        const [computed] = await Promise.all([postgresManifestTables(client), dumping]);
        tables = computed;
        await client.query('commit');
      } finally {
        await client.end();
      }
    }
    const manifest: BackupManifest = { format: 'sanctuary-backup-manifest', version: 1, id, createdAt, dialect: options.target.kind, tables };
    const kid = options.keys.currentKid;
    const { bytes } = await writeBackupFile({ outFile, dumpFile: dump, manifest, header: { id, createdAt, dialect: options.target.kind, kid }, key: options.keys.fileKey(kid, id) });
    await syncDir(path.dirname(outFile));
    return { id, file: outFile, bytes, createdAt, tables: tables.length, rows: tables.reduce((n, t) => n + t.rows, 0) };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

function checkManifest(doc: unknown, header: BackupHeader): BackupManifest {
  const m = doc as Partial<BackupManifest>;
  if (m?.format !== 'sanctuary-backup-manifest' || m.version !== 1 || m.id !== header.id || !Array.isArray(m.tables)) {
    throw new BackupVerifyError([], 'the backup manifest is malformed or belongs to another backup');
  }
  return m as BackupManifest;
}

function describe(mismatches: readonly ManifestMismatch[]): string {
  return mismatches
    .slice(0, 10)
    .map((m) => `${m.table}: ${m.problem}${m.expected !== undefined ? ` (expected ${m.expected}, got ${m.actual ?? 'nothing'})` : ''}`)
    .join('; ');
}

/** Fails unless no other connection has the SQLite database open (a running server would lose the restore). */
function assertSqliteIdle(file: string): void {
  let db: SQLite.Database | undefined;
  try {
    db = new SQLite(file, { fileMustExist: true });
    db.pragma('busy_timeout = 0');
    // In WAL mode every open connection holds a shared lock; exclusive locking mode fails while any exists.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('begin exclusive');
    db.exec('commit');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'SQLITE_CANTOPEN') return; // no database yet: nothing to protect
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY') || /locked/i.test((err as Error).message)) {
      throw new BackupError('database-in-use', 'the database is in use: stop every server and worker using it, then restore', { cause: err });
    }
    throw err;
  } finally {
    db?.close();
  }
}

/**
 * Restores a backup into the configured database after checking it, and checks the result again.
 * @throws BackupFormatError (damaged, tampered with, wrong key), BackupVerifyError (content differs from the
 *   manifest: nothing is replaced on SQLite), BackupError (database in use, wrong dialect, tools missing)
 */
export async function restoreBackup(options: { target: DatabaseTarget; keys: BackupKeyRing; inFile: string; onStep?: (step: string) => void }): Promise<RestoreResult> {
  const step = options.onStep ?? (() => undefined);
  const { header } = await readBackupHeader(options.inFile);
  if (header.dialect !== options.target.kind) {
    throw new BackupError('wrong-dialect', `this is a ${header.dialect} backup; the configured database is ${options.target.kind}`);
  }
  const key = options.keys.fileKey(header.kid, header.id);
  if (options.target.kind === 'sqlite') {
    const live = options.target.file;
    if (live === ':memory:') throw new BackupError('memory-database', 'cannot restore into an in-memory database');
    // Decrypt next to the live file, so the final rename is atomic (same file system).
    const tmp = await privateTempDir(path.dirname(live));
    const restored = path.join(tmp, 'restored.db');
    try {
      step('decrypting');
      const { manifest: doc } = await readBackupFile({ inFile: options.inFile, dumpFile: restored, key });
      const manifest = checkManifest(doc, header);
      step('verifying the backup');
      const before = compareManifests(manifest.tables, sqliteManifestTables(restored));
      if (before.length > 0) throw new BackupVerifyError(before, `the backup does not match its manifest; nothing was changed: ${describe(before)}`);
      step('replacing the database');
      assertSqliteIdle(live);
      for (const suffix of ['-wal', '-shm', '-journal']) await fs.rm(`${live}${suffix}`, { force: true });
      await fs.rename(restored, live);
      await syncDir(path.dirname(live));
      step('verifying the restored database');
      const after = compareManifests(manifest.tables, sqliteManifestTables(live));
      if (after.length > 0) throw new BackupVerifyError(after, `the restored database does not match the manifest: ${describe(after)}`);
      return { id: header.id, createdAt: header.createdAt, tables: manifest.tables.length, rows: manifest.tables.reduce((n, t) => n + t.rows, 0) };
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }
  const url = options.target.url;
  const tmp = await privateTempDir(os.tmpdir());
  const dump = path.join(tmp, 'dump');
  try {
    step('decrypting');
    const { manifest: doc } = await readBackupFile({ inFile: options.inFile, dumpFile: dump, key });
    const manifest = checkManifest(doc, header);
    step('restoring with pg_restore');
    const conn = await libpqConnection(url, tmp);
    await runTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${conn}`, dump]);
    // Tables created after the backup was taken (later migrations) are not in it: drop them, so the database
    // is exactly the backup and the next start re-applies those migrations cleanly.
    await dropTablesNotIn(url, new Set(manifest.tables.map((t) => t.name)));
    step('verifying the restored database');
    const after = compareManifests(manifest.tables, await postgresManifest(url));
    if (after.length > 0) throw new BackupVerifyError(after, `the restored database does not match the manifest: ${describe(after)}`);
    return { id: header.id, createdAt: header.createdAt, tables: manifest.tables.length, rows: manifest.tables.reduce((n, t) => n + t.rows, 0) };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function dropTablesNotIn(url: string, keep: ReadonlySet<string>): Promise<void> {
  const client = new (postgresDriver().Client)({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
    );
    for (const { table_name: name } of rows) {
      // eslint-disable-next-line sanctuary/parameterized-sql -- an identifier from information_schema, escaped by the driver
      if (!keep.has(name)) await client.query(`drop table if exists ${client.escapeIdentifier(name)} cascade`);
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/**
 * Checks a backup file without touching the database: every chunk authenticates with the backup key, and
 * the dump matches its manifest — fully for SQLite (the copy is opened and every table digested), as an
 * archive listing for PostgreSQL (`pg_restore --list`; a full check needs a scratch database: restore into
 * one with `restoreBackup`). This is the automatic test-restore of the nightly job.
 */
export async function verifyBackupFile(options: { inFile: string; keys: BackupKeyRing; tempDir: string }): Promise<{ header: BackupHeader; tables: number; rows: number; full: boolean }> {
  const { header } = await readBackupHeader(options.inFile);
  const tmp = await privateTempDir(options.tempDir);
  const dump = path.join(tmp, 'dump');
  try {
    const { manifest: doc } = await readBackupFile({ inFile: options.inFile, dumpFile: dump, key: options.keys.fileKey(header.kid, header.id) });
    const manifest = checkManifest(doc, header);
    const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
    if (header.dialect === 'sqlite') {
      const mismatches = compareManifests(manifest.tables, sqliteManifestTables(dump));
      if (mismatches.length > 0) throw new BackupVerifyError(mismatches, `the backup does not match its manifest: ${describe(mismatches)}`);
      return { header, tables: manifest.tables.length, rows, full: true };
    }
    await runTool('pg_restore', ['--list', dump]);
    return { header, tables: manifest.tables.length, rows, full: false };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** Deletes the oldest backup files in `dir` beyond the newest `keep`; returns the names deleted. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => BACKUP_FILE_PATTERN.test(n)).sort();
  const doomed = names.slice(0, Math.max(0, names.length - keep));
  for (const name of doomed) await fs.rm(path.join(dir, name), { force: true });
  return doomed;
}
