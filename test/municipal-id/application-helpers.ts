/**
 * Helpers for the municipal ID application tests: a complete set of answers, filling the guided form step by
 * step through HTTP (each step must lead where expected), and importing the fixture address points.
 */
import path from 'node:path';
import { expect } from 'vitest';
import type { AppContext } from '../../src/core/modules/context.ts';
import { importAddressPoints } from '../../src/modules/municipal-id/residency/address-import.ts';
import type { TestBrowser } from '../helpers/app.ts';

export const BASE = '/forms/municipal-id';
export const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/municipal-id/address-points.csv');

/** What a test person answers; omitted optional answers are skipped. */
export interface Applicant {
  name: string;
  birth: [day: string, month: string, year: string];
  housing: 'address' | 'none';
  street?: string;
  unit?: string;
  zip?: string;
  documents: string[];
  gender?: string;
  veteran?: string;
  language: string;
  contactMethod: 'email' | 'text' | 'none';
  phone?: string;
  email?: string;
  feeWaiver: string;
}

export const HODAN: Applicant = {
  name: 'Hodan Cabdi Warsame',
  birth: ['14', '6', '1991'],
  housing: 'address',
  street: '350 South Fifth Street',
  unit: '',
  zip: '55415',
  documents: ['foreign-passport', 'utility-bill'],
  gender: 'x',
  language: 'so',
  contactMethod: 'text',
  phone: '612 555 0142',
  feeWaiver: 'low-income',
};

export async function importFixtureAddresses(ctx: AppContext): Promise<void> {
  await importAddressPoints(ctx.db, { file: FIXTURE });
}

/** Posts one step and expects a redirect to `next` (a step id, or `check`). */
export async function answer(browser: TestBrowser, step: string, form: Record<string, string | string[]>, next: string): Promise<void> {
  const res = await browser.post(`${BASE}/${step}`, form);
  expect(res.statusCode, `${step}: ${res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 600)}`).toBe(303);
  expect(res.headers.location, step).toBe(`${BASE}/${next}`);
}

/** Fills the whole form (starting a draft) up to the check page. */
export async function fillApplication(browser: TestBrowser, a: Applicant): Promise<void> {
  const start = await browser.post(`${BASE}/start`, {});
  expect(start.headers.location).toBe(`${BASE}/lives-in-city`);
  await answer(browser, 'lives-in-city', { livesInCity: 'yes' }, 'residency-days');
  await answer(browser, 'residency-days', { residencyDays: 'enough' }, 'name');
  await answer(browser, 'name', { name: a.name }, 'birth-date');
  await answer(browser, 'birth-date', { 'birthDate-day': a.birth[0], 'birthDate-month': a.birth[1], 'birthDate-year': a.birth[2] }, 'housing');
  await answer(browser, 'housing', { housing: a.housing }, a.housing === 'address' ? 'address' : 'documents');
  if (a.housing === 'address') await answer(browser, 'address', { street: a.street ?? '', unit: a.unit ?? '', zip: a.zip ?? '' }, 'documents');
  await answer(browser, 'documents', { documents: a.documents }, 'gender');
  await answer(browser, 'gender', a.gender ? { gender: a.gender } : {}, 'veteran');
  await answer(browser, 'veteran', a.veteran ? { veteran: a.veteran } : {}, 'language');
  await answer(browser, 'language', { language: a.language }, 'contact');
  const afterContact = a.contactMethod === 'text' ? 'phone' : a.contactMethod === 'email' ? 'email' : 'fee';
  await answer(browser, 'contact', { contactMethod: a.contactMethod }, afterContact);
  if (a.contactMethod === 'text') await answer(browser, 'phone', { phone: a.phone ?? '' }, 'fee');
  if (a.contactMethod === 'email') await answer(browser, 'email', { email: a.email ?? '' }, 'fee');
  await answer(browser, 'fee', { feeWaiver: a.feeWaiver }, 'check');
}

/** The reference code on a confirmation page. */
export function shownReference(html: string): string {
  const m = /<p class="sanctuary-reference"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  if (!m) throw new Error('no reference code on the page');
  return (m[1] ?? '').replace(/<[^>]+>/g, '');
}

/** Sends a filled form and returns the reference code from the confirmation page. */
export async function submitApplication(browser: TestBrowser): Promise<string> {
  const sent = await browser.post(`${BASE}/submit`, {});
  expect(sent.headers.location, sent.body.slice(0, 300)).toBe(`${BASE}/confirmation`);
  return shownReference((await browser.get(`${BASE}/confirmation`)).body);
}

/** HTML-escapes a message the way the views do, to find it in a page. */
export function escaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
