import { afterAll, beforeAll, expect, it } from 'vitest';
import { referenceCode } from '../../src/core/crypto/random.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { createRequest } from '../../src/modules/office/office.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';

const NAME = 'Hodan Canary-5521';
const EMAIL = 'hodan.canary.5521@example.org';

describeEachDialect('Office requests behind the demand gate', (dialect) => {
  let t: TestApp;
  let requestId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: () => new Date('2026-11-27T16:00:00.000Z') });
    requestId = await inTransaction(t.ctx.db, (tx) =>
      createRequest(t.ctx, tx, {
        answers: { topic: 'lawyer', language: 'so', contactMethod: 'email', email: EMAIL, name: NAME, description: 'Walaalkay ayaa la xiray' },
        reference: referenceCode(),
        now: new Date('2026-11-27T15:00:00.000Z'),
      }),
    );
  });
  afterAll(async () => t?.close());

  it('are named in a court order and disclosed once, decrypted, only after counsel and a second approver', async () => {
    const desk = await signInAs(t, 'office-staff');
    const counsel = await signInAs(t, 'counsel', { stepUp: true });
    const admin = await signInAs(t, 'admin', { stepUp: true });
    const registered = await desk.post('/staff/demands', {
      receivedBy: desk.userId,
      type: 'court_order',
      formNumber: 'none',
      agencyKind: 'fbi',
      agencyName: 'FBI Minneapolis Field Office',
      channel: 'in_person',
      receivedDate: '2026-11-27',
      receivedTime: '09:15',
      servedOn: 'front_desk',
      issuedByCourt: 'yes',
      signedByJudge: 'yes',
      judgeName: 'Hon. Ada Example',
      courtName: 'United States District Court for the District of Minnesota',
      caseNumber: '0:26-mc-00042',
      issuedOn: '2026-11-26',
      expiresOn: '2026-12-10',
      'records.0.source': 'office.request',
      'records.0.recordId': requestId,
      unmatchedPeople: '0',
      requester: 'Special Agent J. Doe',
      description: 'Order to produce one intake record.',
    });
    expect(registered.statusCode).toBe(303);
    const id = /\/staff\/demands\/registered\/([0-9A-Z]{26})$/.exec(String(registered.headers.location))?.[1] ?? '';
    // Nothing is disclosed before both approvals.
    expect((await counsel.post(`/staff/demands/${id}/disclosure`, {})).statusCode).toBeGreaterThanOrEqual(400);
    await counsel.post(`/staff/demands/${id}/approve`, {});
    await admin.post(`/staff/demands/${id}/approve`, {});
    const res = await counsel.post(`/staff/demands/${id}/disclosure`, {});
    expect(res.statusCode).toBe(200);
    const pkg = JSON.parse(res.body) as { records: Array<{ program: string; recordType: string; recordId: string; fields: Record<string, unknown> }> };
    expect(pkg.records).toHaveLength(1);
    expect(pkg.records[0]).toMatchObject({ program: 'office', recordType: 'request', recordId: requestId });
    expect(pkg.records[0]?.fields).toMatchObject({ name: NAME, contact: EMAIL, contactMethod: 'email', topic: 'lawyer', language: 'so' });
    // Single use.
    expect((await counsel.post(`/staff/demands/${id}/disclosure`, {})).statusCode).toBeGreaterThanOrEqual(400);
    // The read is in the audit log with the demand as legal basis, and without the values.
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().where('record_id', '=', requestId).execute();
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(NAME);
    expect(JSON.stringify(audit)).not.toContain(EMAIL);
  });
});
