/**
 * Audit-log benchmarks, each against a bare baseline measured in the same run:
 *
 * - `sanctuary audit verify` speed (entries/s) over a 200,000-entry chain vs. merely reading the same rows
 *   with the same keyset pages (the ratio is the cost of recomputing every SHA-256 link);
 * - appending one entry per transaction through `AuditService.record` (head lock, hash, insert, head update)
 *   vs. inserting the same row with no chain;
 * - on PostgreSQL (when `BENCH_DATABASE_URL` or `TEST_DATABASE_URL` is set), 8 concurrent writers appending
 *   through the `FOR UPDATE` head lock (what the service does) vs. a SERIALIZABLE-and-retry variant of the
 *   same append, the alternative the design considered.
 *
 * The bench runner imports {@link benchAudit}; `npx tsx bench/audit.ts` prints the table on its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { type AuditEntry, GENESIS_HASH, hashAuditEntry } from '../src/core/audit/audit-entry.ts';
import { auditMigrations } from '../src/core/audit/audit.migrations.ts';
import { auditRepo, rowFromEntry } from '../src/core/audit/audit.repo.ts';
import { withAuditSnapshot } from '../src/core/audit/audit-verify.ts';
import { AuditService } from '../src/core/audit/audit.service.ts';
import { AuditKeyStore } from '../src/core/audit/signing-key.ts';
import { randomId } from '../src/core/crypto/random.ts';
import { type Db, openDatabase } from '../src/core/db/database.ts';
import { collectMigrations, migrateToLatest } from '../src/core/db/migrator.ts';
import { inTransaction } from '../src/core/db/transaction.ts';

/** One benchmark result. `ratio` = opsPerSec / the baseline's opsPerSec. */
export interface Row {
  name: string;
  opsPerSec: number;
  baselineName?: string;
  ratio?: number;
}

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

/** Writes `n` chained entries directly (same rows the service would write), in batches. */
async function seed(db: Db, n: number): Promise<void> {
  let prev = GENESIS_HASH;
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  const batch = 1000;
  let last: AuditEntry | undefined;
  for (let start = 1; start <= n; start += batch) {
    const rows = [];
    for (let seq = start; seq < Math.min(start + batch, n + 1); seq++) {
      const base = {
        seq,
        id: randomId(),
        at: new Date(t0 + seq * 10).toISOString(),
        actorId: randomId(),
        actorRole: 'program-staff',
        action: seq % 3 ? 'record.read' : 'record.update',
        outcome: 'success',
        recordType: 'legal-defense.case',
        recordId: randomId(),
        purpose: 'case-work',
        legalProcessId: null,
        requestId: randomId(),
        detail: null,
        prevHash: prev,
      };
      last = { ...base, hash: hashAuditEntry(base) };
      prev = last.hash;
      rows.push(rowFromEntry(last));
    }
    await db.kysely.insertInto('audit_log').values(rows).execute();
  }
  if (last) await db.kysely.updateTable('audit_head').set({ seq: last.seq, hash: last.hash, at: last.at }).where('id', '=', 1).execute();
}

