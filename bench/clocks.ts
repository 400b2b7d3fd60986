/**
 * Deadline-engine benchmark (issues 5 and 6):
 * - deadline computations per second through the public `compositeDue` and through the allocation-free
 *   calculator the recomputation uses, against a bare baseline of "start + N days" on Date (target ≥ 100,000/s);
 * - recomputing 100,000 open clocks on SQLite after a profile change, against a bare baseline that only reads
 *   the same rows with better-sqlite3 (target < 1 s): nothing changes, a city holiday is added, and every
 *   clock changes (the time zone moves: every row and a history event written). The last is also set against
 *   a bare write: the same rows and history rows written with plain prepared statements on one thread, the
 *   least SQLite needs for them on the machine of the run.
 *
 * The bench runner imports {@link benchClocks}; `npx tsx bench/clocks.ts` prints the table on its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import { ClockCalculator, type DueSlot, compositeDue } from '../src/core/clocks/clock-math.ts';
import { clocksMigrations } from '../src/core/clocks/clocks.migrations.ts';
import { ClockService } from '../src/core/clocks/clocks.service.ts';
import { dayToIso } from '../src/core/clocks/zone-time.ts';
import { randomId } from '../src/core/crypto/random.ts';
import { openDatabase } from '../src/core/db/database.ts';
import { collectMigrations, migrateToLatest } from '../src/core/db/migrator.ts';
import { type Jurisdiction, loadJurisdiction, parseJurisdiction } from '../src/core/jurisdiction/index.ts';
import { minneapolisProfile } from '../src/core/jurisdiction/profiles/minneapolis.ts';
import type { Row } from './bench-kit.ts';

const DAY = 86_400_000;

/** Process CPU time (user + system) since `since`, in ms. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / 1000);
}

/** The rule sets the programs start, in the proportions a city might see. */
const RULE_SETS: readonly string[][] = [
  ['uVisaCertification', 'uVisaCertificationStateMaximum'],
  ['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited'],
  ['biaAppeal'],
  ['petitionForReview'],
  ['motionToReopen'],
  ['asylumOneYear'],
  ['legalDefenseProviderAccept'],
  ['legalDefenseFirstAttorneyContact'],
  ['separationRequestReport'],
  ['dataSubjectAccessResponse'],
];

function variant(mutate: (raw: { version: string; locale: { timezone: { value: string } }; holidays: { rules: unknown[] } }) => void): Jurisdiction {
  const raw = structuredClone(minneapolisProfile) as unknown as { version: string; locale: { timezone: { value: string } }; holidays: { rules: unknown[] } };
  raw.version = '2026.98';
  mutate(raw);
  return parseJurisdiction(raw, 'minneapolis');
}

