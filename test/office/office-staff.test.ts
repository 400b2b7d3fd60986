import { afterAll, beforeAll, expect, it } from 'vitest';
import { referenceCode } from '../../src/core/crypto/random.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import type { OfficeAnswers } from '../../src/modules/office/office.schemas.ts';
import { QUEUE_PAGE_SIZE, createRequest, statusByReference } from '../../src/modules/office/office.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { escaped, movableClock } from '../forms/forms-helpers.ts';

const QUEUE = '/staff/office/requests';
const DAY = 86_400_000;

describeEachDialect('Office staff pages', (dialect) => {
  let t: TestApp;
  const clock = movableClock();
  const ids: string[] = [];
  const references: string[] = [];

  async function create(answers: OfficeAnswers): Promise<string> {
    const reference = referenceCode();
    const id = await inTransaction(t.ctx.db, (tx) => createRequest(t.ctx, tx, { answers, reference, now: clock.now() }));
    clock.advance(60_000);
    ids.push(id);
    references.push(reference);
    return id;
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
    await create({ topic: 'lawyer', language: 'es', contactMethod: 'phone', phone: '612 555 0142', name: 'Rosa', description: 'Mi hermano fue detenido' });
    await create({ topic: 'housing', language: 'other', languageOther: 'Karen', contactMethod: 'email', email: 'tenant@example.org' });
    for (let i = 0; i < QUEUE_PAGE_SIZE + 3; i++) await create({ topic: 'work', language: 'en', contactMethod: 'none' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the queue and requests from anonymous visitors and from roles without the permission', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: QUEUE });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/staff\/login/);
    for (const role of ['program-staff', 'partner-attorney', 'certifying-official', 'counsel'] as const) {
      const browser = await signInAs(t, role);
      expect((await browser.get(QUEUE)).statusCode, role).toBe(403);
      expect((await browser.get(`${QUEUE}/${ids[0]}`)).statusCode, role).toBe(403);
      expect((await browser.post(`${QUEUE}/${ids[0]}/status`, { status: 'closed' })).statusCode, role).toBe(403);
    }
  });

  it('lists requests newest first, with filters and pages, showing no personal values', async () => {
    const staff = await signInAs(t, 'office-staff');
    const first = await staff.get(QUEUE);
    expect(first.statusCode).toBe(200);
    const total = ids.length;
    expect(first.body).toContain(escaped(t.ctx.messages.format('en', 'office.staff.queue.caption', { total })));
    const links = [...first.body.matchAll(/href="\/staff\/office\/requests\/([0-9A-Z]{26})"/g)].map((m) => m[1]);
    expect(links).toHaveLength(QUEUE_PAGE_SIZE);
    expect(links[0]).toBe(ids[ids.length - 1]);
    for (const secret of ['Rosa', '612 555 0142', 'tenant@example.org', 'Karen', 'detenido']) expect(first.body).not.toContain(secret);
    expect(first.body).toContain('href="/staff/office/requests?page=2"');

    const second = await staff.get(`${QUEUE}?page=2`);
    const rest = [...second.body.matchAll(/href="\/staff\/office\/requests\/([0-9A-Z]{26})"/g)].map((m) => m[1]);
    expect(rest).toEqual(ids.slice(0, total - QUEUE_PAGE_SIZE).reverse());
    expect((await staff.get(`${QUEUE}?page=99`)).statusCode).toBe(404);

    const housing = await staff.get(`${QUEUE}?topic=housing&status=`);
    expect([...housing.body.matchAll(/href="\/staff\/office\/requests\/([0-9A-Z]{26})"/g)].map((m) => m[1])).toEqual([ids[1]]);
    const closed = await staff.get(`${QUEUE}?status=closed`);
    expect(closed.body).toContain(escaped(t.ctx.messages.format('en', 'office.staff.queue.empty')));
    expect((await staff.get(`${QUEUE}?topic=immigration`)).statusCode).toBe(422);
    expect((await staff.get(`${QUEUE}?sort=name`)).statusCode).toBe(422);
  });

  it('opens a request decrypted, and records the read in the audit log', async () => {
    const staff = await signInAs(t, 'office-staff');
    const id = ids[0] as string;
    const before = (await t.ctx.audit.historyOf('office.request', id)).total;
    const res = await staff.get(`${QUEUE}/${id}?lang=es`);
    expect(res.statusCode).toBe(200);
    for (const shown of ['Rosa', '612 555 0142', 'Mi hermano fue detenido', '<span lang="es">Español</span>']) expect(res.body).toContain(shown);
    const history = await t.ctx.audit.historyOf('office.request', id);
    expect(history.total).toBe(before + 1);
    expect(history.entries[0]).toMatchObject({ action: 'record.read', actorId: staff.userId, actorRole: 'office-staff', purpose: 'case-work' });
    expect(JSON.stringify(history.entries)).not.toContain('Rosa');

    const other = await staff.get(`${QUEUE}/${ids[1]}`);
    expect(other.body).toContain('Karen');
    expect(other.body).toContain('tenant@example.org');

    expect((await staff.get(`${QUEUE}/01ARZ3NDEKTSV4RRFFQ69G5FAV`)).statusCode).toBe(404);
    expect((await staff.get(`${QUEUE}/not-an-id`)).statusCode).toBe(404);
  });

  it('changes the status, audited, and the resident sees it by reference code', async () => {
    const staff = await signInAs(t, 'office-staff');
    const admin = await signInAs(t, 'admin');
    const id = ids[0] as string;
    expect((await admin.get(`${QUEUE}/${id}`)).statusCode).toBe(200);
    const res = await staff.post(`${QUEUE}/${id}/status`, { status: 'in-progress' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${QUEUE}/${id}?updated=1`);
    expect((await staff.get(`${QUEUE}/${id}?updated=1`)).body).toContain(escaped(t.ctx.messages.format('en', 'office.staff.request.saved')));
    const history = await t.ctx.audit.historyOf('office.request', id);
    expect(history.entries.find((e) => e.action === 'record.update')).toMatchObject({ actorId: staff.userId, detail: 'status.in-progress' });
    expect((await statusByReference(t.ctx, references[0] as string))?.statusKey).toBe('office.status.in-progress');

    const bad = await staff.post(`${QUEUE}/${id}/status`, { status: 'deported' });
    expect(bad.statusCode).toBe(422);
    const extra = await staff.post(`${QUEUE}/${id}/status`, { status: 'closed', note: 'x' });
    expect(extra.statusCode).toBe(422);
    expect((await statusByReference(t.ctx, references[0] as string))?.statusKey).toBe('office.status.in-progress');
  });

  it('forgets closed requests 180 days after closing (the retention engine): row and key gone, reference no longer found', async () => {
    const purge = async () => {
      const report = await t.ctx.retention.purge({ only: ['office.request'] });
      expect(report.ok).toBe(true);
      return report.results[0]?.deleted;
    };
    const staff = await signInAs(t, 'office-staff');
    const id = ids[1] as string;
    const other = ids[2] as string;
    expect((await staff.post(`${QUEUE}/${id}/status`, { status: 'closed' })).statusCode).toBe(303);
    const row = await t.ctx.db.kysely.selectFrom('office_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.closed_at).toBe(clock.now().toISOString());
    // Closing and reopening before the deadline stops the clock for that one.
    await staff.post(`${QUEUE}/${other}/status`, { status: 'closed' });
    await staff.post(`${QUEUE}/${other}/status`, { status: 'in-progress' });

    clock.advance(179 * DAY);
    expect(await purge()).toBe(0);
    clock.advance(2 * DAY);
    expect(await purge()).toBe(1);
    expect(await t.ctx.db.kysely.selectFrom('office_requests').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    expect(await t.ctx.vault.subjectStatus(id)).toBe('forgotten');
    expect(await statusByReference(t.ctx, references[1] as string)).toBeNull();
    // (A new sign-in: the first session timed out while the clock moved.)
    expect((await (await signInAs(t, 'office-staff')).get(`${QUEUE}/${id}`)).statusCode).toBe(404);
    expect(await t.ctx.db.kysely.selectFrom('office_requests').select('id').where('id', '=', other).executeTakeFirst()).toBeDefined();
    clock.advance(400 * DAY);
    expect(await purge()).toBe(0);
  });
});
