/**
 * Municipal ID application submission (issue 4: "application submission ≥ 500 req/s"), through the real app
 * in this process (`app.inject`, a cookie jar and the CSRF token), on SQLite with the county address points of
 * the test fixture loaded:
 *
 * - **whole flow, every POST**: residents fill the guided form (start, fourteen questions with the address
 *   check against the address points and the city map, the document-plan tally, the age check) — each POST
 *   is one request; the figure is POSTs per second while `concurrency` residents fill it at once.
 * - **final send of a completed draft**: the prepared drafts are sent (`POST /forms/municipal-id/submit`:
 *   every answer re-checked, the address placed again, the draft closed, the application sealed under a new
 *   vault subject with its blind indexes, the audit entry) — sends per second.
 * - **baseline**: `GET /healthz` through the same app and the same harness: what the framework alone does.
 *
 * Every request that changes something is one or more commits, and SQLite runs with `synchronous = FULL`
 * (acknowledged writes survive a power cut, R40): on SQLite the figures are bound by the disk's fsync, which the
 * table prints (commit latency on the same disk). On PostgreSQL (when `BENCH_DATABASE_URL` or
 * `TEST_DATABASE_URL` is set; data and key vault in two scratch databases) concurrent commits share a WAL flush,
 * so the same work runs with more residents at once.
 *
 * The runner (`bench/run.ts`) imports {@link benchMunicipalIdApplication}; `npx tsx bench/municipal-id-application.ts`
 * prints the table on its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/core/db/database.ts';
import { createLogger } from '../src/core/log.ts';
import { importAddressPoints } from '../src/modules/municipal-id/residency/address-import.ts';
import { Jar } from './bench-app.ts';
import { type Row, formatTable } from './bench-kit.ts';

const FORM = '/forms/municipal-id';
const FIXTURE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../test/fixtures/municipal-id/address-points.csv');

export interface ApplicationBenchOptions {
  /** Applications prepared and sent (default 1,500). */
  applications?: number;
  /** Residents at once (default 8 on SQLite, 32 on PostgreSQL). */
  concurrency?: number;
  /** Milliseconds of baseline requests (default 2,000). */
  baselineMs?: number;
  /** Admin URL for scratch PostgreSQL databases (default BENCH_DATABASE_URL or TEST_DATABASE_URL); none: SQLite only. */
  postgresUrl?: string;
}

type Target = { kind: 'sqlite' } | { kind: 'postgres'; admin: string };

const STREETS: ReadonlyArray<[string, string]> = [
  ['350 South Fifth Street', '55415'],
  ['2400 Hennepin Ave S', '55405'],
  ['1234 Central Ave NE', '55413'],
  ['84 Church St SE', '55455'],
  ['1500 E Lake St', '55407'],
  ['17 Unknown Way', '55408'],
];
const LANGS = ['so', 'es', 'hmn', 'en'] as const;

/** The form's POSTs for resident `i`, up to the check page (fourteen answers after the start). */
function stepsFor(i: number): Array<[string, Record<string, string | string[]>]> {
  const [street, zip] = STREETS[i % STREETS.length] as [string, string];
  const year = String(1950 + (i % 60));
  return [
    ['start', {}],
    ['lives-in-city', { livesInCity: 'yes' }],
    ['residency-days', { residencyDays: 'enough' }],
    ['name', { name: `Hodan Cabdi ${i}` }],
    ['birth-date', { 'birthDate-day': String(1 + (i % 28)), 'birthDate-month': String(1 + (i % 12)), 'birthDate-year': year }],
    ['housing', { housing: 'address' }],
    ['address', { street, unit: i % 3 === 0 ? `Apt ${i % 50}` : '', zip }],
    ['documents', { documents: ['foreign-passport', 'utility-bill'] }],
    ['gender', i % 2 === 0 ? { gender: 'x' } : {}],
    ['veteran', {}],
    ['language', { language: LANGS[i % LANGS.length] as string }],
    ['contact', { contactMethod: 'text' }],
    ['phone', { phone: `612 555 ${String(1000 + (i % 9000))}` }],
    ['fee', { feeWaiver: i % 4 === 0 ? 'low-income' : 'none' }],
  ];
}

