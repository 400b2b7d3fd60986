import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../src/cli/index.ts';
import type { CliIo } from '../../src/cli/command.ts';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../helpers/db.ts';

/** Runs the CLI with the environment pointing at the test database; returns exit code and output. */
async function run(env: Record<string, string>, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), tty: false };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await main(argv, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

describeEachDialect('sanctuary users / demo CLI', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = {
      NODE_ENV: 'test',
      DATABASE_URL: database.target.kind === 'sqlite' ? `sqlite:${database.target.file}` : database.target.url,
      DATA_DIR: path.join(database.dir, 'data'),
      KEY_FILE: path.join(database.dir, 'keys', 'kek.json'),
      LOG_LEVEL: 'silent',
      DEMO: 'false',
      BASE_URL: 'https://sanctuary.city.example',
    };
  });
  afterAll(async () => {
    await database.drop();
  });

  it('refuses to work on a database that is not migrated, with a clear message', async () => {
    const r = await run(env, ['users', 'list']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('sanctuary migrate');
  });

  it('creates an account and prints a one-time enrolment link; rejects duplicates and bad usage', async () => {
    expect((await run(env, ['migrate'])).code).toBe(0);
    const r = await run(env, ['users', 'create', '--email', 'Ana.Lopez@City.example', '--role', 'counsel,admin', '--name', 'Ana López']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^https:\/\/sanctuary\.city\.example\/staff\/enrol\/[A-Za-z0-9_-]{43}$/);
    expect(r.err).toContain('Created Ana.Lopez@City.example (counsel, admin)');
    // Only the hash of the link's token is stored.
    const token = r.out.slice(r.out.lastIndexOf('/') + 1);
    const rows = await database.db.kysely.selectFrom('auth_enrolments').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);

    const dup = await run(env, ['users', 'create', '--email', 'ana.lopez@city.example', '--role', 'office-staff']);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('already an account');

    const badRole = await run(env, ['users', 'create', '--email', 'x@city.example', '--role', 'superuser']);
    expect(badRole.code).toBe(2);
    expect(badRole.err).toContain('unknown role superuser');
    expect((await run(env, ['users', 'create', '--role', 'admin'])).code).toBe(2);
    expect((await run(env, ['users', 'create', '--email', 'x@city.example'])).code).toBe(2);
    expect((await run(env, ['users', 'create', '--email', 'not-an-email', '--role', 'admin'])).code).toBe(1);
    expect((await run(env, ['users', 'create', '--email', 'x@city.example', '--role', 'admin', '--bogus'])).code).toBe(2);
    expect((await run(env, ['users'])).code).toBe(2);
    expect((await run(env, ['users', 'frobnicate'])).code).toBe(2);
  });

  it('lists accounts as a table', async () => {
    await run(env, ['users', 'create', '--email', 'ben@city.example', '--role', 'program-staff']);
    const r = await run(env, ['users', 'list']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^EMAIL\s+NAME\s+ROLES\s+STATUS\s+FACTORS\s+LAST LOGIN$/);
    expect(lines.find((l) => l.startsWith('ana.lopez@city.example'))).toMatch(/Ana López\s+admin,counsel\s+pending\s+-\s+never/);
    expect(lines.find((l) => l.startsWith('ben@city.example'))).toMatch(/ben\s+program-staff\s+pending/);
  });

  it('issues a new link (the old one stops working) and disables accounts', async () => {
    const before = await database.db.kysely.selectFrom('auth_enrolments').select('token_hash').execute();
    const r = await run(env, ['users', 'link', '--email', 'ben@city.example']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\/staff\/enrol\//);
    const after = await database.db.kysely.selectFrom('auth_enrolments').select('token_hash').execute();
    expect(after.length).toBe(before.length);
    expect(after.map((x) => x.token_hash)).not.toEqual(before.map((x) => x.token_hash));

    const d = await run(env, ['users', 'disable', '--email', 'BEN@city.example']);
    expect(d.code).toBe(0);
    expect(d.out).toBe('Disabled BEN@city.example; 0 session(s) ended.');
    expect((await run(env, ['users', 'disable', '--email', 'ben@city.example'])).out).toContain('already disabled');
    expect((await run(env, ['users', 'disable', '--email', 'nobody@city.example'])).code).toBe(1);
    expect((await run(env, ['users', 'link', '--email', 'ben@city.example'])).code).toBe(1);
    expect((await run(env, ['users', 'list'])).out).toMatch(/ben@city\.example.*disabled/);
  });

  it('prints help for the command and its subcommands', async () => {
    const r = await run(env, ['users', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('sanctuary users <create|link|disable|list>');
    expect(r.out).toContain('--role <role>');
    expect((await run(env, ['users', 'create', '--help'])).out).toContain('--email <address>');
    expect((await run(env, ['--help'])).out).toMatch(/users\s+Manage staff accounts/);
    expect((await run(env, ['demo', '--help'])).out).toContain('--force');
  });

  it('demo seed: refuses when DEMO is off or accounts exist, seeds one account per role, --force resets them', async () => {
    const off = await run(env, ['demo', 'seed']);
    expect(off.code).toBe(1);
    expect(off.err).toContain('DEMO is off');
    const demoEnv = { ...env, DEMO: 'true' };
    const refused = await run(demoEnv, ['demo', 'seed']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('already has staff accounts');

    const forced = await run(demoEnv, ['demo', 'seed', '--force']);
    expect(forced.code).toBe(0);
    const printed = new Map(
      forced.out
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter((cols) => cols[0]?.endsWith('@demo.sanctuary.example'))
        .map((cols) => [cols[0], cols.slice(1)]),
    );
    for (const role of ['admin', 'counsel', 'office-staff', 'program-staff', 'partner-attorney', 'certifying-official']) {
      const [password = '', secret = ''] = printed.get(`${role}@demo.sanctuary.example`) ?? [];
      expect(password).toMatch(/^demo-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    }
    const code = await run(demoEnv, ['demo', 'code', '--email', 'admin@demo.sanctuary.example']);
    expect(code.code).toBe(0);
    expect(code.out).toMatch(/^\d{6}$/);
    expect((await run(demoEnv, ['demo', 'code', '--email', 'ana.lopez@city.example'])).code).toBe(1);
    expect((await run(env, ['demo', 'code', '--email', 'admin@demo.sanctuary.example'])).code).toBe(1);

    const again = await run(demoEnv, ['demo', 'seed', '--force']);
    expect(again.code).toBe(0);
    const password = (s: string) => /admin@demo\.sanctuary\.example\s+(\S+)/.exec(s)?.[1];
    expect(password(again.out)).not.toBe(password(forced.out));
  });
});
