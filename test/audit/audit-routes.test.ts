import path from 'node:path';
import { promises as fs } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { main } from '../../src/cli/index.ts';
import type { CliIo } from '../../src/cli/command.ts';
import { randomId } from '../../src/core/crypto/random.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';

/** Runs the CLI against the test app's database and key files; returns the exit code and what it printed. */
async function cli(t: TestApp, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), tty: false };
  const saved = { ...process.env };
  // A clean environment: Vitest's own variables (e.g. BASE_URL='/') are not valid Sanctuary settings.
  process.env = {
    PATH: saved.PATH,
    NODE_ENV: 'test',
    DATABASE_URL: t.config.database.kind === 'postgres' ? t.config.database.url : `sqlite:${t.config.database.file}`,
    DATA_DIR: t.config.dataDir,
    KEY_FILE: t.config.keyFile,
    AUDIT_KEY_FILE: t.config.auditKeyFile,
    LOG_LEVEL: 'silent',
  };
  try {
    const code = await main(argv, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.env = saved;
  }
}

describeEachDialect('audit routes and CLI', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  async function write(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await t.ctx.audit.recordNow({
        actor: { id: randomId(), role: 'program-staff' },
        action: 'record.read',
        record: { type: 'legal-defense.case', id: randomId() },
        purpose: 'case-work',
      });
    }
  }

  it('publishes the checkpoint public key (and nothing secret) and the checkpoints', async () => {
    await write(3);
    const cp = await t.ctx.audit.checkpoint();
    const keyRes = await t.app.inject({ method: 'GET', url: '/.well-known/audit-key.json' });
    expect(keyRes.statusCode).toBe(200);
    const jwks = keyRes.json() as { keys: Array<Record<string, string>> };
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: cp.kid, alg: 'EdDSA' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const cpRes = await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints?after=0' });
    expect(cpRes.statusCode).toBe(200);
    expect(cpRes.json()).toMatchObject({ checkpoints: [cp] });
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints?after=-4' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ error: { code: 'validation' } });
  });

  it('keeps the record access history behind the counsel/admin permission', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/staff/audit/records/legal-defense.case/${randomId()}`, headers: { accept: 'application/json' } });
    expect([401, 303, 302]).toContain(res.statusCode);
  });

  it('sanctuary audit verify exits 0 on an intact log and 1 naming the seq after tampering', async () => {
    await write(30);
    const cp = await cli(t, ['audit', 'checkpoint']);
    expect(cp.code, cp.err).toBe(0);
    const ok = await cli(t, ['audit', 'verify']);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/OK: the audit log is intact/);

    const exported = await cli(t, ['audit', 'checkpoints']);
    expect(exported.code).toBe(0);
    const file = path.join(t.database.dir, 'witness.json');
    await fs.writeFile(file, exported.out);

    if (dialect === 'postgres') await sql`drop trigger audit_log_append_only on audit_log`.execute(t.ctx.db.kysely);
    else await sql`drop trigger audit_log_no_update`.execute(t.ctx.db.kysely);
    await sql`update audit_log set action = 'record.export' where seq = 12`.execute(t.ctx.db.kysely);
    const bad = await cli(t, ['audit', 'verify', '--checkpoints', file]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/TAMPERED: first bad entry is seq 12/);

    const json = await cli(t, ['audit', 'verify', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, firstBadSeq: 12 });

    expect((await cli(t, ['audit', 'frobnicate'])).code).toBe(2);
    expect((await cli(t, ['audit', 'verify', '--checkpoints', path.join(t.database.dir, 'missing.json')])).code).toBe(2);
  });
});
