import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileRequest } from '../../src/modules/u-visa/u-visa.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';
import { validRequest } from './u-visa-helpers.ts';

let now = new Date('2026-11-02T15:00:00Z');

/** The reference cells of the queue table, top to bottom. */
function references(html: string): string[] {
  return [...html.matchAll(/href="\/staff\/u-visa\/requests\/([0-9A-Z]{26})"/g)].map((m) => m[1] as string);
}

describeEachDialect('the certifying queue', (dialect) => {
  let t: TestApp;
  let official: StaffBrowser;
  const ids: Array<{ id: string; expedited: boolean; day: number }> = [];
  beforeAll(async () => {
    // Each dialect's suite starts at the same moment (the clock is shared by the file).
    now = new Date('2026-11-02T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
    // 60 requests over 30 days, every fifth expedited, received at different times.
    for (let i = 0; i < 60; i++) {
      now = new Date(Date.parse('2026-11-02T15:00:00Z') + i * 12 * 3_600_000);
      const expedited = i % 5 === 0;
      const raw = validRequest(expedited ? { expedite: 'victim', expediteProofType: 'hearing-notice', expediteProofDate: '2026-10-01' } : {});
      const { id } = await fileRequest(t.ctx, { raw, channel: 'staff', filer: { kind: 'system' }, now });
      ids.push({ id, expedited, day: i });
    }
    now = new Date('2026-11-20T15:00:00Z');
    official = await signInAs(t, 'certifying-official');
  }, 120_000);
  afterAll(async () => t.close());

  it('puts expedited requests first, then the soonest due, with the days left on each clock', async () => {
    const res = await official.get('/staff/u-visa');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('60 open requests');
    const top = references(res.body);
    expect(top).toHaveLength(25);
    const expedited = ids.filter((r) => r.expedited).map((r) => r.id);
    expect(top.slice(0, expedited.length)).toEqual(expedited);
    // The first is the oldest expedited request: received 2 Nov, due 9 Nov, 11 days overdue on 20 Nov.
    expect(res.body).toContain('11 days overdue');
    expect(res.body).toMatch(/Expedited/);
    // The first standard one (received 2 Nov 15:00 + 12 h) is due 2 Dec: 12 days left.
    expect(res.body).toContain('12 days left');
  });

  it('pages with a keyset (next, then previous) through every open request exactly once', async () => {
    const seen: string[] = [];
    let url = '/staff/u-visa';
    const pages: string[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const res = await official.get(url);
      expect(res.statusCode).toBe(200);
      pages.push(url);
      seen.push(...references(res.body));
      const next = /href="([^"]+)" class="usa-pagination__link usa-pagination__next-page"/.exec(res.body)?.[1];
      if (!next) break;
      url = next.replace(/&amp;/g, '&');
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    // Back from the last page to the one before it.
    const last = await official.get(pages.at(-1) as string);
    const prev = /href="([^"]+)" class="usa-pagination__link usa-pagination__previous-page"/.exec(last.body)?.[1];
    expect(prev).toBeDefined();
    const back = await official.get((prev as string).replace(/&amp;/g, '&'));
    expect(references(back.body)).toEqual(seen.slice(25, 50));
  });

  it('filters by department and visa type; a bad filter or cursor is a 4xx, not a 5xx', async () => {
    await fileRequest(t.ctx, { raw: validRequest({ agency: 'city-attorney', crimes: ['stalking'] }), channel: 'staff', filer: { kind: 'system' } });
    const cao = await official.get('/staff/u-visa?department=city-attorney');
    expect(references(cao.body)).toHaveLength(1);
    expect((await official.get('/staff/u-visa?visaType=T')).body).toContain('No open requests.');
    expect((await official.get('/staff/u-visa?department=nope')).statusCode).toBe(404);
    expect((await official.get('/staff/u-visa?visaType=X')).statusCode).toBe(422);
    expect((await official.get('/staff/u-visa?after=%3Cscript%3E')).statusCode).toBe(422);
    expect((await official.get('/staff/u-visa?view=closed')).body).toContain('No decided requests.');
  });

  it('Spanish: the filters agree with their nouns, the visa is short, and staff read who asked in the third person', async () => {
    const res = await official.get('/staff/u-visa?lang=es');
    const select = (id: string) => res.body.slice(res.body.indexOf(`id="${id}"`)).split('</select>')[0] ?? '';
    // "Departamento: Todos", "Visa: Todas" (la visa).
    expect(select('filter-department')).toContain('<option value="">Todos</option>');
    expect(select('filter-visa')).toContain('<option value="">Todas</option>');
    // Rows: "Visa U" (the form is implied), the received date without the time, no form name repeated on every row.
    const table = res.body.slice(res.body.indexOf('<tbody>'), res.body.indexOf('</tbody>'));
    expect(table).toContain('>Visa U<');
    expect(table).not.toContain('Formulario I-918');
    expect(table).not.toMatch(/\d{1,2}:\d{2}/);
    // The request page: "Pedida por: Abogado o abogada de la víctima", not the form's first-person answer.
    const detail = await official.get(`/staff/u-visa/requests/${ids[2]?.id ?? ''}?lang=es`);
    expect(detail.body).toContain('<dt class="sanctuary-summary-list__key">Pedida por</dt><dd class="sanctuary-summary-list__value">Abogado o abogada de la víctima</dd>');
    expect(detail.body).not.toContain('Soy abogado');
    for (const [lang, asked] of [
      ['en', "The victim&#39;s attorney"],
      ['so', 'Qareenka dhibbanaha'],
      ['hmn', 'Tus kws lij choj ntawm tus neeg raug tsim txom'],
    ] as const) {
      const page = await official.get(`/staff/u-visa/requests/${ids[2]?.id ?? ''}?lang=${lang}`);
      expect(page.body, lang).toContain(`<dd class="sanctuary-summary-list__value">${asked}</dd>`);
    }
    await official.get('/staff/u-visa?lang=en');
  });

  it('shows no names: the queue is categories and dates, and is not an audited read', async () => {
    const before = await t.ctx.db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await official.get('/staff/u-visa');
    expect(res.body).not.toContain('García');
    expect(res.body).not.toContain('Ana Abogada');
    const after = await t.ctx.db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    // Opening one request is audited.
    await official.get(`/staff/u-visa/requests/${ids[0]?.id ?? ''}`);
    const reads = await t.ctx.db.kysely.selectFrom('audit_log').select(['action', 'actor_id']).where('record_id', '=', ids[0]?.id ?? '').where('action', '=', 'record.read').execute();
    expect(reads).toEqual([{ action: 'record.read', actor_id: official.userId }]);
  });

  it('the queue sort key follows the clock after a profile change (the hourly sync)', async () => {
    const { uVisaRepo } = await import('../../src/modules/u-visa/u-visa.repo.ts');
    const first = ids[1]?.id ?? '';
    await t.ctx.db.kysely.updateTable('u_visa_requests').set({ due_at: '2030-01-01T00:00:00.000Z', queue_key: `1|2030-01-01T00:00:00.000Z|${first}` }).where('id', '=', first).execute();
    expect(await uVisaRepo.syncDueTimes(t.ctx.db.kysely)).toBe(1);
    const row = await t.ctx.db.kysely.selectFrom('u_visa_requests').select(['due_at', 'queue_key', 'clock_id']).where('id', '=', first).executeTakeFirstOrThrow();
    const clock = await t.ctx.clocks.get(row.clock_id ?? '');
    expect(row.due_at).toBe(clock?.dueAt.toISOString());
    expect(row.queue_key).toBe(`1|${clock?.dueAt.toISOString()}|${first}`);
    expect(await uVisaRepo.syncDueTimes(t.ctx.db.kysely)).toBe(0);
  });
});
