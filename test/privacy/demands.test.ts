import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomId } from '../../src/core/crypto/random.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { DEMAND_TYPES, type DemandType } from '../../src/core/privacy/demands.rules.ts';
import { DemandService, isValidCourtOrderDemand } from '../../src/core/privacy/demands.service.ts';
import { DisclosureSourceRegistry } from '../../src/core/privacy/demands.sources.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { StaffBrowser, signInAs } from '../helpers/staff.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { addTestPerson, testPeopleModule } from './test-people.module.ts';

const NAME = 'Canary Hodan Warsame-7731';
const EMAIL = 'canary.hodan.7731@example.org';

/** A judicial warrant whose face passes the checklist; override fields per test. */
function warrantForm(recordId: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    type: 'judicial_warrant',
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
    caseNumber: '0:26-mj-01234',
    issuedOn: '2026-11-26',
    expiresOn: '2026-12-10',
    'records.0.source': 'test-people.person',
    'records.0.recordId': recordId,
    unmatchedPeople: '0',
    requester: 'Special Agent J. Doe, badge 4411',
    description: 'Two pages; caption United States District Court; asks for the intake record of one person.',
    ...overrides,
  };
}

const CHECKLIST_FIELDS = ['type', 'formNumber', 'issuedByCourt', 'signedByJudge', 'judgeName', 'courtName', 'caseNumber', 'issuedOn', 'expiresOn'];

/** Just the checklist fields of a register form (the review page's checklist form). */
function checklistOf(form: Record<string, string>): Record<string, string> {
  return Object.fromEntries(CHECKLIST_FIELDS.map((k) => [k, form[k] ?? '']));
}

const REASON_BY_TYPE: Record<Exclude<DemandType, 'judicial_warrant' | 'court_order'>, string> = {
  administrative_warrant: 'administrative_warrant_not_judicial',
  detainer: 'detainer_not_court_order',
  administrative_subpoena: 'administrative_subpoena_not_court_ordered',
  informal_request: 'informal_request_no_legal_process',
  other: 'other_not_judicial',
};

function idFromLocation(location: string | string[] | number | boolean | undefined): string {
  const m = /\/staff\/demands\/registered\/([0-9A-Z]{26})$/.exec(String(location));
  if (!m?.[1]) throw new Error(`unexpected redirect ${String(location)}`);
  return m[1];
}

