import type { Logger } from 'pino';
import { randomId } from '../crypto/random.ts';
import type { Vault } from '../crypto/vault.ts';
import type { Db } from '../db/database.ts';
import { prepareBulk } from '../db/run-bulk.ts';
import { type Executor, type Tx, inTransaction } from '../db/transaction.ts';
import { AppError } from '../http/errors.ts';
import type { Jurisdiction } from '../jurisdiction/index.ts';
import type { AppContext } from '../modules/context.ts';
import {
  type ClockStart,
  type CompiledRule,
  type DueSlot,
  type GoodCauseExtension,
  ClockCalculator,
  ClockRuleError,
} from './clock-math.ts';
import { isoWeekLabel, weekStartIso } from './clock-weeks.ts';
import {
  type ClockEventKind,
  type ClockEventRow,
  type ClockRow,
  type ClockStatus,
  type DueUpdate,
  type RecomputeRow,
  type StaleFilter,
  OPEN_STATUSES,
  clocksRepo,
} from './clocks.repo.ts';
import { MINUTE_MS, dayToIso, instantToIso, isoToDay, isoToInstant } from './zone-time.ts';

/** A clock as services and views see it. */
export interface ClockView {
  id: string;
  owner: string;
  recordType: string;
  recordId: string;
  /** Profile rule names; with several, the earliest due governs. */
  rules: string[];
  governingRule: string;
  /** `legal-deadline` or `service-level`, from the governing rule. */
  kind: 'legal-deadline' | 'service-level';
  startedAt: Date;
  /** The local date the clock was started from (a date of birth), when it was not an instant. */
  startDate: string | null;
  status: ClockStatus;
  /** The instant the clock is (or was) overdue from. For a paused clock: as if it had resumed when paused. */
  dueAt: Date;
  /** The last local day to act. */
  dueDate: string;
  /** Hour clocks: the local due time (`HH:MM`); day clocks are due by the end of `dueDate`. */
  dueTime: string | null;
  pausedSince: Date | null;
  pauseReason: string | null;
  /** Total time spent paused (closed pauses). */
  pausedMs: number;
  extensions: GoodCauseExtension[];
  metAt: Date | null;
  /** Whether the clock was met after its due time (`null` until met). */
  metLate: boolean | null;
  stoppedAt: Date | null;
  stopReason: string | null;
  remindersSent: number;
  escalationLevel: number;
  nextActionAt: Date | null;
}

/** One entry of a clock's history. */
export interface ClockEventView {
  id: string;
  clockId: string;
  kind: ClockEventKind;
  at: Date;
  reasonCode: string | null;
  noteKey: string | null;
  days: number | null;
  /** Reminder number or escalation level (1 = first). */
  level: number | null;
  escalateTo: string | null;
  dueBefore: Date | null;
  dueAfter: Date | null;
  governingRule: string | null;
  /** Staff account that caused it; `null` for the engine itself. */
  actorId: string | null;
}

/** What the reminder job tells the owner module. */
export interface ClockNotice {
  kind: 'reminder' | 'overdue' | 'escalated';
  clock: ClockView;
  /** Reminder number (1 = the first reminder) or escalation level (1 = the first step); 0 for overdue. */
  level: number;
  /** Escalations: the role code the rule names (`supervisor`, …); the module decides who that is. */
  escalateTo: string | null;
  at: Date;
}

/** Passed to a handler: the transaction that records the event (write the notification in it) and the app. */
export interface ClockHandlerRun {
  tx: Tx;
  ctx: AppContext;
}

/**
 * What a module does when its clocks need attention. Handlers run inside the transaction that records the
 * event, so a notification they queue (`ctx.notifier`) is written exactly when the event is; a handler that
 * throws rolls both back and the reminder job tries again at its next run. No outside side effects here.
 */
export interface ClockHandlers {
  onReminder?(notice: ClockNotice, run: ClockHandlerRun): Promise<void>;
  onOverdue?(notice: ClockNotice, run: ClockHandlerRun): Promise<void>;
  onEscalate?(notice: ClockNotice, run: ClockHandlerRun): Promise<void>;
}

/** Options of {@link ClockService.startClock}. */
export interface StartClockOptions {
  /** The module (or core part) whose record it times, e.g. `u-visa`. */
  owner: string;
  recordType: string;
  recordId: string;
  /** Profile rule names (`ctx.jurisdiction.clocks`); several = the stricter governs. */
  rules: readonly string[];
  /** An instant, or a local date `YYYY-MM-DD` (a date of birth for an age-out alert). */
  start: ClockStart;
  /** Staff account that started it. */
  by?: string;
  /**
   * The vault subject of the record, for a clock that counts from a personal date (a date of birth): its
   * exact start, due and reminder dates are then sealed under that subject's key and the plain columns keep
   * only the week. Forgetting the subject deletes the clock and makes what was sealed unreadable.
   */
  sealUnder?: string;
}

/** The exact times of a sealed clock (what its plain columns hold only by the week). */
interface SealedTimes {
  started_at: string;
  start_date: string | null;
  due_at: string;
  due_date: string;
  next_action_at: string | null;
}

const SEALED_AT = (rowId: string) => ({ table: 'clocks', column: 'sealed', rowId });

/** Counts of one {@link ClockService.tick}. */
export interface TickReport {
  processed: number;
  reminders: number;
  overdue: number;
  escalated: number;
  failed: number;
  recomputed: number;
}

/** A batch of {@link ClockService.recomputeAll}: the rows read (sealed ones opened) and what changes. */
interface RecomputedBatch {
  nowIso: string;
  rows: readonly RecomputeRow[];
  updates: DueUpdate[];
  /** Ids of the sealed clocks among the rows. */
  sealed: ReadonlySet<string>;
}

/** Counts of one {@link ClockService.recomputeAll}. */
export interface RecomputeReport {
  scanned: number;
  changed: number;
  ms: number;
}

const CODE = /^[a-z][a-z0-9-]{0,62}$/;
const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;
const RULE_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,63}$/;
const SEGMENT = /^[a-z][a-z0-9-]{0,62}$/;
const KEY_SEGMENT = /^[a-zA-Z0-9-]{1,62}$/;

// Checked part by part rather than with one repeating regex, which the security linter rightly distrusts.
/** A module id, or a core part (`core/demands`). */
function isOwner(v: string): boolean {
  const parts = v.split('/');
  return v.length <= 64 && parts.length <= 2 && parts.every((p) => SEGMENT.test(p));
}

