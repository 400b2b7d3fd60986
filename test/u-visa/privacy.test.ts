import { afterAll, beforeAll, expect, it } from 'vitest';
import { KeyNotFoundError } from '../../src/core/crypto/index.ts';
import { type StaffActor, fileRequest, readRequest } from '../../src/modules/u-visa/u-visa.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { certifyRequest, validRequest } from './u-visa-helpers.ts';

const NAME = 'Canary-Ximena 7731';

let now = new Date('2026-11-20T15:00:00Z');

describeEachDialect('U-visa privacy: the demand gate, retention with crypto-shredding', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    now = new Date('2026-11-20T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
  });
  afterAll(async () => t.close());

  it('a request is disclosed only through the gate, once, after counsel and a second approver', async () => {
    const { id } = await fileRequest(t.ctx, { raw: validRequest({ victimGivenName: NAME, aNumber: 'A-111-222-333' }), channel: 'api', filer: { kind: 'system' } });
    const desk = await signInAs(t, 'office-staff');
    const counsel = await signInAs(t, 'counsel', { stepUp: true });
    const admin = await signInAs(t, 'admin', { stepUp: true });
    const registered = await desk.post('/staff/demands', {
      receivedBy: desk.userId,
      type: 'court_order',
      formNumber: 'none',
      agencyKind: 'court',
      agencyName: 'Hennepin County District Court',
      channel: 'mail',
      receivedDate: '2026-11-20',
      receivedTime: '08:00',
      servedOn: 'counsel',
      issuedByCourt: 'yes',
      signedByJudge: 'yes',
      judgeName: 'Hon. Ada Example',
      courtName: 'Fourth Judicial District',
      caseNumber: '27-CR-26-1',
      issuedOn: '2026-11-19',
      expiresOn: '2026-12-10',
      'records.0.source': 'u-visa.request',
      'records.0.recordId': id,
      unmatchedPeople: '0',
      requester: 'Clerk of court',
      description: 'Order to produce one certification request.',
    });
    expect(registered.statusCode).toBe(303);
    const demand = /\/staff\/demands\/registered\/([0-9A-Z]{26})$/.exec(String(registered.headers.location))?.[1] ?? '';
    expect((await counsel.post(`/staff/demands/${demand}/disclosure`, {})).statusCode).toBeGreaterThanOrEqual(400);
    await counsel.post(`/staff/demands/${demand}/approve`, {});
    await admin.post(`/staff/demands/${demand}/approve`, {});
    const res = await counsel.post(`/staff/demands/${demand}/disclosure`, {});
    expect(res.statusCode).toBe(200);
    const pkg = JSON.parse(res.body) as { records: Array<{ program: string; recordType: string; fields: Record<string, unknown> }> };
    expect(pkg.records[0]).toMatchObject({ program: 'u-visa', recordType: 'request', fields: { victimGivenName: NAME, aNumber: 'A111222333', visaType: 'U' } });
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().where('record_id', '=', id).execute();
    expect(JSON.stringify(audit)).not.toContain(NAME);
  });

  it('is forgotten three years after the final decision: key destroyed, rows and clocks deleted; open requests stay', async () => {
    const official: StaffActor = { userId: (await signInAs(t, 'certifying-official')).userId, role: 'certifying-official' };
    const decided = await fileRequest(t.ctx, { raw: validRequest({ victimGivenName: NAME, victimDateOfBirth: '2008-01-01' }), channel: 'staff', filer: { kind: 'system' } });
    await certifyRequest(t, official, decided.id);
    const open = await fileRequest(t.ctx, { raw: validRequest(), channel: 'staff', filer: { kind: 'system' } });
    const row = await t.ctx.db.kysely.selectFrom('u_visa_requests').select(['victim_sealed']).where('id', '=', decided.id).executeTakeFirstOrThrow();
    const clocksBefore = await t.ctx.db.kysely.selectFrom('clocks').select('record_type').where('record_id', '=', decided.id).execute();
    expect(clocksBefore.map((c) => c.record_type).sort()).toEqual(['u-visa.age-out', 'u-visa.request', 'u-visa.signature']);

    now = new Date('2029-11-19T15:00:00Z');
    await t.ctx.retention.purge({ trigger: 'operator' });
    expect(await t.ctx.db.kysely.selectFrom('u_visa_requests').select('id').where('id', '=', decided.id).executeTakeFirst()).toBeDefined();
    now = new Date('2029-11-21T15:00:00Z');
    const report = await t.ctx.retention.purge({ trigger: 'operator' });
    expect(report.results.find((r) => r.recordType === 'u-visa.request')).toMatchObject({ deleted: 1, subjectsForgotten: 1 });
    expect(await t.ctx.db.kysely.selectFrom('u_visa_requests').select('id').where('id', '=', decided.id).executeTakeFirst()).toBeUndefined();
    expect(await t.ctx.db.kysely.selectFrom('u_visa_actions').select('id').where('request_id', '=', decided.id).execute()).toEqual([]);
    expect(await t.ctx.db.kysely.selectFrom('clocks').select('id').where('record_id', '=', decided.id).execute()).toEqual([]);
    // A copy of the sealed value (an old backup) no longer opens.
    await expect(t.ctx.vault.open(decided.id, row.victim_sealed, { table: 'u_visa_requests', column: 'victim_sealed', rowId: decided.id })).rejects.toBeInstanceOf(KeyNotFoundError);
    // The open request is untouched.
    const reader: StaffActor = { userId: official.userId, role: 'certifying-official' };
    await expect(readRequest(t.ctx, reader, open.id)).resolves.toMatchObject({ status: 'received' });
  });
});