async function startSmtp() {
  const received: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _s, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { received, url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describeEachDialect('outside-demand gate', (dialect) => {
  let t: TestApp;
  let clock: Date;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let person: { id: string; subjectId: string };
  let desk: StaffBrowser;
  let counsel: StaffBrowser;
  let admin: StaffBrowser;

  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => smtp.close());

  beforeEach(async () => {
    clock = new Date('2026-11-27T16:00:00.000Z');
    t = await createTestApp(dialect, { now: () => clock, modules: [testPeopleModule], env: { SMTP_URL: smtp.url } });
    person = await addTestPerson(t.ctx, { name: NAME, email: EMAIL, locale: 'es' });
    desk = await signInAs(t, 'office-staff');
    counsel = await signInAs(t, 'counsel', { stepUp: true });
    admin = await signInAs(t, 'admin', { stepUp: true });
    smtp.received.length = 0;
  });
  afterEach(async () => t.close());

  async function register(form: Record<string, string>, who: StaffBrowser = desk): Promise<string> {
    const res = await who.post('/staff/demands', { receivedBy: who.userId, ...form });
    expect(res.statusCode, /<div class="usa-alert usa-alert--error[\s\S]*?<\/ul>/.exec(res.body)?.[0]).toBe(303);
    return idFromLocation(res.headers.location);
  }

  /** A new session (with a fresh step-up) for an existing account. */
  async function sessionFor(b: StaffBrowser): Promise<StaffBrowser> {
    const token = await createSession(t.ctx, { userId: b.userId, factor: 'passkey' });
    const again = new StaffBrowser(t.app, t.ctx, b.userId, b.email, b.roles, b.totpSecret, token);
    again.setCookie(SESSION_COOKIE, token);
    await again.stepUp();
    return again;
  }

  async function demandRow(id: string) {
    return t.ctx.db.kysely.selectFrom('privacy_demands').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function approveBoth(id: string) {
    expect((await counsel.post(`/staff/demands/${id}/approve`, {})).headers.location).toBe(`/staff/demands/${id}?notice=partial`);
    expect((await admin.post(`/staff/demands/${id}/approve`, {})).headers.location).toBe(`/staff/demands/${id}?notice=approved`);
  }

  describe('R15: only a judicial warrant or court order can unlock a disclosure (one test per instrument type)', () => {
    for (const type of DEMAND_TYPES) {
      if (type === 'judicial_warrant' || type === 'court_order') {
        it(`${type}: counsel + a second approver, each stepped up, unlock one disclosure of the named record`, async () => {
          const id = await register(warrantForm(person.id, { type }));
          expect(await demandRow(id)).toMatchObject({ type, status: 'pending_review', decline_reason: null });
          await approveBoth(id);
          expect((await demandRow(id)).status).toBe('approved');
          const res = await counsel.post(`/staff/demands/${id}/disclosure`, {});
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-disposition']).toMatch(/^attachment; filename="disclosure-[0-9A-Z-]+\.json"$/);
          const pkg = JSON.parse(res.body) as { demand: { id: string; type: string }; records: Array<{ recordId: string; fields: Record<string, unknown> }> };
          expect(pkg.demand).toMatchObject({ id, type });
          expect(pkg.records).toEqual([{ program: 'test-people', recordType: 'person', recordId: person.id, fields: { name: NAME, contact: EMAIL } }]);
          expect((await demandRow(id)).status).toBe('disclosed');
        });
      } else {
        it(`${type}: declined at once with its reason; no approval and no disclosure is possible`, async () => {
          // Even with a checklist that would pass for a warrant.
          const id = await register(warrantForm(person.id, { type }));
          expect(await demandRow(id)).toMatchObject({ type, status: 'declined', decline_reason: REASON_BY_TYPE[type] });
          const page = await desk.get(`/staff/demands/registered/${id}`);
          expect(page.statusCode).toBe(200);
          expect(page.body).toContain('Declined');
          const approve = await counsel.post(`/staff/demands/${id}/approve`, {});
          expect(approve.statusCode).toBe(409);
          const approve2 = await admin.post(`/staff/demands/${id}/approve`, {});
          expect(approve2.statusCode).toBe(409);
          const download = await counsel.post(`/staff/demands/${id}/disclosure`, {});
          expect(download.statusCode).toBe(403);
          expect(download.body).not.toContain(NAME);
          const approvals = await t.ctx.db.kysely.selectFrom('privacy_demand_approvals').selectAll().where('demand_id', '=', id).execute();
          const disclosures = await t.ctx.db.kysely.selectFrom('privacy_demand_disclosures').selectAll().where('demand_id', '=', id).execute();
          expect(approvals).toEqual([]);
          expect(disclosures).toEqual([]);
          // Counsel correcting the checklist cannot turn it into a warrant either: it is closed.
          const edit = await counsel.post(`/staff/demands/${id}/checklist`, checklistOf(warrantForm(person.id)));
          expect(edit.statusCode).toBe(409);
          expect((await demandRow(id)).type).toBe(type);
        });
      }
    }

    it('a "judicial warrant" that fails the checklist (not signed by a judge, DHS form) cannot be approved', async () => {
      const id = await register(warrantForm(person.id, { signedByJudge: 'no', formNumber: 'I-200' }));
      const res = await counsel.post(`/staff/demands/${id}/approve`, {});
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('Not signed by a named judge');
      expect(res.body).toContain('Homeland Security form number');
      expect((await demandRow(id)).status).toBe('pending_review');
      // Counsel declines it with an enumerated reason.
      expect((await counsel.post(`/staff/demands/${id}/decline`, { reason: 'not_signed_by_judge' })).statusCode).toBe(303);
      expect(await demandRow(id)).toMatchObject({ status: 'declined', decline_reason: 'not_signed_by_judge', decided_by: counsel.userId });
      // Declining twice is a conflict; an invented reason is invalid input.
      expect((await counsel.post(`/staff/demands/${id}/decline`, { reason: 'withdrawn' })).statusCode).toBe(409);
      const other = await register(warrantForm(person.id));
      expect((await counsel.post(`/staff/demands/${other}/decline`, { reason: 'made_up_reason' })).statusCode).toBe(422);
      expect((await demandRow(other)).status).toBe('pending_review');
    });

    it('an expired warrant cannot be approved', async () => {
      const id = await register(warrantForm(person.id, { issuedOn: '2026-11-01', expiresOn: '2026-11-20' }));
      const res = await counsel.post(`/staff/demands/${id}/approve`, {});
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('Expired');
    });
  });

  describe('review by counsel', () => {
    it('counsel corrects the checklist before approval; changing the type to an administrative one declines it', async () => {
      const id = await register(warrantForm(person.id, { signedByJudge: 'unknown', judgeName: '' }));
      expect((await counsel.post(`/staff/demands/${id}/approve`, {})).statusCode).toBe(409);
      const fixed = await counsel.post(`/staff/demands/${id}/checklist`, checklistOf(warrantForm(person.id)));
      expect(fixed.headers.location).toBe(`/staff/demands/${id}?notice=saved`);
      expect(await demandRow(id)).toMatchObject({ signed_by_judge: 'yes', judge_name: 'Hon. Ada Example', status: 'pending_review' });
      // Once someone has approved, the face of the document can no longer change under them.
      await counsel.post(`/staff/demands/${id}/approve`, {});
      const late = await counsel.post(`/staff/demands/${id}/checklist`, checklistOf(warrantForm(person.id, { caseNumber: 'other' })));
      expect(late.statusCode).toBe(409);
      expect(late.body).toContain('can no longer be changed');

      const other = await register(warrantForm(person.id));
      expect((await counsel.post(`/staff/demands/${other}/checklist`, checklistOf(warrantForm(person.id, { type: 'administrative_warrant', formNumber: 'I-200' })))).statusCode).toBe(303);
      expect(await demandRow(other)).toMatchObject({ status: 'declined', decline_reason: 'administrative_warrant_not_judicial', decided_by: counsel.userId });
      // Bad checklist input is a translated 422 and changes nothing.
      const bad = await counsel.post(`/staff/demands/${id}/checklist`, checklistOf(warrantForm(person.id, { issuedOn: '2026-13-01' })));
      expect(bad.statusCode).toBe(422);
    });

    it('counsel adds a record the demand names, with its notice task', async () => {
      const id = await register(warrantForm(person.id));
      const other = await addTestPerson(t.ctx, { name: 'Canary Third Person-5521' });
      expect((await counsel.post(`/staff/demands/${id}/records`, { source: 'test-people.person', recordId: other.id.toLowerCase() })).statusCode).toBe(303);
      const records = await t.ctx.db.kysely.selectFrom('privacy_demand_records').selectAll().where('demand_id', '=', id).orderBy('created_at').execute();
      expect(records.map((r) => [r.record_id, r.notice_status, r.notice_due_at])).toEqual([
        [person.id, 'pending', '2026-11-30T15:15:00.000Z'],
        [other.id, 'pending', '2026-11-30T15:15:00.000Z'],
      ]);
      const dup = await counsel.post(`/staff/demands/${id}/records`, { source: 'test-people.person', recordId: other.id });
      expect(dup.statusCode).toBe(422);
      expect(dup.body).toContain('already named');
      const missing = await counsel.post(`/staff/demands/${id}/records`, { source: 'test-people.person', recordId: randomId() });
      expect(missing.statusCode).toBe(422);
      expect((await counsel.post(`/staff/demands/${id}/records`, { source: 'nope.person', recordId: randomId() })).statusCode).toBe(422);
    });

    it('the register lists and filters demands, and every page renders in the four languages', async () => {
      const pending = await register(warrantForm(person.id));
      const declined = await register(warrantForm(person.id, { type: 'detainer', formNumber: 'I-247A' }));
      const all = await counsel.get('/staff/demands');
      expect(all.statusCode).toBe(200);
      expect(all.body).toContain(`/staff/demands/${pending}`);
      expect(all.body).toContain(`/staff/demands/${declined}`);
      const onlyDeclined = await counsel.get('/staff/demands?status=declined');
      expect(onlyDeclined.body).toContain(`/staff/demands/${declined}`);
      expect(onlyDeclined.body).not.toContain(`/staff/demands/${pending}`);
      expect((await counsel.get('/staff/demands?status=bogus')).statusCode).toBe(422);
      for (const lang of ['en', 'es', 'so', 'hmn']) {
        for (const url of ['/staff/demands', `/staff/demands/${pending}`, `/staff/demands/${declined}`, '/staff/demands/new', `/staff/demands/registered/${pending}`]) {
          const res = await counsel.get(`${url}${url.includes('?') ? '&' : '?'}lang=${lang}`);
          expect(res.statusCode, `${lang} ${url}`).toBe(200);
          expect(res.body).toContain(`<html lang="${lang}"`);
        }
      }
      expect((await counsel.get(`/staff/demands/${randomId()}`)).statusCode).toBe(404);
      expect((await counsel.get('/staff/demands/not-an-id')).statusCode).toBe(404);
    });
  });

  describe('two-person rule and step-up', () => {
    it('the same person cannot approve twice; two admins are not enough; counsel completes it', async () => {
      const id = await register(warrantForm(person.id));
      expect((await admin.post(`/staff/demands/${id}/approve`, {})).headers.location).toContain('notice=partial');
      const again = await admin.post(`/staff/demands/${id}/approve`, {});
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('already approved');
      const admin2 = await signInAs(t, 'admin', { stepUp: true });
      expect((await admin2.post(`/staff/demands/${id}/approve`, {})).headers.location).toContain('notice=partial');
      expect((await demandRow(id)).status).toBe('pending_review');
      expect((await counsel.post(`/staff/demands/${id}/approve`, {})).headers.location).toContain('notice=approved');
      expect((await demandRow(id)).status).toBe('approved');
    });

    it('the database itself refuses a second approval by one person', async () => {
      const id = await register(warrantForm(person.id));
      await counsel.post(`/staff/demands/${id}/approve`, {});
      const row = { id: 'ZZZZ', demand_id: id, approver_id: counsel.userId, approver_roles: '["counsel"]', approved_at: clock.toISOString() };
      await expect(t.ctx.db.kysely.insertInto('privacy_demand_approvals').values({ ...row, id: '01ZZZZZZZZZZZZZZZZZZZZZZZZ' }).execute()).rejects.toThrow();
    });

    it('approving and downloading need a fresh passkey step-up', async () => {
      const id = await register(warrantForm(person.id));
      const stale = await signInAs(t, 'counsel');
      const res = await stale.post(`/staff/demands/${id}/approve`, {});
      expect(res.statusCode).toBe(401);
      expect(await t.ctx.db.kysely.selectFrom('privacy_demand_approvals').selectAll().where('demand_id', '=', id).execute()).toEqual([]);
      // The detail page offers the step-up instead of a working button.
      const page = await stale.get(`/staff/demands/${id}`);
      expect(page.body).toContain('/staff/step-up?purpose=disclosure');
      await approveBoth(id);
      // Six minutes later the step-up is stale again.
      clock = new Date(clock.getTime() + 6 * 60_000);
      expect((await counsel.post(`/staff/demands/${id}/disclosure`, {})).statusCode).toBe(401);
      await counsel.stepUp();
      expect((await counsel.post(`/staff/demands/${id}/disclosure`, {})).statusCode).toBe(200);
    });

    it('a counsel session without a passkey holds no counsel powers', async () => {
      const id = await register(warrantForm(person.id));
      const totpCounsel = await signInAs(t, 'counsel', { factor: 'totp', stepUp: true });
      expect((await totpCounsel.post(`/staff/demands/${id}/approve`, {})).statusCode).toBe(403);
    });
  });

  describe('the disclosure', () => {
    it('is single-use, only for counsel who approved, and every record is audited with the demand as legal basis', async () => {
      const other = await addTestPerson(t.ctx, { name: 'Canary Second Person-2210' });
      const id = await register(warrantForm(person.id, { 'records.1.source': 'test-people.person', 'records.1.recordId': other.id }));
      await approveBoth(id);
      const outsider = await signInAs(t, 'counsel', { stepUp: true });
      const refused = await outsider.post(`/staff/demands/${id}/disclosure`, {});
      expect(refused.statusCode).toBe(403);
      expect((await admin.post(`/staff/demands/${id}/disclosure`, {})).statusCode).toBe(403);
      const first = await counsel.post(`/staff/demands/${id}/disclosure`, {});
      expect(first.statusCode).toBe(200);
      expect(first.headers['cache-control']).toBe('no-store');
      const pkg = JSON.parse(first.body) as { records: unknown[] };
      expect(pkg.records).toHaveLength(2);
      const second = await counsel.post(`/staff/demands/${id}/disclosure`, {});
      expect(second.statusCode).toBe(410);
      expect(second.body).not.toContain(NAME);

      const entries = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq').execute();
      const disclosed = entries.filter((e) => e.action === 'record.disclose');
      expect(disclosed.map((e) => [e.record_id, e.purpose, e.legal_process_id, e.outcome]).sort()).toEqual(
        [
          [person.id, 'legal-process', id, 'success'],
          [other.id, 'legal-process', id, 'success'],
        ].sort(),
      );
      expect(entries.some((e) => e.action === 'privacy.demand.disclose' && e.outcome === 'denied' && e.actor_id === outsider.userId)).toBe(true);
      // The log holds ids and codes, never the values.
      expect(JSON.stringify(entries)).not.toMatch(/Canary|example\.org|Ada Example/);
    });

    it('expires seven days after approval', async () => {
      const id = await register(warrantForm(person.id, { expiresOn: '' }));
      await approveBoth(id);
      const row = await t.ctx.db.kysely.selectFrom('privacy_demand_disclosures').selectAll().where('demand_id', '=', id).executeTakeFirstOrThrow();
      expect(row.expires_at).toBe('2026-12-04T16:00:00.000Z');
      clock = new Date('2026-12-04T16:00:01.000Z');
      // The approver's old session has idled out: the same account signs in again and steps up.
      const again = await sessionFor(counsel);
      const res = await again.post(`/staff/demands/${id}/disclosure`, {});
      expect(res.statusCode).toBe(410);
      expect(res.body).toContain('The disclosure has expired');
      expect(res.body).not.toContain(NAME);
      const page = await again.get(`/staff/demands/${id}`);
      expect(page.body).toContain('expired without being downloaded');
    });

    it('ends early when the warrant itself expires', async () => {
      const id = await register(warrantForm(person.id, { expiresOn: '2026-11-28' }));
      await approveBoth(id);
      const row = await t.ctx.db.kysely.selectFrom('privacy_demand_disclosures').selectAll().where('demand_id', '=', id).executeTakeFirstOrThrow();
      expect(row.expires_at).toBe('2026-11-28T23:59:59.999Z');
    });

    it('a demand declined after approval can no longer be downloaded', async () => {
      const id = await register(warrantForm(person.id));
      await approveBoth(id);
      expect((await counsel.post(`/staff/demands/${id}/decline`, { reason: 'not_authentic' })).statusCode).toBe(303);
      expect((await counsel.post(`/staff/demands/${id}/disclosure`, {})).statusCode).toBe(403);
    });
  });

  describe('notifying the person (R16)', () => {
    it('opens a notice due in three days, flags it overdue, and sends it by email in the person\'s language', async () => {
      const id = await register(warrantForm(person.id, { type: 'administrative_subpoena' }));
      const rec = await t.ctx.db.kysely.selectFrom('privacy_demand_records').selectAll().where('demand_id', '=', id).executeTakeFirstOrThrow();
      // Received 2026-11-27 09:15 in the city (Minneapolis, UTC−6) = 15:15Z; due three days later.
      expect(rec).toMatchObject({ notice_status: 'pending', notice_due_at: '2026-11-30T15:15:00.000Z' });
      let list = await counsel.get('/staff/demands');
      expect(list.body).not.toContain('Notices are overdue');
      clock = new Date('2026-11-30T15:16:00.000Z');
      const c2 = await signInAs(t, 'counsel', { stepUp: true });
      list = await c2.get('/staff/demands');
      expect(list.body).toContain('Notices are overdue');
      const send = await c2.post(`/staff/demands/${id}/notices/${rec.id}/send`, {});
      expect(send.headers.location).toBe(`/staff/demands/${id}?notice=noticeSent`);
      expect(await t.ctx.notifier.deliverDue()).toMatchObject({ sent: 1 });
      expect(smtp.received).toHaveLength(1);
      const mail = await simpleParser(smtp.received[0] ?? Buffer.alloc(0));
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(EMAIL);
      expect(mail.subject).toContain('Una solicitud de su información');
      expect(mail.text).toContain('La ciudad rechazó esta solicitud.');
      expect(mail.text).toContain('FBI Minneapolis Field Office');
      expect(mail.text).toContain('Personas de prueba');
      const after = await t.ctx.db.kysely.selectFrom('privacy_demand_records').selectAll().where('id', '=', rec.id).executeTakeFirstOrThrow();
      expect(after).toMatchObject({ notice_status: 'sent', notice_method: 'email', notice_done_by: c2.userId });
      list = await c2.get('/staff/demands');
      expect(list.body).not.toContain('Notices are overdue');
      // Sending twice is refused.
      expect((await c2.post(`/staff/demands/${id}/notices/${rec.id}/send`, {})).statusCode).toBe(409);
    });

    it('forgetting the person deletes the queued notice with the rest of their data', async () => {
      const id = await register(warrantForm(person.id));
      const rec = await t.ctx.db.kysely.selectFrom('privacy_demand_records').selectAll().where('demand_id', '=', id).executeTakeFirstOrThrow();
      expect((await counsel.post(`/staff/demands/${id}/notices/${rec.id}/send`, {})).statusCode).toBe(303);
      expect(await t.ctx.db.kysely.selectFrom('notify_messages').select('id').where('subject_id', '=', person.subjectId).execute()).toHaveLength(1);
      await inTransaction(t.ctx.db, (tx) => t.ctx.vault.forgetSubject(tx, person.subjectId));
      expect(await t.ctx.db.kysely.selectFrom('notify_messages').select('id').where('subject_id', '=', person.subjectId).execute()).toEqual([]);
      expect(await t.ctx.notifier.deliverDue()).toMatchObject({ claimed: 0 });
      expect(smtp.received).toHaveLength(0);
      // The register keeps the legal record; the record id now points at nothing.
      expect((await demandRow(id)).status).toBe('pending_review');
    });

    it('a recorded court order forbidding notice holds the notice until it ends; lifting it restarts the clock', async () => {
      const id = await register(warrantForm(person.id));
      const rec = await t.ctx.db.kysely.selectFrom('privacy_demand_records').selectAll().where('demand_id', '=', id).executeTakeFirstOrThrow();
      expect((await counsel.post(`/staff/demands/${id}/nondisclosure`, { orderRef: 'D. Minn. 0:26-mj-01234, order of 2026-11-26', until: '2026-12-31' })).statusCode).toBe(303);
      let r = await t.ctx.db.kysely.selectFrom('privacy_demand_records').selectAll().where('id', '=', rec.id).executeTakeFirstOrThrow();
      expect(r).toMatchObject({ notice_status: 'deferred', notice_due_at: '2027-01-03T23:59:59.999Z' });
      const send = await counsel.post(`/staff/demands/${id}/notices/${rec.id}/send`, {});
      expect(send.statusCode).toBe(409);
      expect(send.body).toContain('A court order forbids telling this person');
      expect((await counsel.post(`/staff/demands/${id}/notices/${rec.id}/record`, { method: 'phone' })).statusCode).toBe(409);
      // Not overdue while the order holds.
      clock = new Date('2026-12-05T12:00:00.000Z');
      expect(await new DemandService(t.ctx, new DisclosureSourceRegistry()).overdueNotices()).toEqual([]);
      const c2 = await signInAs(t, 'counsel');
      expect((await c2.post(`/staff/demands/${id}/nondisclosure/lift`, {})).statusCode).toBe(303);
      r = await t.ctx.db.kysely.selectFrom('privacy_demand_records').selectAll().where('id', '=', rec.id).executeTakeFirstOrThrow();
      expect(r).toMatchObject({ notice_status: 'pending', notice_due_at: '2026-12-08T12:00:00.000Z' });
      expect((await c2.post(`/staff/demands/${id}/notices/${rec.id}/record`, { method: 'in_person' })).statusCode).toBe(303);
      r = await t.ctx.db.kysely.selectFrom('privacy_demand_records').selectAll().where('id', '=', rec.id).executeTakeFirstOrThrow();
      expect(r).toMatchObject({ notice_status: 'given', notice_method: 'in_person' });
    });
  });

  describe('permissions', () => {
    it('the front desk registers but cannot read the register; program staff cannot register; admins cannot decide alone or download', async () => {
      const id = await register(warrantForm(person.id));
      expect((await desk.get('/staff/demands')).statusCode).toBe(403);
      expect((await desk.get(`/staff/demands/registered/${id}`)).statusCode).toBe(200);
      const otherDesk = await signInAs(t, 'office-staff');
      expect((await otherDesk.get(`/staff/demands/registered/${id}`)).statusCode).toBe(404);
      expect((await desk.get(`/staff/demands/${id}`)).statusCode).toBe(403);
      expect((await desk.post(`/staff/demands/${id}/approve`, {})).statusCode).toBe(403);
      const program = await signInAs(t, 'program-staff');
      expect((await program.get('/staff/demands/new')).statusCode).toBe(403);
      expect((await program.post('/staff/demands', warrantForm(person.id))).statusCode).toBe(403);
      expect((await admin.post(`/staff/demands/${id}/decline`, { reason: 'withdrawn' })).statusCode).toBe(403);
      expect((await admin.get(`/staff/demands/${id}`)).statusCode).toBe(200);
      const anonymous = await t.app.inject({ method: 'GET', url: `/staff/demands/${id}`, headers: { accept: 'application/json' } });
      expect(anonymous.statusCode).toBe(401);
    });

    it('counsel sees the decrypted officer details, and that read is audited', async () => {
      const id = await register(warrantForm(person.id));
      const page = await counsel.get(`/staff/demands/${id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Special Agent J. Doe, badge 4411');
      const raw = JSON.stringify(await demandRow(id));
      expect(raw).not.toContain('J. Doe');
      expect(raw).not.toContain('Two pages');
      const reads = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'privacy.demand.read').execute();
      expect(reads.map((e) => [e.actor_id, e.record_id])).toEqual([[counsel.userId, id]]);
    });
  });

  describe('bad input', () => {
    it('gives translated field errors and writes nothing', async () => {
      const before = await t.ctx.db.kysely.selectFrom('privacy_demands').select('id').execute();
      const res = await desk.post('/staff/demands', warrantForm('01JBOGUSBOGUSBOGUSBOGUSBOG', { type: '', agencyName: '', receivedDate: '2026-02-31', 'records.1.source': 'test-people.person' }));
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('usa-alert--error');
      expect(res.body).toContain('href="#field-type"');
      expect(res.body).toContain('href="#field-receivedDate"');
      expect(res.body).toContain('href="#field-records.1.recordId"');
      const es = await desk.post('/staff/demands?lang=es', warrantForm('nope', { receivedDate: '2027-06-01' }));
      expect(es.statusCode).toBe(422);
      const unknown = await desk.post('/staff/demands?lang=en', { receivedBy: desk.userId, ...warrantForm(randomId()) });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.body, /<div class="usa-alert usa-alert--error[\s\S]*?<\/ul>/.exec(unknown.body)?.[0]).toContain("There is no such record in that program");
      const future = await desk.post('/staff/demands', { receivedBy: desk.userId, ...warrantForm(person.id, { receivedDate: '2026-12-25' }) });
      expect(future.statusCode).toBe(422);
      expect(future.body).toContain('cannot be in the future');
      const extra = await desk.post('/staff/demands', { ...warrantForm(person.id), surprise: 'x' });
      expect(extra.statusCode).toBeGreaterThanOrEqual(400);
      expect(extra.statusCode).toBeLessThan(500);
      const after = await t.ctx.db.kysely.selectFrom('privacy_demands').select('id').execute();
      expect(after).toEqual(before);
    });
  });

  describe('isValidCourtOrderDemand (legal holds)', () => {
    it('is true only for a court order that passes the checklist, is not declined and counsel approved', async () => {
      const today = '2026-11-27';
      const order = await register(warrantForm(person.id, { type: 'court_order', expiresOn: '' }));
      expect(await isValidCourtOrderDemand(t.ctx.db.kysely, order, { today })).toBe(false);
      await counsel.post(`/staff/demands/${order}/approve`, {});
      expect(await isValidCourtOrderDemand(t.ctx.db.kysely, order, { today })).toBe(true);
      const subpoena = await register(warrantForm(person.id, { type: 'administrative_subpoena' }));
      await counsel.post(`/staff/demands/${subpoena}/approve`, {});
      expect(await isValidCourtOrderDemand(t.ctx.db.kysely, subpoena, { today })).toBe(false);
      const unsigned = await register(warrantForm(person.id, { type: 'court_order', signedByJudge: 'no' }));
      expect(await isValidCourtOrderDemand(t.ctx.db.kysely, unsigned, { today })).toBe(false);
      expect(await isValidCourtOrderDemand(t.ctx.db.kysely, '01JNOSUCHDEMANDNOSUCHDEMAN', { today })).toBe(false);
      await counsel.post(`/staff/demands/${order}/decline`, { reason: 'withdrawn' });
      expect(await isValidCourtOrderDemand(t.ctx.db.kysely, order, { today })).toBe(false);
    });
  });
});
