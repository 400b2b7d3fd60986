import { afterAll, beforeAll, expect, it } from 'vitest';
import { KeyNotFoundError } from '../../src/core/crypto/index.ts';
import { acceptCase, addProvider, linkAttorney, offerCase, recordFirstContact } from '../../src/modules/legal-defense/legal-defense.assignment.ts';
import { CLOSED_CLOCK_REASON, closeCase } from '../../src/modules/legal-defense/legal-defense.close.ts';
import { recordProceeding, recordStatus } from '../../src/modules/legal-defense/legal-defense.court.ts';
import { type StaffActor, createReport, fileReport, parseReport, readCase } from '../../src/modules/legal-defense/legal-defense.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';

const START = new Date('2026-11-20T15:00:00Z');
let clock = START;

function report(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    reporterRole: 'family',
    givenName: 'Amina',
    familyName: 'Close Test',
    dateOfBirth: '1991-04-05',
    detainedOn: '2026-11-19',
    detainedPlace: 'Cedar Ave',
    facility: 'sherburne-county-jail',
    personLanguage: 'so',
    livesInCity: 'yes',
    contactName: 'Farah',
    contactMethod: 'sms',
    contactPhone: '(612) 555-0199',
    language: 'so',
    ...overrides,
  };
}

describeEachDialect('legal defense: closing a case', (dialect) => {
  let t: TestApp;
  let staff: StaffBrowser;
  let staffActor: StaffActor;
  const providers: string[] = [];
  const attorneys: Array<{ browser: StaffBrowser; actor: StaffActor }> = [];

  const file = async (overrides: Record<string, unknown> = {}) =>
    fileReport(t.ctx, (tx) => createReport(t.ctx, tx, { input: parseReport(t.ctx, report(overrides), clock), channel: 'api', filer: { kind: 'system' }, now: clock, offer: offerCase }));
  const caseRow = (id: string) => t.ctx.db.kysely.selectFrom('legal_defense_cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const load = async (providerId: string) => (await t.ctx.db.kysely.selectFrom('legal_defense_providers').select('open_cases').where('id', '=', providerId).executeTakeFirstOrThrow()).open_cases;
  const holderOf = async (id: string) => attorneys[providers.indexOf((await caseRow(id)).provider_id as string)] as (typeof attorneys)[number];
  const snapshot = async (id: string) => ({
    row: await caseRow(id),
    loads: await t.ctx.db.kysely.selectFrom('legal_defense_providers').select(['id', 'open_cases']).orderBy('id').execute(),
    events: (await t.ctx.db.kysely.selectFrom('legal_defense_events').select('kind').where('case_id', '=', id).execute()).length,
    clocks: await t.ctx.db.kysely.selectFrom('clocks').select(['id', 'status']).where('record_id', '=', id).orderBy('id').execute(),
  });

  beforeAll(async () => {
    clock = START;
    t = await createTestApp(dialect, { now: () => clock });
    staff = await signInAs(t, 'legal-defense-staff');
    staffActor = { userId: staff.userId, role: 'legal-defense-staff' };
    for (const name of ['Somali Legal', 'Second Provider']) providers.push(await addProvider(t.ctx, staffActor, { name, capacity: 10, languages: ['so', 'en'], available: true }));
    for (const p of providers) {
      const browser = await signInAs(t, 'partner-attorney');
      await linkAttorney(t.ctx, staffActor, p, browser.userId);
      attorneys.push({ browser, actor: { userId: browser.userId, role: 'partner-attorney' } });
    }
  });
  afterAll(async () => t?.close());

  it('the accepting attorney closes a case: closed in one step, the count goes down, deadlines stop, contact stays met, the case leaves their list', async () => {
    const filed = await file({ aNumber: 'A-301-402-503' });
    const holder = await holderOf(filed.caseId);
    const providerId = (await caseRow(filed.caseId)).provider_id as string;
    await acceptCase(t.ctx, holder.actor, filed.caseId);
    // Ten minutes on (sessions stay signed in: they idle out after 30).
    clock = new Date(clock.getTime() + 10 * 60_000);
    await recordFirstContact(t.ctx, holder.actor, filed.caseId);
    await recordProceeding(t.ctx, holder.actor, filed.caseId, { kind: 'ij-decision', on: '2026-11-20' }, 'provider');
    const before = await load(providerId);
    expect(before).toBe(1);

    const res = await holder.browser.post(`/staff/legal-defense/assigned/${filed.caseId}/close`, { closingReason: 'relief-granted', closedOn: '2026-11-20' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/legal-defense/assigned?done=closed');
    const row = await caseRow(filed.caseId);
    expect(row).toMatchObject({ status: 'closed', open: 0, closing_reason: 'relief-granted', closed_on: '2026-11-20', closed_at: clock.toISOString(), outcome: 'relief-granted' });
    expect(await load(providerId)).toBe(before - 1);
    // The first-contact clock stays met; the three deadline clocks the decision started are stopped.
    const clocks = await t.ctx.db.kysely.selectFrom('clocks').select(['record_type', 'status', 'stop_reason']).where('record_id', '=', filed.caseId).execute();
    expect(clocks.filter((c) => c.record_type === 'legal-defense.case')).toEqual([{ record_type: 'legal-defense.case', status: 'met', stop_reason: null }]);
    const deadlines = clocks.filter((c) => c.record_type === 'legal-defense.deadline');
    expect(deadlines).toHaveLength(3);
    for (const c of deadlines) expect(c).toMatchObject({ status: 'stopped', stop_reason: CLOSED_CLOCK_REASON });
    expect(clocks.filter((c) => ['running', 'overdue', 'paused'].includes(c.status))).toEqual([]);
    const events = await t.ctx.db.kysely.selectFrom('legal_defense_events').select(['kind', 'reason_code', 'actor_id']).where('case_id', '=', filed.caseId).orderBy('at').orderBy('id').execute();
    expect(events.slice(-2)).toEqual([
      { kind: 'outcome', reason_code: 'relief-granted', actor_id: holder.actor.userId },
      { kind: 'closed', reason_code: 'relief-granted', actor_id: holder.actor.userId },
    ]);
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').select(['actor_id', 'detail']).where('record_id', '=', filed.caseId).where('detail', '=', 'decision.closed').execute();
    expect(audit).toEqual([{ actor_id: holder.actor.userId, detail: 'decision.closed' }]);

    // The attorney's list says so and no longer holds it; the case is outside their scope now.
    const list = await holder.browser.get('/staff/legal-defense/assigned?done=closed');
    expect(list.body).toContain('The case is closed.');
    expect(list.body).not.toContain(filed.caseId.slice(-8));
    expect((await holder.browser.get(`/staff/legal-defense/assigned/${filed.caseId}`)).statusCode).toBe(404);
    // The queue links to the public outcome figures.
    expect((await staff.get('/staff/legal-defense')).body).toContain('href="/legal-defense/outcomes"');
    // Program staff see it closed, with the reason and the day, in Somali too; no close form any more.
    const page = await staff.get(`/staff/legal-defense/cases/${filed.caseId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Case closed');
    expect(page.body).toContain('Relief granted; the case is complete');
    expect(page.body).toContain('2026-11-20');
    expect(page.body).not.toContain(`action="/staff/legal-defense/cases/${filed.caseId}/close"`);
    const so = await staff.get(`/staff/legal-defense/cases/${filed.caseId}?lang=so`);
    expect(so.body).toContain('Gargaar ayaa la siiyay; kiisku waa dhammaaday');
    // (The language is remembered: back to English for the tests below.)
    await staff.get(`/staff/legal-defense/cases/${filed.caseId}?lang=en`);
    const detail = await readCase(t.ctx, staffActor, filed.caseId, { kind: 'program' });
    expect(detail).toMatchObject({ status: 'closed', open: false, closingReason: 'relief-granted', closedOn: '2026-11-20' });
  });

  it('program staff close a case still offered: the offer is withdrawn, its accept clock and the first-contact clock stop, the count goes down', async () => {
    const filed = await file({ givenName: 'Offered', familyName: 'Only', dateOfBirth: '1980-01-01' });
    const row = await caseRow(filed.caseId);
    expect(row.status).toBe('offered');
    const providerId = row.provider_id as string;
    const before = await load(providerId);
    const page = await staff.get(`/staff/legal-defense/cases/${filed.caseId}`);
    expect(page.body).toContain(`action="/staff/legal-defense/cases/${filed.caseId}/close"`);
    const res = await staff.post(`/staff/legal-defense/cases/${filed.caseId}/close`, { closingReason: 'released', closedOn: '2026-11-20' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/staff/legal-defense/cases/${filed.caseId}?done=closed`);
    expect(await caseRow(filed.caseId)).toMatchObject({ status: 'closed', open: 0, closing_reason: 'released', outcome: null });
    expect(await load(providerId)).toBe(before - 1);
    const offer = await t.ctx.db.kysely.selectFrom('legal_defense_assignments').select(['status', 'reason_code', 'actor_id']).where('case_id', '=', filed.caseId).executeTakeFirstOrThrow();
    expect(offer).toEqual({ status: 'withdrawn', reason_code: CLOSED_CLOCK_REASON, actor_id: staffActor.userId });
    const clocks = await t.ctx.db.kysely.selectFrom('clocks').select(['record_type', 'status', 'stop_reason']).where('record_id', '=', filed.caseId).orderBy('record_type').execute();
    expect(clocks).toEqual([
      { record_type: 'legal-defense.assignment', status: 'stopped', stop_reason: CLOSED_CLOCK_REASON },
      { record_type: 'legal-defense.case', status: 'stopped', stop_reason: CLOSED_CLOCK_REASON },
    ]);
    // The offered provider's attorney no longer sees it.
    const holder = attorneys[providers.indexOf(providerId)] as (typeof attorneys)[number];
    expect((await holder.browser.get(`/staff/legal-defense/assigned/${filed.caseId}`)).statusCode).toBe(404);
    const shown = await staff.get(`/staff/legal-defense/cases/${filed.caseId}?done=closed`);
    expect(shown.body).toContain('The case is closed.');
    expect(shown.body).toContain('Released; the representation ended');
  });

  it('bad input is a translated 422 on the case page and nothing changes', async () => {
    const filed = await file({ givenName: 'Bad', familyName: 'Input', dateOfBirth: '1982-02-02' });
    const holder = await holderOf(filed.caseId);
    await acceptCase(t.ctx, holder.actor, filed.caseId);
    const before = await snapshot(filed.caseId);
    const url = `/staff/legal-defense/assigned/${filed.caseId}/close?lang=es`;
    const unknown = await holder.browser.post(url, { closingReason: 'deported', closedOn: '2026-11-20' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain('Elija por qué se cierra el caso');
    expect(unknown.body).toContain('href="#field-closingReason"');
    const future = await holder.browser.post(url, { closingReason: 'released', closedOn: '2026-11-21' });
    expect(future.statusCode).toBe(422);
    expect(future.body).toContain('Esta fecha es en el futuro');
    const early = await holder.browser.post(url, { closingReason: 'released', closedOn: '2026-11-01' });
    expect(early.statusCode).toBe(422);
    expect(early.body).toContain('Este día es anterior al primer reporte sobre la persona');
    const garbage = await holder.browser.post(url, { closingReason: 'released', closedOn: 'yesterday' });
    expect(garbage.statusCode).toBe(422);
    expect(garbage.body).toContain('Escriba una fecha real');
    const missing = await holder.browser.post(url, {});
    expect(missing.statusCode).toBe(422);
    // A reason that contradicts the outcome recorded is refused too.
    await recordStatus(t.ctx, holder.actor, filed.caseId, { custody: 'detained', relief: ['asylum'], outcome: 'removal-ordered' }, 'provider');
    const mid = await snapshot(filed.caseId);
    const contradicts = await holder.browser.post(url, { closingReason: 'relief-granted', closedOn: '2026-11-20' });
    expect(contradicts.statusCode).toBe(422);
    expect(contradicts.body).toContain('Este motivo no coincide con el resultado registrado');
    expect(await snapshot(filed.caseId)).toEqual(mid);
    expect(mid.row.open).toBe(1);
    expect(mid.loads).toEqual(before.loads);
    expect(mid.clocks).toEqual(before.clocks);
    // The matching reason closes it and keeps the outcome.
    await closeCase(t.ctx, holder.actor, filed.caseId, { reason: 'removal-ordered', on: '2026-11-20' }, 'provider');
    expect(await caseRow(filed.caseId)).toMatchObject({ status: 'closed', outcome: 'removal-ordered', closing_reason: 'removal-ordered' });
  });

  it('scope: an attorney cannot close a case only offered to them nor another provider\'s; a closed case is not closed twice', async () => {
    const filed = await file({ givenName: 'Scope', familyName: 'Check', dateOfBirth: '1983-03-03' });
    const holder = await holderOf(filed.caseId);
    const stranger = attorneys.find((a) => a !== holder) as (typeof attorneys)[number];
    await expect(closeCase(t.ctx, holder.actor, filed.caseId, { reason: 'other', on: '2026-11-20' }, 'provider')).rejects.toMatchObject({ code: 'conflict' });
    await acceptCase(t.ctx, holder.actor, filed.caseId);
    expect((await stranger.browser.post(`/staff/legal-defense/assigned/${filed.caseId}/close`, { closingReason: 'other', closedOn: '2026-11-20' })).statusCode).toBe(404);
    expect((await caseRow(filed.caseId)).open).toBe(1);
    await closeCase(t.ctx, staffActor, filed.caseId, { reason: 'client-withdrew', on: '2026-11-20' }, 'program');
    const again = await staff.post(`/staff/legal-defense/cases/${filed.caseId}/close`, { closingReason: 'other', closedOn: '2026-11-20' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('This case is already closed.');
    expect((await caseRow(filed.caseId)).closing_reason).toBe('client-withdrew');
  });

  it('two closings at the same moment: one wins, the provider\'s count goes down once', async () => {
    const filed = await file({ givenName: 'Race', familyName: 'Close', dateOfBirth: '1984-04-04' });
    const holder = await holderOf(filed.caseId);
    const providerId = (await caseRow(filed.caseId)).provider_id as string;
    await acceptCase(t.ctx, holder.actor, filed.caseId);
    const before = await load(providerId);
    const results = await Promise.allSettled([
      closeCase(t.ctx, holder.actor, filed.caseId, { reason: 'released', on: '2026-11-20' }, 'provider'),
      closeCase(t.ctx, staffActor, filed.caseId, { reason: 'transferred-out', on: '2026-11-20' }, 'program'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ code: 'conflict' });
    expect(await load(providerId)).toBe(before - 1);
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_events').select('id').where('case_id', '=', filed.caseId).where('kind', '=', 'closed').execute()).toHaveLength(1);
  });

  it('a new report about the person after closing opens a new case (reports merge only into an open one)', async () => {
    const closed = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['id', 'report_count']).where('closing_reason', '=', 'relief-granted').executeTakeFirstOrThrow();
    // Same A-number, and the same name and date of birth written differently.
    const again = await file({ aNumber: 'A301402503', givenName: 'AMINA', familyName: 'close test' });
    expect(again.merged).toBe(false);
    expect(again.caseId).not.toBe(closed.id);
    expect(await caseRow(again.caseId)).toMatchObject({ status: 'offered', open: 1, report_count: 1, closing_reason: null });
    expect((await caseRow(closed.id)).report_count).toBe(closed.report_count);
    // A second report now merges into the new open case.
    const third = await file({ aNumber: 'A-301-402-503' });
    expect(third).toMatchObject({ caseId: again.caseId, merged: true });
  });

  it('retention: a closed case is forgotten three years after closing (key destroyed, rows and clocks deleted); the reopened case stays', async () => {
    const closed = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['id', 'person_sealed', 'closed_at']).where('closing_reason', '=', 'relief-granted').executeTakeFirstOrThrow();
    const reopened = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('id').where('open', '=', 1).where('report_count', '=', 2).executeTakeFirstOrThrow();
    expect(await t.ctx.db.kysely.selectFrom('clocks').select('id').where('record_id', '=', closed.id).execute()).toHaveLength(5);
    const closedAt = new Date(closed.closed_at as string);
    clock = new Date(closedAt.getTime() + (3 * 365 - 1) * 86_400_000);
    await t.ctx.retention.purge({ trigger: 'operator' });
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('id').where('id', '=', closed.id).executeTakeFirst()).toBeDefined();
    clock = new Date(closedAt.getTime() + (3 * 365 + 1) * 86_400_000);
    await t.ctx.retention.purge({ trigger: 'operator' });
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('id').where('id', '=', closed.id).executeTakeFirst()).toBeUndefined();
    for (const table of ['legal_defense_reports', 'legal_defense_events', 'legal_defense_assignments', 'legal_defense_proceedings'] as const) {
      expect(await t.ctx.db.kysely.selectFrom(table).select('id').where('case_id', '=', closed.id).execute()).toEqual([]);
    }
    expect(await t.ctx.db.kysely.selectFrom('clocks').select('id').where('record_id', '=', closed.id).execute()).toEqual([]);
    await expect(t.ctx.vault.open(closed.id, closed.person_sealed, { table: 'legal_defense_cases', column: 'person_sealed', rowId: closed.id })).rejects.toBeInstanceOf(KeyNotFoundError);
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('id').where('id', '=', reopened.id).executeTakeFirst()).toBeDefined();
  });
});
