/**
 * Verify, then discard (DESIGN §3.2; issue 4 item 8): **no upload path stores anything but the holder's photo.**
 *
 * How it proves it, and why it keeps working as routes are added:
 *
 * 1. **Every route that takes a body** — every non-GET route in the route inventory, core and every module —
 *    is sent a scan of an identity document (a JPEG and a PNG carrying a canary in their metadata) three ways:
 *    as a `multipart/form-data` file, as base64 in a urlencoded form field, and as base64 in a JSON body; by a
 *    staff member holding every role (fresh step-up) and anonymously, with a valid CSRF token, at real record
 *    ids (an application at the enrolment desk, a card) and at unknown ones.
 * 2. **Then the database is searched for the document**: the canary, and windows of the files' bytes as raw
 *    bytes, base64 and hex, in every column of every classified table — and in the decrypted value of every
 *    encrypted column (the vault opens each with its subject's key), since a stored copy would be sealed.
 *    On SQLite the raw database file is searched too.
 * 3. **The one image kept is the holder photo**: the photo route accepted the document scan (software cannot
 *    tell a face from a page), and what it kept is a re-encoded 360 × 480 JPEG portrait with none of the
 *    file's bytes or metadata. No other column anywhere decrypts to an image.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { classificationRegistry } from '../../src/app.ts';
import { ROLES } from '../../src/core/auth/permissions.ts';
import { routeInventory } from '../../src/core/auth/session-hook.ts';
import { randomId } from '../../src/core/crypto/random.ts';
import { MODULES } from '../../src/modules/index.ts';
import { isPortraitJpeg, sniffImage } from '../../src/modules/municipal-id/enrolment/photo.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { HODAN, importFixtureAddresses } from '../municipal-id/application-helpers.ts';
import { DESK, applyAs, multipartBody, redirected } from '../municipal-id/desk-helpers.ts';
import { DOCUMENT_CANARY, documentImage } from '../municipal-id/image-fixtures.ts';

/** Needles that find a file in a column: windows of its bytes as raw bytes, base64 (4-aligned) and hex. */
function needlesOf(file: Buffer): { binary: Buffer[]; text: string[] } {
  const binary: Buffer[] = [];
  const text: string[] = [];
  const b64 = file.toString('base64');
  for (const at of [0.1, 0.35, 0.6, 0.85]) {
    const offset = Math.floor(file.length * at);
    binary.push(file.subarray(offset, offset + 48));
    text.push(file.subarray(offset, offset + 48).toString('hex'));
    const b = Math.floor((b64.length * at) / 4) * 4;
    text.push(b64.slice(b, b + 64));
  }
  text.push(DOCUMENT_CANARY);
  binary.push(Buffer.from(DOCUMENT_CANARY, 'latin1'));
  return { binary, text };
}

function contains(value: Buffer, needles: { binary: Buffer[]; text: string[] }): boolean {
  if (needles.binary.some((n) => value.includes(n))) return true;
  const s = value.toString('latin1');
  return needles.text.some((n) => s.includes(n));
}

