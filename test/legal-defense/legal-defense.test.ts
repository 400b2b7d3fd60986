import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/core/auth/api-tokens.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { KeyNotFoundError } from '../../src/core/crypto/index.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { type Candidate, acceptCase, addParty, addProvider, chooseProvider, declineCase, linkAttorney, recordFirstContact } from '../../src/modules/legal-defense/legal-defense.assignment.ts';
import { meetDeadline, recordProceeding, recordStatus, recordTransfer } from '../../src/modules/legal-defense/legal-defense.court.ts';
import { recordEligibility } from '../../src/modules/legal-defense/legal-defense.eligibility.ts';
import { drainIntake, forgetIntakeKeys, intakeRunner } from '../../src/modules/legal-defense/legal-defense.intake.ts';
import { normalizeANumber } from '../../src/modules/legal-defense/legal-defense.schemas.ts';
import { type StaffActor, readCase, readRestricted, statusByReference } from '../../src/modules/legal-defense/legal-defense.service.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';

const START = new Date('2026-11-20T15:00:00Z');
let clock = START;

/** A valid report (the API's JSON and the phone screen's fields). */
function report(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    reporterRole: 'family',
    givenName: 'María',
    familyName: 'García López',
    dateOfBirth: '1990-02-03',
    detainedOn: '2026-11-20',
    detainedPlace: 'Lake St and Bloomington Ave',
    facility: 'whipple-federal-building',
    personLanguage: 'es',
    livesInCity: 'yes',
    contactName: 'Luis García',
    contactMethod: 'sms',
    contactPhone: '(612) 555-0142',
    language: 'es',
    ...overrides,
  };
}

describe('pure rules', () => {
  it('normalises A-numbers and refuses what is not one', () => {
    expect(normalizeANumber('A-123-456-789')).toBe('A123456789');
    expect(normalizeANumber('a 12345678')).toBe('A012345678');
    expect(normalizeANumber('A1234')).toBeNull();
    expect(normalizeANumber('B123456789')).toBeNull();
  });

  it('rotation: language match first, then longest since the last offer, skipping conflicts, full and unavailable providers', () => {
    const base = { active: true, available: true, capacity: 10, openCases: 0, lastAssignedAt: null };
    const providers: Candidate[] = [
      { ...base, id: 'a', languages: ['en'], lastAssignedAt: '2026-01-01T00:00:00.000Z' },
      { ...base, id: 'b', languages: ['en', 'es'], lastAssignedAt: '2026-02-01T00:00:00.000Z' },
      { ...base, id: 'c', languages: ['es'], lastAssignedAt: '2026-01-15T00:00:00.000Z' },
      { ...base, id: 'd', languages: ['es'], openCases: 10 },
      { ...base, id: 'e', languages: ['es'], available: false },
    ];
    const none = new Set<string>();
    const es = chooseProvider(providers, { language: 'es', conflicted: none, declined: none });
    expect(es.chosen).toBe('c');
    expect(es.languageMatch).toBe(true);
    expect(es.excluded).toEqual([{ providerId: 'd', reason: 'full' }, { providerId: 'e', reason: 'unavailable' }]);
    expect(chooseProvider(providers, { language: 'es', conflicted: new Set(['c']), declined: none }).chosen).toBe('b');
    const so = chooseProvider(providers, { language: 'so', conflicted: none, declined: new Set(['a']) });
    expect(so).toMatchObject({ chosen: 'c', languageMatch: false, candidates: 2 });
    expect(chooseProvider(providers, { language: 'es', conflicted: new Set(['a', 'b', 'c']), declined: none }).chosen).toBeNull();
  });
});

