/**
 * `npm run bench`: runs every benchmark group and prints one table per group, each row with its ratio to the
 * baseline measured in the same run and, where an issue sets a figure, the target and PASS/MISS.
 *
 *   npm run bench                      all groups, full length (several minutes)
 *   BENCH_QUICK=1 npm run bench        short runs: to check that everything works, not for figures
 *   BENCH_ONLY=http,crypto npm run bench
 *   BENCH_STRICT=1 npm run bench       exit 1 on any MISS as well as on errors
 *
 * Adding a benchmark: write `bench/<thing>.ts` exporting `async function bench<Thing>(options): Promise<Row[]>`
 * (Row from ./bench-kit.ts; a module may declare its own compatible Row type) and add one entry to GROUPS
 * below with its quick-mode options and the issue's targets. A bench file that exports a `bench…` function but
 * is not listed here is reported at the end, so nothing is silently left out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Row, type Target, applyTargets, atLeast, durationBelow, formatTable, p99Below, ratioAtLeast } from './bench-kit.ts';

interface Group {
  id: string;
  title: string;
  /** The file that defines it, relative to bench/ (for the "not registered" check). */
  file: string;
  run(quick: boolean): Promise<Row[]>;
  targets?: readonly Target[];
}

/** Every benchmark group, in the order they run. */
const GROUPS: readonly Group[] = [
  {
    id: 'http',
    title: 'HTTP: the app against a bare Fastify baseline (issue 2)',
    file: 'http.ts',
    run: async (quick) =>
      (await import('./http.ts')).benchHttp(quick ? { seconds: 2, rounds: 1, rateSeconds: 4, coldStarts: 3, idleMs: 10_000 } : {}),
  },
  {
    id: 'crypto',
    title: 'Crypto: envelope encryption and blind indexes (issue 3)',
    file: 'crypto.ts',
    run: async (quick) => (await import('./crypto.ts')).benchCrypto({ durationMs: quick ? 250 : 1_000 }),
    targets: [atLeast(/^envelope seal\+open 1 KB/, 50_000)],
  },
  {
    id: 'audit',
    title: 'Audit log: verify and append (issue 3)',
    file: 'audit.ts',
    run: async (quick) => (await import('./audit.ts')).benchAudit(quick ? { entries: 20_000, appends: 200 } : {}),
    targets: [atLeast(/^audit verify/, 200_000, ' entries/s')],
  },
  {
    id: 'vault',
    title: 'Vault: forget, blind-index lookup, form submission with encryption + audit (issue 3)',
    file: 'vault.ts',
    // Its rows carry their own targets (forget < 5 ms median, lookup p99 < 2 ms, submission ≥ 70%).
    run: async (quick) =>
      (await import('./vault.ts')).benchVault(quick ? { forgets: 100, rows: 100_000, lookups: 5_000, formRoundMs: 1_500 } : {}),
  },
  {
    id: 'retention',
    title: 'Retention: purge of expired rows (issue 3)',
    file: 'retention.ts',
    // Its rows give the wall time in `seconds`; the target is on the whole purge.
    run: async (quick) =>
      (await (await import('./retention.ts')).benchRetention(quick ? { rows: 100_000 } : {})).map((r) => ({
        ...r,
        ...(r.seconds !== undefined ? { ms: r.seconds * 1000, note: `${r.seconds} s` } : {}),
      })),
    targets: [durationBelow(/^retention purge of 1,000,000 expired rows/, 60_000)],
  },
  {
    id: 'appointments',
    title: 'Appointments: booking throughput and availability latency (issue 4, item 3)',
    file: 'appointments.ts',
    run: async (quick) => (await import('./appointments.ts')).benchAppointments(quick ? { seconds: 1, sites: 5, queries: 50 } : {}),
  },
  {
    id: 'credential',
    title: 'Municipal ID credential: library and HTTP verification (issue 4)',
    file: 'credential.ts',
    run: async (quick) => (await import('./credential.ts')).benchCredential(quick ? { libraryMs: 400, rounds: 1, seconds: 2 } : {}),
    targets: [ratioAtLeast(/^verifyCredential/, 0.7), atLeast(/^HTTP POST \/api\/v1\/verify/, 3_000, ' req/s')],
  },
  {
    id: 'municipal-id-application',
    title: 'Municipal ID application submission: whole flow and final send, SQLite and PostgreSQL (issue 4)',
    file: 'municipal-id-application.ts',
    run: async (quick) => (await import('./municipal-id-application.ts')).benchMunicipalIdApplication(quick ? { applications: 150, baselineMs: 500 } : {}),
    targets: [atLeast(/^application submission/, 500, ' req/s')],
  },
  {
    id: 'municipal-id-card',
    title: 'Municipal ID cards: CR80 PDF printing, staff queue pages with 500k applications and 1M cards (issue 4)',
    file: 'municipal-id-card.ts',
    // Its rows carry their own targets: card PDF ≥ 20/s; queue pages p95 < 50 ms (p95 in the note).
    run: async (quick) =>
      (await import('./municipal-id-card.ts')).benchMunicipalIdCard(quick ? { seconds: 2, applications: 20_000, cards: 40_000, requests: 50 } : {}),
  },
  {
    id: 'clocks',
    title: 'Deadline clocks: computations and recomputing every open clock (issues 5 and 6)',
    file: 'clocks.ts',
    // The recomputation rows carry their own target (< 1 s); computations must reach 100,000/s.
    run: async (quick) => (await import('./clocks.ts')).benchClocks(quick ? { clocks: 20_000, durationMs: 250 } : {}),
    targets: [atLeast(/^deadline computation/, 100_000)],
  },
  {
    id: 'u-visa',
    title: 'U/T visa certifying queue: staff queue page with 100,000 requests (issue 6)',
    file: 'u-visa.ts',
    // Its rows carry their own target: queue page p95 < 50 ms (p95 in the note and the result column).
    run: async (quick) => (await import('./u-visa.ts')).benchUVisa(quick ? { requests: 10_000, loads: 60 } : {}),
  },
  {
    id: 'legal-defense',
    title: 'Detention defense: intake submission and an assignment decision with 50 providers and 100,000 open cases (issue 5)',
    file: 'legal-defense.ts',
    // Its decision rows carry their own target (p99 < 5 ms).
    run: async (quick) => (await import('./legal-defense.ts')).benchLegalDefense(quick ? { cases: 10_000, reports: 200, decisions: 100 } : {}),
  },
  {
    id: 'legal-defense-outcomes',
    title: 'Detention defense: the public outcomes page with 100,000 cases (issue 5, item 9)',
    file: 'legal-defense-outcomes.ts',
    // Its page rows carry their own target: p95 < 100 ms (p95 in the note and the result column).
    run: async (quick) => (await import('./legal-defense-outcomes.ts')).benchLegalDefenseOutcomes(quick ? { cases: 10_000, loads: 40 } : {}),
  },
];

