import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiToken } from '../../src/core/auth/api-tokens.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { routeRequest } from '../../src/modules/u-visa/u-visa.routing.ts';
import { normalizeANumber, normalizePhone } from '../../src/modules/u-visa/u-visa.schemas.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { type ApiStatus, apiFile, attorneyToken, body, counts, fieldErrors, validRequest } from './u-visa-helpers.ts';

const NOW = new Date('2026-11-20T15:00:00Z');

describe('input helpers', () => {
  it('normalises A-numbers and refuses what is not one', () => {
    expect(normalizeANumber('A-123-456-789')).toBe('A123456789');
    expect(normalizeANumber('a 12345678')).toBe('A012345678');
    expect(normalizeANumber('1234567')).toBe('A001234567');
    expect(normalizeANumber('A1234')).toBeNull();
    expect(normalizeANumber('B123456789')).toBeNull();
    expect(normalizeANumber('1234567890')).toBeNull();
  });
  it('normalises phone numbers to E.164', () => {
    expect(normalizePhone('(612) 555-0142')).toBe('+16125550142');
    expect(normalizePhone('+52 55 1234 5678')).toBe('+525512345678');
    expect(normalizePhone('555-0142')).toBeNull();
  });
});

describeEachDialect('U-visa intake', (dialect) => {
  let t: TestApp;
  let token = '';
  let tokenId = '';
  let attorneyUserId = '';
  beforeAll(async () => {
    t = await createTestApp(dialect, { now: () => NOW });
    const a = await attorneyToken(t);
    token = a.token;
    tokenId = a.tokenId;
    attorneyUserId = a.browser.userId;
  });
  afterAll(async () => t.close());

  it('routes by crime and agency, from the jurisdiction profile', () => {
    const j = t.ctx.jurisdiction;
    expect(routeRequest(j, { agency: 'mpd', visaType: 'T', crimes: ['trafficking'] })).toBe('mpd');
    expect(routeRequest(j, { agency: 'city-attorney', visaType: 'U', crimes: ['stalking'] })).toBe('city-attorney');
    // The City Attorney certifies only U requests for its three misdemeanours; anything else waits for staff.
    expect(routeRequest(j, { agency: 'city-attorney', visaType: 'U', crimes: ['murder'] })).toBeNull();
    expect(routeRequest(j, { agency: 'city-attorney', visaType: 'T', crimes: ['stalking'] })).toBeNull();
    expect(routeRequest(j, { agency: 'other', visaType: 'U', crimes: ['rape'] })).toBeNull();
  });

  it('an attorney files through the API with a scoped token: routed, on the 30-day clock inside the 90-day state maximum', async () => {
    const res = await apiFile(t, token, validRequest());
    expect(res.statusCode).toBe(201);
    const filed = body<ApiStatus>(res);
    expect(filed).toMatchObject({ status: 'received', visaType: 'U', expedited: false, department: 'mpd', dueDate: '2026-12-20', daysLeft: 30 });
    expect(filed.reference).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
    const clocks = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: filed.id });
    expect(clocks.map((c) => c.rules)).toEqual([['uVisaCertification', 'uVisaCertificationStateMaximum']]);
    expect(clocks[0]?.governingRule).toBe('uVisaCertification');
    // Nothing personal in plain text; the reference code is only a blind index.
    const row = await t.ctx.db.kysely.selectFrom('u_visa_requests').selectAll().where('id', '=', filed.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('García');
    expect(JSON.stringify(row)).not.toContain(filed.reference);
    expect(row.filed_by).toBe(attorneyUserId);
    // The intake is audited as the token's owner.
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().where('record_id', '=', filed.id).execute();
    expect(audit.map((a) => [a.action, a.actor_id, a.detail])).toContainEqual(['record.create', attorneyUserId, 'channel.api']);
  });

  it('the expedite raised at intake with its proof: 7 days (city) inside 14 (state) when the victim is in removal proceedings', async () => {
    const res = await apiFile(t, token, validRequest({ expedite: 'victim', expediteProofType: 'notice-to-appear', expediteProofDate: '2026-10-30' }));
    expect(res.statusCode).toBe(201);
    expect(body<ApiStatus>(res)).toMatchObject({ expedited: true, dueDate: '2026-11-27', daysLeft: 7 });
    const [clock] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: body<ApiStatus>(res).id });
    expect(clock?.rules).toEqual(['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited']);
    // A family member's proceedings expedite the city's clock; the state's stays 90 days.
    const family = await apiFile(t, token, validRequest({ expedite: 'family-member', expediteProofType: 'hearing-notice', expediteProofDate: '2026-11-02' }));
    const [c2] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: body<ApiStatus>(family).id });
    expect(c2?.rules).toEqual(['uVisaCertificationExpedited', 'uVisaCertificationStateMaximum']);
    expect(c2?.dueDate).toBe('2026-11-27');
  });

  it('bad input gets clear errors in the requester\'s language, and nothing is written', async () => {
    const before = await counts(t.ctx);
    const es = { 'accept-language': 'es' };
    const outside = await apiFile(t, token, validRequest({ crimes: ['jaywalking'] }), es);
    expect(outside.statusCode).toBe(422);
    const crimeError = fieldErrors(outside).find((f) => f.field === 'crimes');
    expect(crimeError?.code).toBe('u-visa.error.crimeNotListed');
    expect(crimeError?.message).toContain('Otro delito similar');
    const noExplanation = await apiFile(t, token, validRequest({ crimes: ['similar-activity'] }), es);
    expect(fieldErrors(noExplanation).map((f) => f.code)).toContain('u-visa.error.similarActivityRequired');
    const outOfOrder = await apiFile(t, token, validRequest({ crimeDate: '1990-05-01', victimDateOfBirth: '1991-02-03' }), es);
    const order = fieldErrors(outOfOrder).find((f) => f.field === 'crimeDate');
    expect(order?.code).toBe('u-visa.error.crimeBeforeBirth');
    expect(order?.message).toContain('fecha del delito');
    const future = await apiFile(t, token, validRequest({ crimeDate: '2027-01-01' }));
    expect(fieldErrors(future)).toContainEqual(expect.objectContaining({ field: 'crimeDate', code: 'u-visa.error.dateInFuture' }));
    const noProof = await apiFile(t, token, validRequest({ expedite: 'victim' }), es);
    expect(noProof.statusCode).toBe(422);
    const proof = fieldErrors(noProof).find((f) => f.field === 'expediteProofType');
    expect(proof?.code).toBe('u-visa.error.proofMissing');
    expect(proof?.message).toContain('Notificación de comparecencia');
    const noRelease = await apiFile(t, token, validRequest({ releaseType: undefined, releaseDate: undefined }));
    expect(fieldErrors(noRelease).map((f) => f.field)).toEqual(expect.arrayContaining(['releaseType', 'releaseDate']));
    const tWithoutTrafficking = await apiFile(t, token, validRequest({ visaType: 'T', crimes: ['perjury'] }));
    expect(fieldErrors(tWithoutTrafficking)).toContainEqual(expect.objectContaining({ field: 'crimes', code: 'u-visa.error.tVisaCrime' }));
    const badANumber = await apiFile(t, token, validRequest({ aNumber: 'A-12' }));
    expect(fieldErrors(badANumber)).toContainEqual(expect.objectContaining({ field: 'aNumber', code: 'u-visa.error.aNumber' }));
    // Immigration status is not a field: asking for it is refused like any unknown field.
    const status = await apiFile(t, token, validRequest({ immigrationStatus: 'undocumented' }));
    expect(status.statusCode).toBe(422);
    const notJson = await t.app.inject({ method: 'POST', url: '/api/v1/u-visa/requests', payload: '[1,2]', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
    expect(notJson.statusCode).toBe(422);
    const broken = await t.app.inject({ method: 'POST', url: '/api/v1/u-visa/requests', payload: '{"visaType":', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
    expect(broken.statusCode).toBe(400);
    expect(await counts(t.ctx)).toEqual(before);
  });

  it('tokens: only their scope, only for their account, refused once revoked or unknown (audited)', async () => {
    // Without credentials the CSRF check refuses first (403); another scheme is refused as unauthorised.
    const noToken = await t.app.inject({ method: 'POST', url: '/api/v1/u-visa/requests', payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(noToken.statusCode).toBe(403);
    const basic = await t.app.inject({ method: 'POST', url: '/api/v1/u-visa/requests', payload: '{}', headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.statusCode).toBe(401);
    const forged = await apiFile(t, `sct_${'A'.repeat(43)}`, validRequest());
    expect(forged.statusCode).toBe(401);
    // A token opens no staff page and no other permission, even one its owner's session could use.
    const page = await t.app.inject({ method: 'GET', url: '/staff', headers: { authorization: `Bearer ${token}` } });
    expect(page.statusCode).not.toBe(200);
    const queue = await t.app.inject({ method: 'GET', url: '/api/openapi.json', headers: { authorization: `Bearer ${token}` } });
    expect(queue.statusCode).toBe(200);
    // The status of one's own requests only.
    const mine = body<ApiStatus>(await apiFile(t, token, validRequest()));
    const status = await t.app.inject({ method: 'GET', url: `/api/v1/u-visa/requests/${mine.id}`, headers: { authorization: `Bearer ${token}` } });
    expect(status.statusCode).toBe(200);
    expect(body<ApiStatus>(status)).toMatchObject({ id: mine.id, status: 'received' });
    expect(body<ApiStatus>(status).reference).toBeUndefined();
    const other = await attorneyToken(t);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/u-visa/requests/${mine.id}`, headers: { authorization: `Bearer ${other.token}` } })).statusCode).toBe(404);
    // Revoked: refused at once, and the refusal is audited.
    await revokeApiToken(t.ctx, { id: other.tokenId, actor: OPERATOR });
    expect((await apiFile(t, other.token, validRequest())).statusCode).toBe(401);
    const refusals = await t.ctx.db.kysely.selectFrom('audit_log').select('detail').where('action', '=', 'auth.api-token').execute();
    expect(refusals.map((r) => r.detail)).toEqual(expect.arrayContaining(['reason.unknown', 'reason.revoked']));
    expect(tokenId).toHaveLength(26);
  });

  it('staff enter a request by phone with the same rules: errors on the form, then a reference code', async () => {
    const staff = await signInAs(t, 'office-staff');
    const page = await staff.get('/staff/u-visa/new?lang=es');
    expect(page.statusCode).toBe(200);
    // Nothing asks for a status, a citizenship or a country of birth.
    expect(page.body).not.toMatch(/name="[^"]*(status|citizen|nationality|country|birthPlace)/i);
    const form: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(validRequest({ requesterRole: 'victim', requesterName: '', requesterOrganisation: '', releaseType: '', releaseDate: '', expedite: 'victim', language: 'so' }))) {
      form[k] = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v : '';
    }
    const refused = await staff.post('/staff/u-visa/new', form);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('href="#field-expediteProofType"');
    // JSON with the wrong shapes (what the page never sends) is a 422 with the form, not a 500.
    for (const odd of [{ crimes: { a: 1 } }, { crimeModifiers: 7 }]) {
      const res = await staff.postJson('/staff/u-visa/new', { ...validRequest(), ...odd });
      expect(res.statusCode).toBe(422);
    }
    const ok = await staff.post('/staff/u-visa/new', { ...form, expediteProofType: 'notice-to-appear', expediteProofDate: '2026-11-19' });
    expect(ok.statusCode).toBe(201);
    expect(ok.body).toMatch(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}/);
    // Office staff may enter requests but not open them.
    expect((await staff.get('/staff/u-visa')).statusCode).toBe(403);
  });

  it('the start page says why answers are kept in whole sentences, in every language', async () => {
    const b = new TestBrowser(t.app);
    const html = (x: string) => x.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    const sentences = {
      en: 'Then we delete them. We keep them that long because you may need a copy or ask us to reconsider, and because USCIS may ask us about the form after the decision.',
      es: 'Después las borramos. Las guardamos ese tiempo porque usted puede necesitar una copia o pedirnos que reconsideremos la decisión, y porque USCIS puede preguntarnos por el formulario después de la decisión.',
      so: "Kadib waan tirtiri doonnaa. Muddadaas ayaan haynaa sababtoo ah waxaa laga yaabaa inaad u baahato nuqul ama inaad naga codsato inaan dib u eegno go'aanka, iyo sababtoo ah USCIS ayaa naga weydiin karta foomka go'aanka kadib.",
      hmn: 'Ces peb yuav rho tawm. Peb khaws ntev li ntawd vim tias koj yuav xav tau ib daim qauv los sis thov kom peb rov xav dua txog qhov kev txiav txim, thiab vim tias USCIS yuav nug peb txog daim ntawv tom qab txiav txim.',
    };
    for (const [lang, sentence] of Object.entries(sentences)) {
      const page = await b.get(`/forms/u-visa-request?lang=${lang}`);
      expect(page.statusCode).toBe(200);
      expect(page.body, lang).toContain(html(sentence));
      // No sentence starts with a lower-case "because" (the fragment the start page used to show).
      expect(page.body.replace(/<[^>]+>/g, ''), lang).not.toMatch(/\. (because|porque|sababtoo|vim tias)/);
    }
  });

  it('the public form, in Spanish: one question per page, status by reference code', async () => {
    const b = new TestBrowser(t.app);
    const base = '/forms/u-visa-request';
    expect((await b.get(`${base}?lang=es`)).body).toContain('Pida a la ciudad que certifique su visa U o T');
    await b.post(`${base}/start`, {});
    const steps: Array<[string, Record<string, string | string[]>]> = [
      ['requester-role', { requesterRole: 'family-member' }],
      ['representative', { requesterName: 'Rosa Hernández', requesterOrganisation: '' }],
      ['release', { releaseType: 'signed-release', 'releaseDate-day': '2', 'releaseDate-month': '11', 'releaseDate-year': '2026' }],
      ['visa-type', { visaType: 'U' }],
      ['crimes', { crimes: ['kidnapping', 'similar-activity'] }],
      ['crime-form', {}],
      ['similar-activity', { similarActivity: 'Lo encerraron en un sótano durante dos días.' }],
      ['agency', { agency: 'mpd' }],
      ['case', { caseNumber: '', courtFileNumber: '', 'crimeDate-day': '', 'crimeDate-month': '', 'crimeDate-year': '' }],
      ['victim-name', { victimGivenName: 'José', victimMiddleName: '', victimFamilyName: 'Hernández', victimOtherNames: '' }],
      ['victim-birth', { 'victimDateOfBirth-day': '9', 'victimDateOfBirth-month': '8', 'victimDateOfBirth-year': '2008' }],
      ['victim-gender', { victimGender: 'male' }],
      ['a-number', { aNumber: '' }],
      ['helpfulness', { helpfulness: 'Dio una declaración a la policía.' }],
      ['expedite', { expedite: 'family-member' }],
      ['expedite-proof', { expediteProofType: 'notice-to-appear', 'expediteProofDate-day': '1', 'expediteProofDate-month': '11', 'expediteProofDate-year': '2026' }],
      ['contact', { contactMethod: 'sms' }],
      ['phone', { phone: '612 555 0177' }],
    ];
    for (const [step, form] of steps) {
      const res = await b.post(`${base}/${step}`, form);
      expect(res.statusCode, `${step}: ${res.body.slice(0, 300)}`).toBe(303);
    }
    const check = await b.get(`${base}/check`);
    expect(check.body).toContain('Rosa Hernández');
    const sent = await b.post(`${base}/submit`, {});
    expect(sent.statusCode).toBe(303);
    const confirmation = await b.get(`${base}/confirmation`);
    const code = confirmation.body.replace(/<[^>]+>|\s/g, '').match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}/)?.[0] ?? '';
    expect(code).not.toBe('');
    const status = await b.post(`${base}/status`, { code });
    expect(status.body).toContain('Recibida');
    // The status tag and the date line agree (la solicitud: "Recibida", "Recibida el …"), never "Recibido".
    expect(status.body).toContain('<strong class="usa-tag usa-tag--big">Recibida</strong>');
    expect(status.body).toContain('Recibida el 20 de noviembre de 2026');
    expect(status.body).not.toMatch(/recibido/i);
    const row = await t.ctx.db.kysely.selectFrom('u_visa_requests').selectAll().where('channel', '=', 'public-form').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ language: 'es', expedited: 1, requester_role: 'family-member', department: 'mpd', contact_method: 'sms', release_type: 'signed-release' });
    // The victim is 18: an age-out alert before they turn 21 (the day before the 21st birthday).
    const [ageOut] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.age-out', recordId: row.id });
    expect(ageOut?.dueDate).toBe('2029-08-08');
  });

  it('the public form refuses a date out of order on its page, translated', async () => {
    const b = new TestBrowser(t.app);
    const base = '/forms/u-visa-request';
    await b.get(`${base}?lang=es`);
    // From the start to the date of birth, each page taken (303); `first` are the requester's own pages.
    const answerUpToBirth = async (browser: TestBrowser, first: Array<[string, Record<string, string | string[]>]>, query = '') => {
      await browser.post(`${base}/start`, {});
      for (const [step, form] of [
        ...first,
        ['visa-type', { visaType: 'U' }],
        ['crimes', { crimes: ['stalking'] }],
        ['crime-form', {}],
        ['agency', { agency: 'unknown' }],
        ['case', { 'crimeDate-day': '3', 'crimeDate-month': '4', 'crimeDate-year': '2020' }],
        ['victim-name', { victimGivenName: 'Ana', victimFamilyName: 'Ruiz' }],
      ] as Array<[string, Record<string, string | string[]>]>) {
        expect((await browser.post(`${base}/${step}${query}`, form)).statusCode, step).toBe(303);
      }
    };
    await answerUpToBirth(b, [['requester-role', { requesterRole: 'victim' }]]);
    const res = await b.post(`${base}/victim-birth`, { 'victimDateOfBirth-day': '1', 'victimDateOfBirth-month': '1', 'victimDateOfBirth-year': '2021' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('La fecha del delito es anterior a la fecha de nacimiento');
    // Years before 1900 are refused on the page, as the request schema refuses them at submission.
    expect((await b.post(`${base}/victim-birth`, { 'victimDateOfBirth-day': '1', 'victimDateOfBirth-month': '1', 'victimDateOfBirth-year': '1899' })).statusCode).toBe(422);
    // A representative's release dated before the victim's birth: refused on the birth page, not at submission.
    const r = new TestBrowser(t.app);
    await answerUpToBirth(
      r,
      [
        ['requester-role', { requesterRole: 'attorney' }],
        ['representative', { requesterName: 'Lic. Soto', requesterOrganisation: '' }],
        ['release', { releaseType: 'signed-release', 'releaseDate-day': '1', 'releaseDate-month': '1', 'releaseDate-year': '2000' }],
      ],
      '?lang=es',
    );
    const released = await r.post(`${base}/victim-birth?lang=es`, { 'victimDateOfBirth-day': '1', 'victimDateOfBirth-month': '1', 'victimDateOfBirth-year': '2001' });
    expect(released.statusCode).toBe(422);
    expect(released.body).toContain('id="field-victimDateOfBirth');
    const crimes = await (async () => {
      const c = new TestBrowser(t.app);
      await c.post(`${base}/start`, {});
      await c.post(`${base}/requester-role`, { requesterRole: 'victim' });
      await c.post(`${base}/visa-type`, { visaType: 'T' });
      return c.post(`${base}/crimes`, { crimes: ['perjury'] });
    })();
    expect(crimes.statusCode).toBe(422);
  });
});

describeEachDialect('U-visa API description', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { now: () => NOW });
  });
  afterAll(async () => t.close());

  it('is in the OpenAPI description with its body schema and the bearer scheme', async () => {
    const res = await new TestBrowser(t.app).get('/api/openapi.json');
    const doc = res.json<{ paths: Record<string, Record<string, { security?: unknown; 'x-access'?: string; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> }>();
    const post = doc.paths['/api/v1/u-visa/requests']?.post;
    expect(post?.['x-access']).toBe('u-visa.api.file');
    expect(post?.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    const props = Object.keys(post?.requestBody?.content['application/json']?.schema.properties ?? {});
    expect(props).toEqual(expect.arrayContaining(['visaType', 'crimes', 'expedite', 'expediteProofType', 'aNumber']));
    expect(props).not.toContain('immigrationStatus');
    expect(doc.paths['/api/v1/u-visa/requests/{id}']?.get?.['x-access']).toBe('u-visa.api.file');
  });
});
