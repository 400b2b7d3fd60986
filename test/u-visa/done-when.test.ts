/**
 * Issue 6, "done when": an attorney files an expedited request in Spanish, the certifying official sees it at
 * the top of the queue with 7 days on the clock, certifies, and the generated Supplement B has no blank
 * field; the public figures update. On SQLite and PostgreSQL (the browser version is test/browser/u-visa.test.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileRequest } from '../../src/modules/u-visa/u-visa.service.ts';
import { I918B_FIELDS } from '../../src/modules/u-visa/supplement-b/supplement-b.fields.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { hasPdftotext, pdfText } from './pdf-text.ts';
import { type ApiStatus, apiFile, attorneyToken, body, fieldErrors, fillSupplement, validRequest } from './u-visa-helpers.ts';

let now = new Date('2026-11-20T15:00:00Z');

describeEachDialect('done when (issue 6)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    now = new Date('2026-11-20T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
  });
  afterAll(async () => t.close());

  it('attorney files expedited in Spanish → top of the queue with 7 days → certified → Supplement B without a blank → figures', async () => {
    // Ten other requests are already waiting, all received earlier, none expedited.
    for (let i = 0; i < 10; i++) {
      await fileRequest(t.ctx, { raw: validRequest({ agency: 'mpd' }), channel: 'staff', filer: { kind: 'system' }, now: new Date(now.getTime() - (i + 1) * 86_400_000) });
    }
    // 1. The attorney's system files in Spanish; a mistake first gets a Spanish error.
    const { token } = await attorneyToken(t);
    const es = { 'accept-language': 'es-MX,es;q=0.9' };
    const expedite = { expedite: 'victim', expediteProofType: 'notice-to-appear', expediteProofDate: '2026-11-12' };
    const wrong = await apiFile(t, token, validRequest({ ...expedite, expediteProofDate: '' }), es);
    expect(wrong.statusCode).toBe(422);
    expect(fieldErrors(wrong).find((f) => f.field === 'expediteProofDate')?.message).toContain('Una solicitud urgente necesita su prueba');
    const filed = await apiFile(t, token, validRequest(expedite), es);
    expect(filed.statusCode).toBe(201);
    const request = body<ApiStatus>(filed);
    expect(request).toMatchObject({ expedited: true, daysLeft: 7, dueDate: '2026-11-27', department: 'mpd' });

    // 2. The certifying official sees it at the top of the queue, with 7 days on the clock.
    const official = await signInAs(t, 'certifying-official', { displayName: 'Lt. Dana Ruiz' });
    const queue = await official.get('/staff/u-visa');
    const first = /href="\/staff\/u-visa\/requests\/([0-9A-Z]{26})"/.exec(queue.body)?.[1];
    expect(first).toBe(request.id);
    const firstRow = queue.body.slice(queue.body.indexOf(`/staff/u-visa/requests/${request.id}`)).split('</tr>')[0] ?? '';
    expect(firstRow).toContain('7 days left');
    expect(firstRow).toContain('Expedited');

    // 3. Certifies: completes Supplement B and signs.
    expect((await fillSupplement(official, request.id)).statusCode).toBe(303);
    const detail = await official.get(`/staff/u-visa/requests/${request.id}`);
    const revision = /name="revision" value="(\d+)"/.exec(detail.body)?.[1] ?? '';
    expect((await official.post(`/staff/u-visa/requests/${request.id}/certify`, { revision })).statusCode).toBe(303);
    const status = await t.app.inject({ method: 'GET', url: `/api/v1/u-visa/requests/${request.id}`, headers: { authorization: `Bearer ${token}` } });
    expect(body<ApiStatus>(status)).toMatchObject({ status: 'certified', decision: 'certified', signedOn: '2026-11-20' });

    // 4. The generated Supplement B has no blank field (read back by pdftotext when installed; always by the
    //    completeness rule on the stored answers).
    const pdf = await official.get(`/staff/u-visa/requests/${request.id}/supplement-b.pdf`);
    expect(pdf.statusCode).toBe(200);
    if (hasPdftotext()) {
      const lines = pdfText(pdf.rawPayload, { layout: true }).split('\n');
      const en = t.ctx.messages.translator('en');
      for (const f of I918B_FIELDS) {
        const head = en(`u-visa.suppb.field.${f.id}`).slice(0, 28);
        const line = lines.find((l) => l.trimStart().startsWith(head)) ?? '';
        expect(line.trim().length, `${f.id} blank: "${line}"`).toBeGreaterThan(head.length + 1);
      }
    }

    // 5. The public figures update once the quarter closes (the one request is then counted, suppressed as 1–10).
    const anon = new TestBrowser(t.app);
    expect((await anon.get('/u-visa/figures.csv')).body).not.toContain('2026-Q4');
    now = new Date('2027-01-04T15:00:00Z');
    const csv = await anon.get('/u-visa/figures.csv');
    const q4 = csv.body.split('\r\n').find((l) => l.startsWith('"2026-Q4"')) ?? '';
    // 11 requests: published; 1 certified: hidden, and so is its complement.
    expect(q4.startsWith('"2026-Q4","11",""')).toBe(true);
    expect((await anon.get('/u-visa/figures?lang=es')).body).toContain('T4 2026');
  });
});
