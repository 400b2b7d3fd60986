import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendDecisionLetter } from '../../src/modules/u-visa/u-visa.documents.tsx';
import { I918B_FIELDS } from '../../src/modules/u-visa/supplement-b/supplement-b.fields.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';
import { hasPdftotext, pdfText } from './pdf-text.ts';
import { type ApiStatus, HELPFULNESS_EN, OFFICIAL_ANSWERS, apiFile, attorneyToken, body, fillSupplement, validRequest } from './u-visa-helpers.ts';

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
    // Each blank item is named as on the (English) USCIS form, marked as English, with the translated reason.
    expect(res.body).toContain('<span lang="en">Physical address of the agency</span>: Esta casilla está en blanco');
    const row = await t.ctx.db.kysely.selectFrom('u_visa_requests').select(['status', 'signed_on']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'received', signed_on: null });
  });

  it('a refused signing starts the page with an error summary that links to the list of items to complete', async () => {
    // Another official's browser, in English (the first one keeps the Spanish it chose above).
    const reader = await signInAs(t, 'certifying-official', { displayName: 'Lt. Dana Ruiz' });
    const detail = await reader.get(`/staff/u-visa/requests/${id}?lang=en`);
    const revision = /name="revision" value="(\d+)"/.exec(detail.body)?.[1] ?? '';
    const res = await reader.post(`/staff/u-visa/requests/${id}/certify`, { revision });
    expect(res.statusCode).toBe(422);
    // The summary comes before the page's heading (the top of the page), says signing was refused, and links to the list.
    const summary = res.body.indexOf('id="error-summary"');
    expect(summary).toBeGreaterThan(0);
    expect(summary).toBeLessThan(res.body.indexOf('<h1>'));
    expect(res.body).toMatch(/<a class="usa-link" href="#field-supplement-incomplete">Signing was refused: Supplement B has \d+ items to complete\. See the list<\/a>/);
    // The list has that id (focusable), names each item, and links to the Supplement B page.
    const list = res.body.slice(res.body.indexOf('id="field-supplement-incomplete"'));
    expect(list.startsWith('id="field-supplement-incomplete" tabindex="-1"')).toBe(true);
    expect(list).toContain('Supplement B is not complete');
    expect(list).toContain(`href="/staff/u-visa/requests/${id}/supplement#field-agencyAddress"`);
    expect(list).toContain(`<a class="usa-link" href="/staff/u-visa/requests/${id}/supplement">Complete Form I-918 Supplement B</a>`);
    // What the Supplement B page shows prefilled from the request counts: it is not reported blank.
    for (const item of ['victimFamilyName', 'victimGivenName', 'victimDateOfBirth', 'victimGender', 'agencyName', 'agencyCaseNumber', 'crimes', 'officialName', 'signatoryName']) {
      expect(res.body, item).not.toContain(`/supplement#field-${item}"`);
    }
    // The requester's Spanish account is not an answer for the English form: the official must write it.
    expect(res.body).toContain(`/supplement#field-helpfulnessDescription"`);
    // On the English request page, that account is marked as Spanish.
    expect(res.body).toContain('<span class="sanctuary-answer" lang="es">Llamó al 911');
  });

  it('on a page in Spanish, Somali or Hmong the Supplement B item names are marked as English; the requester\'s Spanish account is a reference, not an answer', async () => {
    const reader = await signInAs(t, 'certifying-official', { displayName: 'Lt. Dana Ruiz' });
    for (const lang of ['es', 'so', 'hmn']) {
      const page = await reader.get(`/staff/u-visa/requests/${id}/supplement?lang=${lang}`);
      expect(page.statusCode).toBe(200);
      expect(page.body, lang).toContain('<label class="usa-label" for="field-victimFamilyName"><span lang="en">Victim&#39;s family name (last name)</span></label>');
      expect(page.body, lang).toContain('<legend class="usa-legend"><span lang="en">Certifying official&#39;s role</span></legend>');
      // The stock answers' question names the item in English too, inside a translated sentence.
      expect(page.body, lang).toMatch(/<legend class="usa-legend">[^<]*<span lang="en">Agency e-mail address<\/span>[^<]*<\/legend>/);
      expect(page.body, lang).toContain('<label class="usa-label" for="field-trackingNumber"><span lang="en">Certification tracking number</span> (');
    }
    const en = await reader.get(`/staff/u-visa/requests/${id}/supplement?lang=en`);
    expect(en.body).toContain('<label class="usa-label" for="field-victimFamilyName">Victim&#39;s family name (last name)</label>');
    // Not prefilled from the Spanish request; shown beside the item, marked as Spanish, for the official to write in English.
    expect(en.body).toMatch(/<textarea class="usa-textarea" id="field-helpfulnessDescription" name="helpfulnessDescription" aria-describedby="field-helpfulnessDescription-hint" maxlength="4000"><\/textarea>/);
    const hint = en.body.slice(en.body.indexOf('id="field-helpfulnessDescription-hint"')).split('</div>')[0] ?? '';
    expect(hint).toContain('the requester wrote in another language (Spanish)');
    expect(hint).toContain('<q class="sanctuary-answer" lang="es">Llamó al 911, dio una declaración e identificó al agresor.</q>');
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
    expect(refused.body).toContain('<span lang="en">Description of the criminal activity</span>: Esta casilla está en blanco');
    // A stock answer an item does not offer is refused.
    const wrong = await fillSupplement(official, id, { crimeDescription__stock: 'Unknown' });
    expect(wrong.statusCode).toBe(422);
    // One answer per item: a repeated name is refused, not joined into "Chief,Janitor" on a signed form.
    const twice = await fillSupplement(official, id, { officialTitle: ['Chief', 'Janitor'] });
    expect(twice.statusCode).toBe(422);
    expect((await official.get(`/staff/u-visa/requests/${id}/supplement`)).body).not.toContain('Chief,Janitor');
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
    // The requester wrote in Spanish: the English answer sheet has the official's English, not "Llamó al 911…".
    expect(text).not.toContain('Llamó');
    expect(text).not.toContain('declaración');
    expect(text.replace(/\s+/g, ' ')).toContain(HELPFULNESS_EN);
    // Opening the document is audited.
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').select('detail').where('record_id', '=', id).where('detail', '=', 'document.supplement-b').execute();
    expect(audit).toHaveLength(1);
  });

  it.runIf(hasPdftotext())('the decision letter is in the requester\'s language (Spanish) and is e-mailed with the PDF', async () => {
    const res = await official.get(`/staff/u-visa/requests/${id}/letter.pdf`);
    expect(res.statusCode).toBe(200);
    // Words only: where a line wraps depends on the fonts installed.
    const text = pdfText(res.rawPayload).replace(/\s+/g, ' ');
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

describeEachDialect('signing counts what the Supplement B page shows prefilled', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    now = new Date('2026-11-20T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
  });
  afterAll(async () => t.close());

  it('an official who saves only what they typed can sign: the prefilled answers count and are stored in the signed Supplement B', async () => {
    const official = await signInAs(t, 'certifying-official', { displayName: 'Lt. Dana Ruiz' });
    const { token } = await attorneyToken(t);
    // A request in English: the requester's account is prefilled as the helpfulness description.
    const account = 'She called 911, gave a statement and picked the suspect out of a line-up.';
    const id = body<ApiStatus>(await apiFile(t, token, validRequest({ language: 'en', helpfulness: account }))).id;
    const page = await official.get(`/staff/u-visa/requests/${id}/supplement?lang=en`);
    expect(page.body).toContain('value="García López"');
    expect(page.body).toContain(`>${account}</textarea>`);
    expect(page.body).toContain('value="Lt. Dana Ruiz"');
    expect(page.body).toContain('Answers filled in from the request and the case facts count as given');
    // Saved: only the items the page left empty — none of the prefilled ones (as if they had been cleared).
    const typed = Object.fromEntries(Object.entries(OFFICIAL_ANSWERS).filter(([k]) => k !== 'helpfulnessDescription'));
    expect((await official.post(`/staff/u-visa/requests/${id}/supplement`, typed)).statusCode).toBe(303);
    const saved = await t.ctx.db.kysely.selectFrom('u_visa_requests').select(['supplement_sealed', 'revision']).where('id', '=', id).executeTakeFirstOrThrow();
    const stored = await t.ctx.vault.openJson<Record<string, string>>(id, saved.supplement_sealed ?? '', { table: 'u_visa_requests', column: 'supplement_sealed', rowId: id });
    expect(stored.victimFamilyName).toBeUndefined();
    expect(stored.helpfulnessDescription).toBeUndefined();
    const res = await official.post(`/staff/u-visa/requests/${id}/certify?lang=en`, { revision: String(saved.revision) });
    expect(res.statusCode, res.body.slice(res.body.indexOf('error-summary'), res.body.indexOf('error-summary') + 600)).toBe(303);
    const row = await t.ctx.db.kysely.selectFrom('u_visa_requests').select(['supplement_sealed', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('certified');
    const signed = await t.ctx.vault.openJson<Record<string, string>>(id, row.supplement_sealed ?? '', { table: 'u_visa_requests', column: 'supplement_sealed', rowId: id });
    expect(signed).toMatchObject({
      victimFamilyName: 'García López',
      victimGivenName: 'María',
      victimMiddleName: 'N/A',
      victimDateOfBirth: '1991-02-03',
      officialName: 'Lt. Dana Ruiz',
      signatoryName: 'Lt. Dana Ruiz',
      agencyName: 'Minneapolis Police Department',
      agencyCaseNumber: 'CCN 26-123456',
      helpfulnessDescription: account,
      officialTitle: OFFICIAL_ANSWERS.officialTitle,
      signatureDate: '2026-11-20',
    });
    if (hasPdftotext()) {
      const text = pdfText((await official.get(`/staff/u-visa/requests/${id}/supplement-b.pdf`)).rawPayload, { layout: true });
      expect(text).toContain('García López');
      expect(text).toContain('Lt. Dana Ruiz');
      expect(text.replace(/\s+/g, ' ')).toContain(account);
    }
  });
});
