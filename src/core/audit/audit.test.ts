import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../../../test/helpers/db.ts';
import { randomId } from '../crypto/random.ts';
import { type Db, openDatabase } from '../db/database.ts';
import { collectMigrations, migrateToLatest } from '../db/migrator.ts';
import { beforeCommit, inTransaction } from '../db/transaction.ts';
import { AuditEntryError, type AuditEntryInput, GENESIS_HASH } from './audit-entry.ts';
import { auditMigrations } from './audit.migrations.ts';
import { auditRepo } from './audit.repo.ts';
import { AuditService, AuditTransactionError } from './audit.service.ts';
import { checkpointMessage } from './checkpoint.ts';
import { AuditKeyStore, signMessage } from './signing-key.ts';
import { generateKeyPairSync } from 'node:crypto';

const migrations = collectMigrations([{ owner: 'core', migrations: auditMigrations }]);

function entry(i: number, over: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    actor: { id: randomId(), role: 'program-staff' },
    action: i % 2 ? 'record.read' : 'record.update',
    record: { type: 'legal-defense.case', id: randomId() },
    purpose: 'case-work',
    requestId: randomId(),
    ...over,
  };
}

/** What an attacker with database access does first: remove the append-only triggers. */
async function dropTriggers(db: Db): Promise<void> {
  if (db.dialect === 'postgres') {
    await sql`drop trigger audit_log_append_only on audit_log`.execute(db.kysely);
    await sql`drop trigger audit_checkpoints_append_only on audit_checkpoints`.execute(db.kysely);
  } else {
    for (const t of ['audit_log_no_update', 'audit_log_no_delete', 'audit_checkpoints_no_update', 'audit_checkpoints_no_delete']) {
      await sql`drop trigger ${sql.id(t)}`.execute(db.kysely);
    }
  }
}

