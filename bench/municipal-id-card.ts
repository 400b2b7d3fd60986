/**
 * Municipal ID card benchmarks (issue 4):
 *
 * - **card PDF/s**: the whole print of one card — open the card and holder (vault), audit the read, render the
 *   HTML (photo, vector QR of the sealed credential), print front and back at CR80 on the warm, pooled
 *   Chromium — several in flight, against a **bare baseline**: the same Chromium pool printing a card-size
 *   page that says one word. Target ≥ 20 cards/s.
 * - **staff queue pages** with **500,000 applications and 1,000,000 cards** seeded (batched inserts, opaque
 *   sealed values: the lists never decrypt): the print queue's first page and a deep keyset page, the
 *   approvals queue and the desk home, over HTTP (`app.inject`, a signed-in session, each view audited as in
 *   production), p50/p95/p99, against `GET /healthz` through the same app. Target p95 < 50 ms.
 *
 * SQLite in a temporary directory. `npx tsx bench/municipal-id-card.ts` prints the table on its own;
 * `bench/run.ts` runs it as the `municipal-id-card` group.
 */
import { pathToFileURL } from 'node:url';
import { provisionStaffUser } from '../src/core/auth/accounts.service.ts';
import { SESSION_COOKIE } from '../src/core/auth/session-hook.ts';
import { createSession } from '../src/core/auth/sessions.service.ts';
import { randomId } from '../src/core/crypto/random.ts';
import { hashPassword } from '../src/core/crypto/passwords.ts';
import { generateTotpSecret } from '../src/core/crypto/totp.ts';
import { inTransaction } from '../src/core/db/transaction.ts';
import type { AppContext } from '../src/core/modules/context.ts';
import { duplicateIndex } from '../src/modules/municipal-id/application/application.service.ts';
import { drawnPortrait } from '../src/modules/municipal-id/card/card.demo.ts';
import { type CardActor, cardPdf, createCard, createHolder } from '../src/modules/municipal-id/card/card.service.ts';
import { CR80_MM } from '../src/modules/municipal-id/card/views/card-document.tsx';
import { startBenchApp } from './bench-app.ts';
import { type Row, formatTable, percentile, throughput } from './bench-kit.ts';

export interface CardBenchOptions {
  /** Seconds per PDF throughput measurement (default 8). */
  seconds?: number;
  /** Prints in flight (default: the printer's page pool, 4). */
  concurrency?: number;
  /** Applications and cards seeded for the queue pages (default 500,000 and 1,000,000). */
  applications?: number;
  cards?: number;
  /** Requests per latency figure (default 300). */
  requests?: number;
}

const SYSTEM: CardActor = { userId: null, role: 'system' };
const NOW = new Date('2026-12-02T15:00:00.000Z');
/** Names in Latin script (Somali, Hmong, Spanish, Vietnamese): most of the city's cards. */
const LATIN_NAMES = ['Hodan Abdi Warsame', 'Ntxhi Vaj', 'María José Hernández', 'Nguyễn Thị Phương Thảo'];
/** The same with Ethiopic, Arabic and Chinese names (Chinese in Droid Sans Fallback, embedded as a TrueType subset, not Noto CJK's Type3 paths). */
const MIXED_NAMES = [...LATIN_NAMES, 'ዮሐንስ ገብረ መድኅን', 'فاطمة الزهراء حسن', '王小明', 'Kalkidan Tesfaye'];

async function latency(requests: number, op: () => Promise<unknown>): Promise<{ p50: number; p95: number; p99: number }> {
  for (let i = 0; i < Math.min(20, requests); i++) await op();
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    await op();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) };
}

const iso = (ms: number) => new Date(ms).toISOString();
const hex = (n: number) => n.toString(16).padStart(16, '0');

/**
 * Seeds applications and cards with batched multi-row inserts (1,000 rows a statement, 50,000 a transaction).
 * Values that would be sealed are opaque placeholders: the queue pages read categories and dates only.
 */
