import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.ts';
import { describeEachDialect } from '../../../test/helpers/db.ts';
import { randomId, referenceCode } from '../crypto/random.ts';
import { inTransaction } from '../db/transaction.ts';
import { demandsRepo } from './demands.repo.ts';
import { RetentionRegistry, retentionCutoff } from './retention.ts';
import { LegalHoldError, SUBJECT_RECORD_TYPE } from './retention.service.ts';

const DAY = 86_400_000;

describeEachDialect('retention engine (fake clock)', (dialect) => {
  let t: TestApp;
  let clock: Date;
  const counsel = { id: randomId(), role: 'counsel' as const };

  beforeEach(async () => {
    clock = new Date('2026-11-27T12:00:00.000Z');
    t = await createTestApp(dialect, { now: () => clock });
    await sql`create table test_records (id text primary key, subject_id text, created_at text)`.execute(t.ctx.db.kysely);
    t.ctx.retention.registry.register(
      [
        { recordType: 'test.record', table: 'test_records', basis: 'created_at', days: 30, descriptionKey: 'test.retention' },
        { recordType: 'test.case', table: 'test_cases', basis: 'closed_at', days: 7, descriptionKey: 'test.retention', shredSubjects: { column: 'subject_id' } },
      ],
      'test',
    );
    await sql`create table test_cases (id text primary key, subject_id text not null, closed_at text)`.execute(t.ctx.db.kysely);
  });
  afterEach(async () => {
    await t.close();
  });

  /** Inserts a record created `ageDays` before the clock. */
  async function record(ageDays: number): Promise<string> {
    const id = randomId();
    await sql`insert into test_records (id, subject_id, created_at) values (${id}, ${null}, ${new Date(clock.getTime() - ageDays * DAY).toISOString()})`.execute(
      t.ctx.db.kysely,
    );
    return id;
  }

  async function remaining(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*) as n from test_records`.execute(t.ctx.db.kysely);
    return Number(rows[0]?.n);
  }

  /** A court order as the demand gate records it: checklist passed, scope named, approved by counsel. */
  async function courtOrder(options: { type?: string; counselApproved?: boolean } = {}): Promise<string> {
    const id = randomId();
    const now = clock.toISOString();
    await demandsRepo.insertDemand(t.ctx.db.kysely, {
      id,
      reference: referenceCode(),
      type: options.type ?? 'court_order',
      form_number: 'none',
      agency_kind: 'state_court',
      agency_name: 'Hennepin County District Court',
      channel: 'court_service',
      received_at: now,
      received_by: counsel.id,
      registered_by: counsel.id,
      served_on: 'counsel',
      issued_by_court: 'yes',
      signed_by_judge: 'yes',
      judge_name: 'Judge A',
      court_name: 'Hennepin County District Court',
      case_number: '27-CV-26-1',
      issued_on: '2026-11-20',
      expires_on: null,
      unmatched_people: 0,
      subject_id: null,
      requester_sealed: null,
      description_sealed: null,
      status: options.type && options.type !== 'court_order' ? 'declined' : 'approved',
      decline_reason: null,
      decided_at: now,
      decided_by: counsel.id,
      nondisclosure_order_ref: null,
      nondisclosure_until: null,
      nondisclosure_recorded_by: null,
      created_at: now,
      updated_at: now,
    });
    await demandsRepo.insertRecords(t.ctx.db.kysely, [
      {
        id: randomId(),
        demand_id: id,
        program: 'test',
        record_type: 'record',
        record_id: randomId(),
        notice_status: 'pending',
        notice_due_at: now,
        notice_method: null,
        notice_message_id: null,
        notice_done_at: null,
        notice_done_by: null,
        created_at: now,
      },
    ]);
    if (options.counselApproved !== false) {
      await demandsRepo.insertApproval(t.ctx.db.kysely, { id: randomId(), demand_id: id, approver_id: counsel.id, approver_roles: '["counsel"]', approved_at: now });
    }
    return id;
  }

  it('deletes exactly the expired records, leaves receipts with counts and audit entries, and is idempotent', async () => {
    for (const age of [1, 10, 29, 31, 45, 400]) await record(age);
    const report = await t.ctx.retention.purge({ only: ['test.record'] });
    expect(report.ok).toBe(true);
    expect(report.results).toEqual([expect.objectContaining({ recordType: 'test.record', deleted: 3, held: 0, cutoff: retentionCutoff(clock, 30) })]);
    expect(await remaining()).toBe(3);

    const receipts = await t.ctx.retention.receipts({ runId: report.runId });
    expect(receipts).toEqual([expect.objectContaining({ record_type: 'test.record', deleted: 3, held: 0, outcome: 'done', trigger: 'schedule' })]);
    const history = await t.ctx.audit.historyOf('core.purge-receipt', receipts[0]?.id as string);
    expect(history.entries).toEqual([expect.objectContaining({ action: 'retention.purge', actorRole: 'system', purpose: 'retention' })]);

    expect((await t.ctx.retention.purge({ only: ['test.record'] })).results[0]?.deleted).toBe(0);
    clock = new Date(clock.getTime() + 2 * DAY); // the 29-day-old record turns 31
    expect((await t.ctx.retention.purge({ only: ['test.record'] })).results[0]?.deleted).toBe(1);
    expect(await remaining()).toBe(2);
    expect((await t.ctx.audit.verify()).ok).toBe(true);
  });

  it('dry run counts what would go without deleting anything', async () => {
    for (const age of [5, 40, 50]) await record(age);
    const dry = await t.ctx.retention.purge({ dryRun: true, only: ['test.record'] });
    expect(dry.results).toEqual([expect.objectContaining({ recordType: 'test.record', deleted: 2, held: 0 })]);
    expect(await remaining()).toBe(3);
    expect(await t.ctx.retention.receipts()).toEqual([]);
  });

  it('purges in batches across many rows (keyset pages)', async () => {
    const policy = t.ctx.retention.registry.get('test.record');
    expect(policy).toBeDefined();
    const registry = new RetentionRegistry();
    registry.register([{ recordType: 'test.small', table: 'test_records', basis: 'created_at', days: 30, descriptionKey: 'test.retention', batchSize: 7 }], 'test');
    const rows = Array.from({ length: 50 }, (_, i) => ({
      id: randomId(),
      subject_id: null,
      created_at: new Date(clock.getTime() - (i % 2 ? 40 : 5) * DAY).toISOString(),
    }));
    await t.ctx.db.kysely.insertInto('test_records' as never).values(rows).execute();
    const { RetentionService } = await import('./retention.service.ts');
    const small = new RetentionService({ db: t.ctx.db, now: () => clock, audit: t.ctx.audit, registry });
    const report = await small.purge();
    expect(report.results[0]?.deleted).toBe(25);
    expect(await remaining()).toBe(25);
  });

  it('legal holds: only a recorded, counsel-approved court order can place one; held records are skipped and counted', async () => {
    const keep = await record(60);
    await record(60);
    await expect(t.ctx.retention.placeHold({ recordType: 'test.record', recordId: keep, demandId: randomId(), actor: counsel })).rejects.toBeInstanceOf(LegalHoldError);
    const subpoena = await courtOrder({ type: 'administrative_subpoena' });
    await expect(t.ctx.retention.placeHold({ recordType: 'test.record', recordId: keep, demandId: subpoena, actor: counsel })).rejects.toMatchObject({ code: 'not_court_order' });
    const unapproved = await courtOrder({ counselApproved: false });
    await expect(t.ctx.retention.placeHold({ recordType: 'test.record', recordId: keep, demandId: unapproved, actor: counsel })).rejects.toMatchObject({ code: 'not_court_order' });

    const order = await courtOrder();
    const hold = await t.ctx.retention.placeHold({ recordType: 'test.record', recordId: keep, demandId: order, actor: counsel });
    const dry = await t.ctx.retention.purge({ dryRun: true, only: ['test.record'] });
    expect(dry.results[0]).toMatchObject({ deleted: 1, held: 1 });
    const report = await t.ctx.retention.purge({ only: ['test.record'] });
    expect(report.results[0]).toMatchObject({ deleted: 1, held: 1 });
    const left = await t.ctx.db.kysely.selectFrom('test_records' as never).select('id' as never).execute();
    expect(left).toEqual([{ id: keep }]);
    const placed = await t.ctx.audit.historyOf('test.record', keep);
    expect(placed.entries[0]).toMatchObject({ action: 'retention.hold-place', purpose: 'legal-process', legalProcessId: order });

    expect(await t.ctx.retention.releaseHold({ holdId: hold.id, actor: counsel })).toBe(true);
    expect(await t.ctx.retention.releaseHold({ holdId: hold.id, actor: counsel })).toBe(false);
    expect((await t.ctx.retention.purge({ only: ['test.record'] })).results[0]).toMatchObject({ deleted: 1, held: 0 });
    expect(await remaining()).toBe(0);
  });

  it('shredding policies forget the subject with the record, except a person under a hold', async () => {
    const gone = await inTransaction(t.ctx.db, (tx) => t.ctx.vault.createSubject(tx, 'test'));
    const held = await inTransaction(t.ctx.db, (tx) => t.ctx.vault.createSubject(tx, 'test'));
    const open = await inTransaction(t.ctx.db, (tx) => t.ctx.vault.createSubject(tx, 'test'));
    const old = new Date(clock.getTime() - 10 * DAY).toISOString();
    await t.ctx.db.kysely
      .insertInto('test_cases' as never)
      .values([
        { id: randomId(), subject_id: gone, closed_at: old },
        { id: randomId(), subject_id: held, closed_at: old },
        { id: randomId(), subject_id: open, closed_at: null },
      ] as never)
      .execute();
    await t.ctx.retention.placeHold({ recordType: SUBJECT_RECORD_TYPE, recordId: held, demandId: await courtOrder(), actor: counsel });
    const report = await t.ctx.retention.purge({ only: ['test.case'] });
    expect(report.results[0]).toMatchObject({ deleted: 1, held: 1, subjectsForgotten: 1 });
    expect(await t.ctx.vault.subjectStatus(gone)).toBe('forgotten');
    expect(await t.ctx.vault.subjectStatus(held)).toBe('live');
    expect(await t.ctx.vault.subjectStatus(open)).toBe('live');
  });

  it('a failing policy is reported with a code while the others still run', async () => {
    t.ctx.retention.registry.register([{ recordType: 'test.missing', table: 'no_such_table', basis: 'created_at', days: 1, descriptionKey: 'test.retention' }], 'test');
    await record(100);
    const report = await t.ctx.retention.purge({ only: ['test.missing', 'test.record'] });
    expect(report.ok).toBe(false);
    expect(report.results.find((r) => r.recordType === 'test.missing')?.error).toBeTruthy();
    expect(report.results.find((r) => r.recordType === 'test.record')).toMatchObject({ deleted: 1 });
    const receipts = await t.ctx.retention.receipts({ runId: report.runId });
    expect(receipts.find((r) => r.record_type === 'test.missing')?.outcome).toBe('failed');
  });

  it('rejects malformed policies at registration', () => {
    const r = new RetentionRegistry();
    expect(() => r.register([{ recordType: 'x', table: 't', basis: 'b', days: 1, descriptionKey: 'k' }], 'test')).toThrow(/recordType/);
    expect(() => r.register([{ recordType: 'a.b', table: 't; drop table x', basis: 'b', days: 1, descriptionKey: 'k' }], 'test')).toThrow(/identifier/);
    expect(() => r.register([{ recordType: 'a.b', table: 't', basis: 'b', days: -1, descriptionKey: 'k' }], 'test')).toThrow(/days/);
  });
});