describeEachDialect('audit log', (dialect) => {
  let t: TestDatabase;
  let audit: AuditService;
  let keyFile: string;
  let clock: Date;

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    await migrateToLatest(t.db, migrations);
    keyFile = path.join(t.dir, 'keys', 'audit-signing.json');
    clock = new Date('2026-11-27T10:00:00.000Z');
    audit = new AuditService({ db: t.db, now: () => clock, signingKeys: () => AuditKeyStore.open(keyFile) });
  });
  afterEach(async () => {
    await t.drop();
  });

  async function write(n: number): Promise<void> {
    for (let i = 1; i <= n; i++) await audit.recordNow(entry(i));
  }

  it('chains entries: each links to the one before, and verify passes', async () => {
    await write(25);
    const rows = await t.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    const report = await audit.verify();
    expect(report).toMatchObject({ ok: true, entries: 25, lastSeq: 25, firstBadSeq: null, problemCount: 0 });
    expect(await audit.head()).toMatchObject({ seq: 25, hash: rows[24]?.hash });
  });

  it('keeps time monotonic even when the clock steps back', async () => {
    await audit.recordNow(entry(1));
    clock = new Date('2026-11-27T09:00:00.000Z');
    const second = await audit.recordNow(entry(2));
    expect(second.at).toBe('2026-11-27T10:00:00.000Z');
    expect((await audit.verify()).ok).toBe(true);
  });

  it('does not fork under concurrent writers (one pool and two separate connections pools)', async () => {
    const other = openDatabase(t.target);
    const audit2 = new AuditService({ db: other, now: () => new Date(), signingKeys: () => AuditKeyStore.open(keyFile) });
    try {
      const writes = Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? audit : audit2).recordNow(entry(i)).catch((err: unknown) => {
          throw err;
        }),
      );
      const written = await Promise.all(writes);
      expect(new Set(written.map((e) => e.seq)).size).toBe(60);
      const report = await audit.verify();
      expect(report.ok, JSON.stringify(report.problems)).toBe(true);
      expect(report.entries).toBe(60);
    } finally {
      await other.close();
    }
  });

  it('commits the entry with the action and rolls it back with the action', async () => {
    await write(2);
    await expect(
      inTransaction(t.db, async (tx) => {
        await audit.record(tx, entry(3));
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect((await audit.head()).seq).toBe(2);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('chains the entries of a transaction at its end, in the order they were recorded, after its other work', async () => {
    await write(1);
    await inTransaction(t.db, async (tx) => {
      await audit.record(tx, entry(2, { detail: 'step.one' }));
      // Not chained yet: the head moves only as the transaction ends.
      expect((await auditRepo.readHead(tx))?.seq).toBe(1);
      await audit.record(tx, entry(3, { detail: 'step.two' }));
      await audit.record(tx, entry(4, { detail: 'step.three' }));
    });
    const rows = await t.db.kysely.selectFrom('audit_log').select(['seq', 'detail']).orderBy('seq').execute();
    expect(rows.map((r) => [Number(r.seq), r.detail])).toEqual([
      [1, null],
      [2, 'step.one'],
      [3, 'step.two'],
      [4, 'step.three'],
    ]);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 4 });
  });

  it('chains an entry recorded by work that runs after the transaction\'s entries were chained', async () => {
    await inTransaction(t.db, async (tx) => {
      await audit.record(tx, entry(1, { detail: 'step.one' }));
      // Added after the audit's own end-of-transaction work: it runs after the first entry was chained.
      beforeCommit(tx, () => audit.record(tx, entry(2, { detail: 'step.late' })));
    });
    const rows = await t.db.kysely.selectFrom('audit_log').select(['seq', 'detail']).orderBy('seq').execute();
    expect(rows.map((r) => [Number(r.seq), r.detail])).toEqual([
      [1, 'step.one'],
      [2, 'step.late'],
    ]);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it.runIf(dialect === 'postgres')('holds the chain\'s head for a transaction\'s end only: one that recorded and goes on working does not hold up another (PostgreSQL)', async () => {
    let finish: () => void = () => undefined;
    const working = new Promise<void>((resolve) => (finish = resolve));
    let recorded: () => void = () => undefined;
    const hasRecorded = new Promise<void>((resolve) => (recorded = resolve));
    const long = inTransaction(t.db, async (tx) => {
      await audit.record(tx, entry(1, { detail: 'step.long' }));
      recorded();
      await working;
    });
    await hasRecorded;
    // Appended and committed while the long transaction is still open (its entry not chained yet).
    const other = await Promise.race([audit.recordNow(entry(2, { detail: 'step.short' })), new Promise<'held up'>((resolve) => setTimeout(() => resolve('held up'), 5_000))]);
    expect(other).not.toBe('held up');
    finish();
    await long;
    const rows = await t.db.kysely.selectFrom('audit_log').select(['seq', 'detail']).orderBy('seq').execute();
    expect(rows.map((r) => [Number(r.seq), r.detail])).toEqual([
      [1, 'step.short'],
      [2, 'step.long'],
    ]);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('refuses to record outside a transaction', async () => {
    await expect(audit.record(t.db.kysely, entry(1))).rejects.toBeInstanceOf(AuditTransactionError);
  });

  it('refuses anything that is not an id or a code (no personal values can be written)', async () => {
    const bad: Array<[string, Partial<AuditEntryInput> | Record<string, unknown>]> = [
      ['email as detail', { detail: 'maria.lopez@example.org' }],
      ['a name as detail', { detail: 'Maria Lopez' }],
      ['a number in detail', { detail: 'anumber.a123456789' }],
      ['a name as record id', { record: { type: 'legal-defense.case', id: 'Maria Lopez' } }],
      ['an A-number as record id', { record: { type: 'legal-defense.case', id: 'A123456789' } }],
      ['free text as action', { action: 'read the file of Maria' }],
      ['unknown purpose', { purpose: 'because' as never }],
      ['legal process without id', { purpose: 'legal-process' }],
      ['staff role without id', { actor: { id: null, role: 'counsel' } }],
      ['unknown role', { actor: { id: null, role: 'ice' as never } }],
      ['extra field', { note: 'she said she is undocumented' }],
      ['bad request id', { requestId: 'req-1' }],
    ];
    for (const [what, over] of bad) {
      await expect(audit.recordNow({ ...entry(1), ...over }), what).rejects.toBeInstanceOf(AuditEntryError);
    }
    expect((await audit.head()).seq).toBe(0);
    await audit.recordNow(entry(1, { purpose: 'legal-process', legalProcessId: randomId(), detail: 'role.counsel' }));
    await audit.recordNow({ actor: { id: null, role: 'anonymous' }, action: 'auth.login', outcome: 'failure', purpose: 'security', detail: 'reason.bad-credentials' });
    expect((await audit.head()).seq).toBe(2);
  });

  it('the database refuses UPDATE and DELETE of audit rows', async () => {
    await write(3);
    await expect(sql`update audit_log set action = 'record.export' where seq = 2`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 2`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('finds an edited entry and names its seq', async () => {
    await write(20);
    await dropTriggers(t.db);
    await sql`update audit_log set purpose = 'statistics' where seq = 7`.execute(t.db.kysely);
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(7);
    expect(report.problems[0]).toMatchObject({ seq: 7, kind: 'hash' });
  });

  it('finds entries edited to hold odd values (control characters, non-ASCII, a binary value)', async () => {
    await write(12);
    await dropTriggers(t.db);
    await sql`update audit_log set purpose = ${'case-work\n'} where seq = 3`.execute(t.db.kysely);
    await sql`update audit_log set action = ${'record.réad'} where seq = 5`.execute(t.db.kysely);
    if (dialect === 'sqlite') await sql`update audit_log set detail = ${Buffer.from('role.admin')} where seq = 9`.execute(t.db.kysely);
    else await sql`update audit_log set detail = ${'role.\u2028admin'} where seq = 9`.execute(t.db.kysely);
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.kind === 'hash').map((p) => p.seq)).toEqual([3, 5, 9]);
  });

  it('finds a deleted entry and names its seq', async () => {
    await write(20);
    await dropTriggers(t.db);
    await sql`delete from audit_log where seq = 11`.execute(t.db.kysely);
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(11);
    expect(report.problems.map((p) => p.kind)).toContain('missing');
  });

  it('finds an inserted entry (later entries renumbered) and names its seq', async () => {
    await write(20);
    await dropTriggers(t.db);
    // Make room after seq 5, then insert a forged entry that claims to follow seq 5.
    await sql`update audit_log set seq = seq + 1000 where seq > 5`.execute(t.db.kysely);
    await sql`update audit_log set seq = seq - 999 where seq > 1000`.execute(t.db.kysely);
    const five = await t.db.kysely.selectFrom('audit_log').selectAll().where('seq', '=', 5).executeTakeFirstOrThrow();
    const forged = { ...five, seq: 6, id: randomId(), action: 'record.export', prev_hash: five.hash };
    const { hashAuditEntry } = await import('./audit-entry.ts');
    const { entryFromRow } = await import('./audit.repo.ts');
    forged.hash = hashAuditEntry(entryFromRow(forged));
    await t.db.kysely.insertInto('audit_log').values(forged).execute();
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    // The forged entry itself is well-formed; the chain breaks at the entry after it.
    expect(report.firstBadSeq).toBe(7);
    expect(report.problems[0]).toMatchObject({ seq: 7 });
  });

  it('finds an entry inserted before the first one (seq 0)', async () => {
    await write(5);
    await dropTriggers(t.db);
    const one = await t.db.kysely.selectFrom('audit_log').selectAll().where('seq', '=', 1).executeTakeFirstOrThrow();
    await t.db.kysely.insertInto('audit_log').values({ ...one, seq: 0, id: randomId() }).execute();
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(0);
    expect(report.problems.map((p) => p.seq)).toContain(1); // and entry 1 no longer links to its predecessor
  });

  it('finds two reordered entries and names the first', async () => {
    await write(20);
    await dropTriggers(t.db);
    await sql`update audit_log set seq = -1 where seq = 9`.execute(t.db.kysely);
    await sql`update audit_log set seq = 9 where seq = 10`.execute(t.db.kysely);
    await sql`update audit_log set seq = 10 where seq = -1`.execute(t.db.kysely);
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(9);
  });

  it('finds a truncated tail through the chain head', async () => {
    await write(20);
    await dropTriggers(t.db);
    await sql`delete from audit_log where seq > 17`.execute(t.db.kysely);
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(18);
    expect(report.problems[0]?.kind).toBe('head');
  });

  it('signed checkpoints verify, and catch a consistent rewrite that the chain alone cannot', async () => {
    await write(10);
    const cp = await audit.checkpoint();
    expect(cp).toMatchObject({ seq: 10 });
    expect(await audit.checkpoint()).toEqual(cp); // nothing new: same checkpoint
    await write(5);
    expect((await audit.verify()).ok).toBe(true);

    // Rewrite entry 4 and recompute every later hash and the head: the chain is self-consistent again.
    await dropTriggers(t.db);
    await sql`update audit_log set purpose = 'statistics' where seq = 4`.execute(t.db.kysely);
    const { hashAuditEntry } = await import('./audit-entry.ts');
    const { entryFromRow } = await import('./audit.repo.ts');
    const rows = await t.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const fixed = { ...r, prev_hash: prev };
      fixed.hash = hashAuditEntry(entryFromRow(fixed));
      await t.db.kysely.updateTable('audit_log').set({ prev_hash: fixed.prev_hash, hash: fixed.hash }).where('seq', '=', r.seq).execute();
      prev = fixed.hash;
    }
    await t.db.kysely.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1).execute();
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.problems.every((p) => p.kind === 'checkpoint')).toBe(true);
    expect(report.firstBadSeq).toBe(1); // no earlier checkpoint: anything up to seq 10 may have changed
    expect(report.problems[0]?.message).toMatch(/seq 10/);
  });

  it('rejects a forged checkpoint (bad signature, or signed by another key)', async () => {
    await write(5);
    await audit.checkpoint();
    const head = await audit.head();
    await t.db.kysely
      .insertInto('audit_checkpoints')
      .values({ id: randomId(), seq: head.seq, hash: head.hash, at: clock.toISOString(), key_id: (await AuditKeyStore.open(keyFile)).currentKid, signature: 'AAAA' })
      .execute();
    const { privateKey } = generateKeyPairSync('ed25519');
    const fake = { seq: 3, hash: 'f'.repeat(64), at: clock.toISOString(), kid: 'attacker' };
    await t.db.kysely
      .insertInto('audit_checkpoints')
      .values({ id: randomId(), seq: 3, hash: fake.hash, at: fake.at, key_id: 'attacker', signature: signMessage(privateKey, checkpointMessage(fake)) })
      .execute();
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.kind === 'checkpoint').map((p) => p.message).join('\n')).toMatch(/signature does not verify[\s\S]*unknown key|unknown key[\s\S]*signature does not verify/);
  });

  it('external checkpoints catch deleted stored checkpoints plus a truncated log', async () => {
    await write(12);
    const cp = await audit.checkpoint();
    const exported = await audit.checkpoints();
    expect(exported).toEqual([cp]);
    await dropTriggers(t.db);
    // The attacker removes the last entries, the stored checkpoint, and fixes the head.
    await sql`delete from audit_log where seq > 8`.execute(t.db.kysely);
    await sql`delete from audit_checkpoints`.execute(t.db.kysely);
    const eight = await t.db.kysely.selectFrom('audit_log').select(['hash', 'at']).where('seq', '=', 8).executeTakeFirstOrThrow();
    await t.db.kysely.updateTable('audit_head').set({ seq: 8, hash: eight.hash, at: eight.at }).where('id', '=', 1).execute();
    expect((await audit.verify()).ok).toBe(true); // nothing inside the database shows it any more…
    const report = await audit.verify({ externalCheckpoints: exported }); // …but the witness's copy does
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(9);
  });

  it('publishes public keys only, and checkpoints verify after a key rotation', async () => {
    await write(3);
    const first = await audit.checkpoint();
    const store = await AuditKeyStore.open(keyFile);
    const jwks = store.jwks();
    expect(JSON.stringify(jwks)).not.toMatch(/"d"/);
    await store.rotate();
    const rotated = new AuditService({ db: t.db, now: () => clock, signingKeys: () => AuditKeyStore.open(keyFile) });
    await write(2);
    const second = await rotated.checkpoint();
    expect(second.kid).not.toBe(first.kid);
    expect((await rotated.verify()).ok).toBe(true);
    expect((await rotated.publicKeys()).keys.map((k) => k.kid)).toEqual([second.kid, first.kid]);
  });

  it('returns the access history of one record, newest first', async () => {
    const caseId = randomId();
    const counsel = randomId();
    await write(3);
    await audit.recordNow(entry(1, { record: { type: 'legal-defense.case', id: caseId } }));
    await audit.recordNow(entry(2, { record: { type: 'legal-defense.case', id: caseId }, actor: { id: counsel, role: 'counsel' }, purpose: 'counsel-review' }));
    await write(2);
    const { entries, total } = await audit.historyOf('legal-defense.case', caseId);
    expect(total).toBe(2);
    expect(entries.map((e) => e.seq)).toEqual([5, 4]);
    expect(entries[0]).toMatchObject({ actorId: counsel, actorRole: 'counsel', purpose: 'counsel-review' });
    const page = await audit.historyOf('legal-defense.case', caseId, { limit: 1, beforeSeq: 5 });
    expect(page.entries.map((e) => e.seq)).toEqual([4]);
  });
});
