import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { type Db, type DatabaseTarget, openDatabase } from '../../src/core/db/database.ts';

export type DialectName = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const DIALECTS: readonly DialectName[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  db: Db;
  target: DatabaseTarget;
  /** A directory private to this test database (SQLite file, key file, backups). */
  dir: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  return url;
}

/**
 * Creates an empty database of the given dialect, private to the caller: a temporary SQLite file, or a
 * new PostgreSQL database created next to TEST_DATABASE_URL's and dropped afterwards.
 */
export async function createTestDatabase(dialect: DialectName, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-test-'));
  if (dialect === 'sqlite') {
    const target: DatabaseTarget = { kind: 'sqlite', file: path.join(dir, 'data', 'test.db') };
    const db = openDatabase(target);
    return {
      db,
      target,
      dir,
      drop: async () => {
        await db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `sanctuary_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  // eslint-disable-next-line sanctuary/parameterized-sql -- an identifier cannot be bound; the name is made above from the pid and random letters
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { kind: 'postgres', url: url.toString() };
  // A small pool by default (the test files run side by side); a test of the service under load asks for the service's own.
  const db = openDatabase(target, { poolSize: options.poolSize ?? 5 });
  return {
    db,
    target,
    dir,
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      // pg's Pool.end() resolves before its sockets have closed; a forced drop would then kill connections
      // that are still saying goodbye, which surfaces as an uncaught 57P01 error. Wait for them (max 2 s).
      for (let i = 0; i < 40; i++) {
        const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if ((rows[0]?.n ?? 0) === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // eslint-disable-next-line sanctuary/parameterized-sql -- the test database name made above, not input
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Declares the same suite once per dialect: `describeEachDialect('users', (dialect) => { … })`. */
export function describeEachDialect(title: string, fn: (dialect: DialectName) => void): void {
  for (const dialect of DIALECTS) {
    describe(`${title} [${dialect}]`, () => fn(dialect));
  }
}
