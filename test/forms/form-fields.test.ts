/**
 * The forms engine with every field type (dates in three inputs and as one date input, numbers, selects,
 * checkboxes, a multi-question step), through HTTP, with a form that exists only in this test — and the
 * start-up refusal of a broken form.
 */
import path from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type Answers, FormDefinitionError, defineForm } from '../../src/core/forms/index.ts';
import { createLogger } from '../../src/core/log.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import type { SanctuaryModule } from '../../src/core/modules/module.ts';
import { MODULES } from '../../src/modules/index.ts';
import { TestBrowser } from '../helpers/app.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';
import { escaped } from './forms-helpers.ts';

const messages: Record<string, string> = {
  'sample.title': 'Sample form',
  'sample.purpose': 'To test the forms engine.',
  'sample.basis': 'Because tests need data.',
  'sample.next': 'Nothing happens next.',
  'sample.born': 'When were you born?',
  'sample.born.hint': 'For example, 27 3 1990',
  'sample.details': 'About your visit',
  'sample.people': 'How many people are coming?',
  'sample.borough': 'Which part of the city?',
  'sample.borough.north': 'North',
  'sample.borough.south': 'South',
  'sample.needs': 'What do you need?',
  'sample.needs.food': 'Food',
  'sample.needs.legal': 'Legal advice',
  'sample.visit': 'When will you visit? (optional)',
  'sample.error.past': 'The date must be in the past',
  'sample.error.people': 'Enter at least 1 person',
  'sample.purpose.field': 'Test field',
};
const catalogs = { en: messages, es: messages, so: messages, hmn: messages };
const privacy = { classification: 'private', purposeKey: 'sample.purpose.field', sensitive: false, encrypt: false } as const;

const received: Answers[] = [];

const sampleForm = defineForm({
  id: 'sample-form',
  version: 1,
  titleKey: 'sample.title',
  purposeKey: 'sample.purpose',
  retention: { submissionDays: 30, basisKey: 'sample.basis', draftDays: 2 },
  whatNextKey: 'sample.next',
  steps: [
    {
      id: 'born',
      fields: [
        {
          name: 'born',
          type: 'date',
          labelKey: 'sample.born',
          hintKey: 'sample.born.hint',
          autocomplete: 'bday',
          rule: z.string().refine((d) => d < '2026-01-01', 'sample.error.past'),
          privacy: { ...privacy, sensitive: true, encrypt: true },
        },
      ],
    },
    {
      id: 'details',
      titleKey: 'sample.details',
      fields: [
        { name: 'people', type: 'number', labelKey: 'sample.people', rule: z.number().int('sample.error.people').min(1, 'sample.error.people'), privacy },
        {
          name: 'borough',
          type: 'select',
          labelKey: 'sample.borough',
          choices: [
            { value: 'north', labelKey: 'sample.borough.north' },
            { value: 'south', labelKey: 'sample.borough.south' },
          ],
          privacy,
        },
        {
          name: 'needs',
          type: 'checkbox',
          labelKey: 'sample.needs',
          choices: [
            { value: 'food', labelKey: 'sample.needs.food' },
            { value: 'legal', labelKey: 'sample.needs.legal' },
          ],
          privacy,
        },
        { name: 'visit', type: 'date', dateStyle: 'single', labelKey: 'sample.visit', optional: true, privacy },
      ],
    },
  ],
  async onSubmit(_ctx, answers) {
    received.push(answers);
  },
});

const sampleModule: SanctuaryModule = { id: 'forms-sample', catalogs, forms: [sampleForm] };

async function build(database: TestDatabase, modules: readonly SanctuaryModule[]) {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      DATA_DIR: path.join(database.dir, 'data'),
      KEY_FILE: path.join(database.dir, 'keys', 'kek.json'),
      LOG_LEVEL: 'silent',
      DEMO: 'false',
      RATE_LIMIT: 'false',
    },
    { database: database.target },
  );
  return buildApp({ config, db: database.db, logger: createLogger({ level: 'silent' }), modules });
}