/**
 * Figures of issue 3 whose benchmarks other engineers are adding; a group that produces a row with a matching
 * name gets the target without further wiring.
 */
const SHARED_TARGETS: readonly Target[] = [
  p99Below(/blind-index lookup/i, 2),
  ratioAtLeast(/form submission.*(encryption|audit)/i, 0.7),
  durationBelow(/^forget(ting)? a subject/i, 5),
];

function unregisteredBenchFiles(): string[] {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const known = new Set(GROUPS.map((g) => g.file));
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !known.has(f) && f !== 'run.ts' && f !== 'bench-kit.ts')
    .filter((f) => /export\s+async\s+function\s+bench\w*\s*\(/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
}

async function main(): Promise<number> {
  const quick = process.env.BENCH_QUICK === '1';
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  const groups = only ? GROUPS.filter((g) => only.includes(g.id)) : GROUPS;
  if (only && groups.length !== only.length) {
    process.stderr.write(`BENCH_ONLY names unknown groups; known: ${GROUPS.map((g) => g.id).join(', ')}\n`);
    return 2;
  }
  process.stdout.write(
    `Sanctuary benchmarks${quick ? ' (BENCH_QUICK=1: short runs, not for figures)' : ''} — Node ${process.version}, ` +
      `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n\n`,
  );
  let errors = 0;
  let misses = 0;
  for (const group of groups) {
    const started = performance.now();
    let rows: Row[];
    try {
      rows = applyTargets(await group.run(quick), [...(group.targets ?? []), ...SHARED_TARGETS]);
    } catch (err) {
      errors += 1;
      rows = [{ name: `${group.id} failed`, note: err instanceof Error ? err.message.split('\n')[0] : String(err) }];
      if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    }
    misses += rows.filter((r) => r.pass === false).length;
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    process.stdout.write(`${formatTable(`${group.title} — ${seconds} s`, rows)}\n\n`);
  }
  const stray = unregisteredBenchFiles();
  if (stray.length > 0) process.stdout.write(`Not registered in bench/run.ts (not run): ${stray.join(', ')}\n`);
  process.stdout.write(`bench: ${groups.length} groups, ${errors} failed to run, ${misses} targets missed\n`);
  return errors > 0 || (process.env.BENCH_STRICT === '1' && misses > 0) ? 1 : 0;
}

process.exitCode = await main();