describeEachDialect('no upload path stores anything but the holder photo', (dialect) => {
  let t: TestApp;
  const files = { jpeg: documentImage('jpeg'), png: documentImage('png') };
  const needles = [needlesOf(files.jpeg), needlesOf(files.png)];
  let applicationId = '';
  let cardId = '';
  const attempts: Array<{ route: string; status: number; how: string }> = [];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    await importFixtureAddresses(t.ctx);
    const desk = await signInAs(t, 'program-staff');
    // One application approved (so a card exists), one waiting at the desk (so its photo route is open).
    const first = await applyAs(t, HODAN);
    redirected(await desk.post(`${DESK}/applications/${first.id}/enrolment`, { identityConfirmed: 'yes', documents: ['foreign-passport', 'utility-bill'], feeWaiver: 'verified' }));
    const { body, contentType } = multipartBody([
      { name: '_csrf', value: desk.csrf },
      { name: 'photo', filename: 'face.png', contentType: 'image/png', data: files.png },
    ]);
    redirected(await t.app.inject({ method: 'POST', url: `${DESK}/applications/${first.id}/photo`, payload: body, headers: { 'content-type': contentType, cookie: desk.cookieHeader() } }));
    redirected(await desk.post(`${DESK}/applications/${first.id}/decision`, { decision: 'approved', reason: 'requirements-met' }));
    cardId = (await t.ctx.db.kysely.selectFrom('id_cards').select('id').executeTakeFirstOrThrow()).id;
    const second = await applyAs(t, { ...HODAN, name: 'Second Applicant Person', birth: ['1', '2', '1980'] });
    applicationId = second.id;

    const superuser = await signInAs(t, ROLES, { stepUp: true });
    await superuser.withCsrf();
    const anonymous = new TestBrowser(t.app);
    await anonymous.withCsrf();
    for (const route of routeInventory(t.app)) {
      if (route.method === 'GET' || route.method === 'HEAD') continue;
      const key = `${route.method} ${route.url}`;
      if (key === 'POST /staff/logout') continue;
      const ids = /:[A-Za-z]+/.test(route.url) ? [applicationId, cardId, randomId()] : [''];
      for (const id of ids) {
        const url = route.url.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'type' ? 'privacy.demand' : name === 'token' ? 'A'.repeat(43) : name === 'formId' ? 'municipal-id' : id));
        for (const who of [superuser, anonymous]) {
          for (const [kind, file] of Object.entries(files)) {
            // Each file field name a form might use.
            for (const field of ['photo', 'image', 'file', 'document']) {
              const mp = multipartBody([
                { name: '_csrf', value: who.csrf },
                { name: field, filename: `passport.${kind === 'jpeg' ? 'jpg' : 'png'}`, contentType: `image/${kind}`, data: file },
              ]);
              const res = await t.app.inject({ method: route.method as 'POST', url, payload: mp.body, headers: { 'content-type': mp.contentType, cookie: who.cookieHeader() } });
              attempts.push({ route: key, status: res.statusCode, how: `multipart ${field} ${kind}` });
            }
            const b64 = file.toString('base64');
            const form = await t.app.inject({
              method: route.method as 'POST',
              url,
              payload: new URLSearchParams({ _csrf: who.csrf, document: b64, description: b64.slice(0, 9000) }).toString(),
              headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: who.cookieHeader() },
            });
            attempts.push({ route: key, status: form.statusCode, how: `urlencoded ${kind}` });
            const json = await t.app.inject({
              method: route.method as 'POST',
              url,
              payload: JSON.stringify({ document: b64, image: `data:image/${kind};base64,${b64}` }),
              headers: { 'content-type': 'application/json', 'x-csrf-token': who.csrf, cookie: who.cookieHeader() },
            });
            attempts.push({ route: key, status: json.statusCode, how: `json ${kind}` });
          }
        }
      }
    }
  }, 600_000);
  afterAll(async () => {
    await t?.close();
  });

  it('sent the document to every route that takes a body, and none answered with a server error', () => {
    const routes = new Set(attempts.map((a) => a.route));
    expect(routes.size).toBeGreaterThan(20);
    expect(routes).toContain(`POST ${DESK}/applications/:id/photo`);
    expect(routes).toContain('POST /verify/image');
    expect(attempts.filter((a) => a.status >= 500)).toEqual([]);
    // The photo route took the scan (it cannot tell a face from a page); it is the only route that stored an image.
    expect(attempts.some((a) => a.route === `POST ${DESK}/applications/:id/photo` && a.status === 303)).toBe(true);
  });

  /** Searches every column and every decrypted value for the document; lists the images kept. */
  async function scan(): Promise<{ found: string[]; images: Array<{ where: string; portrait: boolean }> }> {
    const found: string[] = [];
    const images: Array<{ where: string; portrait: boolean }> = [];
    for (const table of classificationRegistry(MODULES).tables('main')) {
      const rows = (await t.ctx.db.kysely.selectFrom(table.table as 'id_cards').selectAll().execute()) as unknown as Array<Record<string, unknown>>;
      const encrypted = [...table.columns.values()].filter((c) => c.protection === 'encrypted').map((c) => c.name);
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          if (value === null || value === undefined) continue;
          const raw = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
          if (needles.some((n) => contains(raw, n))) found.push(`${table.table}.${column}`);
        }
        const subject = table.subjectColumn ? row[table.subjectColumn] : undefined;
        if (typeof subject !== 'string') continue;
        for (const column of encrypted) {
          const sealed = row[column];
          if (typeof sealed !== 'string') continue;
          const rowId = [row.id, row.application_id, subject].find((v): v is string => typeof v === 'string') ?? subject;
          let plain: Buffer;
          try {
            plain = await t.ctx.vault.openBytes(subject, sealed, { table: table.table, column, rowId });
          } catch {
            continue;
          }
          if (needles.some((n) => contains(plain, n))) found.push(`${table.table}.${column} (decrypted)`);
          if (sniffImage(plain)) images.push({ where: `${table.table}.${column}`, portrait: isPortraitJpeg(plain) });
        }
      }
    }
    return { found, images };
  }

  it('finds the document nowhere in the database: not in any column, not in any decrypted value', async () => {
    const { found, images } = await scan();
    expect(found).toEqual([]);
    // The images kept: holder photos only, each a re-encoded portrait.
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(new Set(images.map((i) => i.where))).toEqual(new Set(['id_enrolments.photo_sealed', 'id_card_holders.photo_sealed']));
    expect(images.every((i) => i.portrait)).toBe(true);
    if (dialect === 'sqlite' && t.config.database.kind === 'sqlite') {
      const file = t.config.database.file;
      await t.ctx.db.kysely.selectFrom('subjects').select('id').limit(1).execute();
      const bytes = Buffer.concat([fs.readFileSync(file), fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
      expect(needles.some((n) => contains(bytes, n))).toBe(false);
    }
  });

  it('control: the search does find a document that was stored (sealed), so a silent pass means nothing is there', async () => {
    const row = await t.ctx.db.kysely.selectFrom('id_enrolments').select(['application_id', 'photo_sealed']).where('application_id', '=', applicationId).executeTakeFirstOrThrow();
    const at = { table: 'id_enrolments', column: 'photo_sealed', rowId: applicationId };
    await t.ctx.db.kysely.updateTable('id_enrolments').set({ photo_sealed: await t.ctx.vault.seal(applicationId, files.jpeg, at) }).where('application_id', '=', applicationId).execute();
    try {
      const { found, images } = await scan();
      expect(found).toContain('id_enrolments.photo_sealed (decrypted)');
      expect(images.some((i) => !i.portrait)).toBe(true);
    } finally {
      await t.ctx.db.kysely.updateTable('id_enrolments').set({ photo_sealed: row.photo_sealed }).where('application_id', '=', applicationId).execute();
    }
  });
});