/** Creates (or drops) a scratch PostgreSQL database next to the admin URL's. */
async function scratch(admin: string, name: string, action: 'create' | 'drop'): Promise<string> {
  // An identifier cannot be bound: the name is made by this file from the pid and random letters, checked here.
  if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`not a scratch database name: ${name}`);
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  // eslint-disable-next-line sanctuary/parameterized-sql -- an identifier, checked above; it cannot be a bound parameter
  await c.query(action === 'create' ? `create database ${name}` : `drop database if exists ${name} with (force)`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

async function buildAppFor(dir: string, target: Target) {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    DATA_DIR: path.join(dir, 'data'),
    KEY_FILE: path.join(dir, 'keys', 'kek.json'),
    LOG_LEVEL: 'silent',
    DEMO: 'false',
    RATE_LIMIT: 'false',
    JOB_WORKER: 'false',
  };
  const dropped: string[] = [];
  if (target.kind === 'postgres') {
    const base = `sanctuary_bench_id_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    env.DATABASE_URL = await scratch(target.admin, base, 'create');
    env.KEY_VAULT_URL = await scratch(target.admin, `${base}_keys`, 'create');
    dropped.push(base, `${base}_keys`);
  }
  const config = loadConfig(env, {});
  fs.mkdirSync(config.dataDir, { recursive: true });
  const built = await buildApp({ config, logger: createLogger({ level: 'silent' }) });
  await importAddressPoints(built.ctx.db, { file: FIXTURE });
  return {
    built,
    async close() {
      await built.close();
      if (target.kind === 'postgres') {
        await new Promise((r) => setTimeout(r, 200));
        for (const name of dropped) await scratch(target.admin, name, 'drop');
      }
    },
  };
}

/** Milliseconds per committed one-row transaction on PostgreSQL, one after the other (no group commit). */
async function postgresCommitMs(db: Db): Promise<number> {
  await sql`create table bench_commit_probe (id serial primary key, v text)`.execute(db.kysely);
  try {
    const n = 200;
    const start = performance.now();
    for (let i = 0; i < n; i++) await db.kysely.transaction().execute((tx) => sql`insert into bench_commit_probe (v) values (${'x'.repeat(200)})`.execute(tx));
    return (performance.now() - start) / n;
  } finally {
    await sql`drop table bench_commit_probe`.execute(db.kysely);
  }
}

/** Milliseconds per committed one-row transaction with `synchronous = FULL` in `dir` (the disk's fsync). */
function sqliteCommitMs(dir: string): number {
  const db = new SQLite(path.join(dir, 'fsync-probe.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table probe (id integer primary key, v text)');
    const insert = db.prepare('insert into probe (v) values (?)');
    const n = 200;
    const start = performance.now();
    for (let i = 0; i < n; i++) db.transaction(() => insert.run('x'.repeat(200)))();
    return (performance.now() - start) / n;
  } finally {
    db.close();
  }
}

/** Runs `fn(i)` for i in [0, n) with `concurrency` at a time; returns the elapsed milliseconds. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        await fn(i);
      }
    }),
  );
  return performance.now() - start;
}

/** Application submission throughput: the whole flow's POSTs, the final send, and a framework baseline, per database. */
export async function benchMunicipalIdApplication(options: ApplicationBenchOptions = {}): Promise<Row[]> {
  const admin = options.postgresUrl ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const rows: Row[] = [];
  for (const target of admin ? [{ kind: 'sqlite' } as const, { kind: 'postgres', admin } as const] : [{ kind: 'sqlite' } as const]) {
    rows.push(...(await benchOn(target, options)));
  }
  return rows;
}

async function benchOn(target: Target, options: ApplicationBenchOptions): Promise<Row[]> {
  const n = options.applications ?? 1_500;
  const concurrency = options.concurrency ?? (target.kind === 'postgres' ? 32 : 8);
  const label = target.kind === 'postgres' ? 'PostgreSQL' : 'SQLite';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-bench-id-application-'));
  const fsyncMs = target.kind === 'sqlite' ? sqliteCommitMs(dir) : undefined;
  const env = await buildAppFor(dir, target);
  const commitMs = target.kind === 'postgres' ? await postgresCommitMs(env.built.ctx.db) : undefined;
  const { built } = env;
  const { app } = built;
  try {
    // Warm-up: a few complete applications (JIT, caches, the city map).
    for (let i = 0; i < 20; i++) {
      const jar = new Jar(app);
      await jar.get(FORM);
      for (const [step, form] of stepsFor(i)) await jar.post(`${FORM}/${step}`, form);
      await jar.post(`${FORM}/submit`, {});
    }

    // Baseline: the framework alone, same harness.
    const baselineJar = new Jar(app);
    let baselineCount = 0;
    const baselineMs = options.baselineMs ?? 2_000;
    const baselineStart = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() - baselineStart < baselineMs) {
          await baselineJar.get('/healthz');
          baselineCount++;
        }
      }),
    );
    const baseline = (baselineCount * 1000) / (performance.now() - baselineStart);

    // Phase 1: residents fill the form up to the check page.
    const jars: Jar[] = [];
    let posts = 0;
    const fillMs = await pool(n, concurrency, async (i) => {
      const jar = new Jar(app);
      await jar.get(FORM);
      for (const [step, form] of stepsFor(1000 + i)) {
        const status = await jar.post(`${FORM}/${step}`, form);
        if (status !== 303) throw new Error(`application ${i}: step ${step} answered ${status}`);
        posts++;
      }
      jars[i] = jar;
    });

    // Phase 2: every prepared draft is sent.
    const gc = built.ctx.db.groupCommit;
    const before = gc ? { ...gc } : undefined;
    const sendMs = await pool(n, concurrency, async (i) => {
      const status = await (jars[i] as Jar).post(`${FORM}/submit`, {});
      if (status !== 303) throw new Error(`application ${i}: send answered ${status}`);
    });
    const groups = gc && before ? { tx: gc.transactions - before.transactions, commits: gc.commits - before.commits } : undefined;
    const stored = Number(
      (await built.ctx.db.kysely.selectFrom('id_applications').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n,
    );
    if (stored !== n + 20) throw new Error(`expected ${n + 20} applications, found ${stored}`);

    const flow = (posts * 1000) / fillMs;
    const send = (n * 1000) / sendMs;
    const note = `${n.toLocaleString('en-US')} applications, ${concurrency} at once`;
    const out: Row[] = [
      { name: `baseline (${label}): GET /healthz through the app`, opsPerSec: baseline, unit: 'req/s', note: `${concurrency} at once` },
      { name: `application submission (${label}): final send of a completed draft`, opsPerSec: send, unit: 'req/s', baselineName: 'baseline', ratio: send / baseline, note },
      { name: `application submission (${label}): whole flow, every POST`, opsPerSec: flow, unit: 'req/s', baselineName: 'baseline', ratio: flow / baseline, note: `${posts.toLocaleString('en-US')} POSTs; ${note}` },
    ];
    if (groups) {
      out.push({ name: 'SQLite group commit during the sends: transactions per durable commit', opsPerSec: groups.tx / Math.max(1, groups.commits), unit: 'tx/commit', note: `${groups.tx.toLocaleString('en-US')} transactions in ${groups.commits.toLocaleString('en-US')} commits` });
    }
    if (commitMs !== undefined) {
      out.push({ name: 'PostgreSQL commit of one row, one at a time (WAL flush)', ms: commitMs, note: `a send holds the audit chain's head row until its commit: ceiling ≈ ${Math.floor(1000 / commitMs)} sends/s` });
    }
    if (fsyncMs !== undefined) {
      out.push({ name: 'SQLite commit with synchronous = FULL on this disk (fsync)', ms: fsyncMs, note: `ceiling ≈ ${Math.floor(1000 / fsyncMs)} commits/s; each POST commits at least once` });
    }
    return out;
  } finally {
    await env.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchMunicipalIdApplication(process.env.BENCH_QUICK === '1' ? { applications: 200 } : {});
  process.stdout.write(`${formatTable('Municipal ID application submission (issue 4)', rows)}\n`);
}
