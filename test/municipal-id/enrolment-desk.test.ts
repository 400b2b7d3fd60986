import jpeg from 'jpeg-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decisionRetentionDays } from '../../src/modules/municipal-id/application/application.service.ts';
import { isPortraitJpeg } from '../../src/modules/municipal-id/enrolment/photo.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';
import { movableClock } from '../forms/forms-helpers.ts';
import { type Applicant, HODAN, escaped, importFixtureAddresses } from './application-helpers.ts';
import { DESK, applicationStatus, applyAs, postMultipart, postPhoto, redirected } from './desk-helpers.ts';
import { CAMERA_MAKE, documentImage, gpsLatitudeBytes, phoneJpeg } from './image-fixtures.ts';

const DAY = 86_400_000;

describeEachDialect('municipal ID enrolment desk', (dialect) => {
  let t: TestApp;
  const clock = movableClock(new Date('2026-12-02T15:00:00.000Z'));
  let desk: StaffBrowser;
  let approver: StaffBrowser;
  let hodan: { id: string; reference: string };

  const msg = (key: string, values?: Record<string, string | number>) => escaped(t.ctx.messages.format('en', key, values));
  const audits = async (id: string) => (await t.ctx.audit.historyOf('municipal-id.application', id)).entries;

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
    await importFixtureAddresses(t.ctx);
    desk = await signInAs(t, 'office-staff');
    approver = await signInAs(t, 'program-staff');
    hodan = await applyAs(t, HODAN);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the desk from anonymous visitors and from roles without the permission', async () => {
    const anonymous = await new TestBrowser(t.app).get(`${DESK}/applications/${hodan.id}`);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/staff\/login/);
    for (const role of ['partner-attorney', 'certifying-official', 'counsel'] as const) {
      const b = await signInAs(t, role);
      expect((await b.get(DESK)).statusCode, role).toBe(403);
      expect((await b.get(`${DESK}/applications/${hodan.id}`)).statusCode, role).toBe(403);
      expect((await b.post(`${DESK}/applications/${hodan.id}/enrolment`, { documents: 'us-passport' })).statusCode, role).toBe(403);
    }
    // Office staff enrol but do not decide.
    expect((await desk.post(`${DESK}/applications/${hodan.id}/decision`, { decision: 'approved', reason: 'requirements-met' })).statusCode).toBe(403);
    expect(await applicationStatus(t.ctx, hodan.id)).toBe('received');
  });

  it('opens an application decrypted, audited, with the planned documents and their tally', async () => {
    const before = (await audits(hodan.id)).length;
    const res = await desk.get(`${DESK}/applications/${hodan.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(HODAN.name);
    expect(res.body).toContain('lang="und-Latn"');
    expect(res.body).toContain(msg('municipalId.enrol.tally.planned'));
    const entries = await audits(hodan.id);
    expect(entries.length).toBe(before + 1);
    expect(entries[0]).toMatchObject({ action: 'record.read', actorId: desk.userId, purpose: 'case-work' });
    expect(JSON.stringify(entries)).not.toContain(HODAN.name);
    expect((await desk.get(`${DESK}/applications/01ARZ3NDEKTSV4RRFFQ69G5FAV`)).statusCode).toBe(404);
    expect((await desk.get(`${DESK}/applications/nope`)).statusCode).toBe(404);
  });

  it('refuses bad document checks with translated errors and writes nothing', async () => {
    const url = `${DESK}/applications/${hodan.id}/enrolment`;
    const unknown = await desk.post(url, { identityConfirmed: 'yes', documents: ['photo-of-passport'], feeWaiver: 'verified' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain(msg('municipalId.enrol.error.documentType'));
    const noWaiverAnswer = await desk.post(url, { identityConfirmed: 'yes', documents: ['us-passport'] });
    expect(noWaiverAnswer.statusCode).toBe(422);
    expect(noWaiverAnswer.body).toContain(msg('municipalId.enrol.error.feeWaiver'));
    const numberWithoutDocument = await desk.post(url, { documents: ['utility-bill'], documentNumber: 'X1234567', feeWaiver: 'verified' });
    expect(numberWithoutDocument.statusCode).toBe(422);
    expect(numberWithoutDocument.body).toContain(msg('municipalId.enrol.error.numberType'));
    const numberNotChecked = await desk.post(url, { documents: ['utility-bill'], documentNumberType: 'foreign-passport', documentNumber: 'X1234567', feeWaiver: 'verified' });
    expect(numberNotChecked.statusCode).toBe(422);
    const extra = await desk.post(url, { documents: ['utility-bill'], feeWaiver: 'verified', passportScan: 'data:image/png;base64,AAAA' });
    expect(extra.statusCode).toBe(422);
    expect(await t.ctx.db.kysely.selectFrom('id_enrolments').selectAll().execute()).toEqual([]);
    expect(await applicationStatus(t.ctx, hodan.id)).toBe('received');
  });

  it('records a short check, and refuses to approve it with what is missing', async () => {
    const saved = await desk.post(`${DESK}/applications/${hodan.id}/enrolment`, { identityConfirmed: 'yes', documents: ['utility-bill'], feeWaiver: 'verified' });
    expect(redirected(saved)).toBe(`${DESK}/applications/${hodan.id}?saved=check#check`);
    expect(await applicationStatus(t.ctx, hodan.id)).toBe('enrolled');
    const refused = await approver.post(`${DESK}/applications/${hodan.id}/decision`, { decision: 'approved', reason: 'requirements-met' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(msg('municipalId.decision.error.missing.identity', { points: 3 }));
    expect(refused.body).toContain(msg('municipalId.decision.error.photo'));
    expect(await applicationStatus(t.ctx, hodan.id)).toBe('enrolled');
    expect(await t.ctx.db.kysely.selectFrom('id_cards').selectAll().execute()).toEqual([]);
  });

  it('takes the photo: re-encoded without EXIF or GPS, sealed; a document image or a non-image is refused', async () => {
    const camera = phoneJpeg();
    const res = await postPhoto(t, desk, hodan.id, camera);
    expect(redirected(res)).toBe(`${DESK}/applications/${hodan.id}?saved=photo#photo`);
    const row = await t.ctx.db.kysely.selectFrom('id_enrolments').selectAll().where('application_id', '=', hodan.id).executeTakeFirstOrThrow();
    expect(row.photo_sealed).toMatch(/^s1\./);
    expect(row.portrait_taken_by).toBe(desk.userId);
    const stored = await t.ctx.vault.openBytes(hodan.id, row.photo_sealed as string, { table: 'id_enrolments', column: 'photo_sealed', rowId: hodan.id });
    expect(isPortraitJpeg(stored)).toBe(true);
    for (const needle of [gpsLatitudeBytes(), Buffer.from(CAMERA_MAKE, 'latin1'), Buffer.from('Exif', 'latin1')]) expect(stored.includes(needle)).toBe(false);
    const shown = await desk.get(`${DESK}/applications/${hodan.id}/photo`);
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toBe('image/jpeg');
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(Buffer.from(shown.rawPayload).equals(stored)).toBe(true);
    expect((await audits(hodan.id)).some((e) => e.detail === 'photo.viewed')).toBe(true);

    const notImage = await postPhoto(t, desk, hodan.id, Buffer.from('%PDF-1.7 passport scan'), 'application/pdf');
    expect(notImage.statusCode).toBe(422);
    expect(notImage.body).toContain(msg('municipalId.enrol.photo.error.not-an-image'));
    const twoFiles = await postMultipart(t, desk, `${DESK}/applications/${hodan.id}/photo`, [
      { name: 'photo', filename: 'a.jpg', contentType: 'image/jpeg', data: camera },
      { name: 'document', filename: 'passport.jpg', contentType: 'image/jpeg', data: documentImage('jpeg') },
    ]);
    expect(twoFiles.statusCode).toBe(400);
    const noCsrf = await postMultipart(t, desk, `${DESK}/applications/${hodan.id}/photo`, [{ name: 'photo', filename: 'a.jpg', contentType: 'image/jpeg', data: camera }], { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    const huge = await postPhoto(t, desk, hodan.id, Buffer.concat([camera, Buffer.alloc(11 * 1024 * 1024)]));
    expect(huge.statusCode).toBe(413);
    // The photo on file is still the first one.
    const after = await t.ctx.db.kysely.selectFrom('id_enrolments').select('photo_sealed').where('application_id', '=', hodan.id).executeTakeFirstOrThrow();
    expect(after.photo_sealed).toBe(row.photo_sealed);
  });

  it('records the full check with a document fingerprint, and approval makes a queued card with its own copy of the photo', async () => {
    const saved = await desk.post(`${DESK}/applications/${hodan.id}/enrolment`, {
      identityConfirmed: 'yes',
      documents: ['foreign-passport', 'utility-bill'],
      documentNumberType: 'foreign-passport',
      documentNumber: 'p 1234 5678',
      feeWaiver: 'verified',
    });
    redirected(saved);
    const row = await t.ctx.db.kysely.selectFrom('id_enrolments').selectAll().where('application_id', '=', hodan.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ identity_confirmed: 1, identity_points: 3, residency_points: 1, fee_waiver: 'verified', enrolled_by: desk.userId });
    expect(row.document_index).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(row)).not.toContain('12345678');

    const approved = await approver.post(`${DESK}/applications/${hodan.id}/decision`, { decision: 'approved', reason: 'requirements-met', approveNote: 'Photo retaken once' });
    expect(redirected(approved)).toBe(`${DESK}/applications/${hodan.id}?saved=decision#decision`);
    expect(await applicationStatus(t.ctx, hodan.id)).toBe('approved');
    const cards = await t.ctx.db.kysely.selectFrom('id_cards').selectAll().execute();
    expect(cards).toHaveLength(1);
    const card = cards[0];
    expect(card).toMatchObject({ status: 'queued', variant: 'adult', issued_on: '2026-12-02', expires_on: '2030-12-02', application_id: hodan.id, print_count: 0 });
    const holder = await t.ctx.db.kysely.selectFrom('id_card_holders').selectAll().where('id', '=', card?.holder_id as string).executeTakeFirstOrThrow();
    expect(holder.document_index).toBe(row.document_index);
    expect(await t.ctx.vault.subjectStatus(holder.id)).toBe('live');
    // The photo moved: the application no longer holds it; the holder has it under the holder's own key.
    const enrolment = await t.ctx.db.kysely.selectFrom('id_enrolments').select('photo_sealed').where('application_id', '=', hodan.id).executeTakeFirstOrThrow();
    expect(enrolment.photo_sealed).toBeNull();
    const photo = await t.ctx.vault.openBytes(holder.id, holder.photo_sealed, { table: 'id_card_holders', column: 'photo_sealed', rowId: holder.id });
    expect(jpeg.decode(photo).width).toBe(360);
    const page = await approver.get(`${DESK}/applications/${hodan.id}`);
    expect(page.body).toContain(`${DESK}/cards/${card?.id}`);
    expect(page.body).toContain(`${DESK}/applications/${hodan.id}/letter.pdf`);
    // Counted for the public figures by month and ward, nothing else.
    const counts = await t.ctx.db.kysely.selectFrom('id_card_counts').selectAll().execute();
    expect(counts.map((c) => [c.month, Number(c.count)])).toEqual([['2026-12', 1]]);
    expect(Object.keys(counts[0] ?? {}).sort()).toEqual(['count', 'month', 'ward']);
    // Decided once: a second decision is refused.
    expect((await approver.post(`${DESK}/applications/${hodan.id}/decision`, { decision: 'denied', reason: 'other' })).statusCode).toBe(409);
    expect(decisionRetentionDays(t.ctx)).toBe(30);
  });

  it('flags a second application of the same person, and of another person with the same passport; approval needs the check', async () => {
    const again = await applyAs(t, { ...HODAN, name: 'HODAN  cabdi warsame' });
    const page = await desk.get(`${DESK}/applications/${again.id}`);
    expect(page.body).toContain(msg('municipalId.enrol.duplicates.title'));
    const card = await t.ctx.db.kysely.selectFrom('id_cards').select('id').executeTakeFirstOrThrow();
    expect(page.body).toContain(`${DESK}/cards/${card.id}`);
    expect(page.body).toContain(`${DESK}/applications/${hodan.id}`);

    const other: Applicant = { ...HODAN, name: 'Amina Yusuf Farah', birth: ['2', '3', '1985'] };
    const amina = await applyAs(t, other);
    const fresh = await desk.get(`${DESK}/applications/${amina.id}`);
    expect(fresh.body).not.toContain(msg('municipalId.enrol.duplicates.title'));
    redirected(await desk.post(`${DESK}/applications/${amina.id}/enrolment`, { identityConfirmed: 'yes', documents: ['foreign-passport', 'utility-bill'], documentNumberType: 'foreign-passport', documentNumber: 'P12345678', feeWaiver: 'not-verified' }));
    redirected(await postPhoto(t, desk, amina.id, phoneJpeg({ width: 600, height: 800 })));
    const flagged = await desk.get(`${DESK}/applications/${amina.id}`);
    expect(flagged.body).toContain(msg('municipalId.enrol.duplicates.cardByDocument', { issued: 'x', expires: 'y' }).split('x')[0]);
    const refused = await approver.post(`${DESK}/applications/${amina.id}/decision`, { decision: 'approved', reason: 'requirements-met' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(msg('municipalId.decision.error.duplicates'));
    redirected(await approver.post(`${DESK}/applications/${amina.id}/decision`, { decision: 'approved', reason: 'requirements-met', duplicatesChecked: 'yes' }));
    const row = await t.ctx.db.kysely.selectFrom('id_enrolments').select(['duplicates_checked_by']).where('application_id', '=', amina.id).executeTakeFirstOrThrow();
    expect(row.duplicates_checked_by).toBe(approver.userId);
  });

  it('denies with an enumerated reason; the letter is a PDF in the applicant’s language; the photo is erased', async () => {
    const somali = await applyAs(t, { ...HODAN, name: 'Faadumo Xasan Cali', birth: ['9', '9', '1999'] });
    redirected(await desk.post(`${DESK}/applications/${somali.id}/enrolment`, { documents: ['utility-bill'], feeWaiver: 'not-verified' }));
    redirected(await postPhoto(t, desk, somali.id, phoneJpeg({ width: 480, height: 640 })));
    const badReason = await approver.post(`${DESK}/applications/${somali.id}/decision`, { decision: 'denied', reason: 'looks-foreign' });
    expect(badReason.statusCode).toBe(422);
    const noReason = await approver.post(`${DESK}/applications/${somali.id}/decision`, { decision: 'denied', reason: '' });
    expect(noReason.statusCode).toBe(422);
    expect(await applicationStatus(t.ctx, somali.id)).toBe('enrolled');
    redirected(await approver.post(`${DESK}/applications/${somali.id}/decision`, { decision: 'denied', reason: 'insufficient-documents', denyNote: 'Only a utility bill' }));
    expect(await applicationStatus(t.ctx, somali.id)).toBe('denied');
    const row = await t.ctx.db.kysely.selectFrom('id_enrolments').select('photo_sealed').where('application_id', '=', somali.id).executeTakeFirstOrThrow();
    expect(row.photo_sealed).toBeNull();
    expect((await desk.get(`${DESK}/applications/${somali.id}/photo`)).statusCode).toBe(404);
    // Office staff cannot print letters; program staff can.
    expect((await desk.get(`${DESK}/applications/${somali.id}/letter.pdf`)).statusCode).toBe(403);
  });

  it('finds an application by reference code and a card by number, audited; no search by name', async () => {
    const byRef = await desk.get(`${DESK}/search?q=${encodeURIComponent(hodan.reference)}`);
    expect(redirected(byRef)).toBe(`${DESK}/applications/${hodan.id}`);
    const byName = await desk.get(`${DESK}/search?q=${encodeURIComponent(HODAN.name)}`);
    expect(byName.statusCode).toBe(404);
    expect(byName.body).toContain(msg('municipalId.desk.search.notFound'));
    expect((await desk.get(`${DESK}/search?q=`)).statusCode).toBe(422);
    expect((await desk.get(`${DESK}/search?q=${'9'.repeat(100)}`)).statusCode).toBe(422);
  });

  it('lists enrolled applications waiting for a decision with keyset pages', async () => {
    const res = await approver.get(`${DESK}/approvals`);
    expect(res.statusCode).toBe(200);
    expect((await approver.get(`${DESK}/approvals?after=garbage`)).statusCode).toBe(422);
    expect((await approver.get(`${DESK}/approvals?after=2026-12-01T00:00:00.000Z~01ARZ3NDEKTSV4RRFFQ69G5FAV`)).statusCode).toBe(200);
    expect((await desk.get(`${DESK}/approvals`)).statusCode).toBe(403);
    clock.advance(DAY);
  });
});
