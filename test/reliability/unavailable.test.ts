import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/core/db/transaction.ts';
import type { SanctuaryModule } from '../../src/core/modules/module.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';

/** A route that writes to the database, for the fault tests below. */
const probe: SanctuaryModule = {
  id: 'probe',
  catalogs: { en: {}, es: {}, so: {}, hmn: {} },
  migrations: {
    '209901010000_probe_rows': {
      async up(db) {
        await db.schema.createTable('probe_rows').addColumn('id', 'text', (c) => c.primaryKey()).execute();
      },
    },
  },
  routes(app, ctx) {
    app.get('/test/write', { config: { access: 'public' } }, async () => {
      await sql`insert into probe_rows (id) values (${String(Math.random())})`.execute(ctx.db.kysely);
      return { ok: true };
    });
  },
};

/** R43: when the database is unreachable or locked, requests fail cleanly with 503 and recover by themselves. */
describe('storage faults', () => {
  describe('SQLite locked by another process beyond the busy timeout', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp('sqlite', { modules: [probe] });
    });
    afterAll(async () => t.close());

    it('answers 503 with Retry-After, writes nothing, and works again once the lock is gone', async () => {
      const other = new SQLite(t.database.db.file ?? '');
      other.pragma('busy_timeout = 0');
      other.exec('begin exclusive');
      try {
        const res = await t.app.inject({ method: 'GET', url: '/test/write?lang=es', headers: { accept: 'text/html' } });
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('30');
        expect(res.body).toContain('<html lang="es"');
      } finally {
        other.exec('rollback');
        other.close();
      }
      const again = await t.app.inject({ method: 'GET', url: '/test/write' });
      expect(again.statusCode).toBe(200);
    }, 20_000);
  });

  if (process.env.TEST_DATABASE_URL) {
    describe('PostgreSQL connections cut by the server', () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await createTestApp('postgres', { modules: [probe] });
      });
      afterAll(async () => t.close());

      it('answers 503 instead of 500, then recovers without manual repair', async () => {
        expect((await t.app.inject({ method: 'GET', url: '/test/write' })).statusCode).toBe(200);
        const url = t.database.target.kind === 'postgres' ? t.database.target.url : '';
        const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await admin.connect();
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
          new URL(url).pathname.slice(1),
        ]);
        await admin.end();
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await t.app.inject({ method: 'GET', url: '/test/write' })).statusCode);
        expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
        expect(statuses.at(-1)).toBe(200);
      });

      it('a connection cut while a transaction holds it fails that transaction only; the service keeps running', async () => {
        const url = t.database.target.kind === 'postgres' ? t.database.target.url : '';
        let holding!: () => void;
        const holds = new Promise<void>((resolve) => (holding = resolve));
        // Between two statements the client is checked out with no query running: the cut reaches it as an
        // 'error' event, which would stop the process if nothing listened.
        const held = inTransaction(t.ctx.db, async (tx) => {
          await sql`insert into probe_rows (id) values (${'held'})`.execute(tx);
          holding();
          await new Promise((r) => setTimeout(r, 400));
          await sql`select 1`.execute(tx);
        });
        await holds;
        const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await admin.connect();
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [new URL(url).pathname.slice(1)]);
        await admin.end();
        await expect(held).rejects.toBeDefined();
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await t.app.inject({ method: 'GET', url: '/test/write' })).statusCode);
        expect(statuses.at(-1)).toBe(200);
        const rows = await sql<{ id: string }>`select id from probe_rows where id = ${'held'}`.execute(t.ctx.db.kysely);
        expect(rows.rows).toHaveLength(0);
      });
    });
  }
});
