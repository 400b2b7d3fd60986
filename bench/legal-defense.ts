/**
 * Detention-defense benchmark (issue 5): intake submission and an assignment decision.
 *
 * - **Intake**: `POST /api/v1/legal-defense/reports` over real HTTP with a partner token, sent by a load
 *   generator in its own process (`bench/servers/load.js`) so the app keeps a core to itself: bearer-token
 *   lookup, access guard, JSON parsing, the schema, the idempotency key, the report sealed under the intake key
 *   and queued (answered 202). Throughput with 32 connections (target ≥ 1,000 req/s; baseline `GET /healthz` the
 *   same way); then how fast the intake queue files what is left once reports stop coming (the merge lookup, a
 *   new vault subject, five sealed values, two blind indexes, the first-contact clock, the report row, the audit
 *   entry, eligibility by attestation and an offer to a provider with its accept clock); and the latency of 300
 *   reports/s arriving evenly while the queue files them (open loop, each timed from when it was due; target
 *   p99 < 50 ms).
 * - **Assignment decision**: with 50 providers, 100,000 open cases and 100,000 providers' parties in the
 *   database: the rotation alone over 50 providers (baseline), the decision's reads (providers, the conflict
 *   lookup by blind index, earlier offers of the case) plus the rotation, and a whole offer (decision, offer row,
 *   accept clock, counters, history) in its transaction. Target: < 5 ms (p99).
 *
 * SQLite in a temporary directory. `npx tsx bench/legal-defense.ts` prints the table alone.
 */
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { createApiToken } from '../src/core/auth/api-tokens.ts';
import { OPERATOR } from '../src/core/auth/auth-audit.ts';
import { provisionStaffUser } from '../src/core/auth/accounts.service.ts';
import { randomId } from '../src/core/crypto/random.ts';
import { inTransaction } from '../src/core/db/transaction.ts';
import { candidateOf, chooseProvider, offerCase } from '../src/modules/legal-defense/legal-defense.assignment.ts';
import type { AppContext } from '../src/core/modules/context.ts';
import { drainIntake } from '../src/modules/legal-defense/legal-defense.intake.ts';
import { legalDefenseRepo } from '../src/modules/legal-defense/legal-defense.repo.ts';
import type { AddressInfo } from 'node:net';
import { startBenchApp } from './bench-app.ts';
import { type LoadResult, type Row, formatTable, load, percentile } from './bench-kit.ts';

export interface LegalDefenseBenchOptions {
  /** Open cases in the database (default 100,000). */
  cases?: number;
  /** Providers (default 50). */
  providers?: number;
  /** Reports filed through the API for the intake figure (default 2,000). */
  reports?: number;
  /** Decisions measured (default 500). */
  decisions?: number;
}

const NOW = new Date('2026-11-20T15:00:00.000Z');
/** Intake clients with a request in flight at once (hotline staff and partner systems). */
const CLIENTS = 32;
/** The steady load over HTTP: reports per second, for how many seconds. */
const RATE = 300;
const RATE_SECONDS = 10;
const LANGS = ['en', 'es', 'so', 'hmn', 'om', 'am', 'ar', 'fr', 'kar', 'qu'];

async function measure(n: number, op: (i: number) => unknown): Promise<{ perSec: number; p50: number; p99: number }> {
  for (let i = 0; i < Math.min(20, n); i++) await op(-1 - i); // warm up
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await op(i);
    times.push(performance.now() - s);
  }
  const total = performance.now() - t0;
  times.sort((a, b) => a - b);
  return { perSec: Math.round((n / total) * 1000), p50: percentile(times, 50), p99: percentile(times, 99) };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

