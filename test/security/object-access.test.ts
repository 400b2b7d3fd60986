import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/core/auth/permissions.ts';
import { randomId, referenceCode } from '../../src/core/crypto/random.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { OFFICE_PERMISSIONS } from '../../src/modules/office/office.policy.ts';
import { createRequest } from '../../src/modules/office/office.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';

/**
 * R12 (object level) and R13 (field level), as properties over random (user, record) pairs: a staff member
 * sees a record exactly when the policy grants their roles the permission; the page shows that record and no
 * other; the list shows no personal field to anyone.
 */
describeEachDialect('object- and field-level access', (dialect) => {
  let t: TestApp;
  const people: Array<{ id: string; name: string; contact: string }> = [];
  const sessions = new Map<string, StaffBrowser>();

  async function session(roles: readonly Role[]): Promise<StaffBrowser> {
    const key = [...roles].sort().join(',');
    let b = sessions.get(key);
    if (!b) {
      b = await signInAs(t, [...roles]);
      sessions.set(key, b);
    }
    return b;
  }

  beforeAll(async () => {
    t = await createTestApp(dialect);
    for (let i = 0; i < 5; i++) {
      const person = { name: `Person Canary-${i}-${randomId().slice(-6)}`, contact: `canary.${i}.${randomId().slice(-6).toLowerCase()}@example.org` };
      const id = await inTransaction(t.ctx.db, (tx) =>
        createRequest(t.ctx, tx, {
          answers: { topic: 'id', language: 'en', contactMethod: 'email', email: person.contact, name: person.name },
          reference: referenceCode(),
          now: new Date(),
        }),
      );
      people.push({ id, ...person });
    }
  });
  afterAll(async () => t?.close());

  it('R12: a record opens exactly when the policy allows it, and shows that record only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray([...ROLES], { minLength: 1 }), fc.nat({ max: people.length }), async (roles, index) => {
        const browser = await session(roles);
        const target = people[index];
        const id = target?.id ?? randomId();
        const res = await browser.get(`/staff/office/requests/${id}`);
        const allowed = t.ctx.permissions.allows(roles, OFFICE_PERMISSIONS.read);
        if (!allowed) {
          expect(res.statusCode).toBe(403);
          for (const p of people) expect(res.body).not.toContain(p.name);
          return;
        }
        if (!target) {
          expect(res.statusCode).toBe(404);
          return;
        }
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain(target.name);
        for (const p of people) if (p !== target) expect(res.body).not.toContain(p.name);
      }),
      { numRuns: 60 },
    );
  });

  it('R13: lists carry no personal fields, for any role', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray([...ROLES], { minLength: 1 }), async (roles) => {
        const res = await (await session(roles)).get('/staff/office/requests');
        expect([200, 403]).toContain(res.statusCode);
        expect(res.statusCode === 200).toBe(t.ctx.permissions.allows(roles, OFFICE_PERMISSIONS.read));
        for (const p of people) {
          expect(res.body).not.toContain(p.name);
          expect(res.body).not.toContain(p.contact);
        }
      }),
      { numRuns: 20 },
    );
  });
});
