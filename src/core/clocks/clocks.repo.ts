import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db, Dialect } from '../db/database.ts';
import { runBulk } from '../db/run-bulk.ts';
import type { Executor, Tx } from '../db/transaction.ts';

/** Where a clock stands. `running` and `overdue` count; `paused` waits; `met` and `stopped` are closed. */
export type ClockStatus = 'running' | 'paused' | 'overdue' | 'met' | 'stopped';

/** Statuses of clocks that are still open (may still come due or be met). */
export const OPEN_STATUSES: readonly ClockStatus[] = ['running', 'paused', 'overdue'];

/** What can happen to a clock; every one is a row in `clock_events`. */
export type ClockEventKind = 'started' | 'paused' | 'resumed' | 'extended' | 'met' | 'stopped' | 'reminder' | 'overdue' | 'escalated' | 'recomputed';

/** One clock. Times are ISO-8601 UTC text; dates `YYYY-MM-DD` in the jurisdiction's zone. */
export interface ClocksTable {
  id: string;
  /** The module (or core part) that started it, e.g. `u-visa`. */
  owner: string;
  record_type: string;
  record_id: string;
  /** Profile rule names, comma-separated; with several, the earliest due governs. */
  rules: string;
  started_at: string;
  /** Set when the clock was started from a local date (a date of birth) rather than an instant. */
  start_date: string | null;
  status: ClockStatus;
  /** When the clock becomes overdue (exclusive end of the last day, or the due hour). */
  due_at: string;
  /** The last local day to act. */
  due_date: string;
  governing_rule: string;
  paused_since: string | null;
  pause_reason: string | null;
  /** JSON `[[from, to], …]` of closed pauses (needed to recompute after a holiday change). */
  pauses: string | null;
  paused_ms: number;
  /** JSON `[{ reasonCode, days }, …]` of good-cause extensions. */
  extensions: string | null;
  met_at: string | null;
  stopped_at: string | null;
  stop_reason: string | null;
  /** Bumped when the schedule restarts (resume, extension, a recomputation that lifts an overdue flag). */
  cycle: number;
  reminders_sent: number;
  escalation_level: number;
  /** When the reminder job must next look at the clock; NULL when paused or closed. */
  next_action_at: string | null;
  /** `clockRulesDigest` of the profile the due time was computed with. */
  rules_digest: string;
  /** Optimistic concurrency: every write checks and bumps it. */
  revision: number;
  created_at: string;
  updated_at: string;
  /**
   * The vault subject whose key seals the exact dates of a clock that counts from a personal date (a date of
   * birth); `NULL` for other clocks. Such a clock's plain `started_at` is when it was created, its `due_at`,
   * `due_date`, `next_action_at` and `updated_at` only the week (see `sealed`).
   */
  subject_id: string | null;
  /** Sealed JSON of the exact `started_at`, `start_date`, `due_at`, `due_date` and `next_action_at`. */
  sealed: string | null;
}

/** One thing that happened to a clock. Append-only. */
export interface ClockEventsTable {
  id: string;
  clock_id: string;
  kind: ClockEventKind;
  at: string;
  /** Unique per clock for events that must happen once (`reminder:<cycle>:<i>`, `overdue:<cycle>`, …). */
  dedupe_key: string | null;
  reason_code: string | null;
  /** A message key explaining a good-cause delay (never free text). */
  note_key: string | null;
  days: number | null;
  level: number | null;
  escalate_to: string | null;
  due_before: string | null;
  due_after: string | null;
  governing_rule: string | null;
  actor_id: string | null;
}

/** The last recomputation with each version of the rules. */
export interface ClockRecomputationsTable {
  rules_digest: string;
  started_at: string;
  finished_at: string;
  clocks_checked: number;
  clocks_changed: number;
}

/** What a recomputation moved: the `recomputed` events, one narrow row per clock and run (see the migration). */
export interface ClockRecomputedTable {
  clock_id: string;
  /** When the run wrote it. */
  at: string;
  due_before: string | null;
  due_after: string;
  governing_rule: string;
}

