import { afterAll, beforeAll, expect, it } from 'vitest';
import { acceptCase, addProvider, linkAttorney, offerCase } from '../../src/modules/legal-defense/legal-defense.assignment.ts';
import { recordProceeding, recordStatus } from '../../src/modules/legal-defense/legal-defense.court.ts';
import { type StaffActor, createReport, fileReport, parseReport } from '../../src/modules/legal-defense/legal-defense.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';

const GIVEN = 'Canary-Sahra 4417';
const A_NUMBER = 'A-204-305-406';
const PHONE = '(612) 555-0177';
const NOW = new Date('2026-11-20T15:00:00Z');

/** A court order naming legal-defense records, as the front desk registers it. */
function courtOrder(userId: string, records: string[]): Record<string, string> {
  const named = Object.fromEntries(records.flatMap((id, i) => [[`records.${i}.source`, 'legal-defense.case'], [`records.${i}.recordId`, id]]));
  return {
    receivedBy: userId,
    type: 'court_order',
    formNumber: 'none',
    agencyKind: 'court',
    agencyName: 'United States District Court',
    channel: 'mail',
    receivedDate: '2026-11-20',
    receivedTime: '08:30',
    servedOn: 'counsel',
    issuedByCourt: 'yes',
    signedByJudge: 'yes',
    judgeName: 'Hon. Ada Example',
    courtName: 'United States District Court for the District of Minnesota',
    caseNumber: '0:26-mc-00077',
    issuedOn: '2026-11-19',
    expiresOn: '2026-12-10',
    ...named,
    unmatchedPeople: '0',
    requester: 'Clerk of court',
    description: 'Order to produce one detention-defense case record.',
  };
}

