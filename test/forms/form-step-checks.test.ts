/**
 * The forms engine's step hooks, with a form that exists only in this test: `check` (cross-field checks that
 * need other answers, the clock or the database; run on the page and again before sending), `panel` (a
 * server-rendered note recomputed from the answers, including what the page just sent), and
 * `confirmationAction` (a button on the confirmation page that posts the reference code onward), form-wide
 * `messageValues`, values on choices, and a retention period computed from the context.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type Answers, type StepPanel, defineForm } from '../../src/core/forms/index.ts';
import { AppError } from '../../src/core/http/errors.ts';
import { createLogger } from '../../src/core/log.ts';
import type { SanctuaryModule } from '../../src/core/modules/module.ts';
import { MODULES } from '../../src/modules/index.ts';
import { TestBrowser } from '../helpers/app.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';
import { countRows, movableClock, shownCode } from './forms-helpers.ts';

const messages: Record<string, string> = {
  'hooks.title': 'Hooks form of {city}',
  'hooks.purpose': 'To test step hooks.',
  'hooks.basis': 'Because tests need data.',
  'hooks.next': 'Nothing happens next.',
  'hooks.born': 'When were you born? (You must be {minAge} or older.)',
  'hooks.fruit': 'Which fruit will you bring?',
  'hooks.fruit.apple': 'Apple',
  'hooks.fruit.pear': 'Pear',
  'hooks.fruit.plum': 'Plum from {city}',
  'hooks.fruit.hint': 'Worth {points, plural, one {# point} other {# points}}',
  'hooks.error.young': 'You must be at least {age} years old',
  'hooks.error.few': 'Bring {missing, plural, one {# more fruit} other {# more fruits}}',
  'hooks.panel': 'Your basket',
  'hooks.panel.count': 'Fruits picked: {count} of {needed}',
  'hooks.panel.age': 'Age on the day: {age}',
  'hooks.action': 'Book a time now',
  'hooks.action.text': 'You can book a time straight away.',
  'hooks.purpose.field': 'Test field',
};
const catalogs = { en: messages, es: messages, so: messages, hmn: messages };
const privacy = { classification: 'private', purposeKey: 'hooks.purpose.field', sensitive: false, encrypt: false } as const;

function ageOn(birth: string, now: Date): number {
  const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age--;
  return age;
}

const received: Answers[] = [];
let checks = 0;
/** When set, `onSubmit` refuses the fruit (a module rule its steps did not apply). */
let refuseFruit = false;

const hooksForm = defineForm({
  id: 'hooks-form',
  version: 1,
  titleKey: 'hooks.title',
  purposeKey: 'hooks.purpose',
  retention: { submissionDays: (ctx) => (ctx.jurisdiction.id === 'minneapolis' ? 45 : 1), basisKey: 'hooks.basis' },
  messageValues: () => ({ city: 'Hookton', minAge: 13 }),
  whatNextKey: 'hooks.next',
  confirmationAction: { labelKey: 'hooks.action', textKey: 'hooks.action.text', action: '/hooks/book' },
  steps: [
    {
      id: 'born',
      fields: [{ name: 'born', type: 'date', labelKey: 'hooks.born', privacy }],
      // Needs the clock: a Zod rule cannot see it.
      check: (_ctx, answers, { now }) => (ageOn(String(answers.born), now) < 13 ? [{ field: 'born', key: 'hooks.error.young', values: { age: 13 } }] : []),
    },
    {
      id: 'fruit',
      fields: [
        {
          name: 'fruit',
          type: 'checkbox',
          labelKey: 'hooks.fruit',
          choices: ['apple', 'pear', 'plum'].map((v, i) => ({ value: v, labelKey: `hooks.fruit.${v}`, hintKey: 'hooks.fruit.hint', values: { points: i + 1 } })),
          privacy,
        },
      ],
      // Needs another answer and is async (a module would ask its database).
      async check(_ctx, answers) {
        checks++;
        const picked = Array.isArray(answers.fruit) ? answers.fruit.length : 0;
        const needed = ageOn(String(answers.born), new Date('2026-11-27T00:00:00Z')) >= 18 ? 2 : 1;
        return picked < needed ? [{ field: 'fruit', key: 'hooks.error.few', values: { missing: needed - picked } }] : [];
      },
      panel: (_ctx, answers, { now }): StepPanel => ({
        titleKey: 'hooks.panel',
        items: [
          { key: 'hooks.panel.count', values: { count: Array.isArray(answers.fruit) ? answers.fruit.length : 0, needed: 2 }, met: Array.isArray(answers.fruit) && answers.fruit.length >= 2 },
          { key: 'hooks.panel.age', values: { age: ageOn(String(answers.born), now) } },
        ],
      }),
    },
  ],
  async onSubmit(_ctx, answers) {
    if (refuseFruit) throw new AppError('validation', { fields: [{ field: 'fruit', key: 'hooks.error.few', values: { missing: 1 } }] });
    received.push(answers);
  },
});

