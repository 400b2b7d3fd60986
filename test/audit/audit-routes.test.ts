import path from 'node:path';
import { promises as fs } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { randomId } from '../../src/core/crypto/random.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';

function cli(t: TestApp, argv: string[]) {
  return runCli(t.config, argv);
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
    const jwks = keyRes.json<{ keys: Array<Record<string, string>> }>();
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: cp.kid, alg: 'EdDSA' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const cpRes = await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints?after=0' });
    expect(cpRes.statusCode).toBe(200);
    expect(cpRes.json()).toMatchObject({ checkpoints: [cp] });
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints?after=-4' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ error: { code: 'validation' } });
  });

  it('shows counsel who accessed a record (and audits that look), and refuses other roles', async () => {
    const caseId = randomId();
    const url = `/staff/audit/records/legal-defense.case/${caseId}`;
    const anonymous = await t.app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });
    expect(anonymous.statusCode).toBe(401);
    const staff = await signInAs(t, 'program-staff', { displayName: 'Pat Caseworker' });
    await t.ctx.audit.recordNow({ actor: { id: staff.userId, role: 'program-staff' }, action: 'record.read', record: { type: 'legal-defense.case', id: caseId }, purpose: 'case-work' });
    expect((await staff.get(url)).statusCode).toBe(403);

    const counsel = await signInAs(t, 'counsel');
    const page = await counsel.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(staff.userId);
    expect(page.body).toContain('Pat Caseworker');
    expect(page.body).toMatch(/Case work/);
    const history = await t.ctx.audit.historyOf('legal-defense.case', caseId);
    expect(history.entries[0]).toMatchObject({ action: 'audit.history-read', actorId: counsel.userId, actorRole: 'counsel' });
    expect((await counsel.get(`/staff/audit/records/legal-defense.case/not-an-id`)).statusCode).toBe(404);
    expect((await counsel.get(`${url}?lang=es`)).body).toMatch(/Trabajo del caso/);
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