describeEachDialect('legal-defense cases behind the demand gate', (dialect) => {
  let t: TestApp;
  let caseId = '';
  let desk: StaffBrowser;

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: () => NOW });
    const staff = await signInAs(t, 'legal-defense-staff');
    const actor: StaffActor = { userId: staff.userId, role: 'legal-defense-staff' };
    const provider = await addProvider(t.ctx, actor, { name: 'Gate Legal Aid', capacity: 5, languages: ['so'], available: true });
    const attorney = await signInAs(t, 'partner-attorney');
    await linkAttorney(t.ctx, actor, provider, attorney.userId);
    const input = parseReport(
      t.ctx,
      {
        reporterRole: 'family', givenName: GIVEN, familyName: 'Warsame', dateOfBirth: '1993-03-09', aNumber: A_NUMBER, detainedOn: '2026-11-18', detainedPlace: 'Lake St and Chicago Ave',
        facility: 'other', facilityOther: 'A motel used by ICE', personLanguage: 'so', livesInCity: 'yes', contactName: 'Hodan Warsame', contactRelationship: 'sister', contactMethod: 'sms', contactPhone: PHONE, language: 'so',
      },
      NOW,
    );
    caseId = (await fileReport(t.ctx, (tx) => createReport(t.ctx, tx, { input, channel: 'phone', filer: { kind: 'staff', actor }, now: NOW, offer: offerCase }))).caseId;
    const attorneyActor: StaffActor = { userId: attorney.userId, role: 'partner-attorney' };
    await acceptCase(t.ctx, attorneyActor, caseId);
    await recordProceeding(t.ctx, attorneyActor, caseId, { kind: 'master-calendar', on: '2026-12-03' }, 'provider');
    await recordStatus(t.ctx, attorneyActor, caseId, { custody: 'detained', relief: ['asylum', 'withholding'], outcome: 'pending' }, 'provider');
    desk = await signInAs(t, 'office-staff');
  });
  afterAll(async () => t?.close());

  it('an unknown case cannot be named in a demand', async () => {
    const res = await desk.post('/staff/demands', courtOrder(desk.userId, ['01J0000000000000000000000X']));
    expect(res.statusCode).toBe(422);
  });

  it('is disclosed once, decrypted, only after counsel and a second approver; the package is the case record and nothing else', async () => {
    const counsel = await signInAs(t, 'counsel', { stepUp: true });
    const admin = await signInAs(t, 'admin', { stepUp: true });
    const registered = await desk.post('/staff/demands', courtOrder(desk.userId, [caseId]));
    expect(registered.statusCode).toBe(303);
    const id = /\/staff\/demands\/registered\/([0-9A-Z]{26})$/.exec(String(registered.headers.location))?.[1] ?? '';
    // The register shows the kind of record in words.
    expect((await counsel.get(`/staff/demands/${id}`)).body).toContain('Detention defense case');
    // Nothing before both approvals.
    expect((await counsel.post(`/staff/demands/${id}/disclosure`, {})).statusCode).toBeGreaterThanOrEqual(400);
    await counsel.post(`/staff/demands/${id}/approve`, {});
    expect((await counsel.post(`/staff/demands/${id}/disclosure`, {})).statusCode).toBeGreaterThanOrEqual(400);
    await admin.post(`/staff/demands/${id}/approve`, {});
    const res = await counsel.post(`/staff/demands/${id}/disclosure`, {});
    expect(res.statusCode).toBe(200);
    const pkg = JSON.parse(res.body) as { records: Array<{ program: string; recordType: string; recordId: string; fields: Record<string, unknown> }> };
    expect(pkg.records).toHaveLength(1);
    const record = pkg.records[0];
    expect(record).toMatchObject({ program: 'legal-defense', recordType: 'case', recordId: caseId });
    expect(record?.fields).toEqual({
      reference: caseId.slice(-8),
      status: 'accepted',
      firstReportAt: NOW.toISOString(),
      reportCount: 1,
      reportedBy: 'family',
      givenName: GIVEN,
      familyName: 'Warsame',
      otherNames: null,
      dateOfBirth: '1993-03-09',
      aNumber: 'A204305406',
      detainedOn: '2026-11-18',
      detainedPlace: 'Lake St and Chicago Ave',
      heldAt: 'A motel used by ICE',
      personLanguage: 'so',
      contactName: 'Hodan Warsame',
      contactRelationship: 'sister',
      contactMethod: 'sms',
      contactPhone: '+16125550177',
      contactEmail: null,
      residencyBasis: 'attestation',
      disposition: 'eligible',
      dispositionReason: null,
      provider: 'Gate Legal Aid',
      firstAttorneyContactAt: null,
      custody: 'detained',
      reliefSought: 'asylum,withholding',
      outcome: 'pending',
      courtEvents: '2026-12-03 master-calendar',
      closingReason: null,
      closedOn: null,
      closedAt: null,
    });
    // No blind index, key or sealed text in the package.
    const row = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['a_number_index', 'identity_index', 'person_sealed']).where('id', '=', caseId).executeTakeFirstOrThrow();
    for (const secret of [row.a_number_index, row.identity_index, row.person_sealed]) expect(res.body).not.toContain(secret as string);
    // Single use.
    expect((await counsel.post(`/staff/demands/${id}/disclosure`, {})).statusCode).toBeGreaterThanOrEqual(400);
    // The read is audited with the demand as its legal basis, without the values.
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().where('record_id', '=', caseId).where('purpose', '=', 'legal-process').execute();
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(GIVEN);
    expect(JSON.stringify(audit)).not.toContain('204305406');

    // The notice goes to the safe contact by text, in Somali, sealed under the case's key.
    const rec = await t.ctx.db.kysely.selectFrom('privacy_demand_records').select('id').where('demand_id', '=', id).executeTakeFirstOrThrow();
    const send = await counsel.post(`/staff/demands/${id}/notices/${rec.id}/send`, {});
    expect(send.statusCode).toBe(303);
    const notices = await t.ctx.db.kysely.selectFrom('notify_messages').selectAll().where('subject_id', '=', caseId).where('template', '=', 'notify.demandNotice').execute();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ channel: 'sms', locale: 'so' });
    // (The whole number: a random id in the row may hold "555" by chance, one run in a few hundred.)
    expect(JSON.stringify(notices[0])).not.toContain('5550177');
  });
});
