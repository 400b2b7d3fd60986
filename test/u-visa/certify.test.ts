import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendDecisionLetter } from '../../src/modules/u-visa/u-visa.documents.tsx';
import { I918B_FIELDS } from '../../src/modules/u-visa/supplement-b/supplement-b.fields.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';
import { hasPdftotext, pdfText } from './pdf-text.ts';
import { type ApiStatus, apiFile, attorneyToken, body, fillSupplement, validRequest } from './u-visa-helpers.ts';

let now = new Date('2026-11-20T15:00:00Z');

describeEachDialect('certifying: Supplement B, signing, documents', (dialect) => {
  let t: TestApp;
  let official: StaffBrowser;
  let id = '';
  beforeAll(async () => {
    // Each dialect's suite starts at the same moment (the clock is shared by the file).
    now = new Date('2026-11-20T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
    official = await signInAs(t, 'certifying-official', { displayName: 'Lt. Dana Ruiz' });
    const { token } = await attorneyToken(t);
    const res = await apiFile(t, token, validRequest({ expedite: 'victim', expediteProofType: 'notice-to-appear', expediteProofDate: '2026-11-10', aNumber: '' }));
    id = body<ApiStatus>(res).id;
  });
  afterAll(async () => t.close());

  it('refuses to sign while Supplement B has a blank required item, in the reader\'s language, and changes nothing', async () => {
    const detail = await official.get(`/staff/u-visa/requests/${id}`);
    const revision = /name="revision" value="(\d+)"/.exec(detail.body)?.[1] ?? '';
    const res = await official.post(`/staff/u-visa/requests/${id}/certify?lang=es`, { revision });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('El Suplemento B no está completo');
    // Each blank item is named as on the (English) USCIS form, with the translated reason.
    expect(res.body).toContain('Physical address of the agency: Esta casilla está en blanco');
    const row = await t.ctx.db.kysely.selectFrom('u_visa_requests').select(['status', 'signed_on']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'received', signed_on: null });
  });

  it('offers N/A, None or Unknown where they fit, saves a draft with blanks, and still refuses to sign it', async () => {
    const page = await official.get(`/staff/u-visa/requests/${id}/supplement`);
    // Prefilled from the request: no A-number → "None"; no middle name → "N/A".
    expect(page.body).toMatch(/name="victimANumber__stock" value="None" checked=""/);
    expect(page.body).toMatch(/name="victimMiddleName__stock" value="N\/A" checked=""/);
    expect(page.body).toContain('value="García López"');
    const saved = await fillSupplement(official, id, { crimeDescription: '' });
    expect(saved.statusCode).toBe(303);
    const detail = await official.get(`/staff/u-visa/requests/${id}`);
    const revision = /name="revision" value="(\d+)"/.exec(detail.body)?.[1] ?? '';
    const refused = await official.post(`/staff/u-visa/requests/${id}/certify`, { revision });
    expect(refused.statusCode).toBe(422);
    // The official's pages are in Spanish since they chose it above; the item names are the form's (English).
    expect(refused.body).toContain('Description of the criminal activity: Esta casilla está en blanco');
    // A stock answer an item does not offer is refused.
    const wrong = await fillSupplement(official, id, { crimeDescription__stock: 'Unknown' });
    expect(wrong.statusCode).toBe(422);
  });

  it('certifies and signs: the clock is met, the 6-month filing window starts, the letter is queued', async () => {
    expect((await fillSupplement(official, id)).statusCode).toBe(303);
    const detail = await official.get(`/staff/u-visa/requests/${id}`);
    const revision = /name="revision" value="(\d+)"/.exec(detail.body)?.[1] ?? '';
    // A stale page (an older revision) is refused: someone else may have acted.
    expect((await official.post(`/staff/u-visa/requests/${id}/certify`, { revision: String(Number(revision) - 1) })).statusCode).toBe(409);
    const res = await official.post(`/staff/u-visa/requests/${id}/certify`, { revision });
    expect(res.statusCode).toBe(303);
    const row = await t.ctx.db.kysely.selectFrom('u_visa_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'certified', decision: 'certified', open: 0, signed_on: '2026-11-20', turnaround_days: 0 });
    const [clock] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id });
    expect(clock?.status).toBe('met');
    const [window] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.signature', recordId: id });
    expect(window?.dueDate).toBe('2027-05-20');
    const jobs = await t.ctx.db.kysely.selectFrom('jobs').select(['name']).where('name', '=', 'u-visa.send-decision-letter').execute();
    expect(jobs).toHaveLength(1);
  });

  it.runIf(hasPdftotext())('the Supplement B PDF answers every item: pdftotext finds no blank', async () => {
    const res = await official.get(`/staff/u-visa/requests/${id}/supplement-b.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBeUndefined();
    const text = pdfText(res.rawPayload, { layout: true });
    expect(text).toContain('Form I-918, Supplement B');
    const lines = text.split('\n');
    const t918 = t.ctx.messages.translator('en');
    for (const f of I918B_FIELDS) {
      const label = t918(`u-visa.suppb.field.${f.id}`);
      // The row starts with the item's label (its first words: long labels wrap); its answer is on the same line.
      const head = label.slice(0, 28);
      const line = lines.find((l) => l.trimStart().startsWith(head));
      expect(line, `${f.id}: label not found`).toBeDefined();
      const answer = (line as string).trimStart().slice(head.length).replace(label.slice(28), '').trim();
      expect(answer.length, `${f.id} is blank in the PDF: "${line}"`).toBeGreaterThan(0);
    }
    expect(text).toContain('None');
    expect(text).toContain('11/20/2026');
    expect(text).toContain('García López');
    // Opening the document is audited.
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').select('detail').where('record_id', '=', id).where('detail', '=', 'document.supplement-b').execute();
    expect(audit).toHaveLength(1);
  });

  it.runIf(hasPdftotext())('the decision letter is in the requester\'s language (Spanish) and is e-mailed with the PDF', async () => {
    const res = await official.get(`/staff/u-visa/requests/${id}/letter.pdf`);
    expect(res.statusCode).toBe(200);
    const text = pdfText(res.rawPayload);
    expect(text).toContain('Certificamos su solicitud de visa U');
    expect(text).toContain('20 de mayo de 2027');
    expect(text).toContain('Ana Abogada');
    await sendDecisionLetter(t.ctx, id);
    const messages = await t.ctx.db.kysely.selectFrom('notify_messages').selectAll().where('template', '=', 'u-visa.notify.decision').execute();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ channel: 'email', locale: 'es' });
    // Sent again (a retried job): nothing more is queued for the same decision? The action log says once per run.
    const actions = await t.ctx.db.kysely.selectFrom('u_visa_actions').select('kind').where('request_id', '=', id).where('kind', '=', 'letter-sent').execute();
    expect(actions).toHaveLength(1);
    now = new Date('2026-11-21T15:00:00Z');
  });
});

describeEachDialect('certifying a T visa: Form I-914 Supplement B', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    now = new Date('2026-11-20T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
  });
  afterAll(async () => t.close());

  it('refuses blanks, certifies when complete, and starts no 6-month window (none is known for I-914B)', async () => {
    const official = await signInAs(t, 'certifying-official');
    const { token } = await attorneyToken(t);
    const id = body<ApiStatus>(await apiFile(t, token, validRequest({ visaType: 'T', crimes: ['trafficking', 'involuntary-servitude'] }))).id;
    const page = await official.get(`/staff/u-visa/requests/${id}/supplement`);
    expect(page.body).toContain('Form I-914, Supplement B');
    const answers: Record<string, string | string[]> = {
      victimFamilyName: 'García López',
      victimGivenName: 'María',
      victimMiddleName__stock: 'N/A',
      victimOtherNames__stock: 'None',
      victimDateOfBirth: '1991-02-03',
      victimANumber__stock: 'None',
      victimGender: 'female',
      officialName: 'Lt. Dana Ruiz',
      officialTitle: 'Lieutenant, Human Trafficking Unit',
      agencyName: 'Minneapolis Police Department',
      agencyType: 'local',
      agencyCategory: 'law-enforcement',
      caseStatus: 'ongoing',
      agencyCaseNumber: 'CCN 26-123456',
      fbiOrSidNumber__stock: 'Unknown',
      agencyAddress: '350 S 5th St, Minneapolis, MN 55415',
      agencyPhone: '612 673 3000',
      agencyEmail__stock: 'None',
      traffickingTypes: ['labor-trafficking'],
      victimCooperated: 'yes',
      crimeDates: '03/2025 – 06/2026',
      statutes: '18 U.S.C. 1589; Minn. Stat. 609.282',
      crimeLocation: 'Minneapolis, Minnesota',
      crimeDescription: '',
      signatoryName: 'Lt. Dana Ruiz',
      additionalInformation__stock: 'None',
    };
    expect((await official.post(`/staff/u-visa/requests/${id}/supplement`, answers)).statusCode).toBe(303);
    const revision = async () => String((await t.ctx.db.kysely.selectFrom('u_visa_requests').select('revision').where('id', '=', id).executeTakeFirstOrThrow()).revision);
    const refused = await official.post(`/staff/u-visa/requests/${id}/certify?lang=en`, { revision: await revision() });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Description of the criminal activity: This item is blank');
    await official.post(`/staff/u-visa/requests/${id}/supplement`, { ...answers, crimeDescription: 'Held on a farm and made to work without pay.' });
    expect((await official.post(`/staff/u-visa/requests/${id}/certify`, { revision: await revision() })).statusCode).toBe(303);
    expect(await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.signature', recordId: id })).toEqual([]);
    if (hasPdftotext()) {
      const text = pdfText((await official.get(`/staff/u-visa/requests/${id}/supplement-b.pdf`)).rawPayload);
      expect(text).toContain('Labor trafficking');
      expect(text).toContain('Unknown');
    }
  });
});
