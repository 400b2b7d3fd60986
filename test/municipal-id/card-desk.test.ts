/**
 * The card desk over HTTP: the print queue (queued → printed → handed over), the application told its card is
 * ready, reprint (same number, same credential), replace (the old card revoked through the credential's
 * revocation list, a new number), renew (the old card revoked only when the new one is handed over), revoke,
 * forget a holder, the retention that forgets holders after expiry plus grace, the decision letter in the
 * applicant's language, and the public figures. Both databases.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { duplicateIndex } from '../../src/modules/municipal-id/application/application.service.ts';
import { drawnPortrait } from '../../src/modules/municipal-id/card/card.demo.ts';
import { type CardActor, DEFAULT_CARD_GRACE_DAYS, createCard, createHolder } from '../../src/modules/municipal-id/card/card.service.ts';
import { isValidCardNumber } from '../../src/modules/municipal-id/card/card-number.ts';
import { jwsToShc } from '../../src/modules/municipal-id/credential/credential.codec.ts';
import { issuerVerifier } from '../../src/modules/municipal-id/credential/credential.service.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';
import { chromiumAvailable } from '../browser/harness.ts';
import { movableClock } from '../forms/forms-helpers.ts';
import { HODAN, escaped, importFixtureAddresses } from './application-helpers.ts';
import { DESK, applicationStatus, applyAs, postPhoto, redirected } from './desk-helpers.ts';
import { phoneJpeg } from './image-fixtures.ts';
import { readPdf } from './pdf-reader.ts';

const DAY = 86_400_000;
const SYSTEM: CardActor = { userId: null, role: 'system' };

describeEachDialect('municipal ID card desk', (dialect) => {
  let t: TestApp;
  const clock = movableClock(new Date('2026-12-02T15:00:00.000Z'));
  let printer: StaffBrowser;
  let approver: StaffBrowser;
  let admin: StaffBrowser;

  const msg = (key: string, values?: Record<string, string | number>) => escaped(t.ctx.messages.format('en', key, values));
  const card = (id: string) => t.ctx.db.kysely.selectFrom('id_cards').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const open = async (id: string, column: 'number_sealed' | 'credential_sealed') => {
    const row = await card(id);
    return t.ctx.vault.open(row.holder_id, row[column], { table: 'id_cards', column, rowId: id });
  };
  const verify = async (id: string) => issuerVerifier(t.ctx).verify(jwsToShc(await open(id, 'credential_sealed')));

  /** New sessions: a test that moves the clock far lets the old ones time out. */
  async function signInAll(): Promise<void> {
    printer = await signInAs(t, 'office-staff');
    approver = await signInAs(t, 'program-staff');
    admin = await signInAs(t, 'admin');
  }

  async function makeCard(name: string, birthDate: string, ward: number | null = 5): Promise<string> {
    return inTransaction(t.ctx.db, async (tx) => {
      const holderId = await createHolder(
        t.ctx,
        tx,
        { name, birthDate, gender: 'female', veteran: true, photoJpeg: drawnPortrait(10), personIndex: duplicateIndex(t.ctx, name, birthDate), documentIndex: null },
        SYSTEM,
      );
      return createCard(t.ctx, tx, { holderId, facts: { name, birthDate }, ward }, SYSTEM);
    });
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
    await importFixtureAddresses(t.ctx);
    await signInAll();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('takes an application through approval, the print queue and hand-over; the resident sees “card ready”', async () => {
    const app = await applyAs(t, HODAN);
    redirected(await printer.post(`${DESK}/applications/${app.id}/enrolment`, { identityConfirmed: 'yes', documents: ['foreign-passport', 'utility-bill'], feeWaiver: 'verified' }));
    redirected(await postPhoto(t, printer, app.id, phoneJpeg({ width: 600, height: 800 })));
    redirected(await approver.post(`${DESK}/applications/${app.id}/decision`, { decision: 'approved', reason: 'requirements-met' }));
    const { id } = await t.ctx.db.kysely.selectFrom('id_cards').select('id').where('application_id', '=', app.id).executeTakeFirstOrThrow();

    const queue = await printer.get(`${DESK}/print-queue`);
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain(`${DESK}/cards/${id}`);
    expect(queue.body).not.toContain(HODAN.name);

    const page = await printer.get(`${DESK}/cards/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(HODAN.name);
    const number = await open(id, 'number_sealed');
    expect(isValidCardNumber(number)).toBe(true);
    expect(page.body).toContain(number);
    expect((await t.ctx.audit.historyOf('municipal-id.card', id)).entries.some((e) => e.action === 'record.read' && e.actorId === printer.userId)).toBe(true);
    const photo = await printer.get(`${DESK}/cards/${id}/photo`);
    expect(photo.headers['content-type']).toBe('image/jpeg');

    if (chromiumAvailable()) {
      const pdf = await printer.get(`${DESK}/cards/${id}/card.pdf`);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.headers['content-disposition']).toBeUndefined();
      expect(readPdf(Buffer.from(pdf.rawPayload))).toHaveLength(2);
    }
    // Out of order: handing over a card that is not printed is refused.
    expect((await printer.post(`${DESK}/cards/${id}/handed-over`, {})).statusCode).toBe(409);
    redirected(await printer.post(`${DESK}/cards/${id}/printed`, {}));
    expect(await applicationStatus(t.ctx, app.id)).toBe('card-ready');
    const status = await new TestBrowser(t.app).post('/forms/municipal-id/status', { code: app.reference });
    expect(status.body).toContain(escaped(t.ctx.messages.format('en', 'municipalId.status.card-ready')));
    expect((await printer.post(`${DESK}/cards/${id}/printed`, {})).statusCode).toBe(409);
    redirected(await printer.post(`${DESK}/cards/${id}/handed-over`, {}));
    expect(await card(id)).toMatchObject({ status: 'issued', print_count: 1 });
    expect((await verify(id)).status).toBe('valid');
    // Search by the card number (blind index), with or without the hyphens.
    expect(redirected(await printer.get(`${DESK}/search?q=${number.replace(/-/g, '')}`))).toBe(`${DESK}/cards/${id}`);
    expect(redirected(await printer.get(`${DESK}/search?q=${encodeURIComponent(` ${number} `)}`))).toBe(`${DESK}/cards/${id}`);

    if (chromiumAvailable()) {
      // The decision letter, in the applicant's language (Somali: HODAN prefers it).
      const letter = await approver.get(`${DESK}/applications/${app.id}/letter.pdf`);
      expect(letter.statusCode).toBe(200);
      const text = readPdf(Buffer.from(letter.rawPayload)).map((p) => p.text).join(' ');
      const lead = t.ctx.messages.format('so', 'municipalId.letter.approved.lead', { city: t.ctx.jurisdiction.place.cityName.value });
      expect(lead).not.toBe(t.ctx.messages.format('en', 'municipalId.letter.approved.lead', { city: t.ctx.jurisdiction.place.cityName.value }));
      expect(text.replace(/\s+/g, '')).toContain(lead.replace(/\s+/g, ''));
      expect(text).toContain(HODAN.name);
    }
  });

  it('keeps the card when the application is forgotten 30 days after the decision', async () => {
    const app = await applyAs(t, { ...HODAN, name: 'Ayaan Warsame Nuur', birth: ['4', '4', '1977'] });
    redirected(await printer.post(`${DESK}/applications/${app.id}/enrolment`, { identityConfirmed: 'yes', documents: ['foreign-passport', 'utility-bill'], feeWaiver: 'verified' }));
    redirected(await postPhoto(t, printer, app.id, phoneJpeg({ width: 480, height: 640 })));
    redirected(await approver.post(`${DESK}/applications/${app.id}/decision`, { decision: 'approved', reason: 'requirements-met' }));
    const { id } = await t.ctx.db.kysely.selectFrom('id_cards').select('id').where('application_id', '=', app.id).executeTakeFirstOrThrow();
    clock.advance(31 * DAY);
    await signInAll();
    const purged = await t.ctx.retention.purge({ only: ['municipal-id.application'] });
    expect(purged.ok).toBe(true);
    expect(await applicationStatus(t.ctx, app.id)).toBeUndefined();
    expect(await t.ctx.vault.subjectStatus(app.id)).toBe('forgotten');
    expect(await t.ctx.db.kysely.selectFrom('id_enrolments').select('application_id').where('application_id', '=', app.id).execute()).toEqual([]);
    // The card stands on its own: readable, printable, and its first print no longer has an application to tell.
    const page = await printer.get(`${DESK}/cards/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ayaan Warsame Nuur');
    redirected(await printer.post(`${DESK}/cards/${id}/printed`, {}));
    expect((await verify(id)).status).toBe('valid');
  });

  it('pages the print queue with keysets: every queued card once, oldest first, no OFFSET', async () => {
    const made: string[] = [];
    for (let i = 0; i < 27; i++) {
      made.push(await makeCard(`Queue Person ${String.fromCharCode(65 + (i % 26))}${i}`, '1980-01-01'));
      clock.advance(1000);
    }
    const seen: string[] = [];
    let url: string | null = `${DESK}/print-queue`;
    for (let pages = 0; url && pages < 10; pages++) {
      const res = await printer.get(url);
      expect(res.statusCode).toBe(200);
      seen.push(...[...res.body.matchAll(/href="\/staff\/municipal-id\/cards\/([0-9A-Z]{26})"/g)].map((m) => m[1] as string));
      const next = /<a class="usa-pagination__link usa-pagination__next-page" href="([^"]+)"/.exec(res.body)?.[1];
      url = next ? next.replace(/&amp;/g, '&') : null;
    }
    const queued = (await t.ctx.db.kysely.selectFrom('id_cards').select(['id', 'created_at']).where('status', '=', 'queued').orderBy('created_at').orderBy('id').execute()).map((r) => r.id);
    expect(seen).toEqual(queued);
    for (const id of made) expect(seen).toContain(id);
    expect((await printer.get(`${DESK}/print-queue?after=2026-12-01T00:00:00Z~${made[0]}`)).statusCode).toBe(422);
  });

  it('reprints with the same number and the same credential', async () => {
    const id = await makeCard('Ntxhi Vaj', '1990-05-05');
    redirected(await printer.post(`${DESK}/cards/${id}/printed`, {}));
    const before = { number: await open(id, 'number_sealed'), jws: await open(id, 'credential_sealed') };
    expect(redirected(await printer.post(`${DESK}/cards/${id}/reprint`, {}))).toBe(`${DESK}/cards/${id}?saved=reprint`);
    expect(await card(id)).toMatchObject({ status: 'queued', print_count: 1 });
    expect({ number: await open(id, 'number_sealed'), jws: await open(id, 'credential_sealed') }).toEqual(before);
    redirected(await printer.post(`${DESK}/cards/${id}/printed`, {}));
    expect((await card(id)).print_count).toBe(2);
    expect((await printer.post(`${DESK}/cards/${id}/reprint`, { extra: 'x' })).statusCode).toBe(422);
  });

  it('replaces a lost card: the old one is revoked (the next scan says so), a new number is issued with the same expiry', async () => {
    const id = await makeCard('Amina Yusuf', '1985-03-02');
    redirected(await printer.post(`${DESK}/cards/${id}/printed`, {}));
    redirected(await printer.post(`${DESK}/cards/${id}/handed-over`, {}));
    expect((await verify(id)).status).toBe('valid');
    // Office staff print but do not replace.
    expect((await printer.post(`${DESK}/cards/${id}/replace`, { reason: 'lost' })).statusCode).toBe(403);
    const bad = await approver.post(`${DESK}/cards/${id}/replace`, { reason: 'deported' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain(msg('municipalId.cardPage.error.reason'));
    expect((await card(id)).status).toBe('issued');

    const location = redirected(await approver.post(`${DESK}/cards/${id}/replace`, { reason: 'lost' }));
    const newId = /\/cards\/([0-9A-Z]{26})\?saved=replaced$/.exec(location)?.[1] as string;
    expect(newId).toBeTruthy();
    const [old, fresh] = [await card(id), await card(newId)];
    expect(old).toMatchObject({ status: 'revoked', revocation_reason: 'lost' });
    expect(fresh).toMatchObject({ status: 'queued', replaces_card_id: id, expires_on: old.expires_on, holder_id: old.holder_id });
    expect(await open(newId, 'number_sealed')).not.toBe(await open(id, 'number_sealed'));
    const scan = await verify(id);
    expect(scan.status).toBe('revoked');
    expect((await verify(newId)).status).toBe('valid');
    const crl = JSON.parse((await t.app.inject({ method: 'GET', url: `/.well-known/crl/${old.kid}.json` })).body) as { rids: string[] };
    expect(crl.rids.some((r) => r.startsWith(`${old.rid}.`))).toBe(true);
    // A revoked card cannot be printed, reprinted or replaced again.
    expect((await printer.post(`${DESK}/cards/${id}/reprint`, {})).statusCode).toBe(409);
    expect((await approver.post(`${DESK}/cards/${id}/replace`, { reason: 'stolen' })).statusCode).toBe(409);
    if (chromiumAvailable()) expect((await printer.get(`${DESK}/cards/${id}/card.pdf`)).statusCode).toBe(409);
  });

  it('renews within 90 days of expiry: the old card stays valid until the new one is handed over', async () => {
    const id = await makeCard('Sahra Maxamed', '1999-01-05');
    const row = await card(id);
    expect((await approver.post(`${DESK}/cards/${id}/renew`, {})).statusCode).toBe(409);
    // Jump to 60 days before expiry.
    const expiry = new Date(`${row.expires_on}T18:00:00Z`).getTime();
    clock.advance(expiry - 60 * DAY - clock.now().getTime());
    await signInAll();
    const page = await approver.get(`${DESK}/cards/${id}`);
    expect(page.body).toContain(msg('municipalId.cardPage.renew.submit'));
    const newId = /\/cards\/([0-9A-Z]{26})\?saved=renewed$/.exec(redirected(await approver.post(`${DESK}/cards/${id}/renew`, {})))?.[1] as string;
    const fresh = await card(newId);
    expect(fresh.expires_on > row.expires_on).toBe(true);
    expect((await approver.post(`${DESK}/cards/${id}/renew`, {})).statusCode).toBe(409);
    expect((await verify(id)).status).toBe('valid');
    redirected(await printer.post(`${DESK}/cards/${newId}/printed`, {}));
    expect((await verify(id)).status).toBe('valid');
    redirected(await printer.post(`${DESK}/cards/${newId}/handed-over`, {}));
    expect(await card(id)).toMatchObject({ status: 'revoked', revocation_reason: 'renewed' });
    expect((await verify(id)).status).toBe('revoked');
    expect((await verify(newId)).status).toBe('valid');
  });

  it('revokes on request, and forgets a holder who asks: every card revoked, key destroyed, rows gone', async () => {
    await signInAll();
    const id = await makeCard('Mai Xiong', '1970-07-07');
    const other = await makeCard('Mai Xiong Lee', '1971-07-07');
    const noReason = await approver.post(`${DESK}/cards/${other}/revoke`, {});
    expect(noReason.statusCode).toBe(422);
    redirected(await approver.post(`${DESK}/cards/${other}/revoke`, { revokeReason: 'issued-in-error' }));
    expect((await verify(other)).status).toBe('revoked');

    const row = await card(id);
    const jws = await open(id, 'credential_sealed');
    expect((await approver.post(`${DESK}/holders/${row.holder_id}/forget`, { confirm: 'yes' })).statusCode).toBe(403);
    expect((await admin.post(`${DESK}/holders/${row.holder_id}/forget`, {})).statusCode).toBe(422);
    expect(await t.ctx.vault.subjectStatus(row.holder_id)).toBe('live');
    expect(redirected(await admin.post(`${DESK}/holders/${row.holder_id}/forget`, { confirm: 'yes' }))).toBe(`${DESK}?forgotten=1`);
    expect(await t.ctx.vault.subjectStatus(row.holder_id)).toBe('forgotten');
    expect(await t.ctx.db.kysely.selectFrom('id_cards').select('id').where('holder_id', '=', row.holder_id).execute()).toEqual([]);
    expect(await t.ctx.db.kysely.selectFrom('id_card_holders').select('id').where('id', '=', row.holder_id).execute()).toEqual([]);
    expect((await issuerVerifier(t.ctx).verify(jwsToShc(jws))).status).toBe('revoked');
    expect((await printer.get(`${DESK}/cards/${id}`)).statusCode).toBe(404);
  });

  it('publishes cards per month and per ward with small numbers hidden, and a chart', async () => {
    const res = await new TestBrowser(t.app).get('/municipal-id/figures?lang=so');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="so">');
    expect(res.body).toContain('role="img"');
    // Every count here is 1–10: hidden, never shown.
    expect(res.body).toContain(escaped(t.ctx.messages.format('so', 'municipalId.figures.suppressed')));
    const counts = await t.ctx.db.kysely.selectFrom('id_card_counts').selectAll().execute();
    expect(counts.length).toBeGreaterThan(0);
    expect((await new TestBrowser(t.app).get('/municipal-id/figures?x=1')).statusCode).toBe(422);
    await signInAll();
    const reports = await approver.get(`${DESK}/reports`);
    expect(reports.statusCode).toBe(200);
    expect((await new TestBrowser(t.app).get(`${DESK}/reports`)).statusCode).toBe(303);
  });

  it('forgets holders by retention once their last card expired and the grace period passed', async () => {
    const id = await makeCard('Kalkidan Tesfaye', '1992-02-29');
    const row = await card(id);
    const holder = await t.ctx.db.kysely.selectFrom('id_card_holders').select('forget_after').where('id', '=', row.holder_id).executeTakeFirstOrThrow();
    expect((holder.forget_after ?? '').slice(0, 10) > row.expires_on).toBe(true);
    const purge = async () => (await t.ctx.retention.purge({ only: ['municipal-id.card-holder'] })).results[0]?.deleted ?? 0;
    const before = await t.ctx.db.kysely.selectFrom('id_card_holders').select('id').execute();
    clock.advance(new Date(`${row.expires_on}T12:00:00Z`).getTime() - clock.now().getTime() + (DEFAULT_CARD_GRACE_DAYS - 2) * DAY);
    const early = await purge();
    expect(await t.ctx.vault.subjectStatus(row.holder_id)).toBe('live');
    clock.advance(4 * DAY);
    expect((await purge()) + early).toBeGreaterThanOrEqual(1);
    expect(await t.ctx.vault.subjectStatus(row.holder_id)).toBe('forgotten');
    expect((await t.ctx.db.kysely.selectFrom('id_card_holders').select('id').execute()).length).toBeLessThan(before.length);
  });
});
