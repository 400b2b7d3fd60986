/**
 * Generated bad input against every page of the municipal ID application and the booking pages: random
 * fields and values (huge, control characters, other scripts, repeated names, wrong types of answers), random
 * steps, random codes and day choices. No request may get a 5xx, and none that gets a 4xx may store an
 * application or a booking.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { referenceCode } from '../../src/core/crypto/random.ts';
import { applicationForm } from '../../src/modules/municipal-id/application/application.form.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { BASE, HODAN, fillApplication, importFixtureAddresses, submitApplication } from './application-helpers.ts';

const STEPS = applicationForm.steps.map((s) => s.id);
const FIELDS = [...applicationForm.steps.flatMap((s) => s.fields.map((f) => f.name)), 'birthDate-day', 'birthDate-month', 'birthDate-year', 'code', 'day', 'start', '_action', 'extra'];

const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('yes', 'no', 'enough', 'none', 'address', 'x', 'save', 'foreign-passport', 'utility-bill', 'shelter-letter', '55415', '350 S 5th St', '31', '2', '1850', '-93.2655'),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('\u0000', '\u202e', 'Ｈｏｄａｎ', 'ሀይለ', '李伟', '😀'.repeat(40), 'A'.repeat(5_000), '%ff', '<script>'),
);
const body = fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(value, fc.array(value, { maxLength: 4 })), { maxKeys: 6 });
const path = fc.oneof(
  fc.constantFrom(...STEPS).map((s) => `${BASE}/${s}`),
  fc.constantFrom(`${BASE}/submit`, `${BASE}/status`, '/municipal-id/appointment', '/municipal-id/appointment/times', '/municipal-id/appointment/book'),
);

async function counts(t: TestApp): Promise<string> {
  const n = async (table: 'id_applications' | 'appointment_bookings') =>
    Number((await t.ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
  return `${await n('id_applications')}/${await n('appointment_bookings')}`;
}

describeEachDialect('the municipal ID application under generated bad input', (dialect) => {
  let t: TestApp;
  let reference = '';
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await importFixtureAddresses(t.ctx);
    const b = new TestBrowser(t.app);
    await fillApplication(b, HODAN);
    reference = await submitApplication(b);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never answers a 5xx, and a 4xx stores nothing', async () => {
    const runs = dialect === 'sqlite' ? 1_500 : 400;
    // One browser part-way through the form, so step pages are reachable; each case posts to one page.
    const browser = new TestBrowser(t.app);
    await browser.post(`${BASE}/start`, {});
    await fc.assert(
      fc.asyncProperty(path, body, fc.boolean(), async (url, form, withCode) => {
        const payload: Record<string, string | string[]> = { ...form };
        if (withCode && url.startsWith('/municipal-id')) payload.code = fc.sample(fc.constantFrom(reference, referenceCode(), reference.toLowerCase()), 1)[0] as string;
        const before = await counts(t);
        const res = await browser.post(url, payload);
        expect(res.statusCode, `${url} ${JSON.stringify(payload).slice(0, 300)}`).toBeLessThan(500);
        if (res.statusCode >= 400) expect(await counts(t)).toBe(before);
      }),
      { numRuns: runs },
    );
  });
});