/** Fills the clocks table with `n` open clocks (due times computed by the engine), straight through SQLite. */
function fill(file: string, profile: Jurisdiction, n: number, from: number): void {
  const calc = ClockCalculator.for(profile);
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare(
    `insert into clocks (id, owner, record_type, record_id, rules, started_at, start_date, status, due_at, due_date, governing_rule,
       paused_since, pause_reason, pauses, paused_ms, extensions, met_at, stopped_at, stop_reason, cycle, reminders_sent,
       escalation_level, next_action_at, rules_digest, revision, created_at, updated_at)
     values (?, 'bench', 'record', ?, ?, ?, null, 'running', ?, ?, ?, null, null, ?, 0, ?, null, null, null, 0, 0, 0, ?, ?, 0, ?, ?)`,
  );
  const slot: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };
  const scratch: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };
  const batch = db.transaction((lo: number, hi: number) => {
    for (let i = lo; i < hi; i++) {
      const names = RULE_SETS[i % RULE_SETS.length] as string[];
      const rules = names.map((name) => calc.rule(name));
      // Starts spread over 60 days; every 20th clock was paused for two days, every 50th delayed for good cause.
      const start = from + Math.floor((i * 60 * DAY) / n);
      const pauses = i % 20 === 0 ? [start + DAY, start + 3 * DAY] : null;
      const extensions = i % 50 === 1 ? [{ reasonCode: 'offsite-records', days: 10 }] : null;
      calc.computeCompositeInto(rules, start, calc.zone.localDay(start), pauses, extensions, slot, scratch);
      const iso = new Date(start).toISOString();
      // The first reminder, as the service schedules it for a new clock.
      const governing = rules[slot.governing] as (typeof rules)[number];
      const first = governing.reminders[0];
      const remindAt = first ? calc.shift(slot.dueMs, first, -1, governing.calendar) : slot.dueMs;
      insert.run(
        randomId(),
        `R${i}`,
        names.join(','),
        iso,
        new Date(slot.dueMs).toISOString(),
        dayToIso(slot.dueDay),
        governing.name,
        pauses ? JSON.stringify([[new Date(pauses[0] as number).toISOString(), new Date(pauses[1] as number).toISOString()]]) : null,
        extensions ? JSON.stringify(extensions) : null,
        new Date(remindAt < slot.dueMs ? remindAt : slot.dueMs).toISOString(),
        calc.rulesDigest,
        iso,
        iso,
      );
    }
  });
  for (let i = 0; i < n; i += 20_000) batch(i, Math.min(n, i + 20_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function computations(options: { durationMs: number }): Row[] {
  const mpls = loadJurisdiction('minneapolis');
  const calc = ClockCalculator.for(mpls);
  const starts = Array.from({ length: 4096 }, (_, i) => Date.UTC(2026, 0, 1) + i * 3_517_000);
  const measure = (fn: (i: number) => number): number => {
    let ops = 0;
    let sink = 0;
    const until = performance.now() + options.durationMs;
    while (performance.now() < until) {
      for (let i = 0; i < 1000; i++) sink += fn(ops + i);
      ops += 1000;
    }
    if (sink === 42) process.stdout.write('');
    return Math.round(ops / (options.durationMs / 1000));
  };
  const bareName = 'bare baseline: start + 30 days on Date (no zone, no holidays)';
  const bare = measure((i) => new Date((starts[i & 4095] as number) + 30 * DAY).getTime());
  const slot: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };
  const scratch: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };
  const expedited = ['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited'].map((n) => calc.rule(n));
  const business = [calc.rule('dataSubjectAccessResponse')];
  const hours = [calc.rule('detainerMaximumHold')];
  const fast = (rules: typeof business) =>
    measure((i) => {
      const s = starts[i & 4095] as number;
      calc.computeCompositeInto(rules, s, calc.zone.localDay(s), null, null, slot, scratch);
      return slot.dueMs;
    });
  const api = measure((i) => compositeDue({ rules: ['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited'], start: new Date(starts[i & 4095] as number), profile: mpls }).dueAt.getTime());
  const rows: Row[] = [
    { name: bareName, opsPerSec: bare },
    { name: 'deadline computation: U-visa 7 + 14 days, stricter governs, public compositeDue()', opsPerSec: api },
    { name: 'deadline computation: U-visa 7 + 14 days, stricter governs (calculator)', opsPerSec: fast(expedited) },
    { name: 'deadline computation: 10 business days over holidays (calculator)', opsPerSec: fast(business) },
    { name: 'deadline computation: 48 hours without weekends and holidays (calculator)', opsPerSec: fast(hours) },
  ];
  return rows.map((r) => (r.name === bareName ? r : { ...r, baselineName: bareName, ratio: Math.round(((r.opsPerSec ?? 0) / bare) * 1000) / 1000 }));
}

/**
 * The floor of the worst case's writes: the rows the worst case changed (`changedFile`, computed with `digest`),
 * written onto a copy of the clocks as filled (`copyFile`) with plain prepared statements on one thread: the same
 * update and history row per clock, in transactions of the same size, with the same settings as the bulk writer.
 * No reading, computing or hand-over between threads: only what SQLite must do for those writes.
 */
function bareWrite(copyFile: string, changedFile: string, digest: string, nowIso: string): { ms: number; rows: number; history: number; cpuMs: number } {
  const source = new SQLite(changedFile, { readonly: true });
  const changed = source
    .prepare('select id, status, due_at, due_date, governing_rule, next_action_at, cycle, reminders_sent, escalation_level from clocks where rules_digest = ? order by id')
    .raw()
    .all(digest) as Array<[string, string, string, string, string, string | null, number, number, number]>;
  source.close();
  const db = new SQLite(copyFile);
  for (const pragma of ['journal_mode = WAL', 'synchronous = FULL', 'secure_delete = ON', 'foreign_keys = OFF', 'wal_autocheckpoint = 0']) db.pragma(pragma);
  const before = new Map<string, [number, number, string, string]>();
  for (const [id, rowid, revision, dueAt, governing] of db.prepare('select id, rowid, revision, due_at, governing_rule from clocks').raw().all() as Array<[string, number, number, string, string]>) {
    before.set(id, [rowid, revision, dueAt, governing]);
  }
  const update = db.prepare(
    `update clocks set status = ?, due_at = ?, due_date = ?, governing_rule = ?, next_action_at = ?, cycle = ?, reminders_sent = ?, escalation_level = ?,
       rules_digest = ?, updated_at = ?, revision = revision + 1 where rowid = ? and id = ? and revision = ?`,
  );
  const history = db.prepare('insert into clock_recomputed (clock_id, at, due_before, due_after, governing_rule) values (?, ?, ?, ?, ?) on conflict do nothing');
  let unmoved = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < changed.length; i += 4_000) {
    db.exec('BEGIN IMMEDIATE');
    for (const [id, status, dueAt, dueDate, governing, next, cycle, reminders, escalation] of changed.slice(i, i + 4_000)) {
      const [rowid, revision, dueBefore, governingBefore] = before.get(id) as [number, number, string, string];
      update.run(status, dueAt, dueDate, governing, next, cycle, reminders, escalation, digest, nowIso, rowid, id, revision);
      // As the run does: a history row only for a clock whose due time or governing rule moved.
      if (dueAt !== dueBefore || governing !== governingBefore) history.run(id, nowIso, dueBefore, dueAt, governing);
      else unmoved++;
    }
    db.exec('COMMIT');
  }
  const ms = performance.now() - start;
  const cpu = cpuMs(cpu0);
  db.close();
  return { ms, rows: changed.length, history: changed.length - unmoved, cpuMs: cpu };
}