/** `case`, `legal-defense.case`: one to four kebab-case segments. */
function isRecordType(v: string): boolean {
  const parts = v.split('.');
  return v.length <= 64 && parts.length <= 4 && parts.every((p) => SEGMENT.test(p));
}

/** A message key such as `u-visa.goodCause.offsiteRecords`. */
function isNoteKey(v: string): boolean {
  const parts = v.split('.');
  return v.length <= 120 && parts.length >= 2 && parts.length <= 6 && SEGMENT.test(parts[0] ?? '') && parts.every((p) => KEY_SEGMENT.test(p));
}
const MAX_EXTENSION_DAYS = 366;
/** Instances' clocks may differ a little: a write this close before a recomputation began counts as after it. */
const STALE_MARGIN_MS = 5 * 60_000;
/** Clocks in the first batch of a recomputation (each next one twice as many, up to `batchSize`). */
const FIRST_BATCH = 500;

function invalid(field: string, key: string): AppError {
  return new AppError('validation', { fields: [{ field, key }], messageKey: key });
}

function conflict(key: string): AppError {
  return new AppError('conflict', { messageKey: key });
}

/** How many rows a bulk write changed. */
function countWritten(changed: Uint8Array): number {
  let n = 0;
  for (const c of changed) n += c;
  return n;
}