const hooksModule: SanctuaryModule = { id: 'forms-hooks', catalogs, forms: [hooksForm] };

describeEachDialect('step checks, panels and the confirmation action', (dialect) => {
  let database: TestDatabase;
  let built: Awaited<ReturnType<typeof buildApp>>;
  const clock = movableClock(new Date('2026-11-27T15:00:00.000Z'));
  const BASE = '/forms/hooks-form';

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const config = loadConfig(
      { NODE_ENV: 'test', DATA_DIR: path.join(database.dir, 'data'), KEY_FILE: path.join(database.dir, 'keys', 'kek.json'), LOG_LEVEL: 'silent', DEMO: 'false', RATE_LIMIT: 'false' },
      { database: database.target },
    );
    built = await buildApp({ config, db: database.db, logger: createLogger({ level: 'silent' }), modules: [...MODULES, hooksModule], now: clock.now });
  });
  afterAll(async () => {
    await built?.close();
    await database?.drop();
  });

  it('refuses a page whose cross-field check fails, stores nothing, and shows the panel from what was sent', async () => {
    received.length = 0;
    const browser = new TestBrowser(built.app);
    await browser.post(`${BASE}/start`, {});
    const drafts = await countRows(built.ctx, 'form_drafts');

    // Form-wide values reach the start page (title, retention computed from the context) and the questions.
    const startPage = await browser.get(BASE);
    expect(startPage.body).toContain('<h1>Hooks form of Hookton</h1>');
    expect(startPage.body).toContain('we keep your answers for 45 days');
    expect((await browser.get(`${BASE}/born`)).body).toContain('When were you born? (You must be 13 or older.)');
    const young = await browser.post(`${BASE}/born`, { 'born-day': '1', 'born-month': '1', 'born-year': '2020' });
    expect(young.statusCode).toBe(422);
    expect(young.body).toContain('You must be at least 13 years old');
    expect(young.body).toContain('href="#field-born"');
    // Not stored: the page is still the first one.
    expect((await browser.get(`${BASE}/fruit`)).headers.location).toBe(`${BASE}/born`);
    expect((await browser.post(`${BASE}/born`, { 'born-day': '1', 'born-month': '1', 'born-year': '2000' })).headers.location).toBe(`${BASE}/fruit`);

    const page = await browser.get(`${BASE}/fruit`);
    expect(page.body).toContain('<h2 class="usa-summary-box__heading" id="step-panel-title">Your basket</h2>');
    expect(page.body).toContain('Still needed: </span>Fruits picked: 0 of 2');
    expect(page.body).toContain('Age on the day: 26');
    // Choices carry their own values (labels and hints).
    expect(page.body).toContain('Plum from Hookton');
    expect(page.body).toContain('Worth 1 point');
    expect(page.body).toContain('Worth 3 points');

    const few = await browser.post(`${BASE}/fruit`, { fruit: 'plum' });
    expect(few.statusCode).toBe(422);
    expect(few.body).toContain('Bring 1 more fruit');
    // The panel counts what was just ticked, although it was not stored.
    expect(few.body).toContain('Fruits picked: 1 of 2');
    expect(few.body).toMatch(/value="plum"[^>]*checked|checked[^>]*value="plum"/);

    const enough = await browser.post(`${BASE}/fruit`, { fruit: ['apple', 'plum'] });
    expect(enough.headers.location).toBe(`${BASE}/check`);
    expect((await browser.get(`${BASE}/check`)).body).toContain('Apple, Plum from Hookton');
    expect((await browser.get(`${BASE}/fruit`)).body).toContain('Done: </span>Fruits picked: 2 of 2');
    expect(await countRows(built.ctx, 'form_drafts')).toBe(drafts);

    // "Save and come back later" keeps a page that fails its check, but not as done.
    const saveBrowser = new TestBrowser(built.app);
    await saveBrowser.post(`${BASE}/start`, {});
    const saved = await saveBrowser.post(`${BASE}/born`, { 'born-day': '1', 'born-month': '1', 'born-year': '2020', _action: 'save' });
    expect(saved.statusCode).toBe(200);
    expect((await saveBrowser.get(`${BASE}/fruit`)).headers.location).toBe(`${BASE}/born`);

    // Send: the checks run again; the confirmation page offers the next action with the code in a POST body.
    const before = checks;
    expect((await browser.post(`${BASE}/submit`, {})).headers.location).toBe(`${BASE}/confirmation`);
    expect(checks).toBeGreaterThan(before);
    expect(received).toEqual([{ born: '2000-01-01', fruit: ['apple', 'plum'] }]);
    const confirmation = await browser.get(`${BASE}/confirmation`);
    const code = shownCode(confirmation.body);
    expect(confirmation.body).toContain('<form method="post" action="/hooks/book" class="sanctuary-confirmation-action">');
    expect(confirmation.body).toContain(`<input type="hidden" name="code" value="${code}"/>`);
    expect(confirmation.body).toContain('You can book a time straight away.');
    expect(confirmation.body).toContain('Book a time now</button>');
  });

  it('re-runs the checks before sending, with the clock of the moment', async () => {
    received.length = 0;
    const browser = new TestBrowser(built.app);
    await browser.post(`${BASE}/start`, {});
    // 13 today; the check passes.
    expect((await browser.post(`${BASE}/born`, { 'born-day': '27', 'born-month': '11', 'born-year': '2013' })).headers.location).toBe(`${BASE}/fruit`);
    expect((await browser.post(`${BASE}/fruit`, { fruit: 'pear' })).headers.location).toBe(`${BASE}/check`);
    // The clock goes back a day (a test seam; in life: a rule or the database changed since the page was answered).
    clock.advance(-86_400_000);
    try {
      const sent = await browser.post(`${BASE}/submit`, {});
      expect(sent.headers.location).toBe(`${BASE}/born`);
      expect(received).toEqual([]);
    } finally {
      clock.advance(86_400_000);
    }
    expect((await browser.post(`${BASE}/submit`, {})).headers.location).toBe(`${BASE}/confirmation`);
    expect(received).toHaveLength(1);
  });

  it("comes back to the question with the error marked when the form's own rules refuse an answer at sending", async () => {
    received.length = 0;
    const browser = new TestBrowser(built.app);
    await browser.post(`${BASE}/start`, {});
    await browser.post(`${BASE}/born`, { 'born-day': '1', 'born-month': '1', 'born-year': '2000' });
    expect((await browser.post(`${BASE}/fruit`, { fruit: ['apple', 'pear'] })).headers.location).toBe(`${BASE}/check`);
    refuseFruit = true;
    try {
      const refused = await browser.post(`${BASE}/submit`, {});
      expect(refused.statusCode).toBe(422);
      expect(refused.body).toContain('href="#field-fruit"');
      expect(refused.body).toContain('Bring 1 more fruit');
      // The answers are kept (the apple stays ticked), and the page goes back to the check once fixed.
      expect(refused.body).toMatch(/value="apple" checked/);
      expect(refused.body).toContain('change=1');
      expect(received).toEqual([]);
    } finally {
      refuseFruit = false;
    }
    expect((await browser.post(`${BASE}/submit`, {})).headers.location).toBe(`${BASE}/confirmation`);
    expect(received).toHaveLength(1);
  });
});
