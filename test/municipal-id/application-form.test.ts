/**
 * The municipal ID application end to end through HTTP, on both databases: the whole form in Somali with
 * spot checks in the other languages, every refusal the issue names (an address outside the city, a plan short
 * of points, an impossible birth date, under age, not a resident), the fee and waiver paths, the no-fixed-
 * address path, an address only staff can place, the status page, the enrolment API, duplicates, and the purge
 * after the decision that crypto-shreds the application.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/core/db/transaction.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import {
  decide,
  decisionRetentionDays,
  duplicateIndex,
  findByReference,
  findDuplicates,
  getApplicationForEnrolment,
  markCardReady,
  markEnrolled,
} from '../../src/modules/municipal-id/application/application.service.ts';
import { movableClock } from '../forms/forms-helpers.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { type Applicant, BASE, HODAN, answer, escaped, fillApplication, importFixtureAddresses, submitApplication } from './application-helpers.ts';

const SYSTEM = { userId: null, role: 'system' as const };

async function newestApplication(t: TestApp) {
  return t.ctx.db.kysely.selectFrom('id_applications').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
}

async function countApplications(t: TestApp): Promise<number> {
  return Number((await t.ctx.db.kysely.selectFrom('id_applications').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
}

/** A browser that has chosen a language (the choice is remembered in a cookie). */
async function browserIn(t: TestApp, lang: string): Promise<TestBrowser> {
  const b = new TestBrowser(t.app);
  await b.get(`${BASE}?lang=${lang}`);
  return b;
}

/** Starts a draft and answers up to (not including) `upTo`. */
async function answerUpTo(b: TestBrowser, a: Applicant, upTo: 'birth-date' | 'address' | 'documents'): Promise<void> {
  await b.post(`${BASE}/start`, {});
  await answer(b, 'lives-in-city', { livesInCity: 'yes' }, 'residency-days');
  await answer(b, 'residency-days', { residencyDays: 'enough' }, 'name');
  await answer(b, 'name', { name: a.name }, 'birth-date');
  if (upTo === 'birth-date') return;
  await answer(b, 'birth-date', { 'birthDate-day': a.birth[0], 'birthDate-month': a.birth[1], 'birthDate-year': a.birth[2] }, 'housing');
  await answer(b, 'housing', { housing: a.housing }, a.housing === 'address' ? 'address' : 'documents');
  if (upTo === 'address' || a.housing === 'none') return;
  await answer(b, 'address', { street: a.street ?? '', unit: a.unit ?? '', zip: a.zip ?? '' }, 'documents');
}

