import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ClockService, type ClockNotice } from '../../src/core/clocks/index.ts';
import { clocksMigrations } from '../../src/core/clocks/clocks.migrations.ts';
import type { Db } from '../../src/core/db/database.ts';
import { collectMigrations, migrateToLatest } from '../../src/core/db/migrator.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { AppError } from '../../src/core/http/errors.ts';
import { type Jurisdiction, loadJurisdiction, parseJurisdiction } from '../../src/core/jurisdiction/index.ts';
import { minneapolisProfile } from '../../src/core/jurisdiction/profiles/minneapolis.ts';
import { createLogger } from '../../src/core/log.ts';
import type { AppContext } from '../../src/core/modules/context.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';

const migrations = collectMigrations([{ owner: 'core', migrations: clocksMigrations }]);
const mpls = loadJurisdiction('minneapolis');
const testville = loadJurisdiction('testville');
const cst = (local: string) => new Date(`${local}-06:00`);
const EXPEDITED = ['uVisaCertificationExpedited', 'uVisaCertificationStateMaximumExpedited'];

/** Minneapolis with one more city holiday (a council-declared closure), as a new profile version would add it. */
function withExtraHoliday(month: number, day: number): Jurisdiction {
  const raw = structuredClone(minneapolisProfile) as unknown as { version: string; holidays: { rules: unknown[] } };
  raw.version = '2026.99';
  raw.holidays.rules.push({
    value: { id: 'council-closure', name: 'Council closure', calendars: ['city'], rule: { kind: 'fixed', month, day }, observance: 'none' },
    source: 'test: a closure declared by the council',
  });
  return parseJurisdiction(raw, 'minneapolis');
}

/** Expects `fn` to fail with an AppError of `code` and message key `key`. */
async function rejects(fn: () => Promise<unknown>, code: string, key: string): Promise<void> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  expect(error, key).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  expect((error as AppError).messageKey).toBe(key);
}

