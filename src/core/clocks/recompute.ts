/**
 * The arithmetic of a recomputation, with no database and no vault: which rows of a batch move, and their new
 * schedule. The service uses it in its own thread (PostgreSQL, an in-memory SQLite database, sealed clocks) and
 * the recomputation worker (`recompute-worker.ts`) in another, so both compute exactly alike.
 */
import { randomId } from '../crypto/random.ts';
import type { Executor } from '../db/transaction.ts';
import type { Dialect } from '../db/database.ts';
import { type ClockCalculator, type CompiledRule, type DueSlot, type GoodCauseExtension } from './clock-math.ts';
import { type ClockStatus, type DueUpdate, type RecomputeRow, type StaleFilter, clocksRepo } from './clocks.repo.ts';
import { dayToIso, instantToIso, isoToDay } from './zone-time.ts';

/** Closed pauses (`[[from, to], …]` as stored) as flat instants, or `null` for none. */
export function parsePauses(json: string | null): number[] | null {
  if (!json) return null;
  const pairs = JSON.parse(json) as Array<[string, string]>;
  if (pairs.length === 0) return null;
  const flat = new Array<number>(pairs.length * 2);
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i] as [string, string];
    flat[2 * i] = Date.parse(p[0]);
    flat[2 * i + 1] = Date.parse(p[1]);
  }
  return flat;
}

/** Good-cause extensions as stored, or `null` for none. */
export function parseExtensions(json: string | null): GoodCauseExtension[] | null {
  if (!json) return null;
  const list = JSON.parse(json) as GoodCauseExtension[];
  return list.length === 0 ? null : list;
}

/** A `recomputed` history event for a clock whose due time or governing rule moved. */
export interface RecomputedEvent {
  id: string;
  clockId: string;
  dueBefore: string | null;
  dueAfter: string;
  governingRule: string;
}

/** What one batch of a recomputation found: the plain rows to write, their events, and the sealed rows. */
export interface RecomputePlan {
  /** Open clocks read. */
  scanned: number;
  /** The last batch: fewer rows than asked for. */
  last: boolean;
  /** New schedules of the plain (unsealed) clocks that change. */
  updates: DueUpdate[];
  /** History events of those updates whose due time or governing rule moved (written only with their update). */
  events: RecomputedEvent[];
  /** Sealed clocks, to be opened with the vault and recomputed by the service. */
  sealed: RecomputeRow[];
}

/** The clock arithmetic of one profile, with its compiled rule lists cached (one instance per thread). */
export class Recomputer {
  readonly #lists = new Map<string, CompiledRule[]>();
  readonly #slot: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };
  readonly #scratch: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };

  constructor(readonly calc: ClockCalculator) {}

  /** The compiled rules of a stored `rules` list (names joined by commas). @throws ClockRuleError for a rule the profile lacks */
  compile(rules: string): CompiledRule[] {
    let list = this.#lists.get(rules);
    if (!list) {
      list = rules.split(',').map((name) => this.calc.rule(name));
      this.#lists.set(rules, list);
    }
    return list;
  }

  /** When the reminder job must next look at a clock: its next reminder, its due time, or its next escalation. */
  nextAction(governing: CompiledRule, status: ClockStatus, dueMs: number, remindersSent: number, escalationLevel: number): string | null {
    if (status === 'running') {
      const offset = governing.reminders[remindersSent];
      if (offset) {
        const at = this.calc.shift(dueMs, offset, -1, governing.calendar);
        if (at < dueMs) return instantToIso(at);
      }
      return instantToIso(dueMs);
    }
    if (status === 'overdue') {
      const step = governing.escalations[escalationLevel];
      return step ? instantToIso(this.calc.shift(dueMs, step.after, 1, governing.calendar)) : null;
    }
    return null;
  }

  /** The rows of a batch whose due time, governing rule or reminder schedule changes, with their new schedule. */
  batch(rows: readonly RecomputeRow[], nowMs: number, digest: string): DueUpdate[] {
    const out: DueUpdate[] = [];
    const calc = this.calc;
    const zone = calc.zone;
    const slot = this.#slot;
    for (const row of rows) {
      const rules = this.compile(row.rules);
      const startMs = Date.parse(row.started_at);
      const startDay = row.start_date ? isoToDay(row.start_date) : zone.localDay(startMs);
      calc.computeCompositeInto(rules, startMs, startDay, parsePauses(row.pauses), parseExtensions(row.extensions), slot, this.#scratch);
      const governing = rules[slot.governing] as CompiledRule;
      // Compared as numbers: most clocks do not move, and they then cost no date text.
      if (slot.dueMs === Date.parse(row.due_at) && governing.name === row.governing_rule) {
        if (row.rules_digest === digest) continue;
        // Same due time under a new profile: only the reminder schedule may have changed with the rule.
        const next = row.status === 'paused' ? null : this.nextAction(governing, row.status, slot.dueMs, row.reminders_sent, row.escalation_level);
        // A sealed clock always takes the new digest: its coarse `updated_at` cannot tell the run it was checked.
        if (next === row.next_action_at && row.sealed === null) continue;
      }
      let { status, cycle, reminders_sent: remindersSent, escalation_level: escalationLevel } = row;
      if (status === 'overdue' && slot.dueMs > nowMs) {
        status = 'running';
        cycle += 1;
        remindersSent = 0;
        escalationLevel = 0;
      }
      out.push({
        id: row.id,
        revision: row.revision,
        status,
        due_at: instantToIso(slot.dueMs),
        due_date: dayToIso(slot.dueDay),
        governing_rule: governing.name,
        next_action_at: status === 'paused' ? null : this.nextAction(governing, status, slot.dueMs, remindersSent, escalationLevel),
        cycle,
        reminders_sent: remindersSent,
        escalation_level: escalationLevel,
      });
    }
    return out;
  }

  /**
   * Reads the next batch of open clocks after `afterId` and plans it: the plain rows computed here, the sealed
   * ones set aside. `afterId` moves past the batch.
   */
  async plan(db: Executor, dialect: Dialect, cursor: { afterId: string }, options: { batchSize: number; stale?: StaleFilter; nowMs: number; digest: string }): Promise<RecomputePlan> {
    const rows = await clocksRepo.scanOpen(db, dialect, { afterId: cursor.afterId, limit: options.batchSize, stale: options.stale });
    for (const r of rows) if (r.id > cursor.afterId) cursor.afterId = r.id;
    const plain: RecomputeRow[] = [];
    const sealed: RecomputeRow[] = [];
    for (const r of rows) (r.sealed === null ? plain : sealed).push(r);
    const updates = this.batch(plain, options.nowMs, options.digest);
    const before = new Map<string, RecomputeRow>();
    for (const r of plain) before.set(r.id, r);
    const events: RecomputedEvent[] = [];
    for (const u of updates) {
      const row = before.get(u.id) as RecomputeRow;
      // A new reminder schedule alone is not a new due date: no history entry.
      if (row.due_at === u.due_at && row.governing_rule === u.governing_rule) continue;
      events.push({ id: randomId(), clockId: u.id, dueBefore: row.due_at, dueAfter: u.due_at, governingRule: u.governing_rule });
    }
    return { scanned: rows.length, last: rows.length < options.batchSize, updates, events, sealed };
  }
}