async function seedQueues(ctx: AppContext, applications: number, cards: number): Promise<{ ms: number }> {
  const started = performance.now();
  const base = NOW.getTime() - 400 * 86_400_000;
  // Applications: most decided long ago; 1% enrolled (the approvals queue), the rest received or booked.
  for (let from = 0; from < applications; from += 50_000) {
    const to = Math.min(applications, from + 50_000);
    await inTransaction(ctx.db, async (tx) => {
      for (let i = from; i < to; i += 1000) {
        const rows = Array.from({ length: Math.min(1000, to - i) }, (_, k) => {
          const n = i + k;
          const created = base + n * 60_000;
          const status = n % 100 === 0 ? 'enrolled' : n % 100 < 60 ? 'approved' : n % 100 < 70 ? 'denied' : n % 100 < 85 ? 'received' : 'appointment-booked';
          return { id: randomId(), n, created, status };
        });
        await tx.insertInto('subjects').values(rows.map((r) => ({ id: r.id, program: 'municipal-id', created_at: iso(r.created) }))).execute();
        await tx
          .insertInto('id_applications')
          .values(
            rows.map((r) => ({
              id: r.id,
              reference_index: `bench-ref-${hex(r.n)}`,
              duplicate_index: `bench-dup-${hex(r.n)}`,
              status: r.status,
              housing: 'address',
              location_status: 'located',
              match_quality: 'exact',
              ward: (r.n % 13) + 1,
              precinct: null,
              language: 'en',
              form_locale: 'en',
              fee_variant: 'adult',
              fee_cents: 1000,
              contact_method: 'none',
              name_sealed: 's1.bench',
              birth_date_sealed: 's1.bench',
              address_sealed: null,
              contact_sealed: null,
              designations_sealed: null,
              document_plan_sealed: 's1.bench',
              fee_waiver_sealed: null,
              appointment_id: null,
              decision_reason: null,
              decision_note_sealed: null,
              created_at: iso(r.created),
              updated_at: iso(r.created),
              booked_at: null,
              enrolled_at: r.status === 'enrolled' ? iso(r.created + 3_600_000) : null,
              decided_at: null,
              card_ready_at: null,
              purge_after: iso(r.created + 400 * 86_400_000),
            })),
          )
          .execute();
      }
    });
  }
  // Cards: two per holder; 1% queued (the print queue), 1% printed, 1% revoked, the rest issued.
  const holders = Math.ceil(cards / 2);
  for (let from = 0; from < holders; from += 25_000) {
    const to = Math.min(holders, from + 25_000);
    await inTransaction(ctx.db, async (tx) => {
      for (let i = from; i < to; i += 500) {
        const hs = Array.from({ length: Math.min(500, to - i) }, (_, k) => ({ id: randomId(), n: i + k, created: base + (i + k) * 30_000 }));
        await tx.insertInto('subjects').values(hs.map((h) => ({ id: h.id, program: 'municipal-id', created_at: iso(h.created) }))).execute();
        await tx
          .insertInto('id_card_holders')
          .values(
            hs.map((h) => ({
              id: h.id,
              person_index: `bench-person-${hex(h.n)}`,
              document_index: null,
              name_sealed: 's1.bench',
              birth_date_sealed: 's1.bench',
              designations_sealed: 's1.bench',
              photo_sealed: 's1.bench',
              created_at: iso(h.created),
              updated_at: iso(h.created),
              forget_after: iso(h.created + 6 * 365 * 86_400_000),
            })),
          )
          .execute();
        const cs = hs.flatMap((h) =>
          [0, 1].map((c) => {
            const n = h.n * 2 + c;
            const created = h.created + c * 1000;
            const status = n % 100 === 0 ? 'queued' : n % 100 === 1 ? 'printed' : n % 100 === 2 ? 'revoked' : 'issued';
            return {
              id: randomId(),
              holder_id: h.id,
              number_index: `bench-card-${hex(n)}`,
              number_sealed: 's1.bench',
              variant: 'adult',
              status,
              issued_on: iso(created).slice(0, 10),
              expires_on: iso(created + 4 * 365 * 86_400_000).slice(0, 10),
              credential_sealed: 's1.bench',
              kid: 'bench-kid',
              rid: `rid${hex(n)}`,
              application_id: null,
              replaces_card_id: null,
              revocation_reason: status === 'revoked' ? 'lost' : null,
              print_count: 1,
              created_at: iso(created),
              updated_at: iso(created),
              printed_at: null,
              handed_over_at: null,
              revoked_at: null,
            };
          }),
        );
        await tx.insertInto('id_cards').values(cs).execute();
      }
    });
  }
  return { ms: performance.now() - started };
}

