import { afterAll, beforeAll, expect, it } from 'vitest';
import { authenticateApiToken, createApiToken, listApiTokens, revokeApiToken } from '../../src/core/auth/api-tokens.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { disableUser } from '../../src/core/auth/accounts.service.ts';
import { AppError } from '../../src/core/http/errors.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';

let now = new Date('2026-11-20T15:00:00Z');

async function fieldOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof AppError ? err.fields[0]?.key : String(err);
  }
}

describeEachDialect('scoped API tokens', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    now = new Date('2026-11-20T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
  });
  afterAll(async () => t.close());

  it('issues a token once, keeps only its hash, and narrows it to what the account may do', async () => {
    const attorney = await signInAs(t, 'partner-attorney');
    const { id, token, expiresAt } = await createApiToken(t.ctx, { userId: attorney.userId, label: 'Case system', scopes: ['u-visa.api.file'], days: 30, actor: OPERATOR });
    expect(token).toMatch(/^sct_[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.toISOString()).toBe('2026-12-20T15:00:00.000Z');
    const row = await t.ctx.db.kysely.selectFrom('auth_api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    const ok = await authenticateApiToken(t.ctx, token);
    expect(ok).toMatchObject({ ok: true, principal: { userId: attorney.userId, scopes: ['u-visa.api.file'], roles: ['partner-attorney'] } });
    // A scope the account's roles do not grant, an unknown permission, a bad lifetime or label: refused.
    expect(await fieldOf(createApiToken(t.ctx, { userId: attorney.userId, label: 'Case system', scopes: ['u-visa.requests.read'], days: 30, actor: OPERATOR }))).toBe('auth.apiToken.error.scope');
    expect(await fieldOf(createApiToken(t.ctx, { userId: attorney.userId, label: 'Case system', scopes: ['nope.nope'], days: 30, actor: OPERATOR }))).toBe('auth.apiToken.error.scope');
    expect(await fieldOf(createApiToken(t.ctx, { userId: attorney.userId, label: 'Case system', scopes: ['u-visa.api.file'], days: 400, actor: OPERATOR }))).toBe('auth.apiToken.error.days');
    expect(await fieldOf(createApiToken(t.ctx, { userId: attorney.userId, label: 'x', scopes: ['u-visa.api.file'], days: 30, actor: OPERATOR }))).toBe('auth.apiToken.error.label');
    // Admin powers never act through a token.
    const admin = await signInAs(t, ['admin', 'partner-attorney']);
    expect(await fieldOf(createApiToken(t.ctx, { userId: admin.userId, label: 'Admin', scopes: ['core.users.manage'], days: 30, actor: OPERATOR }))).toBe('auth.apiToken.error.scope');
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').select(['action', 'record_id']).where('action', '=', 'admin.api-token-create').execute();
    expect(audit).toEqual([{ action: 'admin.api-token-create', record_id: id }]);
  });

  it('stops working when it expires, is revoked, or its account is disabled or loses the role', async () => {
    const attorney = await signInAs(t, 'partner-attorney');
    const a = await createApiToken(t.ctx, { userId: attorney.userId, label: 'Expiring', scopes: ['u-visa.api.file'], days: 1, actor: OPERATOR });
    const b = await createApiToken(t.ctx, { userId: attorney.userId, label: 'Revoked', scopes: ['u-visa.api.file'], days: 10, actor: OPERATOR });
    now = new Date('2026-11-21T15:00:01Z');
    expect(await authenticateApiToken(t.ctx, a.token)).toEqual({ ok: false, reason: 'expired' });
    expect(await revokeApiToken(t.ctx, { id: b.id, actor: OPERATOR })).toBe(true);
    expect(await authenticateApiToken(t.ctx, b.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await authenticateApiToken(t.ctx, 'sct_short')).toEqual({ ok: false, reason: 'malformed' });
    const c = await createApiToken(t.ctx, { userId: attorney.userId, label: 'Account', scopes: ['u-visa.api.file'], days: 10, actor: OPERATOR });
    await t.ctx.db.kysely.deleteFrom('auth_user_roles').where('user_id', '=', attorney.userId).execute();
    expect(await authenticateApiToken(t.ctx, c.token)).toMatchObject({ ok: true, principal: { scopes: [] } });
    await disableUser(t.ctx, { userId: attorney.userId, actor: OPERATOR });
    expect(await authenticateApiToken(t.ctx, c.token)).toEqual({ ok: false, reason: 'account' });
    expect((await listApiTokens(t.ctx, { userId: attorney.userId })).map((x) => x.label).sort()).toEqual(['Account', 'Expiring', 'Revoked']);
  });

  it('sanctuary tokens create | list | revoke', async () => {
    const attorney = await signInAs(t, 'partner-attorney', { email: 'cli.attorney@legal.example' });
    const created = await runCli(t.config, ['tokens', 'create', '--email', 'cli.attorney@legal.example', '--scope', 'u-visa.api.file', '--label', 'Legal aid system', '--days', '30']);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/^sct_[A-Za-z0-9_-]{43}$/);
    expect((await authenticateApiToken(t.ctx, created.out)).ok).toBe(true);
    const list = await runCli(t.config, ['tokens', 'list']);
    expect(list.out).toContain('Legal aid system');
    expect(list.out).not.toContain(created.out);
    const id = /^([0-9A-Z]{26})\t\S+\tLegal aid system/m.exec(list.out)?.[1] ?? '';
    expect((await runCli(t.config, ['tokens', 'revoke', '--id', id])).code).toBe(0);
    expect((await authenticateApiToken(t.ctx, created.out)).ok).toBe(false);
    expect((await runCli(t.config, ['tokens', 'create', '--email', 'cli.attorney@legal.example', '--scope', 'core.users.manage', '--label', 'No'])).code).toBe(1);
    expect((await runCli(t.config, ['tokens', 'create', '--email', 'nobody@legal.example', '--scope', 'u-visa.api.file', '--label', 'No'])).code).toBe(1);
    expect((await runCli(t.config, ['tokens', 'create', '--scope', 'u-visa.api.file'])).code).toBe(2);
    expect(attorney.userId).toHaveLength(26);
  });
});
