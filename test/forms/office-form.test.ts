import { afterAll, beforeAll, expect, it } from 'vitest';
import { normalizeReferenceCode, referenceCode } from '../../src/core/crypto/random.ts';
import { LOCALES } from '../../src/core/i18n/locales.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { countRows, escaped, shownCode } from './forms-helpers.ts';

const BASE = '/forms/office-help';

/** Answers a step and expects to be sent on to `next`. */
async function answer(browser: TestBrowser, step: string, form: Record<string, string>, next: string, query = '') {
  const res = await browser.post(`${BASE}/${step}${query}`, form);
  expect(res.statusCode, `${step}: ${res.body.slice(0, 400)}`).toBe(303);
  expect(res.headers.location).toBe(next);
}

async function start(browser: TestBrowser): Promise<void> {
  const res = await browser.post(`${BASE}/start`, {});
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe(`${BASE}/topic`);
}

describeEachDialect('the Office form, end to end', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows what is kept and why on the first page, and links it from the home page', async () => {
    const browser = new TestBrowser(t.app);
    const home = await browser.get('/');
    expect(home.body).toContain(`href="${BASE}"`);
    const res = await browser.get(BASE);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Ask the Office for help</h1>');
    expect(res.body).toContain('we keep your answers until we finish helping you, and then for 180 more days');
    expect(res.body).toContain('we delete your answers 7 days after you last saved them');
    expect(res.body).toContain(escaped(t.ctx.messages.format('en', 'office.form.retentionBasis')));
    expect(res.body).toContain(escaped(t.ctx.messages.format('en', 'office.form.purpose')));
  });

  it('walks every step, checks the answers, changes one, sends, and finds the request by its reference', async () => {
    const before = await countRows(t.ctx, 'office_requests');
    const browser = new TestBrowser(t.app);
    await browser.get(BASE);
    await start(browser);

    const topic = await browser.get(`${BASE}/topic`);
    expect(topic.body).toContain('<h1 class="sanctuary-question">What do you need help with?</h1>');
    expect(topic.body).toContain('Question 1 of 5');
    expect(topic.body).toContain(`<a class="usa-link" href="${BASE}">Back</a>`);

    await answer(browser, 'topic', { topic: 'lawyer' }, `${BASE}/description`);
    const description = await browser.get(`${BASE}/description`);
    expect(description.body).toContain(`href="${BASE}/topic">Back</a>`);
    expect(description.body).toMatch(/<textarea[^>]*maxlength="1000"/);
    await answer(browser, 'description', { description: 'My brother was detained.\r\nPlease call.' }, `${BASE}/language`);
    // Language names are in their own language, marked as such (WCAG 3.1.2).
    const languages = await browser.get(`${BASE}/language`);
    for (const [code, name] of [['es', 'Español'], ['so', 'Soomaali'], ['hmn', 'Hmoob']]) expect(languages.body).toContain(`<span lang="${code}">${name}</span>`);
    await answer(browser, 'language', { language: 'es' }, `${BASE}/contact`);
    await answer(browser, 'contact', { contactMethod: 'phone' }, `${BASE}/phone`);
    const phone = await browser.get(`${BASE}/phone`);
    expect(phone.body).toContain('Question 5 of 6');
    expect(phone.body).toMatch(/<input[^>]*name="phone"[^>]*type="tel"[^>]*autocomplete="tel"/);
    await answer(browser, 'phone', { phone: '612 555 0142' }, `${BASE}/name`);
    await answer(browser, 'name', { name: 'Rosa' }, `${BASE}/check`);

    const check = await browser.get(`${BASE}/check`);
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('Check your answers before sending');
    for (const shown of ['A lawyer, or someone was detained', 'Español', 'Phone call', '612 555 0142', 'Rosa']) expect(check.body).toContain(shown);
    expect(check.body).toContain(`href="${BASE}/contact?change=1"`);
    expect(check.body).toContain('<span class="sanctuary-answer" lang="es">Español</span>');

    // Change: phone → email. The new branch's question comes next, then straight back to the check page.
    const change = await browser.get(`${BASE}/contact?change=1`);
    expect(change.body).toContain(`href="${BASE}/check">Back</a>`);
    expect(change.body).toMatch(/value="phone" checked=""/);
    await answer(browser, 'contact', { contactMethod: 'email' }, `${BASE}/email?change=1`, '?change=1');
    await answer(browser, 'email', { email: 'rosa@example.org' }, `${BASE}/check`, '?change=1');
    const checked = await browser.get(`${BASE}/check`);
    expect(checked.body).toContain('rosa@example.org');
    expect(checked.body).not.toContain('612 555 0142');

    const sent = await browser.post(`${BASE}/submit`, {});
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`${BASE}/confirmation`);
    const confirmation = await browser.get(`${BASE}/confirmation`);
    expect(confirmation.statusCode).toBe(200);
    expect(confirmation.body).toContain('Request sent');
    const reference = shownCode(confirmation.body);
    expect(normalizeReferenceCode(reference)).toBe(reference);
    expect(confirmation.body).toContain(escaped(t.ctx.messages.format('en', 'office.form.whatNext')));
    expect(await countRows(t.ctx, 'office_requests')).toBe(before + 1);

    // Stored: categories in plain text, the rest sealed; the skipped phone answer is gone.
    const row = await t.ctx.db.kysely.selectFrom('office_requests').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ topic: 'lawyer', language: 'es', contact_method: 'email', status: 'received', language_other_sealed: null });
    expect(row.reference_index).not.toContain(reference);
    for (const column of ['name_sealed', 'contact_sealed', 'description_sealed'] as const) {
      expect(row[column], column).toMatch(/^s1\./);
    }
    const all = JSON.stringify(row);
    for (const secret of ['Rosa', 'rosa@example.org', 'detained', '612 555 0142']) expect(all).not.toContain(secret);

    // Refresh or back + send again: nothing new is created.
    const again = await browser.post(`${BASE}/submit`, {});
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`${BASE}/confirmation`);
    expect(shownCode((await browser.get(`${BASE}/confirmation`)).body)).toBe(reference);
    expect(await countRows(t.ctx, 'office_requests')).toBe(before + 1);

    // Check the status, from any browser, typed loosely.
    const other = new TestBrowser(t.app);
    await other.get(`${BASE}/status`);
    const status = await other.post(`${BASE}/status`, { code: reference.toLowerCase().replace(/-/g, ' ') });
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain('Received');
    expect(status.body).toContain(escaped(t.ctx.messages.format('en', 'office.status.received.detail')));
    expect(status.body).not.toContain('Rosa');
  });

  it('drops the answers of a branch that is no longer taken', async () => {
    const browser = new TestBrowser(t.app);
    await start(browser);
    await answer(browser, 'topic', { topic: 'work' }, `${BASE}/description`);
    await answer(browser, 'description', { description: '' }, `${BASE}/language`);
    await answer(browser, 'language', { language: 'other' }, `${BASE}/other-language`);
    await answer(browser, 'other-language', { languageOther: 'Karen' }, `${BASE}/contact`);
    await answer(browser, 'contact', { contactMethod: 'none' }, `${BASE}/name`);
    await answer(browser, 'name', { name: '' }, `${BASE}/check`);
    expect((await browser.get(`${BASE}/check`)).body).toContain('Karen');
    await answer(browser, 'language', { language: 'hmn' }, `${BASE}/check`, '?change=1');
    const check = await browser.get(`${BASE}/check`);
    expect(check.body).not.toContain('Karen');
    expect(check.body).toContain('Hmoob');
    expect(check.body).toContain('Not answered');
    // The dropped step cannot be opened any more.
    const skipped = await browser.get(`${BASE}/other-language`);
    expect(skipped.statusCode).toBe(303);
    await browser.post(`${BASE}/submit`, {});
    const row = await t.ctx.db.kysely.selectFrom('office_requests').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ topic: 'work', language: 'hmn', contact_method: 'none', language_other_sealed: null, contact_sealed: null, name_sealed: null, description_sealed: null });
  });

  it('renders field errors with an error summary, translated in all four languages, and stores nothing', async () => {
    for (const locale of LOCALES) {
      const browser = new TestBrowser(t.app);
      await browser.get(`${BASE}?lang=${locale}`);
      await start(browser);
      const res = await browser.post(`${BASE}/topic`, {});
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain(`<html lang="${locale}">`);
      const message = t.ctx.messages.format(locale, 'office.form.topic.required');
      if (locale !== 'en') expect(message).not.toBe(t.ctx.messages.format('en', 'office.form.topic.required'));
      expect(res.body).toContain(escaped(t.ctx.messages.format(locale, 'form.errorSummary.title')));
      // The summary names the field by its label (the question, which ends with its own question mark) before the message.
      const label = t.ctx.messages.format(locale, 'office.form.topic.label');
      expect(res.body).toContain(`<a class="usa-link" href="#field-topic">${escaped(label)} ${escaped(message)}</a>`);
      expect(res.body).toContain(`<span class="usa-error-message" id="field-topic-error" role="alert">${escaped(message)}</span>`);
      expect(res.body).toContain(`<title>${escaped(t.ctx.messages.format(locale, 'forms.errorTitle', { title: '' }))}`);
      // A format error on another step, too.
      await answer(browser, 'topic', { topic: 'id' }, `${BASE}/description`);
      await answer(browser, 'description', { description: '' }, `${BASE}/language`);
      await answer(browser, 'language', { language: 'en' }, `${BASE}/contact`);
      await answer(browser, 'contact', { contactMethod: 'email' }, `${BASE}/email`);
      const bad = await browser.post(`${BASE}/email`, { email: 'not-an-address' });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain(escaped(t.ctx.messages.format(locale, 'forms.error.email')));
      expect(bad.body).toContain('value="not-an-address"');
    }
  });

  it('refuses a question the page does not have: 422, translated, draft unchanged', async () => {
    const browser = new TestBrowser(t.app);
    await browser.get(`${BASE}?lang=es`);
    await start(browser);
    await answer(browser, 'topic', { topic: 'housing' }, `${BASE}/description`);
    const draftsBefore = await t.ctx.db.kysely.selectFrom('form_drafts').select(['id', 'sealed', 'updated_at']).orderBy('id').execute();
    const res = await browser.post(`${BASE}/description`, { description: 'x', immigrationStatus: 'undocumented' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain(escaped(t.ctx.messages.format('es', 'form.error.unknownField')));
    const draftsAfter = await t.ctx.db.kysely.selectFrom('form_drafts').select(['id', 'sealed', 'updated_at']).orderBy('id').execute();
    expect(draftsAfter).toEqual(draftsBefore);
  });

  it('does not let a person skip ahead, and sends people without a draft to the start page', async () => {
    const fresh = new TestBrowser(t.app);
    const noDraft = await fresh.get(`${BASE}/contact`);
    expect(noDraft.statusCode).toBe(303);
    expect(noDraft.headers.location).toBe(BASE);
    const noDraftPost = await fresh.post(`${BASE}/contact`, { contactMethod: 'none' });
    expect(noDraftPost.statusCode).toBe(303);
    expect(noDraftPost.headers.location).toBe(BASE);

    const browser = new TestBrowser(t.app);
    await start(browser);
    const ahead = await browser.get(`${BASE}/name`);
    expect(ahead.statusCode).toBe(303);
    expect(ahead.headers.location).toBe(`${BASE}/topic`);
    const check = await browser.get(`${BASE}/check`);
    expect(check.headers.location).toBe(`${BASE}/topic`);
    const submit = await browser.post(`${BASE}/submit`, {});
    expect(submit.headers.location).toBe(`${BASE}/topic`);
    expect((await browser.get(`${BASE}/nope`)).statusCode).toBe(404);
    expect((await browser.get('/forms/no-such-form')).statusCode).toBe(404);
  });

  it('takes form posts only as urlencoded', async () => {
    const browser = new TestBrowser(t.app);
    await start(browser);
    const res = await t.app.inject({
      method: 'POST',
      url: `${BASE}/topic`,
      payload: JSON.stringify({ topic: 'id', _csrf: browser.csrf }),
      headers: { 'content-type': 'application/json', cookie: browser.cookieHeader(), 'x-csrf-token': browser.csrf },
    });
    expect(res.statusCode).toBe(415);
  });

  it('lets a person delete their answers', async () => {
    const browser = new TestBrowser(t.app);
    await start(browser);
    await answer(browser, 'topic', { topic: 'other' }, `${BASE}/description`);
    const startPage = await browser.get(BASE);
    expect(startPage.body).toContain('Continue where you left off');
    const drafts = await countRows(t.ctx, 'form_drafts');
    const res = await browser.post(`${BASE}/discard`, {});
    expect(res.headers.location).toBe(`${BASE}?deleted=1`);
    expect(await countRows(t.ctx, 'form_drafts')).toBe(drafts - 1);
    expect((await browser.get(`${BASE}?deleted=1`)).body).toContain('Your answers have been deleted.');
  });

  it('answers status lookups for unknown or malformed codes with a translated 422', async () => {
    const browser = new TestBrowser(t.app);
    await browser.get(`${BASE}/status?lang=so`);
    const malformed = await browser.post(`${BASE}/status`, { code: 'hello' });
    expect(malformed.statusCode).toBe(422);
    expect(malformed.body).toContain(escaped(t.ctx.messages.format('so', 'forms.code.invalid')));
    // A well-formed code that belongs to no request.
    const notFound = await browser.post(`${BASE}/status`, { code: referenceCode() });
    expect(notFound.statusCode).toBe(422);
    expect(notFound.body).toContain(escaped(t.ctx.messages.format('so', 'forms.status.notFound')));
  });
});
