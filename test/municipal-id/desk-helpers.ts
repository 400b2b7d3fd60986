/**
 * Helpers for the enrolment desk and card tests: applying through the public form (HTTP), posting a photo as
 * `multipart/form-data` the way a browser does, and reading records back.
 */
import { expect } from 'vitest';
import type { AppContext } from '../../src/core/modules/context.ts';
import { findByReference } from '../../src/modules/municipal-id/application/application.service.ts';
import { type TestApp, TestBrowser } from '../helpers/app.ts';
import { type Applicant, fillApplication, submitApplication } from './application-helpers.ts';

export const DESK = '/staff/municipal-id';

/** A resident applies through the public form; returns the application's id and reference code. */
export async function applyAs(t: TestApp, applicant: Applicant): Promise<{ id: string; reference: string }> {
  const browser = new TestBrowser(t.app);
  await browser.get('/forms/municipal-id');
  await fillApplication(browser, applicant);
  const reference = await submitApplication(browser);
  const row = await findByReference(t.ctx, reference);
  if (!row) throw new Error('the application was not stored');
  return { id: row.id, reference };
}

/** One part of a multipart body. */
export type Part = { name: string; value: string } | { name: string; filename: string; contentType: string; data: Buffer };

/** A `multipart/form-data` body as browsers send it. */
export function multipartBody(parts: readonly Part[], boundary = `----sanctuaryTest${Date.now()}`): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`, 'latin1'));
    if ('filename' in p) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.contentType}\r\n\r\n`, 'utf8'));
      chunks.push(p.data);
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}`, 'utf8'));
    }
    chunks.push(Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Posts a multipart form with the browser's cookies and CSRF token (`_csrf` first, as our forms put it). */
export async function postMultipart(t: TestApp, browser: TestBrowser, url: string, parts: readonly Part[], options: { csrf?: boolean } = {}) {
  await browser.withCsrf();
  const all: Part[] = options.csrf === false ? [...parts] : [{ name: '_csrf', value: browser.csrf }, ...parts];
  const { body, contentType } = multipartBody(all);
  return t.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': contentType, cookie: browser.cookieHeader() } });
}

/** Posts a photo file to an application's photo route. */
export function postPhoto(t: TestApp, browser: TestBrowser, applicationId: string, data: Buffer, contentType = 'image/jpeg') {
  return postMultipart(t, browser, `${DESK}/applications/${applicationId}/photo`, [{ name: 'photo', filename: 'photo.jpg', contentType, data }]);
}

/** The status of an application, read from its row. */
export async function applicationStatus(ctx: AppContext, id: string): Promise<string | undefined> {
  return (await ctx.db.kysely.selectFrom('id_applications').select('status').where('id', '=', id).executeTakeFirst())?.status;
}

/** Expects a redirect (303) and returns its location. */
export function redirected(res: { statusCode: number; headers: Record<string, unknown>; body: string }): string {
  expect(res.statusCode, res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 800)).toBe(303);
  return String(res.headers.location);
}
