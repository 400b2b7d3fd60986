/**
 * Retention purge benchmark: deleting 1,000,000 expired rows on SQLite through the retention engine
 * (keyset batches of 5,000, one transaction each, legal-hold checks, a receipt and an audit entry) vs. the
 * bare baseline of one `DELETE … WHERE created_at < cutoff` statement on an identical table. Target: the
 * engine under 60 s.
 *
 * The bench runner imports {@link benchRetention}; `npx tsx bench/retention.ts` prints the table on its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { auditMigrations } from '../src/core/audit/audit.migrations.ts';
import { AuditService } from '../src/core/audit/audit.service.ts';
import { AuditKeyStore } from '../src/core/audit/signing-key.ts';
import { randomId } from '../src/core/crypto/random.ts';
import { openDatabase } from '../src/core/db/database.ts';
import { collectMigrations, migrateToLatest } from '../src/core/db/migrator.ts';
import { RetentionRegistry } from '../src/core/privacy/retention.ts';
import { retentionMigrations } from '../src/core/privacy/retention.migrations.ts';
import { RetentionService } from '../src/core/privacy/retention.service.ts';

/** One benchmark result. `ratio` = opsPerSec / the baseline's opsPerSec. */
export interface Row {
  name: string;
  opsPerSec: number;
  baselineName?: string;
  ratio?: number;
  /** Wall time of the whole run, for targets stated in seconds. */
  seconds?: number;
}

/** Fills `table` with `n` rows (ids in creation order, as `randomId()` makes them), all expired. */
function fill(file: string, table: 'bench_expired' | 'bench_bare', n: number, createdAt: string): void {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  // eslint-disable-next-line sanctuary/parameterized-sql -- table is one of this file's two fixed names (typed)
  db.exec(`create table ${table} (id text primary key, subject_id text, created_at text not null, payload text)`);
  // eslint-disable-next-line sanctuary/parameterized-sql -- table is one of this file's two fixed names (typed)
  const insert = db.prepare(`insert into ${table} (id, subject_id, created_at, payload) values (?, null, ?, ?)`);
  const payload = 's1.'.padEnd(200, 'x'); // a sealed value's size
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(randomId(), createdAt, payload);
  });
  for (let i = 0; i < n; i += 50_000) batch(i, Math.min(n, i + 50_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/**
 * @param options.rows  expired rows to purge (default 1,000,000)
 */
export async function benchRetention(options?: { rows?: number }): Promise<Row[]> {
  const n = options?.rows ?? 1_000_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-bench-retention-'));
  try {
    const file = path.join(dir, 'retention.db');
    const now = new Date('2026-11-27T12:00:00.000Z');
    const old = new Date(now.getTime() - 400 * 86_400_000).toISOString();
    fill(file, 'bench_expired', n, old);
    fill(file, 'bench_bare', n, old);

    const db = openDatabase({ kind: 'sqlite', file });
    try {
      await migrateToLatest(db, collectMigrations([{ owner: 'core', migrations: { ...auditMigrations, ...retentionMigrations } }]));
      const cutoff = new Date(now.getTime() - 365 * 86_400_000).toISOString();

      const bareStart = performance.now();
      await sql`delete from bench_bare where created_at < ${cutoff}`.execute(db.kysely);
      const bareSeconds = (performance.now() - bareStart) / 1000;

      const registry = new RetentionRegistry();
      registry.register([{ recordType: 'bench.expired', table: 'bench_expired', basis: 'created_at', days: 365, descriptionKey: 'bench.retention' }], 'bench');
      const audit = new AuditService({ db, now: () => now, signingKeys: () => AuditKeyStore.open(path.join(dir, 'keys', 'audit.json')) });
      const retention = new RetentionService({ db, now: () => now, audit, registry });
      const start = performance.now();
      const report = await retention.purge();
      const seconds = (performance.now() - start) / 1000;
      const deleted = report.results[0]?.deleted ?? 0;
      if (!report.ok || deleted !== n) throw new Error(`purge deleted ${deleted} of ${n}: ${JSON.stringify(report.results)}`);

      const bareName = `bare DELETE of ${n.toLocaleString('en-US')} expired rows, one statement (SQLite)`;
      const bareOps = Math.round(n / bareSeconds);
      const ops = Math.round(n / seconds);
      return [
        { name: bareName, opsPerSec: bareOps, seconds: Math.round(bareSeconds * 10) / 10 },
        {
          name: `retention purge of ${n.toLocaleString('en-US')} expired rows: batches, holds, receipt, audit (SQLite; target < 60 s)`,
          opsPerSec: ops,
          baselineName: bareName,
          ratio: Math.round((ops / bareOps) * 100) / 100,
          seconds: Math.round(seconds * 10) / 10,
        },
      ];
    } finally {
      await db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchRetention();
  console.table(rows.map((r) => ({ name: r.name, 'rows/s': r.opsPerSec.toLocaleString('en-US'), seconds: r.seconds ?? '', 'vs baseline': r.ratio ?? '' })));
}
