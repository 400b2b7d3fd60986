import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/database.ts';
import { collectMigrations, migrateToLatest, migrationPlan, type NamedMigrations } from '../../src/core/db/migrator.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../helpers/db.ts';

function sample(): NamedMigrations {
  return {
    '202601010000_test_things': {
      async up(db: Kysely<unknown>) {
        await db.schema.createTable('things').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('n', 'integer', (c) => c.notNull()).execute();
      },
    },
    '202601020000_test_more': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('things').addColumn('label', 'text').execute();
      },
    },
  };
}

describe('collectMigrations', () => {
  it('orders by timestamp across owners and refuses bad or duplicate names', () => {
    const a = { '202602010000_a_two': { up: async () => {} } };
    const b = { '202601010000_b_one': { up: async () => {} } };
    expect(Object.keys(collectMigrations([{ owner: 'a', migrations: a }, { owner: 'b', migrations: b }]))).toEqual([
      '202601010000_b_one',
      '202602010000_a_two',
    ]);
    expect(() => collectMigrations([{ owner: 'a', migrations: { 'bad-name': { up: async () => {} } } }])).toThrow(/YYYYMMDDHHMM/);
    expect(() => collectMigrations([{ owner: 'a', migrations: a }, { owner: 'c', migrations: a }])).toThrow(/twice/);
  });
});

describeEachDialect('migrator', (dialect) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it('plans, applies once, and reports up to date', async () => {
    database = await createTestDatabase(dialect);
    const plan = await migrationPlan(database.db, sample());
    expect(plan.map((p) => p.status)).toEqual(['pending', 'pending']);
    expect(await migrateToLatest(database.db, sample())).toEqual(['202601010000_test_things', '202601020000_test_more']);
    expect(await migrateToLatest(database.db, sample())).toEqual([]);
    expect((await migrationPlan(database.db, sample())).every((p) => p.status === 'applied')).toBe(true);
  });

  it('applies each migration exactly once when several instances start together', async () => {
    database = await createTestDatabase(dialect);
    const others = [openDatabase(database.target), openDatabase(database.target), openDatabase(database.target)];
    try {
      const results = await Promise.all(others.map((db) => migrateToLatest(db, sample())));
      expect(results.flat().sort()).toEqual(['202601010000_test_things', '202601020000_test_more']);
    } finally {
      await Promise.all(others.map((db) => db.close()));
    }
  });

  it('applies a set of migrations all or nothing: one that fails leaves no table of the set behind', async () => {
    database = await createTestDatabase(dialect);
    const failing: NamedMigrations = {
      ...sample(),
      '202601030000_test_broken': {
        async up(db: Kysely<unknown>) {
          await db.schema.createTable('half_made').addColumn('id', 'text', (c) => c.primaryKey()).execute();
          await sql`select * from no_such_table`.execute(db);
        },
      },
    };
    await expect(migrateToLatest(database.db, failing)).rejects.toThrow(/202601030000_test_broken/);
    const tables = async () =>
      dialect === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(database!.db.kysely)).rows.map((r) => r.name)
        : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(database!.db.kysely)).rows.map((r) => r.name);
    expect(await tables()).not.toContain('half_made');
    expect(await tables()).not.toContain('things');
    // Fixed, the same set then applies in full.
    expect(await migrateToLatest(database.db, sample())).toEqual(['202601010000_test_things', '202601020000_test_more']);
  });

  it('rolls a failed transaction back completely', async () => {
    database = await createTestDatabase(dialect);
    await migrateToLatest(database.db, sample());
    const db = database.db;
    await expect(
      inTransaction(db, async (tx) => {
        await sql`insert into things (id, n) values (${'a'}, ${1})`.execute(tx);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await sql<{ c: number }>`select count(*) as c from things`.execute(db.kysely);
    expect(Number(rows[0]?.c)).toBe(0);
  });
});

// Serialization failures only happen on PostgreSQL; the suite exists when TEST_DATABASE_URL is set.
if (process.env.TEST_DATABASE_URL) describe('inTransaction on PostgreSQL', () => {
  it('retries serialization failures until the work commits', async () => {
    const database = await createTestDatabase('postgres');
    try {
      await migrateToLatest(database.db, sample());
      await sql`insert into things (id, n) values (${'counter'}, ${0})`.execute(database.db.kysely);
      const second = openDatabase(database.target);
      try {
        // Concurrent read-modify-write under SERIALIZABLE: without retries some would fail with 40001.
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            inTransaction(
              i % 2 === 0 ? database.db : second,
              async (tx) => {
                const { rows } = await sql<{ n: number }>`select n from things where id = ${'counter'}`.execute(tx);
                await sql`update things set n = ${Number(rows[0]?.n) + 1} where id = ${'counter'}`.execute(tx);
              },
              { isolation: 'serializable', retries: 20 },
            ),
          ),
        );
      } finally {
        await second.close();
      }
      const { rows } = await sql<{ n: number }>`select n from things where id = ${'counter'}`.execute(database.db.kysely);
      expect(Number(rows[0]?.n)).toBe(8);
    } finally {
      await database.drop();
    }
  });
});
