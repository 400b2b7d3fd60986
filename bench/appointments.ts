/**
 * Appointments benchmarks:
 *
 * - **booking through the service** (`book()`: seat counter, a vault subject, the sealed contact, the audit
 *   entry and the queued confirmation with its `.ics`), several in flight, against a **bare baseline**: the
 *   same booking row inserted in its own transaction with nothing else (no seat check, no encryption, no audit,
 *   no message). The ratio says what the guarantees cost.
 * - **booking over HTTP**: the public form POST (`/appointments/book/…` → 303) through the real app in this
 *   process (`app.inject`), the form's validation, CSRF, the rate-limit bucket off.
 * - **availability**: `listAvailability` over the six-week window for one site and for every site, with
 *   counters for half the slots already written (so it reads real seats), p50/p99; and the public day list
 *   page over HTTP.
 *
 * SQLite in a temporary directory, a fixed clock (Monday 09:00 in Minneapolis). `npx tsx bench/appointments.ts`
 * prints the table on its own; `bench/run.ts` runs it as the `appointments` group.
 */
import { pathToFileURL } from 'node:url';
import { randomId, referenceCode } from '../src/core/crypto/random.ts';
import { inTransaction } from '../src/core/db/transaction.ts';
import type { AppContext } from '../src/core/modules/context.ts';
import { MUNICIPAL_ID_ENROLMENT, appointmentsApi } from '../src/modules/appointments/api.ts';
import { book } from '../src/modules/appointments/bookings.service.ts';
import { createSite, setHours, setServiceCapacity } from '../src/modules/appointments/sites.service.ts';
import { localDateOf } from '../src/modules/appointments/zoned-time.ts';
import { startBenchApp } from './bench-app.ts';
import { type Row, formatTable, percentile, throughput } from './bench-kit.ts';

export interface AppointmentsBenchOptions {
  /** Seconds per throughput measurement (default 5). */
  seconds?: number;
  /** Sites (default 20). */
  sites?: number;
  /** Bookings in flight at once (default 4). */
  concurrency?: number;
  /** Availability queries per latency figure (default 300). */
  queries?: number;
}

const SERVICE = MUNICIPAL_ID_ENROLMENT;
const SYSTEM = { userId: null, role: 'system' } as const;
const NOW = new Date('2026-11-30T15:00:00.000Z');

