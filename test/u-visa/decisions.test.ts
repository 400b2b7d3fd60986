import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StaffActor } from '../../src/modules/u-visa/u-visa.service.ts';
import { fileRequest } from '../../src/modules/u-visa/u-visa.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';
import { validRequest } from './u-visa-helpers.ts';

let now = new Date('2026-11-20T15:00:00Z');
const tick = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

async function file(t: TestApp, overrides: Record<string, unknown> = {}): Promise<string> {
  return (await fileRequest(t.ctx, { raw: validRequest(overrides), channel: 'staff', filer: { kind: 'system' } })).id;
}

async function revisionOf(t: TestApp, id: string): Promise<string> {
  const r = await t.ctx.db.kysely.selectFrom('u_visa_requests').select('revision').where('id', '=', id).executeTakeFirstOrThrow();
  return String(r.revision);
}

async function status(t: TestApp, id: string) {
  return t.ctx.db.kysely.selectFrom('u_visa_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describeEachDialect('certifying queue actions (Minneapolis rules)', (dialect) => {
  let t: TestApp;
  let official: StaffBrowser;
  let supervisor: StaffBrowser;
  let staff: StaffBrowser;
  // Sessions expire when the test clock jumps days ahead: sign in again after moving it.
  const signIn = async () => {
    official = await signInAs(t, 'certifying-official');
    supervisor = await signInAs(t, 'certifying-supervisor');
    staff = await signInAs(t, 'program-staff');
  };
  beforeAll(async () => {
    // Each dialect's suite starts at the same moment (the clock is shared by the file).
    now = new Date('2026-11-20T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
    await signIn();
  });
  afterAll(async () => t.close());

  it('asking for information does not pause a Minneapolis clock (no rule allows it), and says so', async () => {
    const id = await file(t, { expedite: 'victim', expediteProofType: 'notice-to-appear', expediteProofDate: '2026-11-01' });
    const res = await staff.post(`/staff/u-visa/requests/${id}/info-request`, { note: 'Please send the police report number.' });
    expect(res.statusCode).toBe(303);
    expect((await status(t, id)).status).toBe('info-requested');
    const [clock] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id });
    expect(clock?.status).toBe('running');
    const page = await staff.get(`/staff/u-visa/requests/${id}`);
    expect(page.body).toContain('The clock keeps running while we wait for the information');
    // The requester was written to, in Spanish, by e-mail.
    const messages = await t.ctx.db.kysely.selectFrom('notify_messages').select(['template', 'locale']).where('template', '=', 'u-visa.notify.infoRequested').execute();
    expect(messages).toEqual([{ template: 'u-visa.notify.infoRequested', locale: 'es' }]);
    expect((await staff.post(`/staff/u-visa/requests/${id}/info-received`, {})).statusCode).toBe(303);
    expect((await status(t, id)).status).toBe('received');
  });

  it('a good-cause delay moves the city rule only, with its reason code, and is reported; the state maximum still binds', async () => {
    const id = await file(t, { expedite: 'victim', expediteProofType: 'notice-to-appear', expediteProofDate: '2026-11-01' });
    const before = (await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id }))[0];
    expect(before?.dueDate).toBe('2026-11-27');
    const bad = await staff.post(`/staff/u-visa/requests/${id}/good-cause`, { reasonCode: 'awaiting-requester', days: '5', note: 'x' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Choose a reason that the rules of this request');
    for (const days of ['0x10', '1e1', '']) expect((await staff.post(`/staff/u-visa/requests/${id}/good-cause`, { reasonCode: 'offsite-records', days, note: 'x' })).statusCode, days).toBe(422);
    const res = await staff.post(`/staff/u-visa/requests/${id}/good-cause`, { reasonCode: 'offsite-records', days: '5', note: 'The report is in the county archive.' });
    expect(res.statusCode).toBe(303);
    const [after] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id });
    expect(after?.dueDate).toBe('2026-12-02');
    expect(after?.governingRule).toBe('uVisaCertificationExpedited');
    // 30 more days: the state's 14 days now govern.
    await staff.post(`/staff/u-visa/requests/${id}/good-cause`, { reasonCode: 'other-good-cause', days: '30', note: 'Witness unavailable.' });
    const [capped] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id });
    expect(capped?.dueDate).toBe('2026-12-04');
    expect(capped?.governingRule).toBe('uVisaCertificationStateMaximumExpedited');
    // The queue's order follows the clock.
    expect((await status(t, id)).due_at).toBe(capped?.dueAt.toISOString());
    const report = await t.ctx.clocks.goodCauseReport({ owner: 'u-visa' });
    expect(report.byReason).toMatchObject({ 'offsite-records': 1, 'other-good-cause': 1 });
  });

  it('helpfulness is presumed: a denial for lack of helpfulness needs the documented reason first; every denial needs a supervisor, a second person', async () => {
    const id = await file(t);
    let rev = await revisionOf(t, id);
    const early = await official.post(`/staff/u-visa/requests/${id}/deny`, { revision: rev, reason: 'not-helpful', explanation: 'The victim did not cooperate.' });
    expect(early.statusCode).toBe(422);
    expect(early.body).toContain('The victim is presumed helpful: first record the documented reason why not');
    const noReason = await official.post(`/staff/u-visa/requests/${id}/helpfulness`, { helpfulness: 'not-helpful', reason: '' });
    expect(noReason.statusCode).toBe(422);
    expect((await official.post(`/staff/u-visa/requests/${id}/helpfulness`, { helpfulness: 'not-helpful', reason: 'Refused three interview requests in writing.' })).statusCode).toBe(303);
    rev = await revisionOf(t, id);
    const noExplanation = await official.post(`/staff/u-visa/requests/${id}/deny`, { revision: rev, reason: 'not-helpful', explanation: '' });
    expect(noExplanation.statusCode).toBe(422);
    expect((await official.post(`/staff/u-visa/requests/${id}/deny`, { revision: rev, reason: 'not-helpful', explanation: 'You did not answer our three requests for an interview.' })).statusCode).toBe(303);
    expect((await status(t, id)).status).toBe('pending-review');
    // A certifying official cannot confirm; the supervisor can.
    rev = await revisionOf(t, id);
    expect((await official.post(`/staff/u-visa/requests/${id}/review`, { revision: rev, outcome: 'confirm' })).statusCode).toBe(403);
    const returned = await supervisor.post(`/staff/u-visa/requests/${id}/review`, { revision: rev, outcome: 'return', note: '' });
    expect(returned.statusCode).toBe(422);
    expect((await supervisor.post(`/staff/u-visa/requests/${id}/review`, { revision: rev, outcome: 'confirm', note: '' })).statusCode).toBe(303);
    const row = await status(t, id);
    expect(row).toMatchObject({ status: 'denied', decision: 'denied', open: 0, denial_reason: 'not-helpful' });
    expect(row.closed_at).not.toBeNull();
    // A supervisor who proposed a denial cannot review it too.
    const both = await signInAs(t, ['certifying-official', 'certifying-supervisor']);
    const other = await file(t);
    await both.post(`/staff/u-visa/requests/${other}/helpfulness`, { helpfulness: 'not-helpful', reason: 'Documented.' });
    await both.post(`/staff/u-visa/requests/${other}/deny`, { revision: await revisionOf(t, other), reason: 'other', explanation: 'Explained.' });
    const self = await both.post(`/staff/u-visa/requests/${other}/review`, { revision: await revisionOf(t, other), outcome: 'confirm' });
    expect(self.statusCode).toBe(403);
  });

  it('reconsideration reopens a denied request on a new clock, back in the queue; withdrawal stops its clocks', async () => {
    const id = await file(t);
    await official.post(`/staff/u-visa/requests/${id}/deny`, { revision: await revisionOf(t, id), reason: 'no-investigation', explanation: 'We have no record of this report.' });
    await supervisor.post(`/staff/u-visa/requests/${id}/review`, { revision: await revisionOf(t, id), outcome: 'confirm' });
    tick(3 * 86_400_000);
    await signIn();
    expect((await staff.post(`/staff/u-visa/requests/${id}/reconsider`, { note: 'The report was filed under another name; here is the number.' })).statusCode).toBe(303);
    const row = await status(t, id);
    expect(row).toMatchObject({ status: 'reconsideration', open: 1, closed_at: null });
    const clocks = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id });
    expect(clocks.map((c) => c.status)).toEqual(['met', 'running']);
    expect(clocks[1]?.dueDate).toBe('2026-12-23');
    expect((await staff.post(`/staff/u-visa/requests/${id}/withdraw`, {})).statusCode).toBe(303);
    expect((await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id })).map((c) => c.status)).toEqual(['met', 'stopped']);
    expect((await status(t, id)).status).toBe('withdrawn');
  });

  it('routing by hand: only a department that certifies the visa type', async () => {
    const id = await file(t, { agency: 'unknown' });
    expect((await status(t, id)).department).toBeNull();
    const res = await staff.post(`/staff/u-visa/requests/${id}/route`, { department: 'nowhere' });
    expect(res.statusCode).toBe(422);
    const tId = await file(t, { agency: 'unknown', visaType: 'T', crimes: ['trafficking'] });
    expect((await staff.post(`/staff/u-visa/requests/${tId}/route`, { department: 'city-attorney' })).statusCode).toBe(422);
    expect((await staff.post(`/staff/u-visa/requests/${id}/route`, { department: 'city-attorney' })).statusCode).toBe(303);
    expect((await status(t, id)).department).toBe('city-attorney');
  });

  it('family members under 21 get an age-out alert; the A-number search finds the same person (audited)', async () => {
    const id = await file(t, { aNumber: 'A-098-765-432' });
    expect((await staff.post(`/staff/u-visa/requests/${id}/family`, { name: 'Luis', relationship: 'child', dateOfBirth: '2010-03-15' })).statusCode).toBe(303);
    expect((await staff.post(`/staff/u-visa/requests/${id}/family`, { name: 'Ana', relationship: 'child', dateOfBirth: '2030-01-01' })).statusCode).toBe(422);
    const ageOut = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.age-out', recordId: id });
    expect(ageOut.map((c) => c.dueDate)).toEqual(['2031-03-14']);
    const page = await official.get(`/staff/u-visa/requests/${id}`);
    expect(page.body).toContain('Luis');
    const search = await official.post('/staff/u-visa/search', { aNumber: '098765432' });
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain(`/staff/u-visa/requests/${id}`);
    expect((await official.post('/staff/u-visa/search', { aNumber: '12' })).statusCode).toBe(422);
    expect((await staff.post('/staff/u-visa/search', { aNumber: '098765432' })).statusCode).toBe(403);
    const searches = await t.ctx.db.kysely.selectFrom('audit_log').select('detail').where('action', '=', 'record.search').execute();
    expect(searches.map((s) => s.detail)).toEqual(['results.some']);
  });

  it('two officials acting on the same request at once: one wins, the other gets a conflict', async () => {
    const id = await file(t);
    const rev = await revisionOf(t, id);
    const actor: StaffActor = { userId: official.userId, role: 'certifying-official' };
    const { proposeDenial } = await import('../../src/modules/u-visa/u-visa.decisions.ts');
    await official.post(`/staff/u-visa/requests/${id}/helpfulness`, { helpfulness: 'helpful', reason: '' });
    const fresh = await revisionOf(t, id);
    const results = await Promise.allSettled([
      proposeDenial(t.ctx, actor, id, { revision: fresh, reason: 'other', explanation: 'One.' }),
      proposeDenial(t.ctx, actor, id, { revision: fresh, reason: 'other', explanation: 'Two.' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(rev).not.toBe(fresh);
  });
});

describeEachDialect('certifying queue actions (a city whose rules pause and assess)', (dialect) => {
  let t: TestApp;
  let official: StaffBrowser;
  beforeAll(async () => {
    // Each dialect's suite starts at the same moment (the clock is shared by the file).
    now = new Date('2026-11-20T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now, env: { JURISDICTION: 'testville' } });
    official = await signInAs(t, 'certifying-official');
  });
  afterAll(async () => t.close());

  it('asking for information pauses the clock where every rule allows it, and the answer resumes it later', async () => {
    const id = await file(t, { agency: 'testville-police' });
    const [before] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id });
    await official.post(`/staff/u-visa/requests/${id}/info-request`, { note: 'Which officer took the report?' });
    const [paused] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id });
    expect(paused?.status).toBe('paused');
    tick(7 * 86_400_000);
    official = await signInAs(t, 'certifying-official');
    expect((await official.post(`/staff/u-visa/requests/${id}/info-received`, {})).statusCode).toBe(303);
    const [resumed] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id });
    expect(resumed?.status).toBe('running');
    expect(resumed && before && resumed.dueAt > before.dueAt).toBe(true);
    expect((await status(t, id)).due_at).toBe(resumed?.dueAt.toISOString());
  });

  it('without a presumption, certifying needs a recorded assessment', async () => {
    const id = await file(t, { agency: 'testville-police' });
    expect((await status(t, id)).helpfulness).toBeNull();
    const res = await official.post(`/staff/u-visa/requests/${id}/certify`, { revision: await revisionOf(t, id) });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Record the helpfulness assessment before deciding');
    expect((await official.post(`/staff/u-visa/requests/${id}/helpfulness`, { helpfulness: 'presumed' })).statusCode).toBe(422);
  });
});