declare module '../db/schema.ts' {
  interface Database {
    clocks: ClocksTable;
    clock_events: ClockEventsTable;
    clock_recomputed: ClockRecomputedTable;
    clock_recomputations: ClockRecomputationsTable;
  }
}

/**
 * Which open clocks may carry a due date from another version of the rules: computed with another digest,
 * and written since the last recomputation with this one began (`since`; `null` when there has been none).
 */
export interface StaleFilter {
  digest: string;
  since: string | null;
}

export type ClockRow = Selectable<ClocksTable>;
export type ClockEventRow = Selectable<ClockEventsTable>;

/** The columns a recomputation reads. */
export type RecomputeRow = Pick<
  ClockRow,
  | 'id'
  | 'rules'
  | 'started_at'
  | 'start_date'
  | 'status'
  | 'due_at'
  | 'governing_rule'
  | 'pauses'
  | 'extensions'
  | 'cycle'
  | 'reminders_sent'
  | 'escalation_level'
  | 'next_action_at'
  | 'rules_digest'
  | 'revision'
  | 'subject_id'
  | 'sealed'
> & {
  /** On SQLite: where the row is stored (the bulk write finds it by it, and checks the id too). */
  rowid?: number;
};

/** What a recomputation reads of each clock. */
const SCAN_COLUMNS = [
  'id',
  'rules',
  'started_at',
  'start_date',
  'status',
  'due_at',
  'governing_rule',
  'pauses',
  'extensions',
  'cycle',
  'reminders_sent',
  'escalation_level',
  'next_action_at',
  'rules_digest',
  'revision',
  'subject_id',
  'sealed',
] as const;

/** A {@link RecomputeRow} as a JSON array, in the order of {@link SCAN_COLUMNS} (SQLite adds the rowid). */
type ScanTuple = { -readonly [K in keyof typeof SCAN_COLUMNS]: (typeof SCAN_COLUMNS)[K] extends keyof RecomputeRow ? RecomputeRow[(typeof SCAN_COLUMNS)[K]] : never };

function recomputeRow(t: ScanTuple): RecomputeRow {
  return {
    id: t[0],
    rules: t[1],
    started_at: t[2],
    start_date: t[3],
    status: t[4],
    due_at: t[5],
    governing_rule: t[6],
    pauses: t[7],
    extensions: t[8],
    cycle: t[9],
    reminders_sent: t[10],
    escalation_level: t[11],
    next_action_at: t[12],
    rules_digest: t[13],
    revision: t[14],
    subject_id: t[15],
    sealed: t[16],
    rowid: (t as unknown as unknown[])[17] as number,
  };
}

/** A recomputation's row as an event of the clock's history (its id is made of the time: one per clock and run). */
function recomputedEvent(r: ClockRecomputedTable): ClockEventRow {
  return {
    id: `recomputed-${r.at}`,
    clock_id: r.clock_id,
    kind: 'recomputed',
    at: r.at,
    dedupe_key: null,
    reason_code: 'profile-changed',
    note_key: null,
    days: null,
    level: null,
    escalate_to: null,
    due_before: r.due_before,
    due_after: r.due_after,
    governing_rule: r.governing_rule,
    actor_id: null,
  };
}

/** One row of a batched due-time update. */
export interface DueUpdate {
  id: string;
  /** On SQLite: the row's rowid, as read. */
  rowid?: number;
  revision: number;
  status: ClockStatus;
  due_at: string;
  due_date: string;
  governing_rule: string;
  next_action_at: string | null;
  cycle: number;
  reminders_sent: number;
  escalation_level: number;
  /** The due time before, when the due time or the governing rule moves (a new reminder schedule alone is no history entry). */
  moved_from: string | null;
}

