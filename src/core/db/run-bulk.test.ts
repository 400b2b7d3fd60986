/**
 * `runBulk` on SQLite, a file (the job runs on the bulk writer's thread) and `:memory:` (on the writer itself):
 * values are positions in the shared values and each row, every run's changed count comes back in order, the
 * follow-up runs for the rows the statement changed, a job is durable when it returns or leaves nothing at all,
 * the service's own transactions wait their turn while the event loop keeps turning, and foreign keys are
 * checked unless a job says it cannot break one. PostgreSQL has no bulk jobs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase } from '../../../test/helpers/db.ts';
import { type Db, openDatabase } from './database.ts';
import { runBulk } from './run-bulk.ts';
import { BulkJobError } from './sqlite-bulk.ts';
import { inTransaction } from './transaction.ts';

for (const where of ['file', 'memory'] as const) {
  describe(`runBulk [sqlite ${where}]`, () => {
    let db: Db;
    let dir: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-bulk-'));
      db = openDatabase({ kind: 'sqlite', file: where === 'file' ? path.join(dir, 'bulk.db') : ':memory:' });
      await sql`create table bulk_probe (id text primary key, n integer not null, label text, revision integer not null default 0)`.execute(db.kysely);
      await sql`create table bulk_history (probe_id text not null references bulk_probe (id) on delete cascade, at text not null, label text, primary key (probe_id, at))`.execute(db.kysely);
    });
    beforeEach(async () => {
      await sql`delete from bulk_history`.execute(db.kysely);
      await sql`delete from bulk_probe`.execute(db.kysely);
      await sql`insert into bulk_probe (id, n, label) values ('a', 1, null), ('b', 2, null), ('c', 3, null)`.execute(db.kysely);
    });
    afterAll(async () => {
      await db?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const probes = async () => (await sql<{ id: string; n: number; label: string | null; revision: number }>`select id, n, label, revision from bulk_probe order by id`.execute(db.kysely)).rows;
    const history = async () => (await sql<{ probe_id: string; at: string; label: string | null }>`select probe_id, at, label from bulk_history order by probe_id`.execute(db.kysely)).rows;
    /** What another connection sees: on disk, committed. */
    const onDisk = (): string[] => {
      const other = new SQLite(path.join(dir, 'bulk.db'), { readonly: true });
      try {
        return (other.prepare('select id from bulk_probe order by id').all() as Array<{ id: string }>).map((r) => r.id);
      } finally {
        other.close();
      }
    };

    it('binds the shared values and each row by position, returns what each run changed, and follows up on the rows it changed', async () => {
      const changed = await runBulk(db, {
        statement: sql`update bulk_probe set label = ${2}, n = n + ${3}, revision = revision + 1 where id = ${1} and revision = ${4}`,
        shared: ['2027-01-01T12:00:00.000Z'],
        rows: [
          ['a', 'first', 10, 0, 'was 1'],
          ['b', 'stale', 10, 7, 'was 2'], // not at the revision read: no change, no follow-up
          ['zz', 'missing', 10, 0, 'none'], // no such row
          ['c', 'ünïcödé ✓ «', 5, 0, null], // changed, but nothing to record
        ],
        then: { statement: sql`insert into bulk_history (probe_id, at, label) values (${1}, ${0}, ${5})`, unlessNull: 5 },
      });
      expect([...changed]).toEqual([1, 0, 0, 1]);
      expect(await probes()).toEqual([
        { id: 'a', n: 11, label: 'first', revision: 1 },
        { id: 'b', n: 2, label: null, revision: 0 },
        { id: 'c', n: 8, label: 'ünïcödé ✓ «', revision: 1 },
      ]);
      expect(await history()).toEqual([{ probe_id: 'a', at: '2027-01-01T12:00:00.000Z', label: 'was 1' }]);
      if (where === 'file') expect(onDisk()).toEqual(['a', 'b', 'c']);
    });

    it('writes nothing of a job that fails half way, and the next job and transaction work', async () => {
      const many = Array.from({ length: 3_000 }, (_, i) => [`r${String(i).padStart(5, '0')}`, i]);
      // The last row repeats the first: a primary-key violation after 2,999 rows were written.
      const failing = [...many, many[0] as (string | number)[]];
      const err = await runBulk(db, { statement: sql`insert into bulk_probe (id, n) values (${0}, ${1})`, rows: failing }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BulkJobError);
      expect((err as BulkJobError).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
      expect((await probes()).map((r) => r.id)).toEqual(['a', 'b', 'c']);

      const changed = await runBulk(db, { statement: sql`insert into bulk_probe (id, n) values (${0}, ${1})`, rows: many });
      expect(changed.every((c) => c === 1)).toBe(true);
      await inTransaction(db, (tx) => sql`insert into bulk_probe (id, n) values ('after', 0)`.execute(tx));
      expect((await probes()).length).toBe(3_004);
      if (where === 'file') expect(onDisk()).toHaveLength(3_004);
    });

    it('checks foreign keys, unless the job says it cannot break one (and only for that job)', async () => {
      const orphan = { statement: sql`update bulk_probe set n = n + 1 where id = ${0}`, rows: [['a', 'nobody']], then: { statement: sql`insert into bulk_history (probe_id, at) values (${1}, 'x')` } };
      const err = await runBulk(db, orphan).catch((e: unknown) => e);
      expect((err as BulkJobError).code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
      expect((await probes())[0]?.n).toBe(1);
      // A job whose follow-up references the row it just wrote may skip the lookups.
      const own = { statement: sql`update bulk_probe set n = n + 1 where id = ${0}`, rows: [['a'], ['b']], then: { statement: sql`insert into bulk_history (probe_id, at) values (${0}, 'y')` } };
      expect([...(await runBulk(db, { ...own, foreignKeys: false }))]).toEqual([1, 1]);
      expect((await history()).map((h) => h.probe_id)).toEqual(['a', 'b']);
      // The next job checks them again.
      expect(((await runBulk(db, orphan).catch((e: unknown) => e)) as BulkJobError).code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
      await expect(inTransaction(db, (tx) => sql`insert into bulk_history (probe_id, at) values ('nobody', 'z')`.execute(tx))).rejects.toThrow(/FOREIGN KEY/);
    });

    it("lets the service's transactions wait for a long job without stopping the event loop", async () => {
      const rows = Array.from({ length: 60_000 }, (_, i) => [`m${String(i).padStart(6, '0')}`, i]);
      let turns = 0;
      const ticker = setInterval(() => turns++, 1);
      const job = runBulk(db, { statement: sql`insert into bulk_probe (id, n) values (${0}, ${1})`, rows });
      // Asked for while the job holds the writer: it runs after it, and both are durable.
      const tx = inTransaction(db, (x) => sql`insert into bulk_probe (id, n) values ('during', 0)`.execute(x));
      const [changed] = await Promise.all([job, tx]);
      clearInterval(ticker);
      expect(changed.length).toBe(60_000);
      expect((await probes()).length).toBe(60_004);
      // On a file the job ran on its own thread: timers kept firing meanwhile.
      if (where === 'file') expect(turns).toBeGreaterThan(2);
    });

    it('keeps the rows of a job in order, over the texts a job travels in', async () => {
      // Every third row names no probe: the changed counts come back in the rows' order, across texts of 250 rows.
      const rows = Array.from({ length: 1_000 }, (_, i) => [i % 3 === 2 ? `none${i}` : `o${String(i).padStart(4, '0')}`, i]);
      await runBulk(db, { statement: sql`insert into bulk_probe (id, n) values (${0}, ${1})`, rows: rows.filter((r) => !String(r[0]).startsWith('none')) });
      const changed = await runBulk(db, { statement: sql`update bulk_probe set label = 'seen', n = ${1} where id = ${0}`, rows });
      expect([...changed]).toEqual(rows.map((_, i) => (i % 3 === 2 ? 0 : 1)));
      const seen = (await probes()).filter((p) => p.label === 'seen');
      expect(seen.length).toBe(667);
      expect(seen.every((p) => p.id === `o${String(p.n).padStart(4, '0')}`)).toBe(true);
    });

    it('carries rows of any size and script (a job of megabytes in several scripts) unchanged', async () => {
      const label = (i: number) => `${i} Fadlan ✓ Thov koj pab ü 你好 🙂 «»`.repeat(12);
      const rows = Array.from({ length: 2_000 }, (_, i) => [`u${String(i).padStart(4, '0')}`, i, label(i)]);
      const changed = await runBulk(db, { statement: sql`insert into bulk_probe (id, n, label) values (${0}, ${1}, ${2})`, rows });
      expect(changed.every((c) => c === 1)).toBe(true);
      const back = (await probes()).filter((p) => p.id.startsWith('u'));
      expect(back.length).toBe(2_000);
      expect(back.every((p) => p.label === label(p.n))).toBe(true);
      // The next job, in a buffer the first brought back, carries its own rows only.
      expect([...(await runBulk(db, { statement: sql`update bulk_probe set n = ${1} where id = ${0}`, rows: [['u0001', -1]] }))]).toEqual([1]);
      expect((await probes()).find((p) => p.id === 'u0001')?.n).toBe(-1);
    });

    it('refuses values that are not positions and rows of different widths, and does nothing for no rows', async () => {
      await expect(runBulk(db, { statement: sql`update bulk_probe set label = ${'text'} where id = ${0}`, rows: [['a']] })).rejects.toThrow(/position/);
      await expect(runBulk(db, { statement: sql`update bulk_probe set n = 0 where id = ${3}`, rows: [['a']] })).rejects.toThrow(/position/);
      await expect(runBulk(db, { statement: sql`update bulk_probe set n = ${1} where id = ${0}`, rows: [['a', 1], ['b']] })).rejects.toThrow(/as many values/);
      expect((await runBulk(db, { statement: sql`update bulk_probe set n = 0 where id = ${0}`, rows: [] })).length).toBe(0);
      expect((await probes()).map((r) => r.n)).toEqual([1, 2, 3]);
    });
  });
}