describeEachDialect('every field type through HTTP', (dialect) => {
  let database: TestDatabase;
  let built: Awaited<ReturnType<typeof build>>;
  let ctx: AppContext;
  const BASE = '/forms/sample-form';

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    built = await build(database, [...MODULES, sampleModule]);
    ctx = built.ctx;
  });
  afterAll(async () => {
    await built?.close();
    await database?.drop();
  });

  it('reads dates in parts, numbers, selects, checkboxes and an optional date; shows them for checking; sends them', async () => {
    received.length = 0;
    const browser = new TestBrowser(built.app);
    const start = await browser.get(BASE);
    expect(start.body).toContain('we delete your answers 2 days after you last saved them');
    expect(start.body).toContain('we keep your answers for 30 days');
    expect((await browser.post(`${BASE}/start`, {})).headers.location).toBe(`${BASE}/born`);

    const page = await browser.get(`${BASE}/born`);
    expect(page.body).toContain('<legend class="usa-legend usa-legend--large"><h1 class="sanctuary-question">When were you born?</h1></legend>');
    for (const part of ['day', 'month', 'year']) {
      expect(page.body).toContain(`<label class="usa-label" for="field-born-${part}">`);
      expect(page.body).toContain(`name="born-${part}" type="text" inputmode="numeric"`);
      expect(page.body).toContain(`autocomplete="bday-${part}"`);
    }
    const partial = await browser.post(`${BASE}/born`, { 'born-day': '7', 'born-month': '', 'born-year': '1990' });
    expect(partial.statusCode).toBe(422);
    expect(partial.body).toContain(escaped(ctx.messages.format('en', 'forms.error.dateIncomplete')));
    expect(partial.body).toContain('value="1990"');
    const impossible = await browser.post(`${BASE}/born`, { 'born-day': '30', 'born-month': '2', 'born-year': '1990' });
    expect(impossible.body).toContain(escaped(ctx.messages.format('en', 'forms.error.date')));
    const future = await browser.post(`${BASE}/born`, { 'born-day': '1', 'born-month': '1', 'born-year': '2030' });
    expect(future.statusCode).toBe(422);
    expect(future.body).toContain('The date must be in the past');
    expect((await browser.post(`${BASE}/born`, { 'born-day': '7', 'born-month': '3', 'born-year': '1990' })).headers.location).toBe(`${BASE}/details`);

    const details = await browser.get(`${BASE}/details`);
    expect(details.body).toContain('<h1 class="sanctuary-question">About your visit</h1>');
    expect(details.body).toMatch(/<input[^>]*name="people"[^>]*type="text"[^>]*inputmode="numeric"/);
    expect(details.body).toMatch(/<select[^>]*name="borough"/);
    expect(details.body).toMatch(/<option value="" selected="">|<option value="">/);
    expect(details.body).toMatch(/type="checkbox"[^>]*name="needs"[^>]*value="legal"/);
    expect(details.body).toMatch(/name="visit"[^>]*type="date"/);
    const errors = await browser.post(`${BASE}/details`, { people: '0', borough: 'east', needs: ['food', 'weapons'], visit: '2026-02-30' });
    expect(errors.statusCode).toBe(422);
    for (const field of ['people', 'borough', 'needs', 'visit']) expect(errors.body).toContain(`href="#field-${field}"`);
    expect(errors.body).toContain('Enter at least 1 person');
    const ok = await browser.post(`${BASE}/details`, { people: '3', borough: 'north', needs: ['legal', 'food'], visit: '2026-12-01' });
    expect(ok.headers.location).toBe(`${BASE}/check`);

    const check = await browser.get(`${BASE}/check`);
    for (const shown of ['March 7, 1990', '3', 'North', 'Food, Legal advice', 'December 1, 2026']) expect(check.body).toContain(shown);
    // The stored answers fill the inputs again when going back.
    const back = await browser.get(`${BASE}/born?change=1`);
    expect(back.body).toMatch(/name="born-day"[^>]*value="7"|value="7"[^>]*name="born-day"/);

    expect((await browser.post(`${BASE}/submit`, {})).headers.location).toBe(`${BASE}/confirmation`);
    expect(received).toEqual([{ born: '1990-03-07', people: 3, borough: 'north', needs: ['food', 'legal'], visit: '2026-12-01' }]);
  });
});

describe('a broken form stops the start', () => {
  it('lists every problem of every form at once', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const broken = defineForm({
        ...sampleForm,
        id: 'broken-form',
        titleKey: 'sample.missing-title',
        steps: [
          ...sampleForm.steps,
          { id: 'born', fields: [{ name: 'countryOfBirth', type: 'text', labelKey: 'sample.born', privacy }] },
        ],
      });
      const attempt = build(database, [...MODULES, { id: 'forms-broken', catalogs, forms: [broken] }]);
      await expect(attempt).rejects.toBeInstanceOf(FormDefinitionError);
      const message = await attempt.catch((e: Error) => e.message);
      expect(message).toMatch(/titleKey "sample.missing-title" is not in the message catalogs/);
      expect(message).toMatch(/step "born" is declared twice/);
      expect(message).toMatch(/field "countryOfBirth" asks for data DESIGN §3.1 forbids \(country-of-birth\)/);
    } finally {
      await database.drop();
    }
  });
});
