import { afterAll, beforeAll, expect, it } from 'vitest';
import { draftCookieName, purgeExpiredDrafts } from '../../src/core/forms/index.ts';
import { findDraft, submitDraft } from '../../src/core/forms/forms.service.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { countRows, escaped, movableClock, shownCode } from './forms-helpers.ts';

const BASE = '/forms/office-help';
const DAY = 86_400_000;

async function answer(browser: TestBrowser, step: string, form: Record<string, string>, next: string) {
  const res = await browser.post(`${BASE}/${step}`, form);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  expect(res.headers.location).toBe(next);
}

async function fillAll(browser: TestBrowser): Promise<void> {
  expect((await browser.post(`${BASE}/start`, {})).statusCode).toBe(303);
  await answer(browser, 'topic', { topic: 'id' }, `${BASE}/description`);
  await answer(browser, 'description', { description: 'Need an ID card' }, `${BASE}/language`);
  await answer(browser, 'language', { language: 'so' }, `${BASE}/contact`);
  await answer(browser, 'contact', { contactMethod: 'text' }, `${BASE}/phone`);
  await answer(browser, 'phone', { phone: '612 555 0199' }, `${BASE}/name`);
  await answer(browser, 'name', { name: 'Hodan' }, `${BASE}/check`);
}