/** Runs the card benchmarks and returns the rows. */
export async function benchMunicipalIdCard(options: CardBenchOptions = {}): Promise<Row[]> {
  const seconds = options.seconds ?? 8;
  const concurrency = options.concurrency ?? 4;
  const applications = options.applications ?? 500_000;
  const cards = options.cards ?? 1_000_000;
  const requests = options.requests ?? 300;
  const built = await startBenchApp('card', { now: () => NOW });
  const { ctx, app } = built;
  const rows: Row[] = [];
  try {
    // --- Card PDF/s --------------------------------------------------------------------------------------
    const printer = ctx.pdf;
    if (!printer.available()) {
      rows.push({ name: 'card PDF', note: `skipped: no Chromium at ${ctx.config.chromiumPath}` });
    } else {
      const ids = new Map<string, string>();
      for (const [i, name] of MIXED_NAMES.entries()) {
        const birthDate = `19${60 + i}-0${1 + (i % 9)}-1${i}`;
        ids.set(
          name,
          await inTransaction(ctx.db, async (tx) => {
            const holderId = await createHolder(ctx, tx, { name, birthDate, gender: 'x', veteran: i % 2 === 0, photoJpeg: drawnPortrait(i * 30), personIndex: duplicateIndex(ctx, name, birthDate), documentIndex: null }, SYSTEM);
            return createCard(ctx, tx, { holderId, facts: { name, birthDate }, ward: 1 + i }, SYSTEM);
          }),
        );
      }
      const latin = LATIN_NAMES.map((n) => ids.get(n) as string);
      const mixed = MIXED_NAMES.map((n) => ids.get(n) as string);
      const size = { widthMm: CR80_MM.width, heightMm: CR80_MM.height };
      const blank = '<!doctype html><html lang="en"><head><meta charset="utf-8"><style>@page{margin:0}body{margin:0}</style></head><body><p>card</p></body></html>';
      for (let i = 0; i < concurrency * 2; i++) await Promise.all([cardPdf(ctx, SYSTEM, mixed[i % mixed.length] as string), printer.print(blank, size)]);
      const baseline = await throughput(seconds, concurrency, () => printer.print(blank, size));
      rows.push({ name: 'bare Chromium print of a card-size page (baseline)', opsPerSec: baseline, unit: 'PDF/s' });
      for (const [label, set] of [
        ['Latin-script names (Somali, Hmong, Spanish, Vietnamese)', latin],
        ['names in 5 scripts, 1 in 8 Chinese', mixed],
      ] as const) {
        const rate = await throughput(seconds, concurrency, (i) => cardPdf(ctx, SYSTEM, set[i % set.length] as string));
        rows.push({
          name: `card PDF (decrypt + audit + render + CR80 print, ${concurrency} in flight): ${label}`,
          opsPerSec: rate,
          unit: 'PDF/s',
          baselineName: 'bare Chromium print',
          ratio: rate / baseline,
          target: '≥ 20/s',
          pass: rate >= 20,
          note: 'warm browser, page pool of 4',
        });
      }
    }

    // --- Staff queue pages ------------------------------------------------------------------------------
    const seeded = await seedQueues(ctx, applications, cards);
    const count = async (table: 'id_applications' | 'id_cards') => Number((await ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const [apps, cardRows] = [await count('id_applications'), await count('id_cards')];
    rows.push({ name: `seed ${apps.toLocaleString('en-US')} applications + ${cardRows.toLocaleString('en-US')} cards (batched inserts)`, ms: seeded.ms });
    const { userId } = await provisionStaffUser(ctx, {
      email: 'bench-desk@staff.test',
      displayName: 'Bench desk',
      roles: ['program-staff'],
      password: 'correct horse battery staple',
      passwordHash: await hashPassword('correct horse battery staple'),
      totpSecret: generateTotpSecret(),
    });
    const token = await createSession(ctx, { userId, factor: 'totp' });
    const cookie = `${SESSION_COOKIE}=${token}`;
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { cookie } });
      if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode}`);
    };
    const deep = await ctx.db.kysely.selectFrom('id_cards').select(['created_at', 'id']).where('status', '=', 'queued').orderBy('created_at').orderBy('id').offset(5000).limit(1).executeTakeFirst();
    const pages: Array<[string, string]> = [
      ['GET /healthz (baseline)', '/healthz'],
      ['print queue, first page', '/staff/municipal-id/print-queue'],
      ['print queue, keyset page 200', deep ? `/staff/municipal-id/print-queue?after=${encodeURIComponent(`${deep.created_at}~${deep.id}`)}` : '/staff/municipal-id/print-queue'],
      ['printed cards to hand over', '/staff/municipal-id/print-queue?status=printed'],
      ['approvals queue', '/staff/municipal-id/approvals'],
      ['desk home (counts + today)', '/staff/municipal-id'],
    ];
    let baselineP95 = Number.NaN;
    for (const [name, url] of pages) {
      const l = await latency(requests, () => get(url));
      if (name.includes('baseline')) {
        baselineP95 = l.p95;
        rows.push({ name: `${name}`, p50Ms: l.p50, p99Ms: l.p99, note: `p95 ${l.p95.toFixed(1)} ms` });
        continue;
      }
      rows.push({
        name: `staff ${name} (${(apps / 1000).toFixed(0)}k applications, ${(cardRows / 1_000_000).toFixed(1)}M cards)`,
        p50Ms: l.p50,
        p99Ms: l.p99,
        target: 'p95 < 50 ms',
        pass: l.p95 < 50,
        note: `p95 ${l.p95.toFixed(1)} ms (baseline p95 ${baselineP95.toFixed(1)} ms)`,
      });
    }
  } finally {
    await built.close();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.env.BENCH_QUICK === '1';
  const rows = await benchMunicipalIdCard(quick ? { seconds: 2, applications: 20_000, cards: 40_000, requests: 50 } : {});
  process.stdout.write(`${formatTable('Municipal ID cards', rows)}\n`);
}