async function queuedCount(ctx: AppContext): Promise<number> {
  const row = await ctx.db.kysely.selectFrom('legal_defense_intake').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

function report(i: number): Record<string, unknown> {
  return {
    reporterRole: 'family',
    givenName: `Given${i}`,
    familyName: `Family${i}`,
    dateOfBirth: `19${String(50 + (i % 50)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
    detainedOn: '2026-11-20',
    detainedPlace: 'Lake Street',
    facility: 'whipple-federal-building',
    aNumber: `A${String(100_000_000 + i)}`,
    personLanguage: LANGS[i % LANGS.length],
    livesInCity: 'yes',
    contactName: `Contact ${i}`,
    contactMethod: 'sms',
    contactPhone: `612555${String(i % 10_000).padStart(4, '0')}`,
    language: 'es',
  };
}

/** Runs the benchmark and returns its rows. */
export async function benchLegalDefense(options: LegalDefenseBenchOptions = {}): Promise<Row[]> {
  const nCases = options.cases ?? 100_000;
  const nProviders = options.providers ?? 50;
  const nReports = options.reports ?? 2_000;
  const nDecisions = options.decisions ?? 500;
  const built = await startBenchApp('legal-defense', { now: () => NOW });
  const { app, ctx } = built;
  try {
    // Providers with room for everything, each speaking a few languages.
    const providerIds: string[] = [];
    await inTransaction(ctx.db, async (tx) => {
      for (let p = 0; p < nProviders; p++) {
        const id = randomId();
        providerIds.push(id);
        await legalDefenseRepo.insertProvider(tx, {
          id, name: `Provider ${p}`, active: 1, available: p % 10 === 9 ? 0 : 1, capacity: 1_000_000, open_cases: Math.floor(nCases / nProviders),
          languages: JSON.stringify(['en', LANGS[p % LANGS.length], LANGS[(p * 3) % LANGS.length]]), last_assigned_at: new Date(NOW.getTime() - p * 60_000).toISOString(),
          created_at: NOW.toISOString(), updated_at: NOW.toISOString(),
        });
      }
    });
    // Open cases and providers' parties, written straight into the tables (the decision reads plain columns and indexes).
    const started = performance.now();
    for (let from = 0; from < nCases; from += 5_000) {
      await inTransaction(ctx.db, async (tx) => {
        const subjects = [];
        const cases = [];
        const parties = [];
        for (let i = from; i < Math.min(nCases, from + 5_000); i++) {
          const id = randomId({ now: NOW.getTime() - (nCases - i) * 1000 });
          subjects.push({ id, program: 'legal-defense', created_at: NOW.toISOString() });
          cases.push({
            id, status: 'accepted', open: 1, channel: 'api', person_language: LANGS[i % LANGS.length] as string, contact_language: 'es', detained_on: '2026-11-19',
            residency_basis: 'attestation', disposition: 'eligible', disposition_reason: null, disposition_at: NOW.toISOString(), provider_id: providerIds[i % nProviders] as string,
            assignment_id: null, attorney_user_id: null, contact_clock_id: null, first_contact_at: null, report_count: 1,
            a_number_index: `bench-a-${i}`, identity_index: `bench-i-${i}`, person_sealed: 's1.bench', a_number_sealed: null, detention_sealed: 's1.bench', contact_sealed: 's1.bench',
            revision: 0, created_at: NOW.toISOString(), updated_at: NOW.toISOString(), closed_at: null,
          });
          parties.push({ id: randomId(), provider_id: providerIds[i % nProviders] as string, party_index: `bench-party-${i}`, created_at: NOW.toISOString() });
        }
        for (let i = 0; i < subjects.length; i += 500) {
          await tx.insertInto('subjects').values(subjects.slice(i, i + 500)).execute();
          await tx.insertInto('legal_defense_cases').values(cases.slice(i, i + 500)).execute();
          await tx.insertInto('legal_defense_parties').values(parties.slice(i, i + 500)).execute();
        }
      });
    }
    const fillMs = performance.now() - started;
    if (ctx.db.dialect === 'sqlite') await sql`analyze`.execute(ctx.db.kysely);

    // Eligible cases waiting for an offer (one per measured decision), written the same way.
    const waiting: string[] = [];
    await inTransaction(ctx.db, async (tx) => {
      for (let i = 0; i < nDecisions + 20; i++) {
        const id = randomId();
        waiting.push(id);
        await tx.insertInto('subjects').values({ id, program: 'legal-defense', created_at: NOW.toISOString() }).execute();
        await legalDefenseRepo.insertCase(tx, {
          id, status: 'eligible', open: 1, channel: 'api', person_language: LANGS[i % LANGS.length] as string, contact_language: 'es', detained_on: '2026-11-20',
          residency_basis: 'attestation', disposition: 'eligible', disposition_reason: null, disposition_at: NOW.toISOString(), provider_id: null, assignment_id: null,
          attorney_user_id: null, contact_clock_id: null, first_contact_at: null, report_count: 1, a_number_index: `bench-party-${i * 7}`, identity_index: `bench-w-${i}`,
          person_sealed: 's1.bench', a_number_sealed: null, detention_sealed: 's1.bench', contact_sealed: 's1.bench', revision: 0, created_at: NOW.toISOString(), updated_at: NOW.toISOString(), closed_at: null,
        });
      }
    });

    const candidates = (await legalDefenseRepo.listCandidateProviders(ctx.db.kysely)).map(candidateOf);
    const none = new Set<string>();
    const rotation = await measure(nDecisions * 20, (i) => chooseProvider(candidates, { language: LANGS[Math.abs(i) % LANGS.length] as string, conflicted: none, declined: none }));
    const reads = await measure(nDecisions, async (i) => {
      const k = Math.abs(i) % waiting.length;
      const row = await legalDefenseRepo.findCase(ctx.db.kysely, waiting[k] as string);
      const conflicted = new Set(await legalDefenseRepo.conflictedProviders(ctx.db.kysely, [row?.a_number_index ?? '', row?.identity_index ?? '']));
      const declined = new Set((await legalDefenseRepo.assignmentsOf(ctx.db.kysely, waiting[k] as string)).map((a) => a.provider_id));
      const providers = (await legalDefenseRepo.listCandidateProviders(ctx.db.kysely)).map(candidateOf);
      return chooseProvider(providers, { language: row?.person_language ?? 'en', conflicted, declined });
    });
    let next = 0;
    const offers = await measure(nDecisions, () => inTransaction(ctx.db, (tx) => offerCase(ctx, tx, waiting[next++] as string, NOW, null)));

    // Intake through the API with a partner token.
    const { userId } = await provisionStaffUser(ctx, { email: 'bench.hotline@partner.example', displayName: 'Bench Hotline', roles: ['partner-attorney'], password: 'bench password that is long', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' });
    const { token } = await createApiToken(ctx, { userId, label: 'bench', scopes: ['legal-defense.api.report'], days: 30, actor: OPERATOR });
    // Intake over real HTTP, from a load generator in its own process (the app keeps its core to itself), after
    // a warm-up through the app.
    for (let i = 0; i < 20; i++) {
      const res = await app.inject({
        method: 'POST', url: '/api/v1/legal-defense/reports', payload: JSON.stringify(report(1_000_000 + i)),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `bench-warm-${i}` },
      });
      if (res.statusCode !== 202) throw new Error(`report → ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    await drainIntake(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const reports = (from: number, n: number) =>
      Array.from({ length: n }, (_, k) => ({
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `bench-${from + k}` },
        body: JSON.stringify(report(from + k)),
      }));
    const health = await load({ url: `${base}/healthz`, connections: CLIENTS, rate: 0, expect: 200, requests: Array.from({ length: nReports * 2 }, () => ({ headers: {} })) });
    // Accepted at once (202) and filed by the intake queue when the line is quiet: how many are accepted per
    // second, then how fast the queue files them once they stop coming (each filed report: merge lookup, new
    // case and subject, clocks, audit, eligibility, offer).
    const queuedBefore = await queuedCount(ctx);
    const intake = await load({ url: `${base}/api/v1/legal-defense/reports`, method: 'POST', connections: CLIENTS, rate: 0, expect: 202, requests: reports(0, nReports) });
    const backlog = (await queuedCount(ctx)) - queuedBefore;
    const drainStarted = performance.now();
    await drainIntake(ctx);
    const drainMs = performance.now() - drainStarted;
    if ((await queuedCount(ctx)) !== 0) throw new Error('the intake queue was not emptied');
    // A hard surge (18,000 reports an hour) arriving evenly, for its tail latency: the queue files them as they come.
    const steady = await load({ url: `${base}/api/v1/legal-defense/reports`, method: 'POST', connections: CLIENTS, rate: RATE, expect: 202, requests: reports(2_000_000, RATE * RATE_SECONDS) });
    await drainIntake(ctx);
    const failed = (r: LoadResult) => r.unexpected + r.errors;
    for (const r of [health, intake, steady]) if (failed(r) > 0) throw new Error(`${failed(r)} requests failed: ${r.firstUnexpected}`);

    const scale = `${nProviders} providers, ${nCases.toLocaleString('en-US')} open cases`;
    const rows: Row[] = [
      { name: `rotation alone over ${nProviders} providers (baseline)`, opsPerSec: rotation.perSec, p50Ms: round(rotation.p50), p99Ms: round(rotation.p99) },
      { name: `assignment decision (reads + conflict check + rotation), ${scale}`, opsPerSec: reads.perSec, p50Ms: round(reads.p50), p99Ms: round(reads.p99), baselineName: `rotation alone over ${nProviders} providers (baseline)`, ratio: round(reads.perSec / rotation.perSec), target: 'p99 < 5 ms', pass: reads.p99 < 5 },
      { name: `whole offer (decision + offer row + accept clock + history), ${scale}`, opsPerSec: offers.perSec, p50Ms: round(offers.p50), p99Ms: round(offers.p99), target: 'p99 < 5 ms', pass: offers.p99 < 5 },
      { name: `GET /healthz over HTTP, ${CLIENTS} connections (baseline)`, opsPerSec: health.perSec, p50Ms: round(health.p50), p99Ms: round(health.p99) },
      {
        name: `intake: POST /api/v1/legal-defense/reports over HTTP, ${CLIENTS} connections`,
        opsPerSec: intake.perSec, p50Ms: round(intake.p50), p99Ms: round(intake.p99),
        baselineName: `GET /healthz over HTTP, ${CLIENTS} connections (baseline)`, ratio: round(intake.perSec / health.perSec),
        target: '≥ 1,000 req/s', pass: intake.perSec >= 1000, note: `${intake.sent.toLocaleString('en-US')} reports`,
      },
      {
        name: `filing the ${backlog.toLocaleString('en-US')} reports still queued after that, once they stop coming`,
        opsPerSec: backlog > 0 ? Math.round((backlog / drainMs) * 1000) : undefined, ms: Math.round(drainMs),
        note: `${(nReports - backlog).toLocaleString('en-US')} were filed while reports were arriving`,
      },
      {
        name: `intake over HTTP, ${RATE} reports/s arriving evenly for ${RATE_SECONDS} s (latency from when each was due)`,
        opsPerSec: steady.perSec, p50Ms: round(steady.p50), p99Ms: round(steady.p99),
        target: 'p99 < 50 ms', pass: steady.p99 < 50, note: `p90 ${round(steady.p90)} ms, max ${round(steady.max)} ms`,
      },
      { name: `fill ${nCases.toLocaleString('en-US')} cases and parties (setup, not a target)`, ms: Math.round(fillMs) },
    ];
    return rows;
  } finally {
    await built.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchLegalDefense({ cases: Number(process.env.BENCH_LEGAL_DEFENSE_CASES ?? 100_000) });
  process.stdout.write(`${formatTable('Detention defense: intake and assignment (issue 5)', rows)}\n`);
}