function parsePauses(json: string | null): number[] | null {
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

function parseExtensions(json: string | null): GoodCauseExtension[] | null {
  if (!json) return null;
  const list = JSON.parse(json) as GoodCauseExtension[];
  return list.length === 0 ? null : list;
}

/**
 * The deadline engine (`ctx.clocks`): clocks that time a module's records by the jurisdiction profile's
 * rules, with pauses where a rule allows them, good-cause extensions, a full event history, reminders and
 * escalation through the owner module's handlers, and recomputation when the profile changes.
 *
 * Every change takes the caller's transaction, so a clock moves with the record it times.
 */
export class ClockService {
  readonly #db: Db;
  readonly #now: () => Date;
  readonly #log: Logger | undefined;
  readonly #vault: Pick<Vault, 'useSubject' | 'sealJson'> | undefined;
  readonly #calc: ClockCalculator;
  readonly #handlers = new Map<string, ClockHandlers>();
  readonly #ruleLists = new Map<string, CompiledRule[]>();
  readonly #slot: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };
  readonly #scratch: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };

  constructor(deps: { db: Db; now: () => Date; jurisdiction: Jurisdiction; log?: Logger; vault?: Pick<Vault, 'useSubject' | 'sealJson'> }) {
    this.#db = deps.db;
    this.#now = deps.now;
    this.#log = deps.log;
    this.#vault = deps.vault;
    this.#calc = ClockCalculator.for(deps.jurisdiction);
  }

  /** The arithmetic of the current profile (time zone, holidays, compiled rules). */
  get calculator(): ClockCalculator {
    return this.#calc;
  }

  /**
   * Registers what a module does on reminders, overdue flags and escalations of the clocks it owns
   * (`app.ts` registers each module's `clockHandlers`).
   */
  registerHandler(owner: string, handlers: ClockHandlers): void {
    if (!isOwner(owner)) throw new Error(`Clock owner "${owner}" must be a module id`);
    if (this.#handlers.has(owner)) throw new Error(`Clock handlers for "${owner}" are registered twice`);
    this.#handlers.set(owner, handlers);
  }

  // -------------------------------------------------------------------------------------------------------
  // Reading

  /** One clock, or `undefined`. */
  async get(id: string, db: Executor = this.#db.kysely): Promise<ClockView | undefined> {
    const row = await clocksRepo.byId(db, id);
    return row ? this.#view(await this.#exact(row)) : undefined;
  }

  /** Several clocks by id (a page of a list), keyed by id; ids without a clock are left out. At most 500. */
  async getMany(ids: readonly string[], db: Executor = this.#db.kysely): Promise<Map<string, ClockView>> {
    if (ids.length > 500) throw new RangeError('getMany: at most 500 ids');
    const rows = await clocksRepo.byIds(db, [...new Set(ids)]);
    const views = await Promise.all(rows.map(async (r) => this.#view(await this.#exact(r))));
    return new Map(views.map((v) => [v.id, v]));
  }

  /** Every event of a clock, oldest first: the full history. */
  async historyOf(id: string, db: Executor = this.#db.kysely): Promise<ClockEventView[]> {
    return (await clocksRepo.eventsOf(db, id)).map(eventView);
  }

  /** The clocks of one record (all statuses), oldest first. */
  async forRecord(options: { owner: string; recordType: string; recordId: string }, db: Executor = this.#db.kysely): Promise<ClockView[]> {
    const rows = await clocksRepo.forRecord(db, options.owner, options.recordType, options.recordId);
    return Promise.all(rows.map(async (r) => this.#view(await this.#exact(r))));
  }

  /** Open clocks (running, paused, overdue), soonest due first; `dueBefore` keeps those due before a time. */
  async listOpen(options: { owner?: string; recordType?: string; dueBefore?: Date; limit?: number; includePaused?: boolean } = {}, db: Executor = this.#db.kysely): Promise<ClockView[]> {
    const rows = await clocksRepo.listOpen(db, {
      owner: options.owner,
      recordType: options.recordType,
      dueBefore: options.dueBefore?.toISOString(),
      limit: Math.min(Math.max(options.limit ?? 100, 1), 10_000),
      statuses: options.includePaused === false ? ['running', 'overdue'] : OPEN_STATUSES,
    });
    const views = await Promise.all(rows.map(async (r) => this.#view(await this.#exact(r))));
    // A sealed clock is listed by the week it is due in: keep only those whose exact due time qualifies.
    const before = options.dueBefore?.getTime();
    return before === undefined ? views : views.filter((v) => v.dueAt.getTime() < before);
  }

  /** Open clocks by owner and status, with how many still carry an older profile's due time (counts only). */
  async openCounts(db: Executor = this.#db.kysely): Promise<Array<{ owner: string; status: ClockStatus; count: number; stale: number }>> {
    const stale = await this.#staleFilter(db);
    return (await clocksRepo.countOpen(db, stale)).map((r) => ({ owner: r.owner, status: r.status, count: r.n, stale: r.stale }));
  }

  /**
   * Good-cause extensions granted in a period, for reports (counts by reason for public figures; the list
   * for staff). Public figures must still go through small-cell suppression.
   */
  async goodCauseReport(options: { owner?: string; from?: Date; to?: Date } = {}, db: Executor = this.#db.kysely): Promise<{
    total: number;
    byReason: Record<string, number>;
    extensions: Array<{ clockId: string; recordType: string; recordId: string; reasonCode: string; noteKey: string | null; days: number; at: Date; dueBefore: Date | null; dueAfter: Date | null; governingRule: string | null }>;
  }> {
    const rows = await clocksRepo.eventsWithRecords(db, { owner: options.owner, kinds: ['extended'], from: options.from?.toISOString(), to: options.to?.toISOString(), limit: 100_000 });
    const byReason: Record<string, number> = {};
    const extensions = rows.map((r) => {
      const reasonCode = r.reason_code ?? 'unknown';
      byReason[reasonCode] = (byReason[reasonCode] ?? 0) + 1;
      return {
        clockId: r.clock_id,
        recordType: r.record_type,
        recordId: r.record_id,
        reasonCode,
        noteKey: r.note_key,
        days: r.days ?? 0,
        at: new Date(r.at),
        dueBefore: r.due_before ? new Date(r.due_before) : null,
        dueAfter: r.due_after ? new Date(r.due_after) : null,
        governingRule: r.governing_rule,
      };
    });
    return { total: extensions.length, byReason, extensions };
  }

  // -------------------------------------------------------------------------------------------------------
  // Changing

  /**
   * Starts a clock for a record. Several rules make one clock that is due at the earliest of them (the city's
   * 7 days inside the state's 14: the stricter governs).
   * @throws AppError `validation` for an unknown rule, a bad start or bad ids
   */
  async startClock(tx: Executor, options: StartClockOptions): Promise<ClockView> {
    if (!isOwner(options.owner)) throw invalid('owner', 'clocks.error.badOwner');
    if (!isRecordType(options.recordType)) throw invalid('recordType', 'clocks.error.badRecord');
    if (!RECORD_ID.test(options.recordId)) throw invalid('recordId', 'clocks.error.badRecord');
    if (options.sealUnder !== undefined) {
      if (!RECORD_ID.test(options.sealUnder)) throw invalid('sealUnder', 'clocks.error.badRecord');
      if (!this.#vault) throw new Error('A sealed clock needs the vault (ClockService deps.vault)');
    }
    const names = [...options.rules];
    if (names.length === 0 || names.length > 8 || new Set(names).size !== names.length || names.some((n) => !RULE_NAME.test(n))) {
      throw invalid('rules', 'clocks.error.unknownRule');
    }
    const rules = this.#compile(names.join(','));
    let start: { startMs: number; startDay: number; startDate: string | null };
    try {
      start = this.#calc.startOf(options.start);
    } catch {
      throw invalid('start', 'clocks.error.badStart');
    }
    const now = this.#now();
    const nowIso = now.toISOString();
    this.#calc.computeCompositeInto(rules, start.startMs, start.startDay, null, null, this.#slot, this.#scratch);
    const governing = rules[this.#slot.governing] as CompiledRule;
    const dueMs = this.#slot.dueMs;
    const row: ClockRow = {
      id: randomId(),
      owner: options.owner,
      record_type: options.recordType,
      record_id: options.recordId,
      rules: names.join(','),
      started_at: instantToIso(start.startMs),
      start_date: start.startDate,
      status: 'running',
      due_at: instantToIso(dueMs),
      due_date: dayToIso(this.#slot.dueDay),
      governing_rule: governing.name,
      paused_since: null,
      pause_reason: null,
      pauses: null,
      paused_ms: 0,
      extensions: null,
      met_at: null,
      stopped_at: null,
      stop_reason: null,
      cycle: 0,
      reminders_sent: 0,
      escalation_level: 0,
      next_action_at: this.#nextAction(governing, 'running', dueMs, 0, 0),
      rules_digest: this.#calc.rulesDigest,
      revision: 0,
      created_at: nowIso,
      updated_at: nowIso,
      subject_id: options.sealUnder ?? null,
      sealed: null,
    };
    await clocksRepo.insert(tx, await this.#stored(row));
    await this.#event(tx, row, 'started', nowIso, { due_after: row.due_at, governing_rule: row.governing_rule, actor_id: options.by ?? null });
    return this.#view(row);
  }

  /**
   * Pauses (tolls) a running clock. Refused unless every rule of the clock lists the reason in its
   * `pauseReasons`: a statute that does not stop does not stop because one rule would.
   * @throws AppError `conflict` when the rules do not allow it or the clock is not running
   */
  async pause(tx: Executor, id: string, reasonCode: string, options: { by?: string } = {}): Promise<ClockView> {
    if (!CODE.test(reasonCode)) throw invalid('reasonCode', 'clocks.error.badReason');
    const row = await this.#lock(tx, id);
    if (row.status !== 'running') throw conflict(row.status === 'paused' ? 'clocks.error.alreadyPaused' : 'clocks.error.notRunning');
    const rules = this.#compile(row.rules);
    if (!rules.every((c) => c.pauseReasons?.has(reasonCode) === true)) throw conflict('clocks.error.pauseNotAllowed');
    const nowIso = this.#now().toISOString();
    const patch = { status: 'paused' as const, paused_since: nowIso, pause_reason: reasonCode, next_action_at: null, updated_at: nowIso };
    await this.#write(tx, row, patch);
    await this.#event(tx, row, 'paused', nowIso, { reason_code: reasonCode, due_before: row.due_at, actor_id: options.by ?? null });
    return this.#view({ ...row, ...patch });
  }

  /** Restarts a paused clock: the paused time (measured the rule's way) moves the due date; reminders start over. */
  async resume(tx: Executor, id: string, options: { by?: string } = {}): Promise<ClockView> {
    const row = await this.#lock(tx, id);
    if (row.status !== 'paused' || !row.paused_since) throw conflict('clocks.error.notPaused');
    const now = this.#now();
    const nowIso = now.toISOString();
    const pauses = row.pauses ? (JSON.parse(row.pauses) as Array<[string, string]>) : [];
    pauses.push([row.paused_since, nowIso]);
    const pausedMs = Number(row.paused_ms) + Math.max(0, now.getTime() - Date.parse(row.paused_since));
    const next = this.#recomputed({ ...row, pauses: JSON.stringify(pauses) });
    const rules = this.#compile(row.rules);
    const governing = rules[next.governing] as CompiledRule;
    const patch = {
      status: 'running' as const,
      paused_since: null,
      pause_reason: null,
      pauses: JSON.stringify(pauses),
      paused_ms: pausedMs,
      due_at: instantToIso(next.dueMs),
      due_date: dayToIso(next.dueDay),
      governing_rule: governing.name,
      cycle: row.cycle + 1,
      reminders_sent: 0,
      escalation_level: 0,
      next_action_at: this.#nextAction(governing, 'running', next.dueMs, 0, 0),
      rules_digest: this.#calc.rulesDigest,
      updated_at: nowIso,
    };
    await this.#write(tx, row, patch);
    await this.#event(tx, row, 'resumed', nowIso, {
      reason_code: row.pause_reason,
      due_before: row.due_at,
      due_after: patch.due_at,
      governing_rule: patch.governing_rule,
      actor_id: options.by ?? null,
    });
    return this.#view({ ...row, ...patch });
  }

  /**
   * Delays the due date for good cause ("as soon as reasonably possible" after off-site records): `days`
   * calendar days more for every rule whose `goodCauseReasons` list the reason. Rules without it keep
   * binding, so the due date never passes them. Recorded with its reason and note key, and reported.
   * @throws AppError `conflict` when no rule of the clock allows the reason, or the clock is closed
   */
  async extendForGoodCause(tx: Executor, id: string, options: { reasonCode: string; days: number; noteKey?: string; by?: string }): Promise<ClockView> {
    if (!CODE.test(options.reasonCode)) throw invalid('reasonCode', 'clocks.error.badReason');
    if (!Number.isInteger(options.days) || options.days < 1 || options.days > MAX_EXTENSION_DAYS) throw invalid('days', 'clocks.error.badDays');
    if (options.noteKey !== undefined && !isNoteKey(options.noteKey)) throw invalid('noteKey', 'clocks.error.badNote');
    const row = await this.#lock(tx, id);
    if (!OPEN_STATUSES.includes(row.status)) throw conflict('clocks.error.closed');
    const rules = this.#compile(row.rules);
    if (!rules.some((c) => c.goodCauseReasons?.has(options.reasonCode) === true)) throw conflict('clocks.error.goodCauseNotAllowed');
    const now = this.#now();
    const nowIso = now.toISOString();
    const extensions = [...(parseExtensions(row.extensions) ?? []), { reasonCode: options.reasonCode, days: options.days }];
    const extensionsJson = JSON.stringify(extensions);
    const next = this.#recomputed({ ...row, extensions: extensionsJson });
    const governing = rules[next.governing] as CompiledRule;
    let status: ClockStatus = row.status;
    if (status === 'overdue' && next.dueMs > now.getTime()) status = 'running';
    const restart = row.status !== 'paused';
    const patch = {
      status,
      extensions: extensionsJson,
      due_at: instantToIso(next.dueMs),
      due_date: dayToIso(next.dueDay),
      governing_rule: governing.name,
      cycle: restart ? row.cycle + 1 : row.cycle,
      reminders_sent: restart ? 0 : row.reminders_sent,
      escalation_level: restart && status === 'running' ? 0 : row.escalation_level,
      next_action_at: row.status === 'paused' ? null : this.#nextAction(governing, status, next.dueMs, 0, status === 'running' ? 0 : row.escalation_level),
      rules_digest: this.#calc.rulesDigest,
      updated_at: nowIso,
    };
    await this.#write(tx, row, patch);
    await this.#event(tx, row, 'extended', nowIso, {
      reason_code: options.reasonCode,
      note_key: options.noteKey ?? null,
      days: options.days,
      due_before: row.due_at,
      due_after: patch.due_at,
      governing_rule: patch.governing_rule,
      actor_id: options.by ?? null,
    });
    return this.#view({ ...row, ...patch });
  }

  /**
   * Records that what the clock timed was done (`at`, default now): the clock closes, on time or late.
   * @throws AppError `validation` for a time in the future or before the start; `conflict` when closed
   */
  async meet(tx: Executor, id: string, at?: Date, options: { by?: string } = {}): Promise<ClockView> {
    const now = this.#now();
    const when = at ?? now;
    const row = await this.#lock(tx, id);
    if (!Number.isFinite(when.getTime()) || when.getTime() > now.getTime() || when.getTime() < Date.parse(row.started_at)) throw invalid('at', 'clocks.error.badTime');
    if (!OPEN_STATUSES.includes(row.status)) throw conflict('clocks.error.closed');
    const whenIso = when.toISOString();
    const nowIso = now.toISOString();
    const patch = { status: 'met' as const, met_at: whenIso, next_action_at: null, updated_at: nowIso, ...this.#closePause(row, when) };
    await this.#write(tx, row, patch);
    await this.#event(tx, row, 'met', whenIso, { due_before: row.due_at, governing_rule: row.governing_rule, actor_id: options.by ?? null });
    return this.#view({ ...row, ...patch });
  }

  /** Stops a clock that no longer applies (request withdrawn, case closed) with a reason code. */
  async stop(tx: Executor, id: string, reasonCode: string, options: { by?: string } = {}): Promise<ClockView> {
    if (!CODE.test(reasonCode)) throw invalid('reasonCode', 'clocks.error.badReason');
    const row = await this.#lock(tx, id);
    if (!OPEN_STATUSES.includes(row.status)) throw conflict('clocks.error.closed');
    const now = this.#now();
    const nowIso = now.toISOString();
    const patch = { status: 'stopped' as const, stopped_at: nowIso, stop_reason: reasonCode, next_action_at: null, updated_at: nowIso, ...this.#closePause(row, now) };
    await this.#write(tx, row, patch);
    await this.#event(tx, row, 'stopped', nowIso, { reason_code: reasonCode, due_before: row.due_at, actor_id: options.by ?? null });
    return this.#view({ ...row, ...patch });
  }

  /**
   * Seals the clocks of one owner and record type that were written before sealing existed (their exact dates,
   * a date of birth among them, still in plain): each is sealed under its record's subject (`subjectOf`), its
   * plain times and its events' times coarsened to the week, in a transaction of its own. A clock whose subject
   * is gone (forgotten) is left for the owner's purge. Returns how many were sealed; run it until 0.
   */
  async sealExisting(options: { owner: string; recordType: string; subjectOf: (recordId: string) => string; limit?: number }): Promise<number> {
    if (!this.#vault) throw new Error('Sealing clocks needs the vault (ClockService deps.vault)');
    const ids = await clocksRepo.unsealedIds(this.#db.kysely, options.owner, options.recordType, options.limit ?? 500);
    let sealed = 0;
    for (const id of ids) {
      try {
        const done = await inTransaction(this.#db, async (tx) => {
          const row = await this.#lock(tx, id);
          if (row.subject_id !== null) return false;
          const subjectId = options.subjectOf(row.record_id);
          const nowIso = this.#now().toISOString();
          const withSubject = { ...row, subject_id: subjectId };
          // Sealed with the exact times as they are; in plain the start becomes when the clock was created.
          const patch = await this.#storedPatch(withSubject, { subject_id: subjectId, updated_at: nowIso });
          await this.#write(tx, row, { ...patch, started_at: row.created_at, start_date: null });
          const week = (v: string | null) => (v === null ? null : weekStartIso(Date.parse(v)));
          for (const e of await clocksRepo.eventTimes(tx, id)) {
            await clocksRepo.setEventTimes(tx, e.id, { at: week(e.at) as string, due_before: week(e.due_before), due_after: week(e.due_after) });
          }
          // When a recomputation ran tells nothing of the person; the due times it moved do.
          for (const m of await clocksRepo.recomputedOf(tx, id)) {
            await clocksRepo.setRecomputedDues(tx, id, m.at, { due_before: week(m.due_before), due_after: week(m.due_after) as string });
          }
          return true;
        });
        if (done) sealed++;
      } catch (err) {
        // A forgotten subject's key is gone: the clock goes with the owner's purge of the record.
        this.#log?.warn({ clockId: id, code: (err as { code?: unknown }).code ?? (err as Error).name }, 'clock not sealed');
      }
    }
    return sealed;
  }

  /** Deletes the clocks and histories of records their owner deleted (call it from the owner's purge). */
  async forgetRecords(tx: Executor, options: { owner: string; recordType: string; recordIds: readonly string[] }): Promise<number> {
    if (options.recordIds.length === 0) return 0;
    return clocksRepo.deleteForRecords(tx, options.owner, options.recordType, options.recordIds);
  }

  // -------------------------------------------------------------------------------------------------------
  // Recomputation after a profile or holiday change

  /**
   * Recomputes every open clock with the current profile (after a holiday, time zone or rule change), in
   * id-ordered batches. Only clocks whose due time, governing rule or reminder schedule changes are written,
   * each batch in a transaction of its own, with a `recomputed` entry in the history of each clock whose due
   * time or governing rule moved; a clock changed since it was read keeps its writer's values (the write checks
   * the revision read). An overdue clock whose new due time is still ahead runs again. Each batch is written
   * while the next one is read and computed: on SQLite the writes run on the bulk writer's thread (`runBulk`).
   * The run is recorded, so the unchanged clocks need no write: anything written before the run began was
   * checked by it.
   */
  async recomputeAll(options: { onlyStale?: boolean; batchSize?: number } = {}): Promise<RecomputeReport> {
    const started = performance.now();
    const runStart = this.#now().toISOString();
    const batchSize = options.batchSize ?? 5_000;
    const digest = this.#calc.rulesDigest;
    const stale = options.onlyStale ? await this.#staleFilter(this.#db.kysely) : undefined;
    // On a SQLite file the writes run on the bulk thread: it starts while the first batch is read.
    prepareBulk(this.#db);
    let afterId = '';
    let scanned = 0;
    let changed = 0;
    // Batches being written while the next is computed (at most two: one written, one waiting for the writer);
    // a failed write is thrown where it is awaited.
    const writing: Array<Promise<number>> = [];
    try {
      for (;;) {
        // Batches double from a small first one up to batchSize: the writes begin while the rest is still read.
        const limit = Math.min(batchSize, Math.max(FIRST_BATCH, 2 * scanned));
        const next = await this.#recomputeNext({ afterId, limit, stale, digest });
        scanned += next.scanned;
        afterId = next.lastId;
        if (next.write) {
          next.write.catch(() => undefined);
          writing.push(next.write);
        }
        while (writing.length > 1) changed += await (writing.shift() as Promise<number>);
        if (next.scanned < limit) break;
      }
      while (writing.length > 0) changed += await (writing.shift() as Promise<number>);
    } finally {
      // A read or write that failed while batches were being written: they end before the failure is reported.
      await Promise.allSettled(writing);
    }
    await clocksRepo.recordRecomputation(this.#db.kysely, { rules_digest: digest, started_at: runStart, finished_at: this.#now().toISOString(), clocks_checked: scanned, clocks_changed: changed });
    const report = { scanned, changed, ms: Math.round(performance.now() - started) };
    if (changed > 0) this.#log?.info({ ...report }, 'clocks recomputed');
    return report;
  }

  /**
   * Reads and recomputes the next batch and starts writing it. The batch's rows are not kept while the write runs
   * (only the write's own encoding of them is), which spares the garbage collector copying them.
   */
  async #recomputeNext(options: { afterId: string; limit: number; stale: StaleFilter | undefined; digest: string }): Promise<{ scanned: number; lastId: string; write: Promise<number> | undefined }> {
    const scannedRows = await clocksRepo.scanOpen(this.#db.kysely, this.#db.dialect, { afterId: options.afterId, limit: options.limit, stale: options.stale });
    let lastId = options.afterId;
    for (const r of scannedRows) if (r.id > lastId) lastId = r.id;
    const write = scannedRows.length > 0 ? this.#writeRecomputed(await this.#recomputedBatch(scannedRows, options.digest), options.digest) : undefined;
    return { scanned: scannedRows.length, lastId, write };
  }

  /** A batch of open clocks recomputed: what to write, and the rows as read (sealed ones opened). */
  async #recomputedBatch(scannedRows: readonly RecomputeRow[], digest: string): Promise<RecomputedBatch> {
    const nowMs = this.#now().getTime();
    // Sealed clocks (counting from a date of birth) are few: open them one by one, write them one by one.
    const sealed = new Set<string>();
    for (const r of scannedRows) if (r.sealed !== null) sealed.add(r.id);
    const rows = sealed.size === 0 ? scannedRows : await Promise.all(scannedRows.map((r) => this.#exact(r)));
    return { nowIso: instantToIso(nowMs), rows, updates: this.#recomputeBatch(rows, nowMs, digest), sealed };
  }

  /** Writes a recomputed batch; resolves to how many clocks were written. */
  #writeRecomputed(batch: RecomputedBatch, digest: string): Promise<number> {
    const { nowIso, rows, updates, sealed } = batch;
    if (updates.length === 0) return Promise.resolve(0);
    const plain = sealed.size === 0 ? updates : updates.filter((u) => !sealed.has(u.id));
    let write: Promise<number> = Promise.resolve(0);
    if (plain.length > 0 && this.#db.dialect === 'sqlite') {
      // Nothing of the batch is kept while the job runs (no closure here holds it): only the job's encoding.
      write = clocksRepo.writeDuesBulk(this.#db, plain, digest, nowIso).then(countWritten);
    } else if (plain.length > 0) {
      write = inTransaction(this.#db, async (tx) => {
        const ids = new Set(await clocksRepo.updateDues(tx, plain, digest, nowIso));
        const moved = [];
        for (const u of plain) {
          if (u.moved_from !== null && ids.has(u.id)) moved.push({ clock_id: u.id, at: nowIso, due_before: u.moved_from, due_after: u.due_at, governing_rule: u.governing_rule });
        }
        await clocksRepo.insertRecomputed(tx, this.#db.dialect, moved);
        return ids.size;
      });
    }
    if (sealed.size === 0) return write;
    const opened = new Map<string, RecomputeRow>();
    for (const r of rows) if (sealed.has(r.id)) opened.set(r.id, r);
    return write.then(async (written) => {
      const sealedWritten = await inTransaction(this.#db, async (tx) => {
        let n = 0;
        for (const u of updates) {
          const row = opened.get(u.id);
          if (!row || row.subject_id === null) continue;
          const { id: _id, rowid: _rowid, revision, moved_from: from, ...fields } = u;
          const patch = await this.#storedPatch({ ...row, due_date: u.due_date }, { ...fields, rules_digest: digest, updated_at: nowIso });
          if (!(await clocksRepo.update(tx, u.id, revision, patch))) continue;
          n++;
          // A sealed clock's history keeps its due times by the week only.
          if (from !== null) {
            await clocksRepo.insertRecomputed(tx, this.#db.dialect, [
              { clock_id: u.id, at: nowIso, due_before: weekStartIso(Date.parse(from)), due_after: weekStartIso(Date.parse(u.due_at)), governing_rule: u.governing_rule },
            ]);
          }
        }
        return n;
      });
      return written + sealedWritten;
    });
  }

  /** Recomputes the open clocks computed with another profile, if any (cheap when there are none). */
  async recomputeStale(): Promise<RecomputeReport> {
    if (!(await clocksRepo.hasStale(this.#db.kysely, await this.#staleFilter(this.#db.kysely)))) return { scanned: 0, changed: 0, ms: 0 };
    return this.recomputeAll({ onlyStale: true });
  }

  /**
   * Which open clocks may still carry another profile's due dates: computed with another digest and written
   * since the last recomputation with this profile began (less a margin for instances whose clocks differ).
   */
  async #staleFilter(db: Executor): Promise<StaleFilter> {
    const digest = this.#calc.rulesDigest;
    const last = await clocksRepo.lastRecomputation(db, digest);
    return { digest, since: last === null ? null : instantToIso(Date.parse(last) - STALE_MARGIN_MS) };
  }

  /** The rows of a batch whose due time, governing rule or reminder schedule changes, with their new schedule. */
  #recomputeBatch(rows: readonly RecomputeRow[], nowMs: number, digest: string): DueUpdate[] {
    const out: DueUpdate[] = [];
    const calc = this.#calc;
    const zone = calc.zone;
    const slot = this.#slot;
    for (const row of rows) {
      const rules = this.#compile(row.rules);
      const startMs = isoToInstant(row.started_at);
      const startDay = row.start_date ? isoToDay(row.start_date) : zone.localDay(startMs);
      calc.computeCompositeInto(rules, startMs, startDay, parsePauses(row.pauses), parseExtensions(row.extensions), slot, this.#scratch);
      const governing = rules[slot.governing] as CompiledRule;
      // Compared as numbers: most clocks do not move, and they then cost no date text.
      const moved = slot.dueMs !== isoToInstant(row.due_at) || governing.name !== row.governing_rule;
      if (!moved) {
        if (row.rules_digest === digest) continue;
        // Same due time under a new profile: only the reminder schedule may have changed with the rule.
        const next = row.status === 'paused' ? null : this.#nextAction(governing, row.status, slot.dueMs, row.reminders_sent, row.escalation_level);
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
        rowid: row.rowid,
        revision: row.revision,
        status,
        due_at: instantToIso(slot.dueMs),
        due_date: dayToIso(slot.dueDay),
        governing_rule: governing.name,
        next_action_at: status === 'paused' ? null : this.#nextAction(governing, status, slot.dueMs, remindersSent, escalationLevel),
        cycle,
        reminders_sent: remindersSent,
        escalation_level: escalationLevel,
        moved_from: moved ? row.due_at : null,
      });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------------------
  // The reminder job

  /**
   * Does what is due (the `clocks.tick` job, every 5 minutes): recomputes clocks left from an older profile,
   * then for each clock whose next action time has passed sends the latest due reminder, flags it overdue at
   * its due time and escalates at each escalation time, calling the owner's handler once per event. Each
   * clock is handled in its own transaction; the unique (clock, event) key makes two instances running the
   * job at once record and notify each event once.
   */
  async tick(ctx: AppContext, options: { limit?: number } = {}): Promise<TickReport> {
    const report: TickReport = { processed: 0, reminders: 0, overdue: 0, escalated: 0, failed: 0, recomputed: 0 };
    report.recomputed = (await this.recomputeStale()).changed;
    const limit = options.limit ?? 5_000;
    // Each clock is looked at once per run: a failed one waits for the next run, and the loop always ends.
    const seen = new Set<string>();
    while (report.processed + report.failed < limit) {
      const nowIso = this.#now().toISOString();
      const ids = (await clocksRepo.dueForAction(this.#db.kysely, nowIso, Math.min(200, limit) + seen.size)).filter((id) => !seen.has(id));
      if (ids.length === 0) break;
      for (const id of ids) {
        seen.add(id);
        try {
          const counts = await inTransaction(this.#db, (tx) => this.#act(tx, ctx, id));
          // Another instance got there first: nothing was due any more.
          if (!counts) continue;
          report.processed += 1;
          report.reminders += counts.reminders;
          report.overdue += counts.overdue;
          report.escalated += counts.escalated;
        } catch (err) {
          report.failed += 1;
          const code = (err as { code?: unknown }).code;
          this.#log?.warn({ clockId: id, code: typeof code === 'string' ? code : (err as Error).name }, 'clock action failed');
        }
      }
    }
    return report;
  }

  async #act(tx: Tx, ctx: AppContext, id: string): Promise<{ reminders: number; overdue: number; escalated: number } | null> {
    const counts = { reminders: 0, overdue: 0, escalated: 0 };
    const locked = await clocksRepo.lockById(tx, this.#db.dialect, id);
    const row = locked ? await this.#exact(locked) : undefined;
    const now = this.#now();
    const nowMs = now.getTime();
    const nowIso = now.toISOString();
    if (!row || !row.next_action_at || Date.parse(row.next_action_at) > nowMs || (row.status !== 'running' && row.status !== 'overdue')) return null;
    const governing = this.#calc.rule(row.governing_rule);
    const dueMs = Date.parse(row.due_at);
    let status = row.status;
    let remindersSent = row.reminders_sent;
    let escalationLevel = row.escalation_level;
    const notices: Array<{ kind: ClockNotice['kind']; level: number; escalateTo: string | null }> = [];

    if (status === 'running' && nowMs < dueMs) {
      // Only the latest reminder that has come is sent: after downtime, "1 day left" makes "3 days left" moot.
      let latest = -1;
      governing.reminders.forEach((offset, i) => {
        const at = this.#calc.shift(dueMs, offset, -1, governing.calendar);
        if (at <= nowMs && at < dueMs) latest = i;
      });
      if (latest >= remindersSent) {
        const inserted = await this.#event(tx, row, 'reminder', nowIso, { dedupe_key: `reminder:${row.cycle}:${latest}`, level: latest + 1, due_before: row.due_at });
        if (inserted) notices.push({ kind: 'reminder', level: latest + 1, escalateTo: null });
        remindersSent = latest + 1;
      }
    } else if (status === 'running') {
      const inserted = await this.#event(tx, row, 'overdue', nowIso, { dedupe_key: `overdue:${row.cycle}`, level: 0, due_before: row.due_at });
      if (inserted) notices.push({ kind: 'overdue', level: 0, escalateTo: null });
      status = 'overdue';
      remindersSent = governing.reminders.length;
    }
    if (status === 'overdue') {
      let latest = -1;
      governing.escalations.forEach((e, i) => {
        if (this.#calc.shift(dueMs, e.after, 1, governing.calendar) <= nowMs) latest = i;
      });
      if (latest >= escalationLevel) {
        const to = (governing.escalations[latest] as { to: string }).to;
        const inserted = await this.#event(tx, row, 'escalated', nowIso, { dedupe_key: `escalated:${row.cycle}:${latest + 1}`, level: latest + 1, escalate_to: to, due_before: row.due_at });
        if (inserted) notices.push({ kind: 'escalated', level: latest + 1, escalateTo: to });
        escalationLevel = latest + 1;
      }
    }
    const patch = {
      status,
      reminders_sent: remindersSent,
      escalation_level: escalationLevel,
      next_action_at: this.#nextAction(governing, status, dueMs, remindersSent, escalationLevel),
      updated_at: nowIso,
    };
    await this.#write(tx, row, patch);
    const handlers = this.#handlers.get(row.owner);
    const clock = this.#view({ ...row, ...patch });
    for (const n of notices) {
      const notice: ClockNotice = { kind: n.kind, clock, level: n.level, escalateTo: n.escalateTo, at: now };
      if (n.kind === 'reminder') counts.reminders++;
      else if (n.kind === 'overdue') counts.overdue++;
      else counts.escalated++;
      const run: ClockHandlerRun = { tx, ctx };
      if (n.kind === 'reminder' && handlers?.onReminder) await handlers.onReminder(notice, run);
      else if (n.kind === 'overdue' && handlers?.onOverdue) await handlers.onOverdue(notice, run);
      else if (n.kind === 'escalated' && handlers?.onEscalate) await handlers.onEscalate(notice, run);
      else this.#log?.warn({ clockId: id, owner: row.owner, kind: n.kind }, 'no clock handler registered for this owner');
    }
    return counts;
  }

  // -------------------------------------------------------------------------------------------------------
  // Internals

  #compile(rules: string): CompiledRule[] {
    let list = this.#ruleLists.get(rules);
    if (!list) {
      try {
        list = rules.split(',').map((name) => this.#calc.rule(name));
      } catch (err) {
        if (err instanceof ClockRuleError) throw invalid('rules', 'clocks.error.unknownRule');
        throw err;
      }
      this.#ruleLists.set(rules, list);
    }
    return list;
  }

  /** The due time of a row's rules with its pauses and extensions (the open pause, if any, not counted). */
  #recomputed(row: Pick<ClockRow, 'rules' | 'started_at' | 'start_date' | 'pauses' | 'extensions'>): DueSlot {
    const rules = this.#compile(row.rules);
    const startMs = Date.parse(row.started_at);
    const startDay = row.start_date ? isoToDay(row.start_date) : this.#calc.zone.localDay(startMs);
    const out: DueSlot = { dueMs: 0, dueDay: 0, governing: 0 };
    this.#calc.computeCompositeInto(rules, startMs, startDay, parsePauses(row.pauses), parseExtensions(row.extensions), out, this.#scratch);
    return out;
  }

  /** When the reminder job must next look at a clock: its next reminder, its due time, or its next escalation. */
  #nextAction(governing: CompiledRule, status: ClockStatus, dueMs: number, remindersSent: number, escalationLevel: number): string | null {
    if (status === 'running') {
      const offset = governing.reminders[remindersSent];
      if (offset) {
        const at = this.#calc.shift(dueMs, offset, -1, governing.calendar);
        if (at < dueMs) return instantToIso(at);
      }
      return instantToIso(dueMs);
    }
    if (status === 'overdue') {
      const step = governing.escalations[escalationLevel];
      return step ? instantToIso(this.#calc.shift(dueMs, step.after, 1, governing.calendar)) : null;
    }
    return null;
  }

  /** The fields that close an open pause at `at` (meeting or stopping a paused clock). */
  #closePause(row: ClockRow, at: Date): Partial<ClockRow> {
    if (row.status !== 'paused' || !row.paused_since) return {};
    const from = row.paused_since;
    const to = at.getTime() > Date.parse(from) ? at.toISOString() : from;
    const pauses = row.pauses ? (JSON.parse(row.pauses) as Array<[string, string]>) : [];
    pauses.push([from, to]);
    return { paused_since: null, pauses: JSON.stringify(pauses), paused_ms: Number(row.paused_ms) + (Date.parse(to) - Date.parse(from)) };
  }

  async #lock(tx: Executor, id: string): Promise<ClockRow> {
    if (typeof id !== 'string' || !RECORD_ID.test(id)) throw new AppError('not_found', { messageKey: 'clocks.error.notFound' });
    const row = await clocksRepo.lockById(tx, this.#db.dialect, id);
    if (!row) throw new AppError('not_found', { messageKey: 'clocks.error.notFound' });
    return this.#exact(row);
  }

  async #write(tx: Executor, row: ClockRow, patch: Partial<ClockRow>): Promise<void> {
    // The row is locked, so the revision can only have moved if the caller's transaction changed it itself.
    if (!(await clocksRepo.update(tx, row.id, row.revision, await this.#storedPatch(row, patch)))) throw conflict('clocks.error.changed');
  }

  /**
   * The patch to write: for a sealed clock, the exact times sealed again and only their weeks in plain (the
   * plain `started_at` — when the clock was created — never changes).
   */
  async #storedPatch(row: Pick<ClockRow, 'id' | 'subject_id' | keyof SealedTimes>, patch: Partial<ClockRow>): Promise<Partial<ClockRow>> {
    if (row.subject_id === null) return patch;
    const merged = { ...row, ...patch };
    return { ...patch, ...(await this.#seal(row.subject_id, row.id, merged, patch.updated_at ?? this.#now().toISOString())) };
  }

  /**
   * The row as stored. A clock that counts from a personal date (`subject_id` set) keeps its exact start,
   * due and next-action times sealed under the subject's key (AAD: clocks/sealed/id); its plain columns hold
   * when the clock was created and the *week* of each time — enough to schedule, not to tell a birthday.
   */
  async #stored(row: ClockRow): Promise<ClockRow> {
    if (row.subject_id === null) return { ...row, sealed: null };
    return { ...row, started_at: row.created_at, start_date: null, ...(await this.#seal(row.subject_id, row.id, row, row.updated_at)) };
  }

  async #seal(
    subjectId: string,
    clockId: string,
    exact: SealedTimes,
    updatedAt: string,
  ): Promise<Pick<ClockRow, 'due_at' | 'due_date' | 'next_action_at' | 'updated_at' | 'sealed'>> {
    const vault = this.#vault;
    if (!vault) throw new Error('A sealed clock needs the vault (ClockService deps.vault)');
    const times: SealedTimes = { started_at: exact.started_at, start_date: exact.start_date, due_at: exact.due_at, due_date: exact.due_date, next_action_at: exact.next_action_at };
    const dueMs = Date.parse(exact.due_at);
    return {
      due_at: weekStartIso(dueMs),
      due_date: isoWeekLabel(dueMs),
      next_action_at: exact.next_action_at === null ? null : weekStartIso(Date.parse(exact.next_action_at)),
      updated_at: weekStartIso(Date.parse(updatedAt)),
      sealed: await vault.sealJson(subjectId, times, SEALED_AT(clockId)),
    };
  }

  /**
   * The row with its exact times: a sealed clock is opened with its subject's key (a forgotten subject's
   * clock cannot be: `KeyNotFoundError`). Other rows are returned as they are.
   */
  async #exact<R extends Pick<ClockRow, 'id' | 'subject_id' | 'sealed'>>(row: R): Promise<R> {
    if (row.sealed === null || row.subject_id === null) return row;
    const vault = this.#vault;
    if (!vault) throw new Error('A sealed clock needs the vault (ClockService deps.vault)');
    const sealed = row.sealed;
    const times = await vault.useSubject(row.subject_id, (c) => c.openJson<SealedTimes>(sealed, SEALED_AT(row.id)));
    return { ...row, ...times };
  }

  /**
   * Appends an event. For a sealed clock the event's time and due times are kept by the week only: a
   * reminder's time would otherwise tell the birthday it counts down to.
   */
  async #event(
    tx: Executor,
    clock: Pick<ClockRow, 'id' | 'subject_id'>,
    kind: ClockEventKind,
    at: string,
    fields: Partial<Omit<ClockEventRow, 'id' | 'clock_id' | 'kind' | 'at'>>,
  ): Promise<boolean> {
    const sealed = clock.subject_id !== null;
    const coarse = (v: string | null | undefined) => (v ? (sealed ? weekStartIso(Date.parse(v)) : v) : null);
    return clocksRepo.insertEvent(tx, {
      id: randomId(),
      clock_id: clock.id,
      kind,
      at: coarse(at) as string,
      dedupe_key: fields.dedupe_key ?? null,
      reason_code: fields.reason_code ?? null,
      note_key: fields.note_key ?? null,
      days: fields.days ?? null,
      level: fields.level ?? null,
      escalate_to: fields.escalate_to ?? null,
      due_before: coarse(fields.due_before),
      due_after: coarse(fields.due_after),
      governing_rule: fields.governing_rule ?? null,
      actor_id: fields.actor_id ?? null,
    });
  }

  #view(row: ClockRow): ClockView {
    const dueMs = Date.parse(row.due_at);
    let governing: CompiledRule | undefined;
    try {
      governing = this.#calc.rule(row.governing_rule);
    } catch {
      // A rule removed from the profile: the clock is still shown, as a legal deadline to be safe.
      governing = undefined;
    }
    let dueTime: string | null = null;
    if (governing?.hourRule) {
      const minutes = Math.floor(this.#calc.zone.localMsOfDay(dueMs) / MINUTE_MS);
      dueTime = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    }
    return {
      id: row.id,
      owner: row.owner,
      recordType: row.record_type,
      recordId: row.record_id,
      rules: row.rules.split(','),
      governingRule: row.governing_rule,
      kind: governing?.rule.kind ?? 'legal-deadline',
      startedAt: new Date(row.started_at),
      startDate: row.start_date,
      status: row.status,
      dueAt: new Date(dueMs),
      dueDate: row.due_date,
      dueTime,
      pausedSince: row.paused_since ? new Date(row.paused_since) : null,
      pauseReason: row.pause_reason,
      pausedMs: Number(row.paused_ms),
      extensions: parseExtensions(row.extensions) ?? [],
      metAt: row.met_at ? new Date(row.met_at) : null,
      metLate: row.met_at ? Date.parse(row.met_at) >= dueMs : null,
      stoppedAt: row.stopped_at ? new Date(row.stopped_at) : null,
      stopReason: row.stop_reason,
      remindersSent: row.reminders_sent,
      escalationLevel: row.escalation_level,
      nextActionAt: row.next_action_at ? new Date(row.next_action_at) : null,
    };
  }
}

function eventView(r: ClockEventRow): ClockEventView {
  return {
    id: r.id,
    clockId: r.clock_id,
    kind: r.kind,
    at: new Date(r.at),
    reasonCode: r.reason_code,
    noteKey: r.note_key,
    days: r.days,
    level: r.level,
    escalateTo: r.escalate_to,
    dueBefore: r.due_before ? new Date(r.due_before) : null,
    dueAfter: r.due_after ? new Date(r.due_after) : null,
    governingRule: r.governing_rule,
    actorId: r.actor_id,
  };
}