async function latency(queries: number, op: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(20, queries); i++) await op(); // warm up
  const times: number[] = [];
  for (let i = 0; i < queries; i++) {
    const t0 = performance.now();
    await op();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Every free slot of a site in the window, for bookings to take one after another. */
async function freeSlots(ctx: AppContext, siteId: string): Promise<string[]> {
  const { sites } = await appointmentsApi(ctx).listAvailability({ service: SERVICE, siteId, from: '2026-11-30', to: '2027-01-11' });
  return (sites[0]?.days ?? []).flatMap((d) => d.slots.map((s) => s.start));
}

/** Runs the appointments benchmarks and returns their rows. */
export async function benchAppointments(options: AppointmentsBenchOptions = {}): Promise<Row[]> {
  const seconds = options.seconds ?? 5;
  const siteCount = options.sites ?? 20;
  const concurrency = options.concurrency ?? 4;
  const queries = options.queries ?? 300;
  const built = await startBenchApp('appointments', { now: () => NOW });
  const { ctx, app } = built;
  const rows: Row[] = [];
  try {
    // Sites open Monday to Saturday 08:00–18:00, 20-minute slots (30 a day), 1,000 seats per slot so the
    // throughput runs never fill a slot; the availability figure uses sites with real capacities below.
    const sites: string[] = [];
    for (let i = 0; i < siteCount; i++) {
      const id = await createSite(ctx, SYSTEM, { name: `Site ${i + 1}`, address: `${100 + i} Main St`, languages: ['en', 'es', 'so', 'hmn'], accessibility: {}, active: true });
      await setHours(ctx, SYSTEM, id, [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: 8 * 60, closes: 18 * 60 })));
      await setServiceCapacity(ctx, SYSTEM, id, { serviceId: SERVICE, capacity: i === 0 ? 1000 : 3, active: true });
      sites.push(id);
    }
    const bookingSite = sites[0] as string;
    const slots = await freeSlots(ctx, bookingSite);

    // Baseline: a bare booking row in its own transaction.
    const subject = await inTransaction(ctx.db, (tx) => ctx.vault.createSubject(tx, 'appointments'));
    const bare = await throughput(seconds, concurrency, (i) =>
      inTransaction(ctx.db, async (tx) => {
        const now = NOW.toISOString();
        await tx
          .insertInto('appointment_bookings')
          .values({
            id: randomId(), subject_id: subject, owned_subject_id: null, reference_index: randomId(), reference_hint: 'XXXX',
            site_id: bookingSite, service_id: SERVICE, starts_at: slots[i % slots.length] as string, ends_at: now, local_date: '2026-12-01',
            locale: 'en', language: 'en', contact_channel: 'email', contact_sealed: 'x', purpose_ref: null, status: 'booked', sequence: 0,
            next_reminder_at: null, arrived_at: null, served_at: null, cancelled_at: null, created_at: now, updated_at: now,
          })
          .execute();
      }),
    );
    rows.push({ name: 'bare booking row insert (baseline)', opsPerSec: bare, note: 'one transaction, nothing else' });
    const viaService = await throughput(seconds, concurrency, (i) =>
      book(ctx, { service: SERVICE, siteId: bookingSite, start: slots[(i * 7) % slots.length] as string, locale: 'so', contact: { channel: 'email', value: `bench${i}@example.org` } }),
    );
    rows.push({ name: 'booking via book() (seat + vault + audit + .ics message)', opsPerSec: viaService, baselineName: 'bare booking row insert (baseline)', ratio: viaService / bare });

    // Over HTTP: one browser (cookie + CSRF token from the booking form it was shown), form posts.
    const firstDate = localDateOf(ctx.jurisdiction.locale.timezone.value, new Date(slots[3] as string));
    const first = await app.inject({ method: 'GET', url: `/appointments/book/${SERVICE}/${bookingSite}/${firstDate}` });
    const cookie = [first.headers['set-cookie']].flat().filter(Boolean).map((c) => String(c).split(';')[0]).join('; ');
    const csrf = /__Host-csrf=([^;]+)/.exec(cookie)?.[1] ?? '';
    const httpRate = await throughput(seconds, concurrency, async (i) => {
      const start = slots[(i * 11 + 3) % slots.length] as string;
      const date = localDateOf(ctx.jurisdiction.locale.timezone.value, new Date(start));
      const res = await app.inject({
        method: 'POST',
        url: `/appointments/book/${SERVICE}/${bookingSite}/${date}`,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, start, language: 'en', contactChannel: 'email', email: `web${i}@example.org`, phone: '' }).toString(),
      });
      if (res.statusCode !== 303) throw new Error(`booking over HTTP answered ${res.statusCode}`);
    });
    rows.push({ name: 'booking over HTTP (form POST → 303)', opsPerSec: httpRate, baselineName: 'bare booking row insert (baseline)', ratio: httpRate / bare });

    // Availability with half the slots of every other site partly booked (counters written directly).
    const counters: Array<{ site_id: string; service_id: string; starts_at: string; capacity: number; booked: number }> = [];
    for (const site of sites.slice(1)) {
      for (const [k, start] of (await freeSlots(ctx, site)).entries()) {
        if (k % 2 === 0) counters.push({ site_id: site, service_id: SERVICE, starts_at: start, capacity: 3, booked: (k / 2) % 4 });
      }
    }
    await inTransaction(ctx.db, async (tx) => {
      for (let i = 0; i < counters.length; i += 500) await tx.insertInto('appointment_slot_counters').values(counters.slice(i, i + 500)).execute();
    });
    const api = appointmentsApi(ctx);
    const one = await latency(queries, () => api.listAvailability({ service: SERVICE, siteId: sites[1], from: '2026-11-30', to: '2027-01-11' }));
    rows.push({ name: 'availability, one site, 6 weeks', p50Ms: one.p50, p99Ms: one.p99, note: `${counters.length.toLocaleString('en-US')} slot counters` });
    const all = await latency(Math.max(20, Math.floor(queries / 5)), () => api.listAvailability({ service: SERVICE, from: '2026-11-30', to: '2027-01-11' }));
    rows.push({ name: `availability, all ${siteCount} sites, 6 weeks`, p50Ms: all.p50, p99Ms: all.p99 });
    const page = await latency(queries, async () => {
      const res = await app.inject({ method: 'GET', url: `/appointments/book/${SERVICE}/${sites[2]}` });
      if (res.statusCode !== 200) throw new Error(`day list answered ${res.statusCode}`);
    });
    rows.push({ name: 'day list page over HTTP (GET)', p50Ms: page.p50, p99Ms: page.p99 });
    rows.push({ name: 'reference code generation', opsPerSec: await throughput(Math.min(1, seconds), 1, async () => referenceCode()) });
  } finally {
    await built.close();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.env.BENCH_QUICK === '1';
  process.stdout.write(`${formatTable('Appointments', await benchAppointments(quick ? { seconds: 1, sites: 5, queries: 50 } : {}))}\n`);
}