/**
 * @param options.clocks      open clocks to recompute (default 100,000)
 * @param options.durationMs  time per computation measurement (default 1,000)
 */
export async function benchClocks(options?: { clocks?: number; durationMs?: number }): Promise<Row[]> {
  const n = options?.clocks ?? 100_000;
  const rows = computations({ durationMs: options?.durationMs ?? 1_000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-bench-clocks-'));
  try {
    const file = path.join(dir, 'clocks.db');
    const mpls = loadJurisdiction('minneapolis');
    const setup = openDatabase({ kind: 'sqlite', file });
    await migrateToLatest(setup, collectMigrations([{ owner: 'core', migrations: clocksMigrations }]));
    await setup.close();
    // Clocks started over January–February 2027 (they are all still open on 1 January 2027).
    const from = Date.parse('2027-01-01T15:00:00Z');
    fill(file, mpls, n, from);
    // The clocks as filled, for the bare write of the worst case's changes.
    const copy = path.join(dir, 'clocks-copy.db');
    fs.copyFileSync(file, copy);
    const now = () => new Date('2027-01-01T12:00:00Z');

    const raw = new SQLite(file, { readonly: true });
    const bareCpu = process.cpuUsage();
    const bareStart = performance.now();
    const scanned = raw.prepare(`select id, rules, started_at, start_date, status, due_at, governing_rule, pauses, extensions, cycle, reminders_sent, escalation_level, next_action_at, revision from clocks where status in ('running', 'paused', 'overdue') order by id`).all().length;
    const bareMs = performance.now() - bareStart;
    const bareCpuMs = cpuMs(bareCpu);
    raw.close();
    const count = n.toLocaleString('en-US');
    const bareName = `bare read of ${count} open clocks, one statement (better-sqlite3)`;
    rows.push({ name: bareName, ms: Math.round(bareMs), note: `${scanned.toLocaleString('en-US')} rows, CPU ${bareCpuMs} ms` });

    // Every local midnight moves: every row and a history event are written.
    const worst = variant((p) => (p.locale.timezone.value = 'America/Denver'));
    const db = openDatabase({ kind: 'sqlite', file });
    try {
      const scenarios: Array<[string, Jurisdiction]> = [
        ['nothing changes', mpls],
        // A closure on Wednesday 20 January 2027 moves the city business-day clocks that span it.
        ['a city holiday is added', variant((p) => p.holidays.rules.push({ value: { id: 'council-closure', name: 'Council closure', calendars: ['city'], rule: { kind: 'fixed', month: 1, day: 20 }, observance: 'none' }, source: 'bench' }))],
        ['every clock changes (time zone moved)', worst],
      ];
      for (const [label, profile] of scenarios) {
        const service = new ClockService({ db, now, jurisdiction: profile });
        const cpu0 = process.cpuUsage();
        const report = await service.recomputeAll();
        const cpu = cpuMs(cpu0);
        if (report.scanned !== n) throw new Error(`recompute scanned ${report.scanned} of ${n}`);
        rows.push({
          name: `recompute ${count} open clocks: ${label} (SQLite; target < 1 s)`,
          ms: report.ms,
          // CPU time next to the wall time: on a shared machine the wall time also measures the neighbours.
          note: `${report.changed.toLocaleString('en-US')} changed, CPU ${cpu} ms`,
          baselineName: bareName,
          target: '< 1 s',
          pass: report.ms < 1000,
        });
      }
    } finally {
      await db.close();
    }
    const floor = bareWrite(copy, file, ClockCalculator.for(worst).rulesDigest, now().toISOString());
    const floorName = `bare write of the ${floor.rows.toLocaleString('en-US')} clocks the last run changed, one thread (better-sqlite3)`;
    // The worst case is compared with the least its writes cost, not with the read.
    const last = rows.at(-1) as Row;
    last.baselineName = floorName;
    last.note = `${last.note}, ${((last.ms as number) / floor.ms).toFixed(2)}× the bare write`;
    rows.push({ name: floorName, ms: Math.round(floor.ms), note: `${floor.history.toLocaleString('en-US')} history rows, CPU ${floor.cpuMs} ms` });
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchClocks();
  console.table(rows.map((r) => ({ name: r.name, 'ops/s': r.opsPerSec?.toLocaleString('en-US') ?? '', ms: r.ms ?? '', note: r.note ?? '', 'vs baseline': r.ratio ?? '', pass: r.pass ?? '' })));
}
