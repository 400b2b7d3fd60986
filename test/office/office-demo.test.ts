import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomId } from '../../src/core/crypto/random.ts';
import { officeModule } from '../../src/modules/office/index.ts';
import { listQueue, readRequest } from '../../src/modules/office/office.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';

describeEachDialect('Office demo data', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('seeds sample requests in every state, sealed like real ones', async () => {
    await officeModule.seedDemo?.(t.ctx);
    const page = await listQueue(t.ctx, { page: 1 });
    expect(page.total).toBe(6);
    expect(new Set(page.items.map((r) => r.status))).toEqual(new Set(['received', 'in-progress', 'closed']));
    const rows = await t.ctx.db.kysely.selectFrom('office_requests').select(['id', 'name_sealed', 'contact_sealed']).execute();
    for (const r of rows) for (const v of [r.name_sealed, r.contact_sealed]) if (v !== null) expect(v).toMatch(/^s1\./);
    const staffId = randomId();
    const opened = await Promise.all(page.items.map((r) => readRequest(t.ctx, { userId: staffId, role: 'office-staff' }, r.id)));
    expect(opened.map((r) => r.name).filter(Boolean).sort()).toEqual(['Ahmed', 'Rosa', 'Sam']);
  });
});
