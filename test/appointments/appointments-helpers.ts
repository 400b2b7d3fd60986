import type { AppContext } from '../../src/core/modules/context.ts';
import { MUNICIPAL_ID_ENROLMENT } from '../../src/modules/appointments/api.ts';
import { createSite, setHours, setServiceCapacity } from '../../src/modules/appointments/sites.service.ts';

export const SYSTEM = { userId: null, role: 'system' } as const;
export const SERVICE = MUNICIPAL_ID_ENROLMENT;

/** Monday 30 November 2026, 09:00 in Minneapolis (15:00 UTC). */
export const MONDAY_9AM = new Date('2026-11-30T15:00:00.000Z');

/** A clock tests can move and set. */
export function testClock(start = MONDAY_9AM) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set(d: Date | string) {
      t = new Date(d).getTime();
    },
    advance(ms: number) {
      t += ms;
    },
  };
}

/**
 * A site open Monday to Friday 09:00–12:00 (nine 20-minute slots a day) offering the enrolment appointment
 * with `capacity` people per slot, in the given languages.
 */
export async function addSite(ctx: AppContext, options: { capacity?: number; languages?: string[]; name?: string; weekdays?: number[] } = {}): Promise<string> {
  const id = await createSite(ctx, SYSTEM, {
    name: options.name ?? 'Test Hall',
    address: '1 Test Plaza, Minneapolis, MN 55401',
    languages: options.languages ?? ['en', 'es', 'so', 'hmn'],
    accessibility: { en: 'Step-free entrance.' },
    active: true,
  });
  await setHours(ctx, SYSTEM, id, (options.weekdays ?? [1, 2, 3, 4, 5]).map((weekday) => ({ weekday, opens: 9 * 60, closes: 12 * 60 })));
  await setServiceCapacity(ctx, SYSTEM, id, { serviceId: SERVICE, capacity: options.capacity ?? 1, active: true });
  return id;
}

/** Counts rows of a table (optionally where `column = value`). */
export async function count(ctx: AppContext, table: 'appointment_bookings' | 'appointment_waitlist' | 'appointment_walkins' | 'notify_messages', where?: { column: string; value: string }): Promise<number> {
  let q = ctx.db.kysely.selectFrom(table as 'appointment_bookings').select((eb) => eb.fn.countAll<number>().as('n'));
  if (where) q = q.where(where.column as 'id', '=', where.value);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