/** Reads every row through the verifier's own snapshot and paging, doing nothing else: the floor verify cannot beat. */
async function readAll(db: Db): Promise<number> {
  return withAuditSnapshot(db, async (snapshot) => {
    let n = 0;
    for await (const page of snapshot.pages(10_000)) n += page.length;
    return n;
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

function entryInput() {
  return {
    actor: { id: randomId(), role: 'program-staff' as const },
    action: 'record.read',
    record: { type: 'legal-defense.case', id: randomId() },
    purpose: 'case-work' as const,
    requestId: randomId(),
  };
}

async function openFresh(kind: 'sqlite' | 'postgres', dir: string, pgUrl?: string): Promise<{ db: Db; drop(): Promise<void> }> {
  const migrations = collectMigrations([{ owner: 'core', migrations: auditMigrations }]);
  if (kind === 'sqlite') {
    const db = openDatabase({ kind: 'sqlite', file: path.join(dir, `audit-${randomId()}.db`) });
    await migrateToLatest(db, migrations);
    return { db, drop: () => db.close() };
  }
  const name = `sanctuary_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  // eslint-disable-next-line sanctuary/parameterized-sql -- an identifier cannot be bound; the name is made here from the pid and random letters
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(pgUrl as string);
  url.pathname = `/${name}`;
  const db = openDatabase({ kind: 'postgres', url: url.toString() }, { poolSize: 10 });
  await migrateToLatest(db, migrations);
  return {
    db,
    drop: async () => {
      await db.close();
      await new Promise((r) => setTimeout(r, 200));
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      // eslint-disable-next-line sanctuary/parameterized-sql -- the scratch database name made above, not input
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * The alternative to the head lock: no lock, SERIALIZABLE isolation, retry on conflict. Two appends that
 * read the same head conflict either as a serialization failure (40001) or — PostgreSQL checks the primary
 * key first — as a duplicate `seq` (23505); both are retried here.
 */
async function appendSerializable(db: Db): Promise<{ retries: number }> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.kysely
        .transaction()
        .setIsolationLevel('serializable')
        .execute(async (tx) => {
          const head = await auditRepo.readHead(tx);
          if (!head) throw new Error('no head');
          const base = {
            seq: head.seq + 1,
            id: randomId(),
            at: new Date().toISOString(),
            actorId: randomId(),
            actorRole: 'program-staff',
            action: 'record.read',
            outcome: 'success',
            recordType: 'legal-defense.case',
            recordId: randomId(),
            purpose: 'case-work',
            legalProcessId: null,
            requestId: randomId(),
            detail: null,
            prevHash: head.hash,
          };
          await auditRepo.append(tx, db.dialect, [{ ...base, hash: hashAuditEntry(base) }]);
        });
      return { retries: attempt };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== '40001' && code !== '23505' && code !== '40P01') || attempt > 100) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
    }
  }
}

async function concurrently(writers: number, total: number, fn: () => Promise<void>): Promise<number> {
  let left = total;
  const { ms } = await timed(() =>
    Promise.all(
      Array.from({ length: writers }, async () => {
        while (left > 0) {
          left--;
          await fn();
        }
      }),
    ),
  );
  return Math.round((total / ms) * 1000);
}

/**
 * @param options.entries  chain length for the verify measurement (default 200,000)
 * @param options.appends  appends per append measurement (default 2,000)
 * @param options.postgresUrl  an admin URL to create a scratch PostgreSQL database (default BENCH_DATABASE_URL
 *   or TEST_DATABASE_URL); PostgreSQL rows are skipped without one
 */
export async function benchAudit(options?: { entries?: number; appends?: number; postgresUrl?: string }): Promise<Row[]> {
  const entries = options?.entries ?? 200_000;
  const appends = options?.appends ?? 2_000;
  const pgUrl = options?.postgresUrl ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-bench-audit-'));
  const keyFile = path.join(dir, 'keys', 'audit-signing.json');
  const rows: Row[] = [];
  try {
    for (const kind of pgUrl ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const)) {
      const label = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      const fresh = await openFresh(kind, dir, pgUrl);
      const { db } = fresh;
      try {
        await seed(db, entries);
        const audit = new AuditService({ db, now: () => new Date(), signingKeys: () => AuditKeyStore.open(keyFile) });
        await audit.checkpoint();
        if (kind === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db.kysely);
        await readAll(db); // warm the cache for both measurements alike
        // Alternate three rounds of each and keep each one's best: the machine is shared with other work.
        let readOps = 0;
        let verifyOps = 0;
        for (let round = 0; round < 3; round++) {
          const read = await timed(() => readAll(db));
          readOps = Math.max(readOps, Math.round((read.value / read.ms) * 1000));
          const verify = await audit.verify();
          if (!verify.ok || verify.entries !== entries) throw new Error(`bench chain did not verify: ${JSON.stringify(verify.problems)}`);
          verifyOps = Math.max(verifyOps, verify.entriesPerSecond);
        }
        const readName = `read ${entries.toLocaleString('en-US')} audit rows, same snapshot and pages (${label})`;
        rows.push({ name: readName, opsPerSec: readOps });
        rows.push({
          name: `audit verify: recompute ${entries.toLocaleString('en-US')}-entry chain + checkpoint (${label})`,
          opsPerSec: verifyOps,
          baselineName: readName,
          ratio: ratio(verifyOps, readOps),
        });

        // Appends, one transaction each, one writer.
        const bareName = `bare insert of an audit-sized row, 1 tx each (${label})`;
        await createBaselineTable(db);
        // Both are bound by the commit's fsync (synchronous=FULL / fsync=on), so alternate rounds and keep the best.
        let bareOps = 0;
        let chainOps = 0;
        let bareSeq = 0;
        const perRound = Math.ceil(appends / 4);
        for (let round = 0; round < 4; round++) {
          const bare = await timed(async () => {
            for (let i = 0; i < perRound; i++) {
              bareSeq++;
              await inTransaction(db, (tx) =>
                tx
                  .insertInto('bench_audit_rows' as 'audit_log')
                  .values(rowFromEntry({ ...entryInputRow(), seq: bareSeq }))
                  .execute(),
              );
            }
          });
          const chained = await timed(async () => {
            for (let i = 0; i < perRound; i++) await inTransaction(db, (tx) => audit.record(tx, entryInput()));
          });
          bareOps = Math.max(bareOps, Math.round((perRound / bare.ms) * 1000));
          chainOps = Math.max(chainOps, Math.round((perRound / chained.ms) * 1000));
        }
        rows.push({ name: bareName, opsPerSec: bareOps });
        rows.push({ name: `AuditService.record, 1 tx each (${label})`, opsPerSec: chainOps, baselineName: bareName, ratio: ratio(chainOps, bareOps) });

        if (kind === 'postgres') {
          const lockOps = await concurrently(8, appends, () => audit.recordNow(entryInput()).then(() => undefined));
          let retries = 0;
          const serOps = await concurrently(8, appends, async () => {
            retries += (await appendSerializable(db)).retries;
          });
          const lockName = `AuditService.record, 8 concurrent writers, head row FOR UPDATE (${label})`;
          rows.push({ name: lockName, opsPerSec: lockOps });
          rows.push({
            name: `same, SERIALIZABLE + retry instead of the lock (${label}; ${retries.toLocaleString('en-US')} retries)`,
            opsPerSec: serOps,
            baselineName: lockName,
            ratio: ratio(serOps, lockOps),
          });
          const after = await audit.verify();
          if (!after.ok) throw new Error('chain forked under concurrent appends');
        }
      } finally {
        await fresh.drop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The baseline's table: the same columns and indexes as `audit_log`, without triggers or a chain. */
async function createBaselineTable(db: Db): Promise<void> {
  const k = db.kysely as unknown as Kysely<unknown>;
  await k.schema
    .createTable('bench_audit_rows')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text')
    .addColumn('record_id', 'text')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('legal_process_id', 'text')
    .addColumn('request_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await k.schema.createIndex('bench_audit_rows_record').on('bench_audit_rows').columns(['record_type', 'record_id', 'seq']).execute();
  await k.schema.createIndex('bench_audit_rows_actor').on('bench_audit_rows').columns(['actor_id', 'seq']).execute();
}

/** A full row for the bare-insert baseline (not chained). */
function entryInputRow(): AuditEntry {
  return {
    seq: 0,
    id: randomId(),
    at: new Date().toISOString(),
    actorId: randomId(),
    actorRole: 'program-staff',
    action: 'record.read',
    outcome: 'success',
    recordType: 'legal-defense.case',
    recordId: randomId(),
    purpose: 'case-work',
    legalProcessId: null,
    requestId: randomId(),
    detail: null,
    prevHash: GENESIS_HASH,
    hash: GENESIS_HASH,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchAudit();
  console.table(rows.map((r) => ({ name: r.name, 'ops/s': r.opsPerSec.toLocaleString('en-US'), 'vs baseline': r.ratio ?? '' })));
}
