/**
 * Demo data: two sites — City Hall (four languages, weekdays with a late Thursday) and a library branch
 * (afternoons and Saturday mornings) — offering the municipal-ID enrolment appointment, a few bookings on the
 * next open days, and walk-in tickets for today. Made through the same services as real use (sealed,
 * audited); the reference codes are thrown away.
 */
import type { AppContext } from '../../core/modules/context.ts';
import { listAvailability } from './availability.service.ts';
import { MUNICIPAL_ID_ENROLMENT } from './appointments.services.ts';
import { book } from './bookings.service.ts';
import { addClosure, createSite, setHours, setServiceCapacity } from './sites.service.ts';
import { addWalkIn, callNext } from './walkins.service.ts';
import { addDays, localDateOf } from './zoned-time.ts';

const SYSTEM = { userId: null, role: 'system' } as const;
const h = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));

/** Seeds the demo sites, bookings and walk-ins. */
export async function seedAppointmentsDemo(ctx: AppContext): Promise<void> {
  const city = ctx.jurisdiction.place.cityName.value;
  const weekdays = [1, 2, 3, 4, 5];
  const cityHall = await createSite(ctx, SYSTEM, {
    name: `${city} City Hall — Room 1`,
    address: '350 S 5th St, Minneapolis, MN 55415',
    languages: ['en', 'es', 'so', 'hmn'],
    accessibility: {
      en: 'Step-free entrance on 4th Street; elevator to the first floor; accessible restrooms. Ask at the door for an ASL interpreter.',
      es: 'Entrada sin escalones por la calle 4; ascensor al primer piso; baños accesibles.',
    },
    active: true,
  });
  await setHours(ctx, SYSTEM, cityHall, [
    ...weekdays.map((weekday) => ({ weekday, opens: h('08:30'), closes: h('12:00') })),
    ...weekdays.map((weekday) => ({ weekday, opens: h('13:00'), closes: weekday === 4 ? h('19:00') : h('16:30') })),
  ]);
  await setServiceCapacity(ctx, SYSTEM, cityHall, { serviceId: MUNICIPAL_ID_ENROLMENT, capacity: 3, active: true });

  const library = await createSite(ctx, SYSTEM, {
    name: 'Franklin Library (Hennepin County Library)',
    address: '1314 E Franklin Ave, Minneapolis, MN 55404',
    languages: ['en', 'so', 'es'],
    accessibility: { en: 'Ramp at the main entrance; the meeting room is on the ground floor.' },
    active: true,
  });
  await setHours(ctx, SYSTEM, library, [
    { weekday: 2, opens: h('12:00'), closes: h('19:00') },
    { weekday: 3, opens: h('12:00'), closes: h('19:00') },
    { weekday: 6, opens: h('10:00'), closes: h('14:00') },
  ]);
  await setServiceCapacity(ctx, SYSTEM, library, { serviceId: MUNICIPAL_ID_ENROLMENT, capacity: 1, active: true });
  const today = localDateOf(ctx.jurisdiction.locale.timezone.value, ctx.now());
  await addClosure(ctx, SYSTEM, library, { fromDate: addDays(today, 10), toDate: addDays(today, 10), reason: 'training' });

  // A few bookings on the first open days at City Hall.
  const { sites } = await listAvailability(ctx, { service: MUNICIPAL_ID_ENROLMENT, siteId: cityHall, from: addDays(today, 1), to: addDays(today, 14) });
  const slots = (sites[0]?.days ?? []).slice(0, 2).flatMap((d) => d.slots.slice(0, 3));
  const locales = ['so', 'es', 'hmn', 'en'] as const;
  for (const [i, slot] of slots.entries()) {
    const locale = locales[i % locales.length] ?? 'en';
    // Every demo person has their own contact (as real people do); some book without one.
    const contact =
      i % 3 === 2 ? undefined : i % 3 === 0 ? ({ channel: 'sms', value: `+1612555${String(100 + i).padStart(4, '0')}` } as const) : ({ channel: 'email', value: `demo.resident${i + 1}@example.org` } as const);
    await book(ctx, { service: MUNICIPAL_ID_ENROLMENT, siteId: cityHall, start: slot.start, locale, language: locale, ...(contact ? { contact } : {}) });
  }

  // Walk-ins at City Hall today (only if it is open; tickets are per day).
  for (const language of ['so', 'es', 'en', 'hmn', 'so']) await addWalkIn(ctx, cityHall, language);
  await callNext(ctx, cityHall);
}