describeEachDialect('form drafts: save, resume, expire, send once', (dialect) => {
  let t: TestApp;
  const clock = movableClock();
  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('saves for later with a resume code that restores the draft on another device, once', async () => {
    const phone = new TestBrowser(t.app);
    expect((await phone.post(`${BASE}/start`, {})).statusCode).toBe(303);
    await answer(phone, 'topic', { topic: 'housing' }, `${BASE}/description`);
    // "Save and come back later" on a page with a valid answer: it is kept, and a code is shown.
    const saved = await phone.post(`${BASE}/description`, { description: 'Landlord threatens to call ICE', _action: 'save' });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Your answers are saved');
    expect(saved.body).toContain(`${t.config.baseUrl}${BASE}/resume`);
    const code = shownCode(saved.body);
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
    // The code is not stored, only its keyed index.
    const row = await t.ctx.db.kysely.selectFrom('form_drafts').selectAll().where('resume_index', 'is not', null).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(code);
    expect(JSON.stringify(row)).not.toContain(code.replace(/-/g, ''));

    // A second device, in Spanish, typing the code loosely.
    const laptop = new TestBrowser(t.app);
    await laptop.get(`${BASE}/resume?lang=es`);
    const resumed = await laptop.post(`${BASE}/resume`, { code: ` ${code.toLowerCase()} ` });
    expect(resumed.statusCode).toBe(303);
    expect(resumed.headers.location).toBe(`${BASE}/language`);
    const page = await laptop.get(`${BASE}/description`);
    expect(page.body).toContain('Landlord threatens to call ICE');
    await answer(laptop, 'language', { language: 'en' }, `${BASE}/contact`);

    // The first device no longer opens the draft, and the code is used up.
    expect((await phone.get(`${BASE}/language`)).headers.location).toBe(BASE);
    const reused = await new TestBrowser(t.app).post(`${BASE}/resume`, { code });
    expect(reused.statusCode).toBe(422);
    expect(reused.body).toContain(escaped(t.ctx.messages.format('en', 'forms.resume.notFound')));
  });

  it('keeps only the valid answers of a page saved with errors', async () => {
    const browser = new TestBrowser(t.app);
    expect((await browser.post(`${BASE}/start`, {})).statusCode).toBe(303);
    await answer(browser, 'topic', { topic: 'id' }, `${BASE}/description`);
    await answer(browser, 'description', { description: '' }, `${BASE}/language`);
    await answer(browser, 'language', { language: 'en' }, `${BASE}/contact`);
    await answer(browser, 'contact', { contactMethod: 'email' }, `${BASE}/email`);
    const saved = await browser.post(`${BASE}/email`, { email: 'broken', _action: 'save' });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain(escaped(t.ctx.messages.format('en', 'forms.saved.partial')));
    const resumed = await new TestBrowser(t.app).post(`${BASE}/resume`, { code: shownCode(saved.body) });
    expect(resumed.headers.location).toBe(`${BASE}/email`);
  });

  it('refuses malformed resume codes with a translated message', async () => {
    const browser = new TestBrowser(t.app);
    await browser.get(`${BASE}/resume?lang=hmn`);
    const res = await browser.post(`${BASE}/resume`, { code: 'ABCD-EFGH' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain(escaped(t.ctx.messages.format('hmn', 'forms.code.invalid')));
    const empty = await browser.post(`${BASE}/resume`, { code: '' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain(escaped(t.ctx.messages.format('hmn', 'forms.code.required')));
  });

  it('purges drafts that were not touched for draftDays, and receipts after an hour', async () => {
    const recent = new TestBrowser(t.app);
    const old = new TestBrowser(t.app);
    expect((await old.post(`${BASE}/start`, {})).statusCode).toBe(303);
    await answer(old, 'topic', { topic: 'work' }, `${BASE}/description`);
    clock.advance(3 * DAY);
    expect((await recent.post(`${BASE}/start`, {})).statusCode).toBe(303);
    const sent = new TestBrowser(t.app);
    await fillAll(sent);
    expect((await sent.post(`${BASE}/submit`, {})).statusCode).toBe(303);

    // Nothing is due yet.
    expect(await purgeExpiredDrafts(t.ctx, clock.now())).toBe(0);
    // After 2 hours, the receipt of the sent form is gone (the confirmation page then leads to the start).
    clock.advance(2 * 3_600_000);
    expect(await purgeExpiredDrafts(t.ctx, clock.now())).toBeGreaterThanOrEqual(1);
    expect((await sent.get(`${BASE}/confirmation`)).headers.location).toBe(BASE);
    // 7 days after its last save, the old draft expires: it no longer opens, then the purge deletes it.
    clock.advance(4 * DAY);
    expect((await old.get(`${BASE}/description`)).headers.location).toBe(BASE);
    const before = await countRows(t.ctx, 'form_drafts');
    const purged = await purgeExpiredDrafts(t.ctx, clock.now());
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await countRows(t.ctx, 'form_drafts')).toBe(before - purged);
    // The recent one (4 days old) is kept.
    expect((await recent.get(`${BASE}/topic`)).statusCode).toBe(200);
    clock.advance(3 * DAY + 1000);
    expect(await purgeExpiredDrafts(t.ctx, clock.now())).toBeGreaterThanOrEqual(1);
    expect((await recent.get(`${BASE}/topic`)).headers.location).toBe(BASE);
  });

  it('creates one record for a draft sent twice at the same time', async () => {
    const browser = new TestBrowser(t.app);
    await fillAll(browser);
    const before = await countRows(t.ctx, 'office_requests');
    const found = await findDraft(t.ctx, t.ctx.forms.get('office-help')!, browser.cookie(draftCookieName('office-help')));
    expect(found.kind).toBe('draft');
    if (found.kind !== 'draft') return;
    const outcomes = await Promise.all([submitDraft(t.ctx, found.session, 'en'), submitDraft(t.ctx, found.session, 'en'), submitDraft(t.ctx, found.session, 'en')]);
    expect(outcomes.filter((o) => o.kind === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'already-sent')).toHaveLength(2);
    expect(await countRows(t.ctx, 'office_requests')).toBe(before + 1);
    // Through HTTP: the browser's own second click also creates nothing.
    expect((await browser.post(`${BASE}/submit`, {})).headers.location).toBe(`${BASE}/confirmation`);
    expect(await countRows(t.ctx, 'office_requests')).toBe(before + 1);
  });

  it('keeps the draft when the module refuses the submission (nothing half-written)', async () => {
    const browser = new TestBrowser(t.app);
    await fillAll(browser);
    const form = t.ctx.forms.get('office-help')!;
    const found = await findDraft(t.ctx, form, browser.cookie(draftCookieName('office-help')));
    if (found.kind !== 'draft') throw new Error('expected a draft');
    const requests = await countRows(t.ctx, 'office_requests');
    const failing = {
      ...form,
      onSubmit: async (...args: Parameters<typeof form.onSubmit>) => {
        await form.onSubmit(...args);
        throw new Error('the module failed after writing');
      },
    };
    await expect(submitDraft(t.ctx, { ...found.session, form: failing }, 'en')).rejects.toThrow(/module failed/);
    expect(await countRows(t.ctx, 'office_requests')).toBe(requests);
    const still = await findDraft(t.ctx, form, browser.cookie(draftCookieName('office-help')));
    expect(still.kind).toBe('draft');
    expect((await browser.post(`${BASE}/submit`, {})).headers.location).toBe(`${BASE}/confirmation`);
    expect(await countRows(t.ctx, 'office_requests')).toBe(requests + 1);
  });
});