describe('runBulk [sqlite file]: checkpoints', () => {
  let db: Db;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-bulk-ckpt-'));
    file = path.join(dir, 'bulk.db');
    db = openDatabase({ kind: 'sqlite', file });
    await sql`create table pad (id integer primary key, v text not null)`.execute(db.kysely);
  });
  afterAll(async () => {
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const autocheckpoint = async () => (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db.kysely)).rows[0]?.wal_autocheckpoint;
  const walBytes = () => fs.statSync(`${file}-wal`).size;
  const stats = () => db.groupCommit as NonNullable<Db['groupCommit']>;
  /** A job of about 1,200 WAL pages (3,000 rows of 1.5 KB). */
  const bigJob = (from: number) => runBulk(db, { statement: sql`insert into pad (id, v) values (${0}, ${1})`, rows: Array.from({ length: 3_000 }, (_, i) => [from + i, 'x'.repeat(1_500)]) });

  it('runs no checkpoint between the jobs of a run, nor lets the service checkpoint them, and checkpoints once they stop', async () => {
    expect(await autocheckpoint()).toBe(1000);
    const before = stats().bulkCheckpoints;
    // Three jobs back to back and a service transaction among them; each job leaves the WAL past SQLite's
    // 1,000-page threshold, at which the writer's commit would otherwise copy it back.
    const jobs = [bigJob(0), bigJob(3_000), inTransaction(db, (tx) => sql`insert into pad (id, v) values (-1, 'service')`.execute(tx)), bigJob(6_000)];
    // Queued behind the jobs: what the service's writer is set to while the thread has not checkpointed yet.
    const during = autocheckpoint();
    await Promise.all(jobs);
    expect(await during).toBe(0);
    // Not copied back and restarted in between: the WAL holds every job's pages (3 × about 1,200 pages of 4 KB).
    expect(walBytes()).toBeGreaterThan(3 * 1_100 * 4096);
    // Once the jobs stop, the thread checkpoints, and the writer checkpoints on its own again.
    const until = Date.now() + 10_000;
    while (stats().bulkCheckpoints === before && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(stats().bulkCheckpoints).toBe(before + 1);
    expect(await autocheckpoint()).toBe(1000);
    // Everything was written, and another connection reads it from the database file after the WAL restarts.
    await inTransaction(db, (tx) => sql`insert into pad (id, v) values (-2, 'after')`.execute(tx));
    const other = new SQLite(file, { readonly: true });
    try {
      expect((other.prepare('select count(*) as n from pad').get() as { n: number }).n).toBe(9_002);
    } finally {
      other.close();
    }
  });

  it('checkpoints without waiting to be idle once a run has written 100,000 rows since the last one', async () => {
    await sql`delete from pad`.execute(db.kysely);
    const before = stats().bulkCheckpoints;
    const small = Array.from({ length: 100_000 }, (_, i) => [1_000_000 + i, 's']);
    // The second job follows at once: with no idle moment, only the row count can have called the checkpoint.
    await Promise.all([runBulk(db, { statement: sql`insert into pad (id, v) values (${0}, ${1})`, rows: small }), runBulk(db, { statement: sql`update pad set v = 't' where id = ${0}`, rows: [[1_000_000]] })]);
    expect(stats().bulkCheckpoints).toBe(before + 1);
  });
});

if (DIALECTS.includes('postgres')) {
  it('runBulk [postgres]: is for SQLite only', async () => {
    const t = await createTestDatabase('postgres');
    try {
      await expect(runBulk(t.db, { statement: sql`select ${0}`, rows: [[1]] })).rejects.toThrow(/SQLite only/);
    } finally {
      await t.drop();
    }
  });
}
