/**
 * The intake queue and the offers under load, on both databases: reports filed at the same moment never put a
 * provider over its capacity (on PostgreSQL each offer holds its provider's row, and the next offer takes the
 * next provider in the rotation); and when the queue falls behind, the queue's runner holds the answers to new
 * reports until it has filed older ones, letting them go one for each report filed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { createApiToken } from '../../src/core/auth/api-tokens.ts';
import { type Candidate, addProvider, chooseProvider, rankProviders } from '../../src/modules/legal-defense/legal-defense.assignment.ts';
import { IntakeRunner, drainIntake, intakeRunner } from '../../src/modules/legal-defense/legal-defense.intake.ts';
import type { Explanation } from '../../src/modules/legal-defense/legal-defense.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';

function report(i: number): Record<string, unknown> {
  return {
    reporterRole: 'family',
    givenName: 'Hodan',
    familyName: `Warsame ${i}`,
    dateOfBirth: '1988-04-05',
    detainedOn: '2026-11-20',
    detainedPlace: 'Lake St and Bloomington Ave',
    facility: 'unknown',
    personLanguage: 'so',
    livesInCity: 'yes',
    contactName: `Caller ${i}`,
    contactMethod: 'sms',
    contactPhone: '(612) 555-0142',
    language: 'so',
  };
}

describe('the rotation with providers busy at this moment', () => {
  it('leaves a busy provider out with its reason, and ranks the others in the order the rotation takes them', () => {
    const base = { active: true, available: true, capacity: 10, openCases: 0 };
    const providers: Candidate[] = [
      { ...base, id: 'a', languages: ['so'], lastAssignedAt: '2026-01-01T00:00:00.000Z' },
      { ...base, id: 'b', languages: ['so'], lastAssignedAt: null },
      { ...base, id: 'c', languages: ['en'], lastAssignedAt: null },
      { ...base, id: 'd', languages: ['so'], lastAssignedAt: '2026-03-01T00:00:00.000Z' },
      { ...base, id: 'e', languages: ['so'], lastAssignedAt: null, openCases: 10 },
    ];
    const none = new Set<string>();
    const options = { language: 'so', conflicted: none, declined: none };
    // Language first, then never offered, then offered longest ago; a full provider is not ranked.
    expect(rankProviders(providers, options)).toEqual(['b', 'a', 'd', 'c']);
    expect(chooseProvider(providers, options).chosen).toBe('b');
    const busy = chooseProvider(providers, { ...options, busy: new Set(['b']) });
    expect(busy.chosen).toBe('a');
    expect(busy.excluded).toEqual([
      { providerId: 'b', reason: 'busy' },
      { providerId: 'e', reason: 'full' },
    ]);
    expect(rankProviders(providers, { ...options, busy: new Set(['b', 'a']) })).toEqual(['d', 'c']);
  });
});

describeEachDialect('intake under load', (dialect) => {
  let t: TestApp;
  let token = '';
  const providers: string[] = [];

  const api = (body: unknown) =>
    t.app.inject({ method: 'POST', url: '/api/v1/legal-defense/reports', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
  const count = async (table: 'legal_defense_cases' | 'legal_defense_intake') =>
    Number((await t.ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    // The app's own runner leaves the queue alone: the tests file it (drainIntake) or give it to their runner.
    intakeRunner(t.ctx).hold();
    const staff = await signInAs(t, 'legal-defense-staff');
    const hotline = await signInAs(t, 'partner-attorney');
    token = (await createApiToken(t.ctx, { userId: hotline.userId, label: 'Hotline', scopes: ['legal-defense.api.report'], days: 30, actor: OPERATOR })).token;
    // Three Somali-speaking providers with room for two open cases each.
    for (const name of ['Provider A', 'Provider B', 'Provider C']) {
      providers.push(await addProvider(t.ctx, { userId: staff.userId, role: 'legal-defense-staff' }, { name, capacity: 2, languages: ['so'], available: true }));
    }
  });
  afterAll(async () => t.close());

  it('reports filed at the same moment fill each provider up to its capacity and no further; the rest wait for a provider', async () => {
    const sent = await Promise.all(Array.from({ length: 10 }, (_, i) => api(report(i))));
    expect(sent.map((r) => r.statusCode)).toEqual(Array.from({ length: 10 }, () => 202));
    // The queue files several at once (8 transactions on PostgreSQL), each offering its case.
    await drainIntake(t.ctx);
    expect(await count('legal_defense_cases')).toBe(10);
    const rows = await t.ctx.db.kysely.selectFrom('legal_defense_providers').select(['id', 'open_cases', 'capacity']).execute();
    const offers = await t.ctx.db.kysely.selectFrom('legal_defense_assignments').select(['provider_id', 'explanation']).where('status', '=', 'offered').execute();
    expect(offers).toHaveLength(6);
    for (const p of rows) {
      expect(p.open_cases, 'open cases of a provider').toBe(2);
      expect(offers.filter((o) => o.provider_id === p.id)).toHaveLength(2);
    }
    // Each offer's explanation names the provider chosen; none was chosen while it was full.
    for (const o of offers) {
      const why = JSON.parse(o.explanation) as Explanation;
      expect(why.chosen).toBe(o.provider_id);
      expect(why.load?.open ?? 99).toBeLessThan(2);
    }
    // The four left wait for a provider, with the reason in their history.
    const waiting = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('id').where('status', '=', 'eligible').execute();
    expect(waiting).toHaveLength(4);
    const noProvider = await t.ctx.db.kysely.selectFrom('legal_defense_events').select('case_id').where('kind', '=', 'no-provider').execute();
    expect(new Set(noProvider.map((e) => e.case_id))).toEqual(new Set(waiting.map((w) => w.id)));
  });

  it('when filing falls behind, answers wait for older reports to be filed, one for each; a held runner lets them all go', async () => {
    // A runner that counts itself behind once its queue would take more than 2 ms to file (at most about ten
    // reports: a pass's rate is counted over a millisecond at least). Its answers are never held long enough to go
    // on their own: each one is let go by a filing.
    const runner = new IntakeRunner(t.ctx, { behindMs: 2, maxHoldMs: 60_000 });
    const started = performance.now();
    // Before it has filed anything a runner knows no rate: nothing is held.
    const fresh = new IntakeRunner(t.ctx, { behindMs: 2, maxHoldMs: 60_000 });
    await expect(fresh.accepted()).resolves.toBeUndefined();
    fresh.hold();

    // It learns its rate from filing a few.
    for (let i = 0; i < 5; i++) expect((await api(report(100 + i))).statusCode).toBe(202);
    await runner.drain();
    expect(await count('legal_defense_intake')).toBe(0);

    // Sixty reports queued at once, each answer asked of the runner.
    for (let i = 0; i < 60; i++) expect((await api(report(200 + i))).statusCode).toBe(202);
    expect(await count('legal_defense_intake')).toBe(60);
    const answered: number[] = [];
    const answers = Array.from({ length: 60 }, (_, i) => runner.accepted().then(() => answered.push(i)));
    // The runner files nothing for a moment (it waits for the line to be quiet): only the first few are answered.
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered.length).toBeLessThan(50);
    // Then it files, and lets the held answers go in order as it does.
    await Promise.all(answers);
    expect(answered).toEqual(Array.from({ length: 60 }, (_, i) => i));
    await runner.drain();
    expect(await count('legal_defense_intake')).toBe(0);
    expect(await count('legal_defense_cases')).toBe(10 + 5 + 60);

    // Held again; then the runner is held (as for a test or the app closing): every answer goes at once.
    for (let i = 0; i < 30; i++) expect((await api(report(300 + i))).statusCode).toBe(202);
    const second: number[] = [];
    const more = Array.from({ length: 30 }, (_, i) => runner.accepted().then(() => second.push(i)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(second.length).toBeLessThan(20);
    runner.hold();
    await Promise.all(more);
    expect(second).toHaveLength(30);
    // Every held answer was let go by a filing or by hold(), none by its own time limit.
    expect(performance.now() - started).toBeLessThan(60_000);
    // Nothing was lost: held or not, every report is queued or filed.
    await drainIntake(t.ctx);
    expect(await count('legal_defense_cases')).toBe(10 + 5 + 60 + 30);
  });
});