describeEachDialect('the municipal ID application', (dialect) => {
  let t: TestApp;
  const clock = movableClock(new Date('2026-11-27T15:00:00.000Z'));
  const m = (lang: 'en' | 'es' | 'so' | 'hmn', key: string, values?: Record<string, string | number>) => escaped(t.ctx.messages.format(lang, key, values));

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
    await importFixtureAddresses(t.ctx);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is linked from the home page and says what is kept, why, for how long, and that the data may be public', async () => {
    const b = await browserIn(t, 'so');
    const home = await b.get('/');
    expect(home.body).toContain(`href="${BASE}"`);
    const start = await b.get(BASE);
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('<html lang="so"');
    const purpose = m('so', 'municipalId.apply.purpose', { office: 'City Clerk', dataPublic: 'yes', city: 'Minneapolis', minimumAge: 13, residencyDays: 30, validityYears: 4 });
    expect(start.body).toContain(purpose);
    expect(t.ctx.messages.format('en', 'municipalId.apply.purpose', { office: 'City Clerk', dataPublic: 'yes' })).toContain('Minnesota Government Data Practices Act');
    expect(start.body).toContain(m('so', 'forms.privacy.keepAfterClosing', { days: 30 }));
    expect(start.body).toContain(m('so', 'municipalId.apply.retentionBasis'));
  });

  it('takes a whole application in Somali, seals it, and shows its status by reference code', async () => {
    const before = await countApplications(t);
    const b = await browserIn(t, 'so');
    await b.post(`${BASE}/start`, {});
    const first = await b.get(`${BASE}/lives-in-city`);
    expect(first.body).toContain(m('so', 'municipalId.apply.livesInCity.label', { city: 'Minneapolis' }));
    expect(first.body).toContain(m('so', 'municipalId.eligibility.age', { minimumAge: 13 }));
    await fillApplication(b, { ...HODAN, unit: '' });

    // The document question shows the points of each document and the tally of what was chosen.
    const documents = await b.get(`${BASE}/documents?change=1`);
    expect(documents.body).toContain(m('so', 'municipalId.plan.complete'));
    const check = await b.get(`${BASE}/check`);
    expect(check.statusCode).toBe(200);
    for (const shown of ['Hodan Cabdi Warsame', '350 South Fifth Street', '55415', '612 555 0142', m('so', 'municipalId.waiver.low-income'), m('so', 'municipalId.gender.x')]) {
      expect(check.body).toContain(shown);
    }
    const reference = await submitApplication(b);
    const confirmation = await b.get(`${BASE}/confirmation`);
    expect(confirmation.body).toContain(m('so', 'municipalId.apply.whatNext'));
    expect(confirmation.body).toContain('action="/municipal-id/appointment"');
    expect(confirmation.body).toContain(`name="code" value="${reference}"`);
    expect(await countApplications(t)).toBe(before + 1);

    // Stored: categories and coarse geography in plain text, everything personal sealed.
    const row = await newestApplication(t);
    expect(row).toMatchObject({
      status: 'received',
      housing: 'address',
      location_status: 'located',
      match_quality: 'exact',
      ward: 7,
      precinct: '11',
      language: 'so',
      form_locale: 'so',
      fee_variant: 'adult',
      fee_cents: 1000,
      contact_method: 'text',
      appointment_id: null,
    });
    for (const column of ['name_sealed', 'birth_date_sealed', 'address_sealed', 'contact_sealed', 'designations_sealed', 'document_plan_sealed', 'fee_waiver_sealed'] as const) {
      expect(row[column], column).toMatch(/^s1\./);
    }
    const raw = JSON.stringify(row);
    // Long enough not to turn up by chance in base64 ciphertext or a hex index.
    for (const secret of ['Hodan', 'Warsame', '1991-06-14', 'Fifth', '612 555 0142', '6125550142', 'low-income', 'foreign-passport', reference]) expect(raw).not.toContain(secret);
    expect(row.duplicate_index).toBe(duplicateIndex(t.ctx, 'hodan cabdi warsame', '1991-06-14'));
    expect(row.purge_after > row.created_at).toBe(true);
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().where('record_id', '=', row.id).execute();
    expect(audit.map((a) => a.action)).toContain('record.create');

    // Status, from another browser, in Somali.
    const other = await browserIn(t, 'so');
    const status = await other.post(`${BASE}/status`, { code: reference.toLowerCase() });
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain(m('so', 'municipalId.status.received'));
    expect(status.body).toContain(m('so', 'municipalId.status.received.detail'));
    expect(status.body).not.toContain('Hodan');
    expect((await findByReference(t.ctx, reference))?.id).toBe(row.id);

    // The enrolment part opens it (audited) and sees what the person gave.
    const opened = await inTransaction(t.ctx.db, (tx) => getApplicationForEnrolment(t.ctx, tx, row.id, SYSTEM));
    expect(opened).toMatchObject({
      name: 'Hodan Cabdi Warsame',
      birthDate: '1991-06-14',
      address: { street: '350 South Fifth Street', zip: '55415' },
      gender: 'x',
      veteran: false,
      language: 'so',
      locale: 'so',
      contact: { method: 'text', value: '612 555 0142' },
      documentPlan: ['foreign-passport', 'utility-bill'],
      feeVariant: 'adult',
      feeCents: 1000,
      feeWaiver: 'low-income',
      ward: 7,
      precinct: '11',
    });
    const reads = await t.ctx.db.kysely.selectFrom('audit_log').select('action').where('record_id', '=', row.id).where('action', '=', 'record.read').execute();
    expect(reads.length).toBe(1);
  });

  it('refuses an address outside the city, in the person’s language, and stores nothing', async () => {
    const before = await countApplications(t);
    const b = await browserIn(t, 'es');
    await answerUpTo(b, { ...HODAN, housing: 'address' }, 'address');
    for (const [street, zip] of [
      ['75 Rev Dr Martin Luther King Jr Blvd', '55155'],
      ['6700 Portland Avenue South', '55423'],
    ] as const) {
      const res = await b.post(`${BASE}/address`, { street, unit: '', zip });
      expect(res.statusCode, street).toBe(422);
      expect(res.body).toContain(m('es', 'municipalId.apply.error.outsideCity', { city: 'Minneapolis' }));
      expect(res.body).toContain('href="#field-street"');
      // The page keeps what was typed.
      expect(res.body).toContain(`value="${street}"`);
    }
    // Not stored: the next step is not reachable.
    expect((await b.get(`${BASE}/documents`)).headers.location).toBe(`${BASE}/address`);
    // A P.O. box and a malformed ZIP are refused before any lookup.
    const po = await b.post(`${BASE}/address`, { street: 'PO Box 44', unit: '', zip: '5541' });
    expect(po.statusCode).toBe(422);
    expect(po.body).toContain(m('es', 'municipalId.apply.error.street'));
    expect(po.body).toContain(m('es', 'municipalId.apply.error.zip'));
    // An address on the city's edge is accepted for staff to check; one the county file lacks too.
    await answer(b, 'address', { street: '6001 34th Ave S', unit: '', zip: '55417' }, 'documents');
    expect(await countApplications(t)).toBe(before);
  });

  it('explains a plan short of points with a live tally, and refuses it until it is enough', async () => {
    const b = await browserIn(t, 'hmn');
    await answerUpTo(b, HODAN, 'documents');
    const page = await b.get(`${BASE}/documents`);
    // Each document shows its points; the tally starts empty.
    expect(page.body).toContain(m('hmn', 'municipalId.document.hint', { identity: 3, residency: 0, photo: 'yes', birthDate: 'yes' }));
    expect(page.body).toContain(m('hmn', 'municipalId.plan.identity', { points: 0, needed: 3 }));

    // A birth certificate and a pay stub: 2 identity points, 1 residency point, no photo.
    const short = await b.post(`${BASE}/documents`, { documents: ['us-birth-certificate', 'pay-stub'] });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain(m('hmn', 'municipalId.plan.error.identity', { points: 1 }));
    expect(short.body).toContain(m('hmn', 'municipalId.plan.error.total', { points: 1 }));
    expect(short.body).toContain(m('hmn', 'municipalId.plan.error.photo'));
    expect(short.body).not.toContain(m('hmn', 'municipalId.plan.error.birthDate'));
    // The tally counts what was just ticked.
    expect(short.body).toContain(m('hmn', 'municipalId.plan.identity', { points: 2, needed: 3 }));
    expect(short.body).toContain(`${m('hmn', 'forms.panel.met')} </span>${m('hmn', 'municipalId.plan.residency', { points: 1, needed: 1 })}`);
    expect(short.body).toContain(`${m('hmn', 'forms.panel.missing')} </span>${m('hmn', 'municipalId.plan.photo')}`);
    expect(short.body).toContain(m('hmn', 'municipalId.plan.incomplete'));

    // A consular ID alone: identity but no residency.
    const noResidency = await b.post(`${BASE}/documents`, { documents: ['consular-id'] });
    expect(noResidency.statusCode).toBe(422);
    expect(noResidency.body).toContain(m('hmn', 'municipalId.plan.error.residency', { points: 1 }));
    // Unknown document ids are refused outright.
    expect((await b.post(`${BASE}/documents`, { documents: ['forged-thing'] })).statusCode).toBe(422);
    // No upload path: a document sent as a file is refused before anything is read or stored.
    const upload = await t.app.inject({
      method: 'POST',
      url: `${BASE}/documents`,
      headers: { 'content-type': 'multipart/form-data; boundary=x', cookie: b.cookieHeader(), 'x-csrf-token': b.csrf },
      payload: '--x\r\nContent-Disposition: form-data; name="documents"; filename="passport.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--x--\r\n',
    });
    expect(upload.statusCode).toBe(415);
    // A Minnesota ID with a city address is enough alone (3 identity + 1 residency).
    await answer(b, 'documents', { documents: ['minnesota-license-or-id-with-city-address'] }, 'gender');
  });

  it('refuses impossible and future birth dates, and people under the minimum age, with translated reasons', async () => {
    const b = await browserIn(t, 'es');
    await answerUpTo(b, HODAN, 'birth-date');
    const post = (day: string, month: string, year: string) => b.post(`${BASE}/birth-date`, { 'birthDate-day': day, 'birthDate-month': month, 'birthDate-year': year });
    const impossible = await post('31', '2', '2000');
    expect(impossible.statusCode).toBe(422);
    expect(impossible.body).toContain(m('es', 'forms.error.date'));
    expect((await post('30', '13', '2000')).body).toContain(m('es', 'forms.error.date'));
    expect((await post('1', '1', '2027')).body).toContain(m('es', 'municipalId.apply.error.birthDateFuture'));
    // A year before 1900: every form refuses it the same way (core/dates.ts), with a message about the year.
    expect((await post('1', '1', '1850')).body).toContain(m('es', 'forms.error.dateYear'));
    // 13 tomorrow (the city's today is 2026-11-27): too young today.
    const young = await post('28', '11', '2013');
    expect(young.statusCode).toBe(422);
    expect(young.body).toContain(m('es', 'municipalId.apply.error.tooYoung', { minimumAge: 13 }));
    await answer(b, 'birth-date', { 'birthDate-day': '27', 'birthDate-month': '11', 'birthDate-year': '2013' }, 'housing');
  });

  it('refuses people who do not live in the city, or not long enough yet', async () => {
    const b = await browserIn(t, 'so');
    await b.post(`${BASE}/start`, {});
    const outside = await b.post(`${BASE}/lives-in-city`, { livesInCity: 'no' });
    expect(outside.statusCode).toBe(422);
    expect(outside.body).toContain(m('so', 'municipalId.apply.error.notResident', { city: 'Minneapolis' }));
    await answer(b, 'lives-in-city', { livesInCity: 'yes' }, 'residency-days');
    const recent = await b.post(`${BASE}/residency-days`, { residencyDays: 'not-yet' });
    expect(recent.statusCode).toBe(422);
    expect(recent.body).toContain(m('so', 'municipalId.apply.error.tooRecent', { city: 'Minneapolis', residencyDays: 30 }));
  });

  it('prices the card by age band from the profile and records only the waiver category claimed', async () => {
    // A senior: free, no waiver needed.
    const senior = await browserIn(t, 'en');
    await fillApplication(senior, { ...HODAN, name: 'Xee Vang', birth: ['2', '2', '1950'], language: 'hmn', contactMethod: 'none', feeWaiver: 'none', gender: undefined });
    const seniorFee = await senior.get(`${BASE}/fee?change=1`);
    expect(seniorFee.body).toContain(m('en', 'municipalId.fee.free', { variant: 'senior' }));
    // What "low income" means, from the profile: 150% of the 2025 guideline ($15,650 for one person).
    expect(seniorFee.body).toContain('below 150% of the federal poverty guideline: $23,475 a year for one person, $48,225 for a household of four');
    await submitApplication(senior);
    expect(await newestApplication(t)).toMatchObject({ fee_variant: 'senior', fee_cents: 0, fee_waiver_sealed: null, contact_method: 'none', contact_sealed: null });

    // A youth of 15 who is homeless: the youth fee, and the waiver claimed (sealed).
    const youth = await browserIn(t, 'es');
    await fillApplication(youth, {
      ...HODAN,
      name: 'Ana Lucía Pérez',
      birth: ['1', '3', '2011'],
      housing: 'none',
      documents: ['consular-id', 'shelter-letter'],
      language: 'es',
      contactMethod: 'email',
      email: 'ana@example.org',
      feeWaiver: 'homeless',
    });
    const youthFee = await youth.get(`${BASE}/fee?change=1`);
    expect(youthFee.body).toContain(m('es', 'municipalId.fee.amount', { fee: 5, variant: 'youth' }));
    await submitApplication(youth);
    const row = await newestApplication(t);
    expect(row).toMatchObject({ fee_variant: 'youth', fee_cents: 500, housing: 'none', location_status: 'no-fixed-address', ward: null, precinct: null, address_sealed: null });
    const opened = await inTransaction(t.ctx.db, (tx) => getApplicationForEnrolment(t.ctx, tx, row.id, SYSTEM));
    expect(opened).toMatchObject({ feeWaiver: 'homeless', contact: { method: 'email', value: 'ana@example.org' }, name: 'Ana Lucía Pérez' });
    expect(opened.address).toBeUndefined();
  });

  it('without a fixed address, asks for no address and wants the shelter or agency letter in the plan', async () => {
    const b = await browserIn(t, 'en');
    await answerUpTo(b, { ...HODAN, housing: 'none' }, 'documents');
    // The address step is not on this path.
    expect((await b.get(`${BASE}/address`)).headers.location).toBe(`${BASE}/documents`);
    const withoutLetter = await b.post(`${BASE}/documents`, { documents: ['foreign-passport', 'utility-bill'] });
    expect(withoutLetter.statusCode).toBe(422);
    expect(withoutLetter.body).toContain(m('en', 'municipalId.plan.error.letter'));
    expect(withoutLetter.body).toContain(`${m('en', 'forms.panel.missing')} </span>${m('en', 'municipalId.plan.letter')}`);
    await answer(b, 'documents', { documents: ['foreign-passport', 'shelter-letter'] }, 'gender');
  });

  it('accepts an address the county file lacks, and staff place it by hand (precinct or coordinates), audited', async () => {
    const b = await browserIn(t, 'en');
    await fillApplication(b, { ...HODAN, name: 'Li Wei', street: '1 Nonexistent Way', zip: '55408', documents: ['foreign-passport', 'residential-lease'] });
    await submitApplication(b);
    const row = await newestApplication(t);
    expect(row).toMatchObject({ location_status: 'unmatched', ward: null, precinct: null });

    const staff = await signInAs(t, 'program-staff');
    const queue = await staff.get('/staff/municipal-id/locations');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain(`/staff/municipal-id/locations/${row.id}`);
    expect(queue.body).not.toContain('Nonexistent');
    const page = await staff.get(`/staff/municipal-id/locations/${row.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('1 Nonexistent Way, 55408');
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('role="img"');

    // Bad coordinates, a point outside the city, an unknown precinct: translated errors, nothing changed.
    const badCoordinates = await staff.post(`/staff/municipal-id/locations/${row.id}`, { method: 'point', lon: 'east', lat: '44.9', precinct: '' });
    expect(badCoordinates.statusCode).toBe(422);
    expect(badCoordinates.body).toContain(m('en', 'municipalId.place.error.coordinates'));
    const saintPaul = await staff.post(`/staff/municipal-id/locations/${row.id}`, { method: 'point', lon: '-93.1022', lat: '44.9551', precinct: '' });
    expect(saintPaul.statusCode).toBe(422);
    expect(saintPaul.body).toContain(m('en', 'municipalId.place.error.outside'));
    const unknown = await staff.post(`/staff/municipal-id/locations/${row.id}`, { method: 'precinct', precinct: '99-9' });
    expect(unknown.statusCode).toBe(422);
    expect((await newestApplication(t)).location_status).toBe('unmatched');

    const byPoint = await staff.post(`/staff/municipal-id/locations/${row.id}`, { method: 'point', lon: '−93,2883', lat: '44.9487', precinct: '' });
    expect(byPoint.statusCode).toBe(303);
    expect(await newestApplication(t)).toMatchObject({ location_status: 'staff-placed', match_quality: 'staff-point', ward: 10, precinct: '2' });
    const saved = await staff.get(byPoint.headers.location as string);
    expect(saved.body).toContain(m('en', 'municipalId.place.saved', { ward: 10, precinct: '2' }));
    const byPrecinct = await staff.post(`/staff/municipal-id/locations/${row.id}`, { method: 'precinct', precinct: '10-3' });
    expect(byPrecinct.statusCode).toBe(303);
    expect(await newestApplication(t)).toMatchObject({ match_quality: 'staff-precinct', ward: 10, precinct: '3' });
    // Placed applications leave the queue; every opening of the address is in the audit log.
    expect((await staff.get('/staff/municipal-id/locations')).body).not.toContain(row.id);
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').select(['action', 'detail']).where('record_id', '=', row.id).execute();
    expect(audit.filter((a) => a.action === 'record.read' && a.detail === 'field.address').length).toBeGreaterThanOrEqual(4);
    expect(audit.filter((a) => a.detail === 'location.staff-placed')).toHaveLength(2);

    // Office staff have no access to it.
    const office = await signInAs(t, 'office-staff');
    expect((await office.get(`/staff/municipal-id/locations/${row.id}`)).statusCode).toBe(403);
  });

  it('finds a second application of the same person, however the name is typed', async () => {
    const first = await browserIn(t, 'en');
    await fillApplication(first, { ...HODAN, name: 'José Luis Hernández', birth: ['9', '9', '1988'], language: 'es' });
    await submitApplication(first);
    const a = await newestApplication(t);
    const second = await browserIn(t, 'en');
    await fillApplication(second, { ...HODAN, name: 'jose luis  HERNANDEZ', birth: ['9', '9', '1988'], language: 'es' });
    await submitApplication(second);
    const b = await newestApplication(t);
    expect(await inTransaction(t.ctx.db, (tx) => findDuplicates(t.ctx, tx, b.id))).toEqual([a.id]);
    expect(await inTransaction(t.ctx.db, (tx) => findDuplicates(t.ctx, tx, a.id))).toEqual([b.id]);
  });

  it('goes through enrolment and the decision, then forgets the application 30 days later (crypto-shred)', async () => {
    const b = await browserIn(t, 'so');
    await fillApplication(b, { ...HODAN, name: 'Faadumo Jaamac' });
    const reference = await submitApplication(b);
    const row = await newestApplication(t);
    const status = async () => (await (await browserIn(t, 'en')).post(`${BASE}/status`, { code: reference })).body;

    // Wrong order is refused; nothing changes.
    await expect(inTransaction(t.ctx.db, (tx) => decide(t.ctx, tx, row.id, 'approved', 'documents-verified', SYSTEM))).rejects.toMatchObject({ code: 'conflict' });
    await inTransaction(t.ctx.db, (tx) => markEnrolled(t.ctx, tx, row.id, SYSTEM));
    expect(await status()).toContain(m('en', 'municipalId.status.enrolled'));
    await expect(inTransaction(t.ctx.db, (tx) => decide(t.ctx, tx, row.id, 'approved', 'Not a code!', SYSTEM))).rejects.toMatchObject({ code: 'validation' });
    await inTransaction(t.ctx.db, (tx) => decide(t.ctx, tx, row.id, 'approved', 'documents-verified', SYSTEM, { note: 'Passport checked.' }));
    const decided = await newestApplication(t);
    expect(decided).toMatchObject({ status: 'approved', decision_reason: 'documents-verified' });
    expect(decided.decision_note_sealed).toMatch(/^s1\./);
    expect(decisionRetentionDays(t.ctx)).toBe(30);
    expect(new Date(decided.purge_after).getTime() - new Date(decided.decided_at as string).getTime()).toBe(30 * 86_400_000);
    await inTransaction(t.ctx.db, (tx) => markCardReady(t.ctx, tx, row.id, SYSTEM));
    expect(await status()).toContain(m('en', 'municipalId.status.card-ready'));

    // 29 days later it is still there; 31 days later the purge forgets it: row gone, key destroyed.
    clock.advance(29 * 86_400_000);
    await t.ctx.retention.purge({ only: ['municipal-id.application'] });
    expect(await t.ctx.db.kysely.selectFrom('id_applications').select('id').where('id', '=', row.id).executeTakeFirst()).toBeDefined();
    clock.advance(2 * 86_400_000);
    const report = await t.ctx.retention.purge({ only: ['municipal-id.application'] });
    expect(report.results[0]).toMatchObject({ recordType: 'municipal-id.application', deleted: 1, subjectsForgotten: 1 });
    expect(await t.ctx.db.kysely.selectFrom('id_applications').select('id').where('id', '=', row.id).executeTakeFirst()).toBeUndefined();
    expect(await t.ctx.vault.subjectStatus(row.id)).toBe('forgotten');
    await expect(t.ctx.vault.open(row.id, decided.name_sealed, { table: 'id_applications', column: 'name_sealed', rowId: row.id })).rejects.toThrow();
    expect(await status()).toContain(m('en', 'forms.status.notFound'));
    // Undecided applications are not purged by this decision clock: they are still there.
    expect(await countApplications(t)).toBeGreaterThan(0);
  });

  it('uses the retention period of the jurisdiction profile when it sets one', async () => {
    const b = await browserIn(t, 'en');
    await fillApplication(b, { ...HODAN, name: 'Mai Yer Lor' });
    await submitApplication(b);
    const row = await newestApplication(t);
    const base = t.ctx.jurisdiction;
    const ctx: AppContext = {
      ...t.ctx,
      jurisdiction: { ...base, retention: { ...base.retention, 'municipal-id.application': { value: { maxDays: 7, startsAt: 'decision' }, source: 'test' } } },
    };
    expect(decisionRetentionDays(ctx)).toBe(7);
    await inTransaction(ctx.db, (tx) => markEnrolled(ctx, tx, row.id, SYSTEM));
    await inTransaction(ctx.db, (tx) => decide(ctx, tx, row.id, 'denied', 'not-resident', SYSTEM));
    const decided = await newestApplication(t);
    expect(new Date(decided.purge_after).getTime() - new Date(decided.decided_at as string).getTime()).toBe(7 * 86_400_000);
  });
});
