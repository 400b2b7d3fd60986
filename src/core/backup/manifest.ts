/**
 * The backup manifest: for every table, its columns, row count and a SHA-256 digest of its content, so a
 * restore can prove it brought back exactly what was backed up (R42).
 *
 * The table digest is order-independent: each row is encoded canonically (a JSON array of its values in
 * column order) and hashed, the row hashes are added up modulo 2^256 (a multiset hash: a missing, extra,
 * duplicated or changed row changes the sum), and the digest is SHA-256 over the table name, columns, row
 * count and that sum. Computing it needs no ORDER BY, so it streams, and it does not depend on the
 * database's collation (a restore onto a server with another locale still matches).
 */
import { createHash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import type pg from 'pg';
// The driver with bigint columns parsed to numbers, as the application reads them.
import { postgresDriver } from '../db/database.ts';

export interface TableManifest {
  name: string;
  columns: string[];
  rows: number;
  sha256: string;
}

export interface BackupManifest {
  format: 'sanctuary-backup-manifest';
  version: 1;
  id: string;
  createdAt: string;
  dialect: 'sqlite' | 'postgres';
  tables: TableManifest[];
}

const MOD = 1n << 256n;

/** Accumulates one table's rows. */
class TableDigest {
  #sum = 0n;
  rows = 0;

  add(row: readonly unknown[]): void {
    const h = createHash('sha256').update(JSON.stringify(row), 'utf8').digest('hex');
    this.#sum = (this.#sum + BigInt(`0x${h}`)) % MOD;
    this.rows++;
  }

  finish(name: string, columns: readonly string[]): TableManifest {
    const sum = this.#sum.toString(16).padStart(64, '0');
    const sha256 = createHash('sha256').update(JSON.stringify(['sanctuary-table-v1', name, columns, this.rows, sum]), 'utf8').digest('hex');
    return { name, columns: [...columns], rows: this.rows, sha256 };
  }
}

/** Manifest tables of a SQLite database file (opened read-only, in one read transaction). */
export function sqliteManifestTables(file: string): TableManifest[] {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    db.exec('begin');
    const names = (db.prepare("select name from sqlite_schema where type = 'table' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>).map(
      (r) => r.name,
    );
    const out: TableManifest[] = [];
    for (const name of names) {
      const columns = (db.prepare('select name from pragma_table_info(?) order by cid').all(name) as Array<{ name: string }>).map((c) => c.name);
      const digest = new TableDigest();
      // Identifiers cannot be bound: the name comes from sqlite_schema and is quoted (inner quotes doubled).
      const quoted = `"${name.replaceAll('"', '""')}"`;
      // eslint-disable-next-line sanctuary/parameterized-sql -- a quoted identifier read from sqlite_schema, not input
      const stmt = db.prepare(`select * from ${quoted}`).raw(true);
      for (const row of stmt.iterate() as IterableIterator<unknown[]>) digest.add(row);
      out.push(digest.finish(name, columns));
    }
    db.exec('commit');
    return out;
  } finally {
    db.close();
  }
}

/**
 * Manifest tables of the current schema of a PostgreSQL database, read through `client` inside the
 * transaction the caller opened (so a backup's manifest and its `pg_dump --snapshot` see the same data).
 */
export async function postgresManifestTables(client: pg.ClientBase): Promise<TableManifest[]> {
  const { rows: tables } = await client.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name",
  );
  const out: TableManifest[] = [];
  for (const { table_name: name } of tables) {
    const { rows: cols } = await client.query<{ column_name: string }>(
      'select column_name from information_schema.columns where table_schema = current_schema() and table_name = $1 order by ordinal_position',
      [name],
    );
    const columns = cols.map((c) => c.column_name);
    const digest = new TableDigest();
    const ident = (s: string): string => client.escapeIdentifier(s);
    const cursor = ident(`manifest_${out.length}`);
    // eslint-disable-next-line sanctuary/parameterized-sql -- identifiers from information_schema, escaped by the driver
    await client.query(`declare ${cursor} no scroll cursor for select ${columns.map(ident).join(', ')} from ${ident(name)}`);
    for (;;) {
      const { rows } = await client.query<unknown[]>({ text: `fetch 5000 from ${cursor}`, rowMode: 'array' });
      for (const row of rows) digest.add(row);
      if (rows.length < 5000) break;
    }
    // eslint-disable-next-line sanctuary/parameterized-sql -- the cursor name made above
    await client.query(`close ${cursor}`);
    out.push(digest.finish(name, columns));
  }
  return out;
}

/** Computes the manifest of a live PostgreSQL database in a fresh REPEATABLE READ snapshot. */
export async function postgresManifest(url: string): Promise<TableManifest[]> {
  const client = new (postgresDriver().Client)({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const tables = await postgresManifestTables(client);
    await client.query('commit');
    return tables;
  } finally {
    await client.end();
  }
}

/** One difference between a manifest and a restored database. */
export interface ManifestMismatch {
  table: string;
  problem: 'missing' | 'extra' | 'columns' | 'rows' | 'content';
  expected?: string | number;
  actual?: string | number;
}

/** Compares the backup's manifest with the restored database's. Empty = identical. */
export function compareManifests(expected: readonly TableManifest[], actual: readonly TableManifest[]): ManifestMismatch[] {
  const out: ManifestMismatch[] = [];
  const got = new Map(actual.map((t) => [t.name, t]));
  for (const e of expected) {
    const a = got.get(e.name);
    if (!a) {
      out.push({ table: e.name, problem: 'missing' });
      continue;
    }
    got.delete(e.name);
    if (JSON.stringify(a.columns) !== JSON.stringify(e.columns)) out.push({ table: e.name, problem: 'columns', expected: e.columns.join(','), actual: a.columns.join(',') });
    else if (a.rows !== e.rows) out.push({ table: e.name, problem: 'rows', expected: e.rows, actual: a.rows });
    else if (a.sha256 !== e.sha256) out.push({ table: e.name, problem: 'content', expected: e.sha256, actual: a.sha256 });
  }
  for (const name of got.keys()) out.push({ table: name, problem: 'extra' });
  return out;
}