describeEachDialect('clocks', (dialect) => {
  let t: TestDatabase;
  let clock: Date;
  const now = () => clock;
  let clocks: ClockService;
  let ctx: AppContext;
  const notices: ClockNotice[] = [];

  const service = (db: Db, jurisdiction: Jurisdiction = mpls) => {
    const s = new ClockService({ db, now, jurisdiction, log: createLogger({ level: 'silent' }) });
    s.registerHandler('u-visa', {
      onReminder: async (n) => void notices.push(n),
      onOverdue: async (n) => void notices.push(n),
      onEscalate: async (n) => void notices.push(n),
    });
    return s;
  };
  const tx = <T>(fn: (tx: Parameters<Parameters<typeof inTransaction>[1]>[0]) => Promise<T>) => inTransaction(t.db, fn);
  const start = (rules: readonly string[], startAt: Date | string, s = clocks, recordId = 'REQ1') =>
    inTransaction(t.db, (x) => s.startClock(x, { owner: 'u-visa', recordType: 'request', recordId, rules, start: startAt, by: 'STAFF1' }));
  const kinds = async (id: string, s = clocks) => (await s.historyOf(id)).map((e) => e.kind);

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    await migrateToLatest(t.db, migrations);
    clock = cst('2026-01-05T09:00:00');
    notices.length = 0;
    clocks = service(t.db);
    ctx = { db: t.db, now, log: createLogger({ level: 'silent' }) } as unknown as AppContext;
  });
  afterEach(async () => {
    await t.drop();
  });

  it('starts a composite clock: the stricter rule governs and the start is in the history', async () => {
    const c = await start(EXPEDITED, clock);
    expect(c).toMatchObject({ status: 'running', dueDate: '2026-01-12', governingRule: 'uVisaCertificationExpedited', kind: 'legal-deadline', dueTime: null, rules: EXPEDITED });
    expect(c.dueAt).toEqual(cst('2026-01-13T00:00:00'));
    expect(c.nextActionAt).toEqual(cst('2026-01-10T00:00:00')); // 3 days left
    expect(await clocks.get(c.id)).toEqual(c);
    const [started] = await clocks.historyOf(c.id);
    expect(started).toMatchObject({ kind: 'started', actorId: 'STAFF1', governingRule: 'uVisaCertificationExpedited', dueAfter: c.dueAt });
    const standard = await start(['uVisaCertificationStateMaximum', 'uVisaCertification'], clock, clocks, 'REQ2');
    expect(standard).toMatchObject({ dueDate: '2026-02-04', governingRule: 'uVisaCertification' });
  });

  it('refuses bad input with a translated error and writes nothing', async () => {
    await rejects(() => start(['noSuchRule'], clock), 'validation', 'clocks.error.unknownRule');
    await rejects(() => start([], clock), 'validation', 'clocks.error.unknownRule');
    await rejects(() => start(['biaAppeal'], '2026-02-30'), 'validation', 'clocks.error.badStart');
    await rejects(() => start(['biaAppeal'], new Date('x')), 'validation', 'clocks.error.badStart');
    await rejects(() => tx((x) => clocks.startClock(x, { owner: 'u-visa', recordType: 'request', recordId: 'Ana López', rules: ['biaAppeal'], start: clock })), 'validation', 'clocks.error.badRecord');
    await rejects(() => tx((x) => clocks.startClock(x, { owner: 'U Visa', recordType: 'request', recordId: 'R1', rules: ['biaAppeal'], start: clock })), 'validation', 'clocks.error.badOwner');
    expect(await clocks.listOpen()).toEqual([]);
    await rejects(() => tx((x) => clocks.pause(x, 'NOPE', 'awaiting-requester')), 'not_found', 'clocks.error.notFound');
  });

  it('pauses only where every rule allows it (no Minneapolis rule does)', async () => {
    const c = await start(EXPEDITED, clock);
    await rejects(() => tx((x) => clocks.pause(x, c.id, 'awaiting-requester')), 'conflict', 'clocks.error.pauseNotAllowed');
    await rejects(() => tx((x) => clocks.pause(x, c.id, 'Not a code')), 'validation', 'clocks.error.badReason');
    expect(await clocks.get(c.id)).toEqual(c);
    expect(await kinds(c.id)).toEqual(['started']);
  });

  it('pauses and resumes where the rule allows it: the paused business days move the due date', async () => {
    const tv = service(t.db, testville);
    clock = new Date('2026-07-01T10:00:00-07:00');
    const c = await start(['uVisaCertificationExpedited'], clock, tv);
    expect(c.dueDate).toBe('2026-07-15');
    await rejects(() => tx((x) => tv.pause(x, c.id, 'offsite-records')), 'conflict', 'clocks.error.pauseNotAllowed');
    clock = new Date('2026-07-10T10:00:00-07:00');
    const paused = await tx((x) => tv.pause(x, c.id, 'awaiting-requester', { by: 'STAFF2' }));
    expect(paused).toMatchObject({ status: 'paused', pauseReason: 'awaiting-requester', nextActionAt: null, pausedSince: clock });
    await rejects(() => tx((x) => tv.pause(x, c.id, 'awaiting-requester')), 'conflict', 'clocks.error.alreadyPaused');
    clock = new Date('2026-07-15T08:00:00-07:00');
    const resumed = await tx((x) => tv.resume(x, c.id, { by: 'STAFF2' }));
    // Friday 10, Monday 13 and Tuesday 14 July were paused: 3 business days more.
    expect(resumed).toMatchObject({ status: 'running', dueDate: '2026-07-20', pausedSince: null, pausedMs: 5 * 86_400_000 - 2 * 3_600_000 });
    await rejects(() => tx((x) => tv.resume(x, c.id)), 'conflict', 'clocks.error.notPaused');
    const history = await tv.historyOf(c.id);
    expect(history.map((e) => [e.kind, e.reasonCode, e.actorId])).toEqual([
      ['started', null, 'STAFF1'],
      ['paused', 'awaiting-requester', 'STAFF2'],
      ['resumed', 'awaiting-requester', 'STAFF2'],
    ]);
    expect(history[2]).toMatchObject({ dueBefore: c.dueAt, dueAfter: resumed.dueAt });
  });

  it('records a good-cause delay, which never passes the state maximum, and reports it', async () => {
    const c = await start(EXPEDITED, clock);
    clock = cst('2026-01-09T11:00:00');
    const delayed = await tx((x) => clocks.extendForGoodCause(x, c.id, { reasonCode: 'offsite-records', days: 30, noteKey: 'u-visa.goodCause.policeArchive', by: 'STAFF3' }));
    // The city's 7 days become 37; the state's 14 days have no good-cause exception and now govern.
    expect(delayed).toMatchObject({ dueDate: '2026-01-19', governingRule: 'uVisaCertificationStateMaximumExpedited', extensions: [{ reasonCode: 'offsite-records', days: 30 }] });
    const [, extended] = await clocks.historyOf(c.id);
    expect(extended).toMatchObject({ kind: 'extended', reasonCode: 'offsite-records', noteKey: 'u-visa.goodCause.policeArchive', days: 30, dueBefore: c.dueAt, dueAfter: delayed.dueAt, actorId: 'STAFF3' });

    await rejects(() => tx((x) => clocks.extendForGoodCause(x, c.id, { reasonCode: 'awaiting-requester', days: 5 })), 'conflict', 'clocks.error.goodCauseNotAllowed');
    await rejects(() => tx((x) => clocks.extendForGoodCause(x, c.id, { reasonCode: 'offsite-records', days: 0 })), 'validation', 'clocks.error.badDays');
    await rejects(() => tx((x) => clocks.extendForGoodCause(x, c.id, { reasonCode: 'offsite-records', days: 3, noteKey: 'free text here' })), 'validation', 'clocks.error.badNote');
    const bia = await start(['biaAppeal'], clock, clocks, 'CASE1');
    await rejects(() => tx((x) => clocks.extendForGoodCause(x, bia.id, { reasonCode: 'offsite-records', days: 3 })), 'conflict', 'clocks.error.goodCauseNotAllowed');

    const report = await clocks.goodCauseReport({ owner: 'u-visa', from: cst('2026-01-01T00:00:00'), to: cst('2026-02-01T00:00:00') });
    expect(report).toMatchObject({ total: 1, byReason: { 'offsite-records': 1 } });
    expect(report.extensions[0]).toMatchObject({ clockId: c.id, recordType: 'request', recordId: 'REQ1', days: 30 });
    expect((await clocks.goodCauseReport({ owner: 'u-visa', from: cst('2026-02-01T00:00:00') })).total).toBe(0);
  });

  it('meets a clock on time or late, and refuses times that cannot be', async () => {
    const onTime = await start(EXPEDITED, clock, clocks, 'A');
    const late = await start(['legalDefenseProviderAccept'], clock, clocks, 'B');
    clock = cst('2026-01-06T09:00:00');
    await rejects(() => tx((x) => clocks.meet(x, onTime.id, cst('2026-01-07T09:00:00'))), 'validation', 'clocks.error.badTime');
    await rejects(() => tx((x) => clocks.meet(x, onTime.id, cst('2026-01-01T09:00:00'))), 'validation', 'clocks.error.badTime');
    expect(await tx((x) => clocks.meet(x, onTime.id, cst('2026-01-06T08:00:00'), { by: 'CERT1' }))).toMatchObject({ status: 'met', metLate: false, nextActionAt: null });
    expect(await tx((x) => clocks.meet(x, late.id))).toMatchObject({ status: 'met', metLate: true, metAt: clock });
    await rejects(() => tx((x) => clocks.meet(x, late.id)), 'conflict', 'clocks.error.closed');
    await rejects(() => tx((x) => clocks.extendForGoodCause(x, onTime.id, { reasonCode: 'offsite-records', days: 1 })), 'conflict', 'clocks.error.closed');
    const stopped = await start(['biaAppeal'], clock, clocks, 'C');
    expect(await tx((x) => clocks.stop(x, stopped.id, 'request-withdrawn'))).toMatchObject({ status: 'stopped', stopReason: 'request-withdrawn' });
    expect(await kinds(stopped.id)).toEqual(['started', 'stopped']);
    expect((await clocks.historyOf(onTime.id)).at(-1)).toMatchObject({ kind: 'met', actorId: 'CERT1', at: cst('2026-01-06T08:00:00') });
    expect(await clocks.listOpen()).toEqual([]);
  });

  it('lists open clocks by due date and finds the clocks of a record', async () => {
    const a = await start(['uVisaCertification'], clock, clocks, 'A');
    const b = await start(EXPEDITED, clock, clocks, 'B');
    const other = await inTransaction(t.db, (x) => clocks.startClock(x, { owner: 'legal-defense', recordType: 'case', recordId: 'A', rules: ['biaAppeal'], start: clock }));
    expect((await clocks.listOpen({ owner: 'u-visa' })).map((c) => c.id)).toEqual([b.id, a.id]);
    expect((await clocks.listOpen({ dueBefore: cst('2026-02-01T00:00:00') })).map((c) => c.id)).toEqual([b.id]);
    expect((await clocks.forRecord({ owner: 'legal-defense', recordType: 'case', recordId: 'A' })).map((c) => c.id)).toEqual([other.id]);
    expect(await inTransaction(t.db, (x) => clocks.forgetRecords(x, { owner: 'u-visa', recordType: 'request', recordIds: ['A', 'B'] }))).toBe(2);
    expect(await clocks.get(a.id)).toBeUndefined();
    expect(await clocks.historyOf(b.id)).toEqual([]);
    expect((await clocks.listOpen()).map((c) => c.id)).toEqual([other.id]);
  });

  it('reminds, flags overdue and escalates once each, through the owner handler, with a complete history', async () => {
    const c = await start(EXPEDITED, clock); // due by the end of 12 January
    expect(await clocks.tick(ctx)).toMatchObject({ processed: 0 });
    clock = cst('2026-01-10T00:05:00'); // 3 days left
    expect(await clocks.tick(ctx)).toMatchObject({ processed: 1, reminders: 1 });
    expect(await clocks.tick(ctx)).toMatchObject({ processed: 0 });
    clock = cst('2026-01-12T07:00:00'); // 1 day left
    await clocks.tick(ctx);
    clock = cst('2026-01-13T00:00:00'); // due
    expect(await clocks.tick(ctx)).toMatchObject({ processed: 1, overdue: 1, escalated: 1 });
    clock = cst('2026-01-20T00:00:00');
    expect(await clocks.tick(ctx)).toMatchObject({ processed: 0 });
    expect(notices.map((n) => [n.kind, n.level, n.escalateTo])).toEqual([
      ['reminder', 1, null],
      ['reminder', 2, null],
      ['overdue', 0, null],
      ['escalated', 1, 'supervisor'],
    ]);
    expect(notices[3]?.clock).toMatchObject({ id: c.id, status: 'overdue', escalationLevel: 1, recordId: 'REQ1' });
    expect(await kinds(c.id)).toEqual(['started', 'reminder', 'reminder', 'overdue', 'escalated']);
    expect(await clocks.get(c.id)).toMatchObject({ status: 'overdue', nextActionAt: null, remindersSent: 2 });
    // Met late after all.
    expect(await tx((x) => clocks.meet(x, c.id))).toMatchObject({ status: 'met', metLate: true });
  });

  it('escalates step by step where the rule has several steps (Testville: supervisor at due, program lead 2 hours later)', async () => {
    const tv = service(t.db, testville);
    clock = new Date('2026-03-02T08:00:00-07:00');
    const c = await start(['legalDefenseFirstAttorneyContact'], clock, tv);
    expect(c).toMatchObject({ dueDate: '2026-03-02', dueTime: '20:00', kind: 'service-level' });
    clock = new Date('2026-03-02T20:00:00-07:00');
    expect(await tv.tick(ctx)).toMatchObject({ overdue: 1, escalated: 1 });
    expect((await tv.get(c.id))?.nextActionAt).toEqual(new Date('2026-03-02T22:00:00-07:00'));
    clock = new Date('2026-03-02T21:59:00-07:00');
    expect(await tv.tick(ctx)).toMatchObject({ processed: 0 });
    clock = new Date('2026-03-02T22:00:00-07:00');
    expect(await tv.tick(ctx)).toMatchObject({ escalated: 1 });
    expect(notices.filter((n) => n.kind !== 'reminder').map((n) => [n.kind, n.level, n.escalateTo])).toEqual([
      ['overdue', 0, null],
      ['escalated', 1, 'supervisor'],
      ['escalated', 2, 'program-lead'],
    ]);
    expect(await tv.get(c.id)).toMatchObject({ escalationLevel: 2, nextActionAt: null });
  });

  it('sends only the latest reminder after downtime, and restarts reminders after an extension', async () => {
    const c = await start(EXPEDITED, clock);
    clock = cst('2026-01-12T12:00:00'); // both reminder times have passed
    await clocks.tick(ctx);
    expect(notices.map((n) => [n.kind, n.level])).toEqual([['reminder', 2]]);
    await tx((x) => clocks.extendForGoodCause(x, c.id, { reasonCode: 'other-good-cause', days: 2 }));
    // Now due by the end of 14 January: fewer than 3 days are left, so the first reminder comes again …
    clock = cst('2026-01-12T23:00:00');
    await clocks.tick(ctx);
    expect(notices.map((n) => [n.kind, n.level])).toEqual([
      ['reminder', 2],
      ['reminder', 1],
    ]);
    clock = cst('2026-01-13T23:59:00');
    expect(await clocks.tick(ctx)).toMatchObject({ processed: 0 });
    // … and the last one on the last day.
    clock = cst('2026-01-14T00:00:01');
    await clocks.tick(ctx);
    expect(notices.map((n) => [n.kind, n.level])).toEqual([
      ['reminder', 2],
      ['reminder', 1],
      ['reminder', 2],
    ]);
    expect(await kinds(c.id)).toEqual(['started', 'reminder', 'extended', 'reminder', 'reminder']);
  });

  it('rolls back an event whose handler fails, and records it once when the handler works', async () => {
    let fail = true;
    const flaky = new ClockService({ db: t.db, now, jurisdiction: mpls, log: createLogger({ level: 'silent' }) });
    flaky.registerHandler('u-visa', {
      onReminder: async (n) => {
        if (fail) throw Object.assign(new Error('SMTP down'), { code: 'ECONNREFUSED' });
        notices.push(n);
      },
    });
    const c = await start(EXPEDITED, clock, flaky);
    clock = cst('2026-01-10T00:05:00');
    expect(await flaky.tick(ctx)).toMatchObject({ processed: 0, failed: 1 });
    expect(await kinds(c.id)).toEqual(['started']);
    fail = false;
    expect(await flaky.tick(ctx)).toMatchObject({ processed: 1, reminders: 1 });
    expect(await kinds(c.id)).toEqual(['started', 'reminder']);
    expect(notices).toHaveLength(1);
  });

  it('alerts before a victim or derivative turns 21', async () => {
    const c = await inTransaction(t.db, (x) => clocks.startClock(x, { owner: 'u-visa', recordType: 'derivative', recordId: 'D1', rules: ['uVisaDerivativeAgeOut'], start: '2005-06-30' }));
    expect(c).toMatchObject({ dueDate: '2026-06-29', startDate: '2005-06-30', nextActionAt: new Date('2026-04-01T05:00:00Z') /* 90 days left: local midnight, CDT */ });
    clock = new Date('2026-04-01T05:00:00Z');
    await clocks.tick(ctx);
    clock = new Date('2026-06-16T05:00:00Z');
    await clocks.tick(ctx);
    expect(notices.map((n) => [n.kind, n.level, n.clock.recordType])).toEqual([
      ['reminder', 1, 'derivative'],
      ['reminder', 3, 'derivative'],
    ]);
  });

  it('recomputes open clocks after a holiday is added, and only the ones it moves', async () => {
    // 5 business days on the city calendar from Monday 2 February 2026: due Monday 9 February.
    const moved = await start(['separationRequestReport'], cst('2026-02-02T10:00:00'), clocks, 'A');
    const calendarDays = await start(['biaAppeal'], cst('2026-02-02T10:00:00'), clocks, 'B');
    const overdue = await start(['separationRequestReport'], cst('2026-01-28T10:00:00'), clocks, 'C'); // due 4 February
    const met = await start(['separationRequestReport'], cst('2026-02-02T10:00:00'), clocks, 'D');
    clock = cst('2026-02-05T08:00:00');
    await tx((x) => clocks.meet(x, met.id));
    await clocks.tick(ctx);
    expect((await clocks.get(overdue.id))?.status).toBe('overdue');
    expect(moved.dueDate).toBe('2026-02-09');

    // The council closes city offices on Wednesday 4 February (a new profile version).
    const updated = service(t.db, withExtraHoliday(2, 4));
    const report = await updated.recomputeAll({ batchSize: 2 });
    expect(report).toMatchObject({ scanned: 3, changed: 2 });
    expect(await updated.get(moved.id)).toMatchObject({ dueDate: '2026-02-10', status: 'running' });
    expect(await updated.get(calendarDays.id)).toMatchObject({ dueDate: calendarDays.dueDate });
    // Due 5 February now, and it is 5 February: overdue no more, the schedule restarts.
    expect(await updated.get(overdue.id)).toMatchObject({ dueDate: '2026-02-05', status: 'running', escalationLevel: 0 });
    expect((await updated.get(met.id))?.dueDate).toBe('2026-02-09');
    const last = (await updated.historyOf(moved.id)).at(-1);
    expect(last).toMatchObject({ kind: 'recomputed', reasonCode: 'profile-changed', dueBefore: moved.dueAt, dueAfter: cst('2026-02-11T00:00:00') });
    expect(await kinds(calendarDays.id, updated)).toEqual(['started']);
    // Nothing is stale any more; the old service would see every clock as stale.
    expect(await updated.recomputeStale()).toMatchObject({ scanned: 0 });
    expect(await updated.recomputeAll()).toMatchObject({ scanned: 3, changed: 0 });

    // What the recomputation moved goes with the rest of a clock's history: when its owner forgets the record,
    // and when the clock row is deleted by other means (a forgotten subject's rows go by the subject column).
    const movedRows = async (id: string) => Number((await sql<{ n: number }>`select count(*) as n from clock_recomputed where clock_id = ${id}`.execute(t.db.kysely)).rows[0]?.n);
    expect([await movedRows(moved.id), await movedRows(overdue.id), await movedRows(calendarDays.id)]).toEqual([1, 1, 0]);
    expect(await tx((x) => updated.forgetRecords(x, { owner: 'u-visa', recordType: 'request', recordIds: ['A'] }))).toBe(1);
    expect(await movedRows(moved.id)).toBe(0);
    await tx((x) => sql`delete from clocks where id = ${overdue.id}`.execute(x));
    expect(await movedRows(overdue.id)).toBe(0);
  });

  it('leaves a clock another writer changed after the recomputation read it to that writer, and recomputes it the next time', async () => {
    const a = await start(['uVisaCertification', 'uVisaCertificationStateMaximum'], clock, clocks, 'A'); // due 4 February
    const b = await start(['uVisaCertification', 'uVisaCertificationStateMaximum'], clock, clocks, 'B');
    // Another writer holds clock A: it has granted a 10-day delay and not committed yet.
    const extended = '[{"reasonCode":"offsite-records","days":10}]';
    const writtenAt = clock.toISOString();
    let commit: () => Promise<void>;
    if (t.target.kind === 'sqlite') {
      const other = new SQLite(t.target.file);
      other.exec('BEGIN IMMEDIATE');
      other.prepare('update clocks set extensions = ?, revision = revision + 1, updated_at = ? where id = ?').run(extended, writtenAt, a.id);
      commit = async () => {
        other.exec('COMMIT');
        other.close();
      };
    } else {
      const other = new pg.Client({ connectionString: t.target.url });
      await other.connect();
      await other.query('begin');
      await other.query('update clocks set extensions = $1, revision = revision + 1, updated_at = $2 where id = $3', [extended, writtenAt, a.id]);
      commit = async () => {
        await other.query('commit');
        await other.end();
      };
    }
    // The city moves to Mountain time: every local midnight moves. The recomputation reads A as it was, then
    // waits for the other writer, who commits.
    const raw = structuredClone(minneapolisProfile) as unknown as { version: string; locale: { timezone: { value: string } } };
    raw.version = '2026.97';
    raw.locale.timezone.value = 'America/Denver';
    const mountain = service(t.db, parseJurisdiction(raw, 'minneapolis'));
    const running = mountain.recomputeAll();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await commit();
    // A is left as its writer wrote it (its revision moved): only B is written.
    expect(await running).toMatchObject({ scanned: 2, changed: 1 });
    expect(await mountain.get(b.id)).toMatchObject({ dueDate: '2026-02-04', dueAt: new Date('2026-02-05T07:00:00Z') });
    expect(await kinds(a.id, mountain)).toEqual(['started']);
    // Written since the run began with another profile's due date: stale, and recomputed the next time, delay and all.
    expect(await mountain.recomputeStale()).toMatchObject({ scanned: 1, changed: 1 });
    expect(await mountain.get(a.id)).toMatchObject({ dueDate: '2026-02-14', dueAt: new Date('2026-02-15T07:00:00Z') });
    expect((await mountain.historyOf(a.id)).at(-1)).toMatchObject({ kind: 'recomputed', dueBefore: a.dueAt, dueAfter: new Date('2026-02-15T07:00:00Z') });
  });

  it('stops a recomputation whose batch cannot be written, with nothing of that batch written, and finishes it the next time', async () => {
    const ids = [];
    for (const r of ['A', 'B', 'C']) ids.push((await start(['separationRequestReport'], cst('2026-02-02T10:00:00'), clocks, r)).id);
    const refused = ids[1] as string;
    // The history of record B's clock cannot be written (a database that refuses it, here by a trigger).
    if (dialect === 'sqlite') {
      await sql`create trigger refuse_b before insert on clock_recomputed when (select record_id from clocks where id = new.clock_id) = 'B'
        begin select raise(abort, 'refused'); end`.execute(t.db.kysely);
    } else {
      await sql`create function refuse_b() returns trigger language plpgsql as $$
        begin if (select record_id from clocks where id = new.clock_id) = 'B' then raise exception 'refused'; end if; return new; end $$`.execute(t.db.kysely);
      await sql`create trigger refuse_b before insert on clock_recomputed for each row execute function refuse_b()`.execute(t.db.kysely);
    }
    const before = await clocks.get(refused);
    const updated = service(t.db, withExtraHoliday(2, 4));
    await expect(updated.recomputeAll({ batchSize: 1 })).rejects.toThrow(/refused/);
    // B's batch left nothing: neither its new due date nor a history entry; the run is not recorded as done.
    expect(await updated.get(refused)).toEqual(before);
    expect(await kinds(refused, updated)).toEqual(['started']);
    const runs = await sql<{ n: number }>`select count(*) as n from clock_recomputations where rules_digest = ${updated.calculator.rulesDigest}`.execute(t.db.kysely);
    expect(Number(runs.rows[0]?.n)).toBe(0);
    await sql`drop trigger refuse_b${dialect === 'postgres' ? sql` on clock_recomputed` : sql``}`.execute(t.db.kysely);
    await updated.recomputeStale();
    for (const id of ids) expect((await updated.get(id))?.dueDate).toBe('2026-02-10');
  });

  it('keeps the history that recomputations wrote before it had a table of its own', async () => {
    const previous = Object.fromEntries(Object.entries(clocksMigrations).filter(([name]) => name < '202612290100'));
    const old = await createTestDatabase(dialect);
    try {
      await migrateToLatest(old.db, collectMigrations([{ owner: 'core', migrations: previous }]));
      const before = service(old.db);
      const c = await inTransaction(old.db, (x) => before.startClock(x, { owner: 'u-visa', recordType: 'request', recordId: 'A', rules: ['separationRequestReport'], start: cst('2026-02-02T10:00:00') }));
      await inTransaction(
        old.db,
        (x) => sql`insert into clock_events (id, clock_id, kind, at, reason_code, due_before, due_after, governing_rule)
          values ('E1', ${c.id}, 'recomputed', '2026-02-03T10:00:00.000Z', 'profile-changed', ${c.dueAt.toISOString()}, '2026-02-11T06:00:00.000Z', 'separationRequestReport')`.execute(x),
      );
      await migrateToLatest(old.db, migrations);
      const history = await service(old.db).historyOf(c.id);
      expect(history.map((e) => e.kind)).toEqual(['started', 'recomputed']);
      expect(history[1]).toMatchObject({ reasonCode: 'profile-changed', dueBefore: c.dueAt, dueAfter: new Date('2026-02-11T06:00:00.000Z'), governingRule: 'separationRequestReport' });
      const left = await sql<{ n: number }>`select count(*) as n from clock_events where kind = 'recomputed'`.execute(old.db.kysely);
      expect(Number(left.rows[0]?.n)).toBe(0);
    } finally {
      await old.drop();
    }
  });

  it('moves the next reminder, without a history entry, when only the reminders of a rule change', async () => {
    const c = await start(['biaAppeal'], cst('2026-02-02T10:00:00')); // due 4 March; reminders 3 and 1 days before
    expect(c.nextActionAt).toEqual(cst('2026-03-02T00:00:00'));
    const raw = structuredClone(minneapolisProfile) as unknown as { clocks: { biaAppeal: { value: Record<string, unknown> } } };
    raw.clocks.biaAppeal.value.reminders = [{ amount: 10, unit: 'days' }];
    const updated = service(t.db, parseJurisdiction(raw, 'minneapolis'));
    expect(await updated.recomputeStale()).toMatchObject({ scanned: 1, changed: 1 });
    expect(await updated.get(c.id)).toMatchObject({ dueDate: c.dueDate, nextActionAt: cst('2026-02-23T00:00:00') });
    expect(await kinds(c.id)).toEqual(['started']);
    expect(await updated.recomputeStale()).toMatchObject({ scanned: 0 });
  });

  it('recomputes stale clocks in the reminder job after a profile change', async () => {
    const c = await start(['separationRequestReport'], cst('2026-02-02T10:00:00'));
    const updated = service(t.db, withExtraHoliday(2, 5));
    expect(await updated.tick(ctx)).toMatchObject({ recomputed: 1 });
    expect((await updated.get(c.id))?.dueDate).toBe('2026-02-10');
  });
});
