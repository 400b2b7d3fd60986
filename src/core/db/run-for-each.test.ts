/**
 * `runForEach` on both databases: the statement's values pick each row's fields by position, every run's changed
 * count comes back in order, and a transaction that fails after it leaves nothing of what it ran.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../../../test/helpers/db.ts';
import { runForEach } from './run-for-each.ts';
import { inTransaction } from './transaction.ts';

describeEachDialect('runForEach', (dialect) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await sql`create table rfe_probe (id text primary key, n integer not null, label text)`.execute(t.db.kysely);
  });
  beforeEach(async () => {
    await sql`delete from rfe_probe`.execute(t.db.kysely);
    await sql`insert into rfe_probe (id, n, label) values ('a', 1, null), ('b', 2, null), ('c', 3, null)`.execute(t.db.kysely);
  });
  afterAll(async () => {
    await t?.drop();
  });

  const rows = async () => (await sql<{ id: string; n: number; label: string | null }>`select id, n, label from rfe_probe order by id`.execute(t.db.kysely)).rows;

  it('binds each row by position, in any order, and returns what each run changed', async () => {
    const changed = await inTransaction(t.db, (tx) =>
      runForEach(tx, sql`update rfe_probe set label = ${2}, n = n + ${1} where id = ${0} and n = ${3}`, [
        ['a', 10, 'first', 1],
        ['b', 10, 'stale', 99], // not at the value read: no change
        ['zz', 10, 'missing', 1], // no such row
        ['c', -3, 'ünïcödé ✓ « ', 4], // not at the value read
        ['c', 5, 'ünïcödé ✓ «', 3],
      ]),
    );
    expect(changed).toEqual([1, 0, 0, 0, 1]);
    expect(await rows()).toEqual([
      { id: 'a', n: 11, label: 'first' },
      { id: 'b', n: 2, label: null },
      { id: 'c', n: 8, label: 'ünïcödé ✓ «' },
    ]);
  });

  it('inserts many rows, and a transaction that fails afterwards leaves none of them', async () => {
    const many = Array.from({ length: 2_000 }, (_, i) => [`r${String(i).padStart(5, '0')}`, i]);
    await expect(
      inTransaction(t.db, async (tx) => {
        await runForEach(tx, sql`insert into rfe_probe (id, n) values (${0}, ${1})`, many);
        throw new Error('fails after the rows were written');
      }),
    ).rejects.toThrow(/fails after/);
    expect((await rows()).map((r) => r.id)).toEqual(['a', 'b', 'c']);

    const changed = await inTransaction(t.db, (tx) => runForEach(tx, sql`insert into rfe_probe (id, n) values (${0}, ${1})`, many));
    expect(changed.every((c) => c === 1)).toBe(true);
    expect((await rows()).length).toBe(2_003);
  });

  it('refuses a statement whose values are not field positions, and does nothing for no rows', async () => {
    await expect(inTransaction(t.db, (tx) => runForEach(tx, sql`update rfe_probe set label = ${'text'} where id = ${0}`, [['a']]))).rejects.toThrow(/field position/);
    expect(await inTransaction(t.db, (tx) => runForEach(tx, sql`update rfe_probe set n = 0 where id = ${0}`, []))).toEqual([]);
    expect((await rows()).map((r) => r.n)).toEqual([1, 2, 3]);
  });
});