describeEachDialect('legal defense: intake, eligibility, assignment', (dialect) => {
  let t: TestApp;
  let token = '';
  let staff: StaffBrowser;
  let staffActor: StaffActor;
  const attorneys: Array<{ browser: StaffBrowser; actor: StaffActor }> = [];
  const providers: string[] = [];

  const api = (body: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/legal-defense/reports', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers } });
  const count = async (table: 'legal_defense_cases' | 'legal_defense_reports' | 'legal_defense_assignments' | 'legal_defense_intake' | 'clocks' | 'subjects') =>
    Number((await t.ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const counts = async () => ({
    cases: await count('legal_defense_cases'),
    reports: await count('legal_defense_reports'),
    offers: await count('legal_defense_assignments'),
    queued: await count('legal_defense_intake'),
    clocks: await count('clocks'),
    subjects: await count('subjects'),
  });
  interface ReportStatus { reportId: string; status: string; caseId?: string; merged?: boolean; contactDueAt: string | null }
  const statusOf = async (reportId: string, bearer = token) =>
    t.app.inject({ method: 'GET', url: `/api/v1/legal-defense/reports/${reportId}`, headers: { authorization: `Bearer ${bearer}` } });
  /** Sends a report, expects it accepted, files the queue, and returns how the report stands. */
  const file = async (body: unknown, headers: Record<string, string> = {}): Promise<ReportStatus & { caseId: string }> => {
    const res = await api(body, headers);
    expect(res.statusCode, res.body).toBe(202);
    await drainIntake(t.ctx);
    const status = (await statusOf(res.json<{ reportId: string }>().reportId)).json<ReportStatus>();
    expect(status.caseId, 'filed into a case').toBeDefined();
    return { ...status, caseId: status.caseId as string };
  };

  beforeAll(async () => {
    // Each dialect starts at the same instant (a test below moves the clock on).
    clock = START;
    t = await createTestApp(dialect, { now: () => clock });
    // Reports sent through the API stay queued until a test files them (`file`, `drainIntake`).
    intakeRunner(t.ctx).hold();
    const hotline = await signInAs(t, 'partner-attorney');
    token = (await createApiToken(t.ctx, { userId: hotline.userId, label: 'Hotline', scopes: ['legal-defense.api.report'], days: 30, actor: OPERATOR })).token;
    staff = await signInAs(t, 'legal-defense-staff');
    staffActor = { userId: staff.userId, role: 'legal-defense-staff' };
    // Three providers: Spanish-speaking A and B, Somali-speaking C.
    for (const [name, languages] of [['Provider A', ['en', 'es']], ['Provider B', ['es']], ['Provider C', ['so']]] as const) {
      providers.push(await addProvider(t.ctx, staffActor, { name, capacity: 5, languages: [...languages], available: true }));
    }
    for (const p of providers) {
      const browser = await signInAs(t, 'partner-attorney');
      await linkAttorney(t.ctx, staffActor, p, browser.userId);
      attorneys.push({ browser, actor: { userId: browser.userId, role: 'partner-attorney' } });
    }
  });
  afterAll(async () => t.close());

  it('a hotline reports through the API: accepted at once, then sealed, eligible by attestation, offered to a Spanish-speaking provider, 24-hour contact clock', async () => {
    const res = await api(report({ aNumber: 'A-200-300-401' }), { 'idempotency-key': 'hotline-1' });
    expect(res.statusCode).toBe(202);
    const accepted = res.json<{ reportId: string; reference: string; status: string; statusUrl: string }>();
    expect(accepted).toMatchObject({ status: 'received', statusUrl: `/api/v1/legal-defense/reports/${accepted.reportId}` });
    expect(res.headers.location).toBe(accepted.statusUrl);
    expect(accepted.reference).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
    // Queued, sealed under its own key: nothing personal in plain text, nothing filed yet.
    const queued = await t.ctx.db.kysely.selectFrom('legal_defense_intake').selectAll().where('id', '=', accepted.reportId).executeTakeFirstOrThrow();
    expect(JSON.stringify(queued)).not.toMatch(/García|200300401|Lake St/);
    expect((await statusOf(accepted.reportId)).json()).toEqual({ reportId: accepted.reportId, status: 'received', contactDueAt: null });
    // The family, given the reference code, already finds it on the public status page.
    expect(await statusByReference(t.ctx, accepted.reference)).toMatchObject({ statusKey: 'legal-defense.status.reported', receivedAt: START.toISOString() });
    // Another account cannot ask about it.
    const other = await signInAs(t, 'partner-attorney');
    const otherToken = (await createApiToken(t.ctx, { userId: other.userId, label: 'Other hotline', scopes: ['legal-defense.api.report'], days: 30, actor: OPERATOR })).token;
    expect((await statusOf(accepted.reportId, otherToken)).statusCode).toBe(404);
    expect((await statusOf('not-an-id')).statusCode).toBe(404);
    // Filed an hour later: the clocks still count from when the report was accepted.
    clock = new Date(START.getTime() + 3_600_000);
    await drainIntake(t.ctx);
    clock = START;
    expect(await count('legal_defense_intake')).toBe(0);
    const body = (await statusOf(accepted.reportId)).json<ReportStatus>();
    expect(body).toMatchObject({ reportId: accepted.reportId, merged: false, status: 'offered', contactDueAt: '2026-11-21T15:00:00.000Z' });
    const filed = await t.ctx.db.kysely.selectFrom('legal_defense_reports').select(['case_id', 'received_at']).where('id', '=', accepted.reportId).executeTakeFirstOrThrow();
    expect(filed).toEqual({ case_id: body.caseId, received_at: START.toISOString() });
    expect(await statusByReference(t.ctx, accepted.reference)).toMatchObject({ statusKey: 'legal-defense.status.offered', receivedAt: START.toISOString() });
    const row = await t.ctx.db.kysely.selectFrom('legal_defense_cases').selectAll().where('id', '=', body.caseId as string).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'offered', residency_basis: 'attestation', provider_id: providers[0], person_language: 'es' });
    // Nothing personal in plain text.
    expect(JSON.stringify(row)).not.toContain('García');
    expect(JSON.stringify(row)).not.toContain('200300401');
    expect(JSON.stringify(row)).not.toContain('Lake St');
    expect(row.created_at).toBe(START.toISOString());
    const offer = await t.ctx.db.kysely.selectFrom('legal_defense_assignments').selectAll().where('case_id', '=', body.caseId as string).executeTakeFirstOrThrow();
    expect(JSON.parse(offer.explanation)).toMatchObject({ chosen: providers[0], languageMatch: true, candidates: 3 });
    // The provider's four hours count from the offer, made when the report was filed.
    expect(offer.offered_at).toBe('2026-11-20T16:00:00.000Z');
    const acceptClock = await t.ctx.clocks.get(offer.clock_id as string);
    expect(acceptClock?.dueAt.toISOString()).toBe('2026-11-20T20:00:00.000Z');
    // The queue shows each case's clock to the first attorney contact (24 hours), without a name.
    const queue = await staff.get('/staff/legal-defense?view=assigned');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('<th scope="col">First attorney contact</th>');
    expect(queue.body).toMatch(/\(24 hours left\)|\(23\.\d hours left\)/);
  });

  it('the same Idempotency-Key and body returns the first result and files nothing; another body with it is refused', async () => {
    const before = await counts();
    const again = await api(report({ aNumber: 'A-200-300-401' }), { 'idempotency-key': 'hotline-1' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<{ merged: boolean; status: string; reference?: string }>()).toMatchObject({ merged: false, status: 'offered' });
    expect(again.json<{ reference?: string }>().reference).toBeUndefined();
    // A retry while the first is still queued answers with the queued report.
    const queued = await api(report({ givenName: 'Queued', familyName: 'Retry', dateOfBirth: '1990-01-01', aNumber: '' }), { 'idempotency-key': 'hotline-2' });
    expect(queued.statusCode).toBe(202);
    const retry = await api(report({ givenName: 'Queued', familyName: 'Retry', dateOfBirth: '1990-01-01', aNumber: '' }), { 'idempotency-key': 'hotline-2' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ reportId: queued.json<{ reportId: string }>().reportId, status: 'received', contactDueAt: null });
    await drainIntake(t.ctx);
    expect((await api(report({ givenName: 'Queued', familyName: 'Retry', dateOfBirth: '1990-01-01', aNumber: '' }), { 'idempotency-key': 'hotline-2' })).json()).toMatchObject({ status: 'offered', merged: false });
    const afterQueued = await counts();
    expect(afterQueued).toEqual({ ...before, cases: before.cases + 1, reports: before.reports + 1, offers: before.offers + 1, clocks: before.clocks + 2, subjects: before.subjects + 1 });
    const other = await api(report({ givenName: 'Otra' }), { 'idempotency-key': 'hotline-1', 'accept-language': 'es' });
    expect(other.statusCode).toBe(422);
    expect(other.json<{ error: { message: string } }>().error.message).toContain('Idempotency-Key ya se usó');
    expect(await counts()).toEqual(afterQueued);
  });

  it('reports about the same person merge: by A-number, and by name and date of birth', async () => {
    const subjects = await count('subjects');
    const first = await file(report({ givenName: 'Maria', familyName: 'Garcia', dateOfBirth: '', aNumber: '200300401', contactName: 'Ana' }));
    expect(first.merged).toBe(true);
    const byName = await file(report({ givenName: 'MARÍA', familyName: 'garcía lópez', aNumber: '' }));
    expect(byName).toMatchObject({ caseId: first.caseId, merged: true });
    const row = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['report_count', 'status']).where('id', '=', first.caseId).executeTakeFirstOrThrow();
    expect(row).toEqual({ report_count: 3, status: 'offered' });
    // Still one offer: a merge does not offer the case twice.
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_assignments').select('id').where('case_id', '=', first.caseId).execute()).toHaveLength(1);
    // A merged report's own key is forgotten: the report is kept under the case's.
    expect(await count('subjects')).toBe(subjects);
  });

  it('reports about the same new person sent at the same moment open one case, not several (none lost, none duplicated)', async () => {
    const body = report({ givenName: 'Same', familyName: 'Moment', dateOfBirth: '1999-09-09', aNumber: 'A-555-444-333' });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => api({ ...body, contactName: `Caller ${i}` })));
    expect(results.map((r) => r.statusCode)).toEqual([202, 202, 202, 202, 202, 202]);
    // Filed several at once by the queue, each in its own transaction (asked twice at once: one run after the other).
    await Promise.all([drainIntake(t.ctx), drainIntake(t.ctx)]);
    const statuses = await Promise.all(results.map(async (r) => (await statusOf(r.json<{ reportId: string }>().reportId)).json<ReportStatus>()));
    expect(statuses.filter((s) => s.merged)).toHaveLength(5);
    const ids = new Set(statuses.map((s) => s.caseId));
    expect(ids.size).toBe(1);
    const row = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['report_count']).where('id', '=', [...ids][0] as string).executeTakeFirstOrThrow();
    expect(row.report_count).toBe(6);
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_reports').select('id').where('case_id', '=', [...ids][0] as string).execute()).toHaveLength(6);
  });

  it('intake keys: queued reports are sealed under the key of the hour; the job forgets a key two hours old once nothing queued needs it', async () => {
    const keys = () => t.ctx.db.kysely.selectFrom('legal_defense_intake_keys').select(['subject_id', 'created_at']).orderBy('created_at').execute();
    const first = await api(report({ givenName: 'Key', familyName: 'One', dateOfBirth: '1991-01-01', aNumber: '' }));
    expect(first.statusCode).toBe(202);
    const [oldKey] = await keys();
    expect(oldKey).toBeDefined();
    const queuedUnder = async (id: string) => (await t.ctx.db.kysely.selectFrom('legal_defense_intake').select('subject_id').where('id', '=', id).executeTakeFirstOrThrow()).subject_id;
    expect(await queuedUnder(first.json<{ reportId: string }>().reportId)).toBe(oldKey?.subject_id);
    // Two hours later the next report gets a new key; the old one stays while a queued report needs it.
    clock = new Date(START.getTime() + 2 * 3_600_000 + 60_000);
    const second = await api(report({ givenName: 'Key', familyName: 'Two', dateOfBirth: '1992-02-02', aNumber: '' }));
    expect(second.statusCode).toBe(202);
    const now = await keys();
    expect(now).toHaveLength(2);
    const newKey = now[1]?.subject_id as string;
    expect(await queuedUnder(second.json<{ reportId: string }>().reportId)).toBe(newKey);
    expect(await forgetIntakeKeys(t.ctx)).toBe(0);
    await drainIntake(t.ctx);
    // Filed: the old key is forgotten (destroyed: nothing sealed under it can be read again); the current one stays.
    expect(await forgetIntakeKeys(t.ctx)).toBe(1);
    expect((await keys()).map((k) => k.subject_id)).toEqual([newKey]);
    await expect(t.ctx.vault.useSubject(oldKey?.subject_id as string, () => 1)).rejects.toBeInstanceOf(KeyNotFoundError);
    expect(await t.ctx.db.kysely.selectFrom('subjects').select('id').where('id', '=', oldKey?.subject_id as string).execute()).toEqual([]);
    clock = START;
  });

  it('a queued report that cannot be filed stays queued, is tried again later with a longer wait, and holds nothing up', async () => {
    const broken = (await api(report({ givenName: 'Broken', familyName: 'Seal', dateOfBirth: '1993-03-03', aNumber: '' }))).json<{ reportId: string }>().reportId;
    // A damaged row: its sealed report cannot be opened.
    await t.ctx.db.kysely.updateTable('legal_defense_intake').set({ payload_sealed: 'v1.damaged' }).where('id', '=', broken).execute();
    const fine = (await api(report({ givenName: 'Fine', familyName: 'Report', dateOfBirth: '1994-04-04', aNumber: '' }))).json<{ reportId: string }>().reportId;
    const queued = () => t.ctx.db.kysely.selectFrom('legal_defense_intake').select(['attempts', 'last_error', 'next_attempt_at']).where('id', '=', broken).executeTakeFirstOrThrow();
    await drainIntake(t.ctx);
    expect((await statusOf(fine)).json<ReportStatus>().status).toBe('offered');
    expect((await statusOf(broken)).json<ReportStatus>().status).toBe('received');
    const first = await queued();
    expect(first).toMatchObject({ attempts: 1, next_attempt_at: new Date(clock.getTime() + 30_000).toISOString() });
    expect(first.last_error).toMatch(/^[A-Za-z._-]+$/);
    // Not due yet: a drain leaves it alone. Due: tried again, and the wait doubles.
    await drainIntake(t.ctx);
    expect((await queued()).attempts).toBe(1);
    clock = new Date(START.getTime() + 31_000);
    await drainIntake(t.ctx);
    expect(await queued()).toMatchObject({ attempts: 2, next_attempt_at: new Date(clock.getTime() + 60_000).toISOString() });
    clock = START;
    await t.ctx.db.kysely.deleteFrom('legal_defense_intake').where('id', '=', broken).execute();
  });

  it('bad input: translated 422s and nothing half-written; an out-of-scope token is refused', async () => {
    const hotline = await signInAs(t, 'partner-attorney');
    const uVisaOnly = (await createApiToken(t.ctx, { userId: hotline.userId, label: 'Other', scopes: ['u-visa.api.file'], days: 30, actor: OPERATOR })).token;
    const before = await counts();
    const bad = await api(report({ aNumber: 'A12', detainedOn: '2026-11-21', facility: 'guantanamo', personLanguage: 'xx' }), { 'accept-language': 'so' });
    expect(bad.statusCode).toBe(422);
    const fields = bad.json<{ error: { fields: Array<{ field: string; message: string }> } }>().error.fields;
    expect(Object.fromEntries(fields.map((f) => [f.field, f.message]))).toMatchObject({
      aNumber: 'Lambarka A waa A iyo 7 ilaa 9 god, tusaale A-123-456-789',
      detainedOn: 'Taariikhdani waa mustaqbalka',
      facility: 'Ka dooro meel liiska, "Meel kale" ama "Ma aqaan"',
      personLanguage: 'Ka dooro luuqad liiska',
    });
    expect((await api([1, 2])).statusCode).toBe(422);
    expect((await api(report(), { 'idempotency-key': 'bad key with spaces' })).statusCode).toBe(400);
    // JSON escapes cannot bring in what the form parser refuses: NUL, unpaired surrogates, absurd depth.
    for (const givenName of ['Ma\u0000ria', '\ud800']) {
      const res = await api(report({ givenName }), { 'accept-language': 'es' });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ error: { message: string } }>().error.message).toContain('caracteres de control invisibles');
    }
    const deep = await t.app.inject({
      method: 'POST',
      url: '/api/v1/legal-defense/reports',
      payload: `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'accept-language': 'hmn' },
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.json<{ error: { message: string } }>().error.message).toBe('Daim ntawv thov muaj ntau txheej dhau, nyeem tsis tau.');
    // Dates from before 1900 are not dates anyone means; a consent that is not one of the answers is refused, not read as "no".
    const old = await api(report({ detainedOn: '0001-01-01', dateOfBirth: '1000-01-01', contactConsent: 'please-yes' }));
    expect(old.statusCode).toBe(422);
    expect(old.json<{ error: { fields: Array<{ field: string }> } }>().error.fields.map((f) => f.field).sort()).toEqual(['contactConsent', 'dateOfBirth', 'detainedOn']);
    // A capacity is digits: a blank is not 0, and hexadecimal or exponents are not numbers.
    const providersBefore = (await t.ctx.db.kysely.selectFrom('legal_defense_providers').select('id').execute()).length;
    for (const capacity of ['', '0x10', '1e5', '-1']) {
      const res = await staff.post('/staff/legal-defense/providers', { name: 'Provider X', capacity, languages: 'es', available: 'yes' }, { 'accept-language': 'es' });
      expect(res.statusCode, capacity).toBe(422);
    }
    expect((await t.ctx.db.kysely.selectFrom('legal_defense_providers').select('id').execute()).length).toBe(providersBefore);
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/legal-defense/reports', payload: JSON.stringify(report()), headers: { 'content-type': 'application/json', authorization: `Bearer ${uVisaOnly}` } });
    expect(refused.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('phone intake: one page with the first question focused; saves a report and shows the reference', async () => {
    const page = await staff.get('/staff/legal-defense/intake');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<input[^>]*id="field-givenName"[^>]*autofocus/);
    const res = await staff.post('/staff/legal-defense/intake', { ...(report({ givenName: 'Hodan', familyName: 'Abdi', dateOfBirth: '1985-05-05', personLanguage: 'so', facility: 'unknown', language: 'en' }) as Record<string, string>) });
    expect(res.statusCode).toBe(201);
    expect(res.body).toContain('Report saved');
    const refused = await staff.post('/staff/legal-defense/intake', { ...(report({ detainedOn: 'yesterday' }) as Record<string, string>) });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Enter a real date');
    // Desk staff who take reports but do not open cases find the phone screen from the staff home, and are not
    // sent to the queue or the case they may not open.
    const desk = await signInAs(t, 'office-staff');
    const home = await desk.get('/staff');
    expect(home.body).toContain('href="/staff/legal-defense/intake"');
    expect(home.body).not.toContain('href="/staff/legal-defense"');
    expect((await desk.get('/staff/legal-defense')).statusCode).toBe(403);
    const saved = await desk.post('/staff/legal-defense/intake', { ...(report({ givenName: 'Ayaan', familyName: 'Warsame', dateOfBirth: '1979-02-02', personLanguage: 'so', facility: 'unknown', language: 'en' }) as Record<string, string>) });
    expect(saved.statusCode).toBe(201);
    expect(saved.body).not.toContain('href="/staff/legal-defense/cases/');
    expect(saved.body).not.toContain('href="/staff/legal-defense"');
  });

  it('providers see only their assigned cases; restricted fields are a separate, audited read', async () => {
    const somali = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['id', 'provider_id']).where('person_language', '=', 'so').executeTakeFirstOrThrow();
    expect(somali.provider_id).toBe(providers[2]);
    const own = attorneys[2] as (typeof attorneys)[number];
    const other = attorneys[0] as (typeof attorneys)[number];
    expect((await own.browser.get(`/staff/legal-defense/assigned/${somali.id}`)).statusCode).toBe(200);
    expect((await other.browser.get(`/staff/legal-defense/assigned/${somali.id}`)).statusCode).toBe(404);
    expect((await other.browser.get(`/staff/legal-defense/cases/${somali.id}/restricted`)).statusCode).toBe(404);
    await expect(readCase(t.ctx, other.actor, somali.id, { kind: 'provider' })).rejects.toMatchObject({ code: 'not_found' });
    const restricted = await readRestricted(t.ctx, own.actor, somali.id, { kind: 'provider' });
    expect(restricted.detention).toMatchObject({ facility: 'unknown', detainedPlace: 'Lake St and Bloomington Ave' });
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').select(['actor_id', 'outcome', 'detail']).where('record_id', '=', somali.id).where('action', '=', 'record.read').execute();
    expect(audit).toContainEqual({ actor_id: own.actor.userId, outcome: 'success', detail: 'field.restricted' });
    expect(audit).toContainEqual({ actor_id: other.actor.userId, outcome: 'denied', detail: 'reason.not-assigned' });
    // The list shows no names (categories only).
    const list = await own.browser.get('/staff/legal-defense/assigned');
    expect(list.body).toContain(somali.id.slice(-8));
    expect(list.body).not.toContain('Hodan');
  });

  it('decline goes to the next provider at once; no answer within 4 hours expires the offer and moves on; accept and first contact meet the clocks', async () => {
    const filed = await file(report({ givenName: 'José', familyName: 'Pérez', dateOfBirth: '1970-07-07', aNumber: '', contactConsent: 'yes' }));
    const first = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('provider_id').where('id', '=', filed.caseId).executeTakeFirstOrThrow();
    const holder = attorneys[providers.indexOf(first.provider_id as string)] as (typeof attorneys)[number];
    const explanation = await declineCase(t.ctx, holder.actor, filed.caseId, 'no-capacity');
    expect(explanation.chosen).not.toBe(first.provider_id);
    expect(explanation.excluded).toContainEqual({ providerId: first.provider_id, reason: 'declined' });
    // Nobody answers: 4 hours later the reminder job expires the offer and offers the case again.
    clock = new Date(clock.getTime() + 4 * 3_600_000 + 60_000);
    await t.ctx.clocks.tick(t.ctx);
    const assignments = await t.ctx.db.kysely.selectFrom('legal_defense_assignments').select(['provider_id', 'status']).where('case_id', '=', filed.caseId).orderBy('offered_at').orderBy('id').execute();
    expect(assignments.map((a) => a.status)).toEqual(['declined', 'expired', 'offered']);
    const third = assignments[2]?.provider_id as string;
    const attorney = attorneys[providers.indexOf(third)] as (typeof attorneys)[number];
    await expect(recordFirstContact(t.ctx, attorney.actor, filed.caseId)).rejects.toMatchObject({ code: 'conflict' });
    await acceptCase(t.ctx, attorney.actor, filed.caseId);
    // Family liaison: the contact agreed, so one short text in Spanish, with the reference and no name.
    const texts = await t.ctx.db.kysely.selectFrom('notify_messages').selectAll().where('related_id', '=', filed.caseId).where('channel', '=', 'sms').execute();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ channel: 'sms', subject_id: filed.caseId });
    expect(JSON.stringify(texts[0])).not.toContain('Pérez');
    await recordFirstContact(t.ctx, attorney.actor, filed.caseId);
    const detail = await readCase(t.ctx, staffActor, filed.caseId, { kind: 'program' });
    expect(detail.status).toBe('contacted');
    expect(detail.contactClock).toMatchObject({ status: 'met', metLate: false });
    expect(detail.events.map((e) => e.kind)).toEqual(['reported', 'eligible', 'offered', 'declined', 'offered', 'expired', 'offered', 'accepted', 'family-told', 'contacted']);
    // Open-case counts stayed in step: only the accepting provider holds it.
    const loads = await t.ctx.db.kysely.selectFrom('legal_defense_providers').select(['id', 'open_cases']).execute();
    expect(loads.reduce((n, p) => n + p.open_cases, 0)).toBe(await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('id').where('provider_id', 'is not', null).where('open', '=', 1).execute().then((r) => r.length));
  });

  it('family liaison: a contact who asked for updates hears of the lawyer and of each release, in their language; one who asked only about the lawyer hears nothing more', async () => {
    const messages = async (caseId: string) =>
      // Messages to the family only (the provider's staff are told of offers too).
      t.ctx.db.kysely.selectFrom('notify_messages').select(['template', 'locale', 'channel']).where('related_id', '=', caseId).where('template', 'like', 'legal-defense.notify.family%').orderBy('created_at').orderBy('id').execute();
    const accepted = async (fields: Record<string, unknown>) => {
      const filed = await file(report(fields));
      const row = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('provider_id').where('id', '=', filed.caseId).executeTakeFirstOrThrow();
      const holder = attorneys[providers.indexOf(row.provider_id as string)] as (typeof attorneys)[number];
      await acceptCase(t.ctx, holder.actor, filed.caseId);
      return { caseId: filed.caseId, holder };
    };
    const updates = await accepted({ givenName: 'Hawo', familyName: 'Cali', dateOfBirth: '1985-05-05', contactConsent: 'updates', language: 'so', contactMethod: 'email', contactEmail: 'ehel@example.org', contactPhone: '' });
    const status = (custody: string) => recordStatus(t.ctx, updates.holder.actor, updates.caseId, { custody, relief: ['asylum'], outcome: 'pending' }, 'provider');
    await status('detained');
    await status('released-parole');
    await status('alternatives-to-detention');
    await status('detained');
    await status('released-bond');
    expect(await messages(updates.caseId)).toEqual([
      { template: 'legal-defense.notify.family', locale: 'so', channel: 'email' },
      { template: 'legal-defense.notify.familyReleased', locale: 'so', channel: 'email' },
      { template: 'legal-defense.notify.familyReleased', locale: 'so', channel: 'email' },
    ]);
    const events = (await readCase(t.ctx, staffActor, updates.caseId, { kind: 'program' })).events.map((e) => e.kind);
    expect(events.filter((k) => k.startsWith('family-told'))).toEqual(['family-told', 'family-told-release', 'family-told-release']);

    const lawyerOnly = await accepted({ givenName: 'Tou', familyName: 'Xiong', dateOfBirth: '1979-09-09', contactConsent: 'yes', language: 'hmn' });
    await recordStatus(t.ctx, lawyerOnly.holder.actor, lawyerOnly.caseId, { custody: 'released-bond', relief: [], outcome: 'pending' }, 'provider');
    expect(await messages(lawyerOnly.caseId)).toEqual([{ template: 'legal-defense.notify.family', locale: 'hmn', channel: 'sms' }]);
    // A phone call cannot carry a message: "updates" by phone is no consent at all.
    const byPhone = await accepted({ givenName: 'Ana', familyName: 'Soto', dateOfBirth: '1991-01-01', contactConsent: 'updates', contactMethod: 'phone' });
    await recordStatus(t.ctx, byPhone.holder.actor, byPhone.caseId, { custody: 'released-bond', relief: [], outcome: 'pending' }, 'provider');
    expect(await messages(byPhone.caseId)).toEqual([]);
  });

  it('conflict check: a provider with the person as an existing party is never offered the case', async () => {
    await addParty(t.ctx, staffActor, providers[0] as string, { aNumber: 'A987654321' });
    await addParty(t.ctx, staffActor, providers[1] as string, { givenName: 'Ana', familyName: 'Ruiz', dateOfBirth: '1980-01-01' });
    const filed = await file(report({ givenName: 'ana', familyName: 'RUIZ', dateOfBirth: '1980-01-01', aNumber: 'A-987-654-321' }));
    const row = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['status', 'provider_id']).where('id', '=', filed.caseId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'offered', provider_id: providers[2] });
    const offer = await t.ctx.db.kysely.selectFrom('legal_defense_assignments').select('explanation').where('case_id', '=', filed.caseId).executeTakeFirstOrThrow();
    const excluded = (JSON.parse(offer.explanation) as { excluded: unknown[] }).excluded;
    expect(excluded).toEqual(expect.arrayContaining([{ providerId: providers[0], reason: 'conflict' }, { providerId: providers[1], reason: 'conflict' }]));
  });

  it('eligibility by staff: "not sure" waits for staff; not eligible closes with referrals; no merits question is asked', async () => {
    const filed = await file(report({ givenName: 'Pa', familyName: 'Vang', dateOfBirth: '1975-03-03', livesInCity: 'unknown', personLanguage: 'hmn' }));
    expect(filed.status).toBe('reported');
    // The clock moved on hours in an earlier test: sign in again (sessions time out).
    staff = await signInAs(t, 'legal-defense-staff');
    const page = await staff.get(`/staff/legal-defense/cases/${filed.caseId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Universal representation');
    // Why staff must check: the caller's answer, kept as a reason code (the address itself is not kept).
    expect(page.body).toContain('Staff need to check residency: the caller did not know whether the person lives in the city');
    const row = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('revision').where('id', '=', filed.caseId).executeTakeFirstOrThrow();
    await expect(recordEligibility(t.ctx, staffActor, filed.caseId, { revision: row.revision, decision: 'ineligible' })).rejects.toBeDefined();
    await recordEligibility(t.ctx, staffActor, filed.caseId, { revision: row.revision, decision: 'ineligible', reason: 'not-resident' });
    const closed = await staff.get(`/staff/legal-defense/cases/${filed.caseId}?lang=hmn`);
    expect(closed.body).toContain('Xa mus rau qhov twg');
    expect(closed.body).toContain('Immigrant Law Center of Minnesota');
    const after = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['status', 'open', 'disposition_reason', 'closed_at']).where('id', '=', filed.caseId).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'ineligible', open: 0, disposition_reason: 'not-resident' });
    expect(after.closed_at).not.toBeNull();
  });

  it('court: a hearing on the calendar, the judge decision starts the BIA appeal, reconsider and reopen clocks from the profile; a filing meets one; only the accepting provider records', async () => {
    const filed = await file(report({ givenName: 'Court', familyName: 'Case', dateOfBirth: '1988-08-08', personLanguage: 'so' }));
    const row = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('provider_id').where('id', '=', filed.caseId).executeTakeFirstOrThrow();
    const holder = attorneys[providers.indexOf(row.provider_id as string)] as (typeof attorneys)[number];
    const stranger = attorneys.find((a) => a !== holder) as (typeof attorneys)[number];
    // Not yet accepted: the provider cannot record court events.
    await expect(recordProceeding(t.ctx, holder.actor, filed.caseId, { kind: 'master-calendar', on: '2026-12-01' }, 'provider')).rejects.toMatchObject({ code: 'conflict' });
    await acceptCase(t.ctx, holder.actor, filed.caseId);
    // No consent given: no message to the contact.
    expect(await t.ctx.db.kysely.selectFrom('notify_messages').select('id').where('related_id', '=', filed.caseId).where('channel', '=', 'sms').execute()).toEqual([]);
    await expect(recordProceeding(t.ctx, stranger.actor, filed.caseId, { kind: 'ij-decision', on: '2026-11-02' }, 'provider')).rejects.toMatchObject({ code: 'not_found' });
    // A hearing may be scheduled ahead; a decision may not be in the future; an unknown kind is refused.
    expect(await recordProceeding(t.ctx, holder.actor, filed.caseId, { kind: 'master-calendar', on: '2026-12-01' }, 'provider')).toEqual([]);
    await expect(recordProceeding(t.ctx, holder.actor, filed.caseId, { kind: 'ij-decision', on: '2026-12-30' }, 'provider')).rejects.toMatchObject({ code: 'validation' });
    await expect(recordProceeding(t.ctx, holder.actor, filed.caseId, { kind: 'deportation', on: '2026-11-02' }, 'provider')).rejects.toMatchObject({ code: 'validation' });
    const clocks = await recordProceeding(t.ctx, holder.actor, filed.caseId, { kind: 'ij-decision', on: '2026-11-02' }, 'provider');
    expect(clocks).toHaveLength(3);
    await recordProceeding(t.ctx, holder.actor, filed.caseId, { kind: 'last-arrival', on: '2026-01-10' }, 'provider');
    const detail = await readCase(t.ctx, holder.actor, filed.caseId, { kind: 'provider' });
    expect(detail.proceedings.map((p) => p.kind)).toEqual(['last-arrival', 'ij-decision', 'master-calendar']);
    // 30 calendar days from 2 November, kept on the earlier date; 90 days to reopen; the asylum year rolls a Sunday to Monday.
    expect(Object.fromEntries(detail.deadlines.map((c) => [c.governingRule, c.dueDate]))).toEqual({
      biaAppeal: '2026-12-02',
      motionToReconsider: '2026-12-02',
      motionToReopen: '2027-01-31',
      asylumOneYear: '2027-01-11',
    });
    const appeal = detail.deadlines.find((c) => c.governingRule === 'biaAppeal');
    await meetDeadline(t.ctx, holder.actor, filed.caseId, appeal?.id as string, 'provider');
    await expect(meetDeadline(t.ctx, holder.actor, filed.caseId, detail.contactClock?.id as string, 'provider')).rejects.toMatchObject({ code: 'not_found' });
    const after = await readCase(t.ctx, holder.actor, filed.caseId, { kind: 'provider' });
    expect(after.deadlines.find((c) => c.governingRule === 'biaAppeal')?.status).toBe('met');
    // Custody, relief and outcome (codes for the figures); a transfer re-seals the restricted location.
    await expect(recordStatus(t.ctx, holder.actor, filed.caseId, { custody: 'jail', relief: [], outcome: 'pending' }, 'provider')).rejects.toMatchObject({ code: 'validation' });
    await recordStatus(t.ctx, holder.actor, filed.caseId, { custody: 'released-bond', relief: ['asylum', 'withholding', 'cat'], outcome: 'pending' }, 'provider');
    await expect(recordTransfer(t.ctx, holder.actor, filed.caseId, { facility: 'nowhere' }, 'provider')).rejects.toMatchObject({ code: 'validation' });
    await recordTransfer(t.ctx, holder.actor, filed.caseId, { facility: 'freeborn-county-adc' }, 'provider');
    await expect(recordTransfer(t.ctx, stranger.actor, filed.caseId, { facility: 'freeborn-county-adc' }, 'provider')).rejects.toMatchObject({ code: 'not_found' });
    const moved = await readRestricted(t.ctx, holder.actor, filed.caseId, { kind: 'provider' });
    expect(moved.detention).toMatchObject({ facility: 'freeborn-county-adc', detainedPlace: 'Lake St and Bloomington Ave' });
    const status = await readCase(t.ctx, holder.actor, filed.caseId, { kind: 'provider' });
    expect(status).toMatchObject({ custody: 'detained', reliefSought: ['asylum', 'withholding', 'cat'], outcome: 'pending' });
    expect(status.events.map((e) => e.kind)).toContain('transferred');
    const plain = await t.ctx.db.kysely.selectFrom('legal_defense_cases').selectAll().where('id', '=', filed.caseId).executeTakeFirstOrThrow();
    expect(JSON.stringify(plain)).not.toContain('freeborn');
    // The case page in Somali shows the court section with the deadlines in words.
    const page = await staff.get(`/staff/legal-defense/cases/${filed.caseId}?lang=so`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Maxkamadda socdaalka');
    expect(page.body).toContain('Codsi dib u furid (90 maalmood)');
    expect(page.body).toContain('Magangelyo');
    // A court deadline is a last day, named with its weekday (the reopen day is a Sunday) and counted in days;
    // filing is a separate button, not words that run into the deadline.
    const en = await staff.get(`/staff/legal-defense/cases/${filed.caseId}?lang=en`);
    expect(en.body).toMatch(/Due by the end of Sunday, January 31, 2027 \(\d+ days left\)/);
    const es = await staff.get(`/staff/legal-defense/cases/${filed.caseId}?lang=es`);
    expect(es.body).toContain('Vence al final del domingo, 31 de enero de 2027');
    const fresh = new TestBrowser(t.app);
    fresh.setCookie(SESSION_COOKIE, await createSession(t.ctx, { userId: holder.actor.userId, factor: 'totp' }));
    const provider = await fresh.get(`/staff/legal-defense/assigned/${filed.caseId}?lang=en`);
    expect(provider.statusCode).toBe(200);
    expect(provider.body).toMatch(/<button type="submit" class="usa-button usa-button--outline usa-button--small">Record as filed: /);
  });

  it('retention: a closed case is forgotten three years after closing (key destroyed, reports, offers, clocks deleted); open cases stay', async () => {
    const closed = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['id', 'person_sealed', 'closed_at']).where('status', '=', 'ineligible').executeTakeFirstOrThrow();
    const open = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('id').where('open', '=', 1).executeTakeFirstOrThrow();
    expect(await t.ctx.db.kysely.selectFrom('clocks').select('id').where('record_id', '=', closed.id).execute()).not.toEqual([]);
    const closedAt = new Date(closed.closed_at as string);
    clock = new Date(closedAt.getTime() + (3 * 365 - 1) * 86_400_000);
    await t.ctx.retention.purge({ trigger: 'operator' });
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('id').where('id', '=', closed.id).executeTakeFirst()).toBeDefined();
    clock = new Date(closedAt.getTime() + (3 * 365 + 1) * 86_400_000);
    const purged = await t.ctx.retention.purge({ trigger: 'operator' });
    expect(purged.results.find((r) => r.recordType === 'legal-defense.case')).toMatchObject({ deleted: 1, subjectsForgotten: 1 });
    for (const table of ['legal_defense_reports', 'legal_defense_events', 'legal_defense_assignments', 'legal_defense_proceedings'] as const) {
      expect(await t.ctx.db.kysely.selectFrom(table).select('id').where('case_id', '=', closed.id).execute()).toEqual([]);
    }
    expect(await t.ctx.db.kysely.selectFrom('clocks').select('id').where('record_id', '=', closed.id).execute()).toEqual([]);
    await expect(t.ctx.vault.open(closed.id, closed.person_sealed, { table: 'legal_defense_cases', column: 'person_sealed', rowId: closed.id })).rejects.toBeInstanceOf(KeyNotFoundError);
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('id').where('id', '=', open.id).executeTakeFirst()).toBeDefined();
  });
});
