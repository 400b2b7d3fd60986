import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BackupKeyRing } from '../../src/core/backup/backup-key.ts';
import { writeBackupFile } from '../../src/core/backup/backup-file.ts';
import { sqliteManifestTables } from '../../src/core/backup/manifest.ts';
import { BackupVerifyError, createBackup, pruneBackups, restoreBackup } from '../../src/core/backup/backup.service.ts';
import { KeyNotFoundError } from '../../src/core/crypto/errors.ts';
import { randomId } from '../../src/core/crypto/random.ts';
import { openVault } from '../../src/core/crypto/vault.ts';
import { type Db, openDatabase } from '../../src/core/db/database.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';
import { describeEachDialect } from '../helpers/db.ts';

const CANARY = 'Canary Backup Person Xochitl Vang';

describeEachDialect('backup and restore', (dialect) => {
  let t: TestApp;
  let appDbClosed = false;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    appDbClosed = false;
    await sql`create table test_people (id text primary key, subject_id text not null, name text not null)`.execute(t.ctx.db.kysely);
  });
  afterEach(async () => {
    if (appDbClosed) {
      // The SQLite handle was closed for the restore; drop the files without closing it twice.
      await t.app.close();
      await t.ctx.vault.close();
      fs.rmSync(t.database.dir, { recursive: true, force: true });
    } else {
      await t.close();
    }
  });

  async function person(name: string): Promise<{ id: string; subject: string }> {
    return inTransaction(t.ctx.db, async (tx) => {
      const subject = await t.ctx.vault.createSubject(tx, 'test');
      const id = randomId();
      const sealed = await t.ctx.vault.seal(subject, name, { table: 'test_people', column: 'name', rowId: id });
      await sql`insert into test_people (id, subject_id, name) values (${id}, ${subject}, ${sealed})`.execute(tx);
      return { id, subject };
    });
  }

  async function counts(db: Db): Promise<{ audit_log: number; test_people: number; subjects: number; jobs: number }> {
    const n = async (table: string): Promise<number> => {
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely);
      return Number(rows[0]?.n);
    };
    return { audit_log: await n('audit_log'), test_people: await n('test_people'), subjects: await n('subjects'), jobs: await n('jobs') };
  }

  async function audit(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await t.ctx.audit.recordNow({ actor: { id: randomId(), role: 'program-staff' }, action: 'record.read', record: { type: 'test.person', id: randomId() }, purpose: 'case-work' });
    }
  }

  it('round-trips through sanctuary backup / restore, verified by counts and checksums; forgotten people stay forgotten', async () => {
    const kept = await person(CANARY);
    const forgotten = await person('Forgotten Person Tou Yang');
    await audit(5);
    const before = await counts(t.ctx.db);
    const file = path.join(t.database.dir, 'backups', 'nightly.sbk');
    const made = await runCli(t.config, ['backup', '--out', file]);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toMatch(/tables, \d+ rows/);
    const bytes = fs.readFileSync(file);
    // Encrypted throughout: no table name, no sealed value as stored, no plaintext at all. (Whole values only: a
    // needle of a few bytes, such as the sealed-value prefix `s1.`, turns up by chance in a megabyte of ciphertext.)
    const { rows: stored } = await sql<{ name: string }>`select name from test_people where id = ${kept.id}`.execute(t.ctx.db.kysely);
    const sealedName = stored[0]?.name ?? '';
    expect(sealedName).toMatch(/^s1\./);
    for (const needle of ['audit_log', 'test_people', sealedName, 'CREATE TABLE', CANARY]) expect(bytes.includes(Buffer.from(needle))).toBe(false);
    expect((await runCli(t.config, ['backup', '--verify', file])).code).toBe(0);

    // Life goes on after the backup: more entries, a new person, and one person is forgotten.
    await audit(3);
    await person('Added After Backup');
    await sql`create table test_after_backup (id text primary key)`.execute(t.ctx.db.kysely);
    await inTransaction(t.ctx.db, (tx) => t.ctx.vault.forgetSubject(tx, forgotten.subject));

    if (dialect === 'sqlite') {
      // A restore is refused while the service has the database open, and nothing changes.
      const busy = await runCli(t.config, ['restore', '--in', file, '--yes']);
      expect(busy.code).toBe(1);
      expect(busy.err).toMatch(/in use/);
      expect((await counts(t.ctx.db)).audit_log).toBe(before.audit_log + 3 + 1); // +1: the backup's own entry
      await t.ctx.db.close();
      appDbClosed = true;
    }
    expect((await runCli(t.config, ['restore', '--in', file])).code).toBe(2); // without --yes: says what it would do
    const restored = await runCli(t.config, ['restore', '--in', file, '--yes']);
    expect(restored.code, restored.err + restored.out).toBe(0);
    expect(restored.out).toMatch(/every count and checksum matches/);
    expect(restored.out).toMatch(/1 person\(s\) forgotten since this backup was taken removed again/);

    const db = dialect === 'sqlite' ? openDatabase(t.config.database) : t.ctx.db;
    try {
      const after = await counts(db);
      await expect(sql`select count(*) from test_after_backup`.execute(db.kysely)).rejects.toThrow(); // not in the backup: gone
      // The backup's state, minus the person forgotten since (their subject), plus the restore's audit entry.
      expect(after).toEqual({ ...before, subjects: before.subjects - 1, audit_log: before.audit_log + 1 });
      // The forgotten person's row came back with the backup, but nothing can open it: their key is gone.
      const vault = await openVault(t.config, { db });
      try {
        const rows = await sql<{ id: string; subject_id: string; name: string }>`select id, subject_id, name from test_people`.execute(db.kysely);
        const byId = new Map(rows.rows.map((r) => [r.id, r]));
        const k = byId.get(kept.id);
        const f = byId.get(forgotten.id);
        expect(await vault.open(kept.subject, k?.name ?? '', { table: 'test_people', column: 'name', rowId: kept.id })).toBe(CANARY);
        await expect(vault.open(forgotten.subject, f?.name ?? '', { table: 'test_people', column: 'name', rowId: forgotten.id })).rejects.toBeInstanceOf(KeyNotFoundError);
      } finally {
        await vault.close();
      }
      const last = await db.kysely.selectFrom('audit_log').select(['action', 'actor_role']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      expect(last).toEqual({ action: 'admin.restore', actor_role: 'operator' });
    } finally {
      if (dialect === 'sqlite') await db.close();
    }
    const verify = await runCli(t.config, ['audit', 'verify']);
    expect(verify.code, verify.out).toBe(0);
  });

  it('refuses a tampered file, and a backup whose content does not match its manifest, leaving the database as it was', async () => {
    await person(CANARY);
    await audit(2);
    const keys = await BackupKeyRing.open(t.config.backup);
    const good = await createBackup({ target: t.config.database, keys, dir: path.join(t.database.dir, 'backups') });
    const tampered = path.join(t.database.dir, 'tampered.sbk');
    const bytes = fs.readFileSync(good.file);
    bytes.writeUInt8((bytes.readUInt8(bytes.length - 100) ^ 0xff) & 0xff, bytes.length - 100);
    fs.writeFileSync(tampered, bytes);
    expect((await runCli(t.config, ['backup', '--verify', tampered])).code).toBe(1);

    if (dialect === 'sqlite') {
      // A well-encrypted file whose dump lies about its content: a copy of the database with one row removed.
      const copy = path.join(t.database.dir, 'copy.db');
      await sql`vacuum into ${copy}`.execute(t.ctx.db.kysely);
      const manifestTables = sqliteManifestTables(copy);
      const c = openDatabase({ kind: 'sqlite', file: copy });
      await sql`delete from test_people`.execute(c.kysely);
      await c.close();
      const id = randomId();
      const liar = path.join(t.database.dir, 'liar.sbk');
      await writeBackupFile({
        outFile: liar,
        dumpFile: copy,
        manifest: { format: 'sanctuary-backup-manifest', version: 1, id, createdAt: new Date().toISOString(), dialect: 'sqlite', tables: manifestTables },
        header: { id, createdAt: new Date().toISOString(), dialect: 'sqlite', kid: keys.currentKid },
        key: keys.fileKey(keys.currentKid, id),
      });
      const before = sqliteManifestTables(t.config.database.kind === 'sqlite' ? t.config.database.file : '');
      await t.ctx.db.close();
      appDbClosed = true;
      await expect(restoreBackup({ target: t.config.database, keys, inFile: liar })).rejects.toBeInstanceOf(BackupVerifyError);
      await expect(restoreBackup({ target: t.config.database, keys, inFile: tampered })).rejects.toThrow(/does not authenticate/);
      expect(sqliteManifestTables(t.config.database.kind === 'sqlite' ? t.config.database.file : '')).toEqual(before);
    } else {
      await expect(restoreBackup({ target: t.config.database, keys, inFile: tampered })).rejects.toThrow(/does not authenticate/);
    }
  });

  it('the nightly job writes a backup, audits it, tests it and prunes old ones', async () => {
    const { JobWorker } = await import('../../src/core/jobs/job-worker.ts');
    const app = await createTestApp(dialect, { env: { BACKUP_KEEP: '2' } });
    try {
      expect(app.ctx.jobs.names()).toContain('backup.nightly');
      // Three runs: two queued by hand and the scheduled one the worker enqueues itself (02:30 is at most a day old).
      await app.ctx.jobs.enqueue({ name: 'backup.nightly', dedupeKey: 'one' });
      await app.ctx.jobs.enqueue({ name: 'backup.nightly', dedupeKey: 'two' });
      const worker = new JobWorker({ queue: app.ctx.jobs, ctx: app.ctx, concurrency: 1 });
      await worker.drain();
      const jobs = await app.ctx.db.kysely.selectFrom('jobs').select(['status', 'last_error']).where('name', '=', 'backup.nightly').execute();
      expect(jobs).toHaveLength(3);
      expect(jobs.every((j) => j.status === 'done'), JSON.stringify(jobs)).toBe(true);
      const files = fs.readdirSync(app.config.backup.dir).filter((n) => n.endsWith('.sbk'));
      expect(files).toHaveLength(2);
      const entries = await app.ctx.db.kysely.selectFrom('audit_log').select('actor_role').where('action', '=', 'admin.backup').execute();
      expect(entries.map((e) => e.actor_role)).toEqual(['system', 'system', 'system']);
    } finally {
      await app.close();
    }
  });

  it('keeps only the newest BACKUP_KEEP backups when pruning', async () => {
    const keys = await BackupKeyRing.open(t.config.backup);
    const dir = path.join(t.database.dir, 'pruned');
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      made.push((await createBackup({ target: t.config.database, keys, dir, now: new Date(Date.UTC(2026, 10, 20 + i, 2, 30)) })).file);
    }
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a backup');
    const pruned = await pruneBackups(dir, 2);
    expect(pruned).toEqual(made.slice(0, 2).map((f) => path.basename(f)));
    expect(fs.readdirSync(dir).sort()).toEqual([...made.slice(2).map((f) => path.basename(f)), 'notes.txt'].sort());
  });
});