// Rows per statement where each row is a bound parameter (ids in a delete), and per JSON parameter.
const WRITE_CHUNK = 500;
const JSON_CHUNK = 5_000;

/** Queries of the clock tables. Repositories never decide anything; the service does. */
export const clocksRepo = {
  async insert(db: Executor, row: Insertable<ClocksTable>): Promise<void> {
    await db.insertInto('clocks').values(row).execute();
  },

  async byId(db: Executor, id: string): Promise<ClockRow | undefined> {
    return db.selectFrom('clocks').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The clocks with these ids (at most a page's worth), in no particular order. */
  async byIds(db: Executor, ids: readonly string[]): Promise<ClockRow[]> {
    if (ids.length === 0) return [];
    return db.selectFrom('clocks').selectAll().where('id', 'in', ids).execute();
  },

  /**
   * Reads a clock for a change, holding its row until the transaction ends: `FOR UPDATE` on PostgreSQL; on
   * SQLite a no-op write first, which takes the database's write lock before the read (a read-then-write
   * transaction on a stale snapshot would fail instead of waiting).
   */
  async lockById(db: Executor, dialect: Dialect, id: string): Promise<ClockRow | undefined> {
    if (dialect === 'postgres') return db.selectFrom('clocks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    await db.updateTable('clocks').set((eb) => ({ revision: eb.ref('revision') })).where('id', '=', id).execute();
    return db.selectFrom('clocks').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Writes `patch` if the row is still at `revision`; returns whether it did. */
  async update(db: Executor, id: string, revision: number, patch: Partial<Omit<ClocksTable, 'id' | 'revision'>>): Promise<boolean> {
    const result = await db
      .updateTable('clocks')
      .set((eb) => ({ ...patch, revision: eb('revision', '+', 1) }))
      .where('id', '=', id)
      .where('revision', '=', revision)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /** Inserts an event; with a dedupe key, does nothing when that (clock, key) exists. Returns whether it inserted. */
  async insertEvent(db: Executor, row: Insertable<ClockEventsTable>): Promise<boolean> {
    const result = await db
      .insertInto('clock_events')
      .values(row)
      .onConflict((oc) => oc.columns(['clock_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  },

  /** A clock's history: its events and what recomputations moved, oldest first. */
  async eventsOf(db: Executor, clockId: string): Promise<ClockEventRow[]> {
    const [events, moved] = await Promise.all([
      db.selectFrom('clock_events').selectAll().where('clock_id', '=', clockId).execute(),
      db.selectFrom('clock_recomputed').selectAll().where('clock_id', '=', clockId).execute(),
    ]);
    const all: ClockEventRow[] = [...events, ...moved.map(recomputedEvent)];
    return all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  },

  async forRecord(db: Executor, owner: string, recordType: string, recordId: string): Promise<ClockRow[]> {
    return db
      .selectFrom('clocks')
      .selectAll()
      .where('owner', '=', owner)
      .where('record_type', '=', recordType)
      .where('record_id', '=', recordId)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
  },

  async listOpen(db: Executor, options: { owner?: string; recordType?: string; dueBefore?: string; limit: number; statuses: readonly ClockStatus[] }): Promise<ClockRow[]> {
    let q = db.selectFrom('clocks').selectAll().where('status', 'in', options.statuses);
    if (options.owner !== undefined) q = q.where('owner', '=', options.owner);
    if (options.recordType !== undefined) q = q.where('record_type', '=', options.recordType);
    if (options.dueBefore !== undefined) q = q.where('due_at', '<', options.dueBefore);
    return q.orderBy('due_at').orderBy('id').limit(options.limit).execute();
  },

  /** Ids of clocks whose next action time has come, earliest first. */
  async dueForAction(db: Executor, now: string, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('clocks')
      .select('id')
      .where('next_action_at', '<=', now)
      .orderBy('next_action_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  /**
   * The next open clocks after `afterId` (keyset by id), with only what a recomputation needs; rows come in no
   * particular order. On SQLite the batch comes as one JSON text of arrays built by the database: turning 17 columns of
   * thousands of rows into JavaScript values one by one costs more than twice as much as parsing one document,
   * and arrays parse in two thirds of the time of objects that repeat every column name (measured).
   */
  async scanOpen(db: Executor, dialect: Dialect, options: { afterId: string; limit: number; stale?: StaleFilter }): Promise<RecomputeRow[]> {
    let q = db.selectFrom('clocks').select(SCAN_COLUMNS).where('id', '>', options.afterId).where('status', 'in', OPEN_STATUSES);
    const stale = options.stale;
    if (stale) {
      q = q.where('rules_digest', '<>', stale.digest);
      const since = stale.since;
      // A sealed clock's `updated_at` is only its week: it counts as written since the run began.
      if (since !== null) q = q.where((eb) => eb.or([eb('updated_at', '>=', since), eb('sealed', 'is not', null)]));
    }
    q = q.orderBy('id').limit(options.limit);
    if (dialect !== 'sqlite') return q.execute();
    const fields = sql.join([...SCAN_COLUMNS.map((c) => sql.ref(`s.${c}`)), sql.ref('s.rid')]);
    const batch = await sql<{ j: string }>`select json_group_array(json_array(${fields})) as j from (${q.select(sql<number>`rowid`.as('rid'))}) as s`.execute(db);
    return (JSON.parse(batch.rows[0]?.j ?? '[]') as ScanTuple[]).map(recomputeRow);
  },

  /** Open clocks counted by owner and status, and how many were computed with another profile (counts only). */
  async countOpen(db: Executor, stale: StaleFilter): Promise<Array<{ owner: string; status: ClockStatus; n: number; stale: number }>> {
    const rows = await db
      .selectFrom('clocks')
      .select((eb) => [
        'owner',
        'status',
        eb.fn.countAll<number>().as('n'),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb('rules_digest', '<>', stale.digest), eb.or([eb('updated_at', '>=', stale.since ?? ''), eb('sealed', 'is not', null)])]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('stale'),
      ])
      .where('status', 'in', OPEN_STATUSES)
      .groupBy(['owner', 'status'])
      .orderBy('owner')
      .orderBy('status')
      .execute();
    return rows.map((r) => ({ owner: r.owner, status: r.status, n: Number(r.n), stale: Number(r.stale ?? 0) }));
  },

  /** Whether any open clock may carry a due date from another version of the rules. */
  async hasStale(db: Executor, stale: StaleFilter): Promise<boolean> {
    let q = db.selectFrom('clocks').select('id').where('status', 'in', OPEN_STATUSES).where('rules_digest', '<>', stale.digest);
    const since = stale.since;
    if (since !== null) q = q.where((eb) => eb.or([eb('updated_at', '>=', since), eb('sealed', 'is not', null)]));
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  },

  /** When the last recomputation with `digest` began, or `null`. */
  async lastRecomputation(db: Executor, digest: string): Promise<string | null> {
    const row = await db.selectFrom('clock_recomputations').select('started_at').where('rules_digest', '=', digest).executeTakeFirst();
    return row?.started_at ?? null;
  },

  /** Records a finished recomputation (one row per digest, the latest run). */
  async recordRecomputation(db: Executor, row: ClockRecomputationsTable): Promise<void> {
    await db
      .insertInto('clock_recomputations')
      .values(row)
      .onConflict((oc) =>
        oc.column('rules_digest').doUpdateSet({ started_at: row.started_at, finished_at: row.finished_at, clocks_checked: row.clocks_checked, clocks_changed: row.clocks_changed }),
      )
      .execute();
  },

  /**
   * SQLite: writes new due times for many clocks in one bulk job ({@link runBulk}: on the bulk writer's thread),
   * each row found by its rowid (and its id, should a VACUUM have renumbered the table since it was read) and
   * only if it is still at the revision read, and what it moved (`recomputed`) for each written row
   * whose `moved_from` is set. Returns the rows written, per row.
   */
  async writeDuesBulk(db: Db, rows: readonly DueUpdate[], digest: string, now: string): Promise<Uint8Array> {
    return runBulk(db, {
      statement: sql`update clocks set status = ${2}, due_at = ${3}, due_date = ${4}, governing_rule = ${5}, next_action_at = ${6}, cycle = ${7},
            reminders_sent = ${8}, escalation_level = ${9}, rules_digest = ${0}, updated_at = ${1}, revision = revision + 1
          where rowid = ${13} and id = ${10} and revision = ${11}`,
      shared: [digest, now],
      rows: rows.map((r) => {
        if (r.rowid === undefined) throw new TypeError('writeDuesBulk: a row read without its rowid');
        return [r.status, r.due_at, r.due_date, r.governing_rule, r.next_action_at, r.cycle, r.reminders_sent, r.escalation_level, r.id, r.revision, r.moved_from, r.rowid];
      }),
      then: {
        statement: sql`insert into clock_recomputed (clock_id, at, due_before, due_after, governing_rule) values (${10}, ${1}, ${12}, ${3}, ${5}) on conflict do nothing`,
        unlessNull: 12,
      },
      // The only reference written is a history row's to the clock the same job just updated.
      foreignKeys: false,
    });
  },

  /**
   * PostgreSQL: writes new due times for many clocks, each row only if it is still at the revision read; returns
   * the ids written. One statement per chunk, the rows travelling as one JSON parameter (`jsonb_array_elements`),
   * so the SQL text stays constant.
   */
  async updateDues(tx: Tx, rows: readonly DueUpdate[], digest: string, now: string): Promise<string[]> {
    const tuple = (r: DueUpdate) => [r.id, r.revision, r.status, r.due_at, r.due_date, r.governing_rule, r.next_action_at, r.cycle, r.reminders_sent, r.escalation_level];
    const written: string[] = [];
    for (let i = 0; i < rows.length; i += JSON_CHUNK) {
      const json = JSON.stringify(rows.slice(i, i + JSON_CHUNK).map(tuple));
      const result = await sql<{ id: string }>`
        with v as materialized (
          select e->>0 as id, (e->>1)::integer as revision, e->>2 as status, e->>3 as due_at, e->>4 as due_date, e->>5 as governing_rule,
            e->>6 as next_action_at, (e->>7)::integer as cycle, (e->>8)::integer as reminders_sent, (e->>9)::integer as escalation_level
          from jsonb_array_elements(cast(${json} as jsonb)) as e)
        update clocks set
          status = v.status,
          due_at = v.due_at,
          due_date = v.due_date,
          governing_rule = v.governing_rule,
          next_action_at = v.next_action_at,
          cycle = v.cycle,
          reminders_sent = v.reminders_sent,
          escalation_level = v.escalation_level,
          rules_digest = ${digest},
          updated_at = ${now},
          revision = clocks.revision + 1
        from v
        where clocks.id = v.id and clocks.revision = v.revision
        returning clocks.id`.execute(tx);
      for (const r of result.rows) written.push(r.id);
    }
    return written;
  },

  /** Records what recomputations moved (PostgreSQL: one statement per chunk, the rows as one JSON parameter). */
  async insertRecomputed(tx: Tx, dialect: Dialect, rows: readonly ClockRecomputedTable[]): Promise<void> {
    if (dialect === 'sqlite') {
      for (const r of rows) await tx.insertInto('clock_recomputed').values(r).onConflict((oc) => oc.doNothing()).execute();
      return;
    }
    for (let i = 0; i < rows.length; i += JSON_CHUNK) {
      const json = JSON.stringify(rows.slice(i, i + JSON_CHUNK).map((r) => [r.clock_id, r.at, r.due_before, r.due_after, r.governing_rule]));
      await sql`
        insert into clock_recomputed (clock_id, at, due_before, due_after, governing_rule)
        select e->>0, e->>1, e->>2, e->>3, e->>4 from jsonb_array_elements(cast(${json} as jsonb)) as e
        on conflict do nothing`.execute(tx);
    }
  },

  /** Events of some kinds within a time window, with the record each clock times. */
  async eventsWithRecords(
    db: Executor,
    options: { owner?: string; kinds: readonly ClockEventKind[]; from?: string; to?: string; limit: number },
  ): Promise<Array<ClockEventRow & { owner: string; record_type: string; record_id: string }>> {
    let q = db
      .selectFrom('clock_events as e')
      .innerJoin('clocks as c', 'c.id', 'e.clock_id')
      .selectAll('e')
      .select(['c.owner', 'c.record_type', 'c.record_id'])
      // One kind is written `kind = …` so that both databases can use the partial index of extensions.
      .where((eb) => (options.kinds.length === 1 ? eb('e.kind', '=', options.kinds[0] as ClockEventKind) : eb('e.kind', 'in', options.kinds)));
    if (options.owner !== undefined) q = q.where('c.owner', '=', options.owner);
    if (options.from !== undefined) q = q.where('e.at', '>=', options.from);
    if (options.to !== undefined) q = q.where('e.at', '<', options.to);
    return q.orderBy('e.at').orderBy('e.id').limit(options.limit).execute();
  },

  /** Ids of an owner's clocks of one record type that are not sealed yet (clocks written before sealing existed). */
  async unsealedIds(db: Executor, owner: string, recordType: string, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('clocks')
      .select('id')
      .where('owner', '=', owner)
      .where('record_type', '=', recordType)
      .where('subject_id', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  /** A clock's events, for coarsening their times when the clock is sealed. */
  async eventTimes(db: Executor, clockId: string): Promise<Array<Pick<ClockEventRow, 'id' | 'at' | 'due_before' | 'due_after'>>> {
    return db.selectFrom('clock_events').select(['id', 'at', 'due_before', 'due_after']).where('clock_id', '=', clockId).execute();
  },

  /** What recomputations moved for a clock, for coarsening its due times when the clock is sealed. */
  async recomputedOf(db: Executor, clockId: string): Promise<ClockRecomputedTable[]> {
    return db.selectFrom('clock_recomputed').selectAll().where('clock_id', '=', clockId).execute();
  },

  /** Rewrites the due times of one recomputation of a clock (only when the clock is sealed). */
  async setRecomputedDues(db: Executor, clockId: string, at: string, dues: Pick<ClockRecomputedTable, 'due_before' | 'due_after'>): Promise<void> {
    await db.updateTable('clock_recomputed').set(dues).where('clock_id', '=', clockId).where('at', '=', at).execute();
  },

  /** Rewrites one event's times (only when a clock is sealed; the history is otherwise append-only). */
  async setEventTimes(db: Executor, id: string, times: Pick<ClockEventRow, 'at' | 'due_before' | 'due_after'>): Promise<void> {
    await db.updateTable('clock_events').set(times).where('id', '=', id).execute();
  },

  /** Deletes the clocks (and, by cascade, the history) of records an owner has deleted. */
  async deleteForRecords(db: Executor, owner: string, recordType: string, recordIds: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < recordIds.length; i += WRITE_CHUNK) {
      const ids = recordIds.slice(i, i + WRITE_CHUNK);
      // Explicit child deletes first: SQLite enforces the cascade only with foreign_keys on, and it is cheap.
      for (const table of ['clock_events', 'clock_recomputed'] as const) {
        await db
          .deleteFrom(table)
          .where('clock_id', 'in', (eb) => eb.selectFrom('clocks').select('id').where('owner', '=', owner).where('record_type', '=', recordType).where('record_id', 'in', ids))
          .execute();
      }
      const result = await db.deleteFrom('clocks').where('owner', '=', owner).where('record_type', '=', recordType).where('record_id', 'in', ids).executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  },
};
