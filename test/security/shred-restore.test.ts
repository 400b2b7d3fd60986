import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BackupKeyRing } from '../../src/core/backup/backup-key.ts';
import { createBackup, restoreBackup } from '../../src/core/backup/backup.service.ts';
import { KeyNotFoundError } from '../../src/core/crypto/errors.ts';
import { LocalFileKeyProvider } from '../../src/core/crypto/key-provider.ts';
import { destroyOldKek, rotateKek } from '../../src/core/crypto/vault-rotation.ts';
import { KeyVaultStore } from '../../src/core/crypto/vault-store.ts';
import { Vault } from '../../src/core/crypto/vault.ts';
import { vaultMigrations } from '../../src/core/crypto/vault.migrations.ts';
import { type DatabaseTarget, type Db, openDatabase } from '../../src/core/db/database.ts';
import { migrateToLatest } from '../../src/core/db/migrator.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { type DialectName, type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';

/**
 * R24 / R22 / DESIGN §3.4 — "even an old backup restored later cannot be read for that person":
 * back up the data (SQLite file copy and VACUUM INTO; PostgreSQL pg_dump; and `sanctuary backup` / `restore`
 * on both), forget one of three subjects,
 * restore the OLD backup into a new database: the forgotten subject's fields cannot be decrypted — although
 * the KEK has not changed — while everyone else's can. Without the key store nothing decrypts.
 *
 * Why it holds: the wrapped data keys are not in the data backup at all; they live in the key vault
 * database, whose row for the forgotten subject is destroyed (docs/privacy.md).
 */

interface PersonTable {
  id: string;
  subject_id: string;
  name: string;
  phone: string;
  name_idx: string;
}
declare module '../../src/core/db/schema.ts' {
  interface Database {
    shred_test_people: PersonTable;
  }
}

const peopleMigration = {
  '202611270022_shred_test_people': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('shred_test_people')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject_id', 'text', (c) => c.notNull().references('subjects.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('name_idx', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

const PEOPLE = [
  { name: 'Canary Forgotten Ahmed Xuseen', phone: '+1 612 555 0199' },
  { name: 'Kept Person Tou Lee', phone: '+1 612 555 0142' },
  { name: 'Kept Person María Ortega', phone: '+1 612 555 0177' },
];

function pgUrl(target: DatabaseTarget): string {
  if (target.kind !== 'postgres') throw new Error('not postgres');
  return target.url;
}

/** A backup artifact of a database, made the way an operator would. */
interface Backup {
  kind: 'sqlite-copy' | 'sqlite-vacuum' | 'pg_dump' | 'sanctuary-backup';
  file: string;
  keys?: BackupKeyRing;
}

async function backUp(db: Db, target: DatabaseTarget, dir: string, kind: Backup['kind']): Promise<Backup> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  if (kind === 'sanctuary-backup') {
    // The product's own encrypted backup (`sanctuary backup`).
    const keys = await BackupKeyRing.open({ keyFile: path.join(dir, 'backup-key.json'), keyFromEnv: undefined });
    const result = await createBackup({ target, keys, dir });
    return { kind, file: result.file, keys };
  }
  if (kind === 'pg_dump') {
    execFileSync('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, pgUrl(target)]);
  } else if (kind === 'sqlite-vacuum') {
    await sql`vacuum into ${file}`.execute(db.kysely);
  } else {
    // A plain file copy of a live WAL database: copy the main file and its -wal together.
    if (target.kind !== 'sqlite') throw new Error('not sqlite');
    fs.copyFileSync(target.file, file);
    if (fs.existsSync(`${target.file}-wal`)) fs.copyFileSync(`${target.file}-wal`, `${file}-wal`);
  }
  return { kind, file };
}

/** Restores a backup into a brand-new database and opens it. */
async function restore(backup: Backup, dialect: DialectName, cleanups: Array<() => Promise<void>>): Promise<{ db: Db; target: DatabaseTarget }> {
  if (backup.kind === 'sanctuary-backup') {
    // `sanctuary restore` into a brand-new database (it verifies row counts and checksums first).
    let target: DatabaseTarget;
    if (dialect === 'postgres') {
      const fresh = await createTestDatabase('postgres');
      cleanups.push(() => fresh.drop());
      await fresh.db.close(); // restore works on its own connections; reopen afterwards
      target = fresh.target;
    } else {
      target = { kind: 'sqlite', file: `${backup.file}.restored.db` };
    }
    await restoreBackup({ target, keys: backup.keys as BackupKeyRing, inFile: backup.file });
    const db = openDatabase(target);
    cleanups.push(() => db.close());
    return { db, target };
  }
  if (backup.kind === 'pg_dump') {
    const fresh = await createTestDatabase('postgres');
    cleanups.push(() => fresh.drop());
    execFileSync('pg_restore', ['--no-owner', `--dbname=${pgUrl(fresh.target)}`, backup.file]);
    return { db: fresh.db, target: fresh.target };
  }
  expect(dialect).toBe('sqlite');
  const file = `${backup.file}.restored.db`;
  fs.copyFileSync(backup.file, file);
  if (fs.existsSync(`${backup.file}-wal`)) fs.copyFileSync(`${backup.file}-wal`, `${file}-wal`);
  const target: DatabaseTarget = { kind: 'sqlite', file };
  const db = openDatabase(target);
  cleanups.push(() => db.close());
  return { db, target };
}

describeEachDialect('crypto-shredding reaches old backups', (dialect) => {
  let main: TestDatabase;
  let vaultDb: TestDatabase | undefined;
  let keyFile: string;
  let vaultTarget: DatabaseTarget;
  let provider: LocalFileKeyProvider;
  let vault: Vault;
  const cleanups: Array<() => Promise<void>> = [];

  async function openVaultOn(db: Db, p: LocalFileKeyProvider, target: DatabaseTarget = vaultTarget): Promise<Vault> {
    const v = new Vault({ provider: p, store: await KeyVaultStore.open(target), db, indexRoot: await p.indexRootKey(), ownsProvider: false });
    v.subjectRows.register({ table: 'shred_test_people', subjectColumn: 'subject_id', owner: 'test' });
    return v;
  }

  beforeEach(async () => {
    main = await createTestDatabase(dialect);
    await migrateToLatest(main.db, { ...vaultMigrations, ...peopleMigration });
    keyFile = path.join(main.dir, 'keys', 'kek.json');
    if (dialect === 'postgres') {
      vaultDb = await createTestDatabase('postgres');
      vaultTarget = vaultDb.target;
    } else {
      vaultTarget = { kind: 'sqlite', file: path.join(main.dir, 'keys', 'subject-keys.db') };
    }
    provider = new LocalFileKeyProvider({ path: keyFile });
    vault = await openVaultOn(main.db, provider);
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await vault.close();
    await provider.close();
    await vaultDb?.drop();
    vaultDb = undefined;
    await main.drop();
  });

  async function createPeople(): Promise<string[]> {
    const ids: string[] = [];
    for (const p of PEOPLE) {
      const subjectId = await inTransaction(main.db, async (tx) => {
        const sid = await vault.createSubject(tx, 'office');
        const id = `p-${sid}`;
        const at = (column: string) => ({ table: 'shred_test_people', column, rowId: id });
        await tx
          .insertInto('shred_test_people')
          .values({
            id,
            subject_id: sid,
            name: await vault.seal(sid, p.name, at('name')),
            phone: await vault.seal(sid, p.phone, at('phone')),
            name_idx: vault.blindIndex('shred_test_people.name', p.name, { normalize: 'name' }),
          })
          .execute();
        return sid;
      });
      ids.push(subjectId);
    }
    return ids;
  }

  /** Tries to read every person from a database with a vault; returns the name or the failure. */
  async function readAll(db: Db, v: Vault): Promise<string[]> {
    const rows = await db.kysely.selectFrom('shred_test_people').selectAll().execute();
    const out: string[] = [];
    for (const p of PEOPLE) {
      const row = rows.find((r) => r.name_idx === v.blindIndex('shred_test_people.name', p.name, { normalize: 'name' }));
      if (!row) {
        out.push('missing');
        continue;
      }
      try {
        const name = await v.open(row.subject_id, row.name, { table: 'shred_test_people', column: 'name', rowId: row.id });
        const phone = await v.open(row.subject_id, row.phone, { table: 'shred_test_people', column: 'phone', rowId: row.id });
        out.push(`${name} / ${phone}`);
      } catch (err) {
        if (!(err instanceof KeyNotFoundError)) throw err;
        out.push('key-gone');
      }
    }
    return out;
  }

  const kinds: Array<Backup['kind']> = dialect === 'postgres' ? ['pg_dump', 'sanctuary-backup'] : ['sqlite-copy', 'sqlite-vacuum', 'sanctuary-backup'];

  it.each(kinds)('back up (%s), forget one of three, restore the old backup: only the forgotten one is unreadable', async (kind) => {
    const [forgotten] = await createPeople();
    const kekBefore = await provider.currentKid();
    const backup = await backUp(main.db, main.target, path.join(main.dir, 'backups'), kind);

    const receipt = await inTransaction(main.db, (tx) => vault.forgetSubject(tx, forgotten as string));
    expect(receipt).toMatchObject({ keyDestroyed: true, rowsDeleted: { shred_test_people: 1 } });
    const live = await readAll(main.db, vault);
    expect(live).toEqual(['missing', `${PEOPLE[1]?.name} / ${PEOPLE[1]?.phone}`, `${PEOPLE[2]?.name} / ${PEOPLE[2]?.phone}`]);

    // Restore the OLD backup into a new database; the key file (and its KEK) is unchanged.
    const { db: restored } = await restore(backup, dialect, cleanups);
    expect(await provider.currentKid()).toBe(kekBefore);
    const restoredRows = await restored.kysely.selectFrom('shred_test_people').selectAll().execute();
    expect(restoredRows).toHaveLength(3); // the forgotten person's ciphertext IS in the old backup…
    const rv = await openVaultOn(restored, provider);
    cleanups.push(() => rv.close());
    // …but nothing can open it, while everyone else opens normally.
    expect(await readAll(restored, rv)).toEqual(['key-gone', live[1], live[2]]);

    // The backup holds no wrapped key for anyone.
    if (kind !== 'sanctuary-backup') {
      const raw = kind === 'pg_dump' ? execFileSync('pg_restore', ['--file=-', backup.file]) : fs.readFileSync(backup.file);
      expect(raw.includes(Buffer.from('w1.'))).toBe(false);
    }
    expect(await restored.kysely.selectFrom('subjects').select('id').execute()).toHaveLength(3);

    // Reconciling the restored database deletes the forgotten person's rows again.
    expect(await rv.reconcile()).toMatchObject({ forgotten: 1 });
    expect(await restored.kysely.selectFrom('shred_test_people').select('id').execute()).toHaveLength(2);
  });

  it('a restored data backup without the key store decrypts nothing (R22)', async () => {
    await createPeople();
    const backup = await backUp(main.db, main.target, path.join(main.dir, 'backups'), kinds[0] as Backup['kind']);
    const { db: restored } = await restore(backup, dialect, cleanups);
    // Someone holding only the backup gets a new, empty key store.
    const otherDir = path.join(main.dir, 'attacker');
    const attacker = new LocalFileKeyProvider({ path: path.join(otherDir, 'kek.json') });
    const av = await openVaultOn(restored, attacker, { kind: 'sqlite', file: path.join(otherDir, 'subject-keys.db') });
    cleanups.push(async () => {
      await av.close();
      await attacker.close();
    });
    const rows = await restored.kysely.selectFrom('shred_test_people').selectAll().execute();
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      await expect(av.open(r.subject_id, r.name, { table: 'shred_test_people', column: 'name', rowId: r.id })).rejects.toBeInstanceOf(KeyNotFoundError);
    }
  });

  it('a key-vault backup older than the forget works only until the KEK is rotated and the old one destroyed', async () => {
    const [forgotten] = await createPeople();
    // The vault's own (short-retention) backup chain.
    const vaultBackup = await backUp(vault.store.db, vaultTarget, path.join(main.dir, 'vault-backups'), dialect === 'postgres' ? 'pg_dump' : 'sqlite-vacuum');
    const dataBackup = await backUp(main.db, main.target, path.join(main.dir, 'backups'), kinds[0] as Backup['kind']);
    await inTransaction(main.db, (tx) => vault.forgetSubject(tx, forgotten as string));

    const { target: oldVaultTarget } = await restore(vaultBackup, dialect, cleanups);
    const { db: dataDb } = await restore(dataBackup, dialect, cleanups);

    // Inside the vault backup window, old data + old vault backup + the KEK still read the forgotten person.
    const within = await openVaultOn(dataDb, provider, oldVaultTarget);
    expect((await readAll(dataDb, within))[0]).toBe(`${PEOPLE[0]?.name} / ${PEOPLE[0]?.phone}`);
    await within.close();

    // Rotation + destroying the old KEK closes the window for every old vault backup.
    const oldKid = await provider.currentKid();
    await rotateKek({ provider, store: vault.store });
    await destroyOldKek({ provider, store: vault.store, kid: oldKid });
    const after = await openVaultOn(dataDb, provider, oldVaultTarget);
    cleanups.push(() => after.close());
    // Every key in the old vault backup is wrapped by the destroyed KEK: nobody opens anything through it.
    expect(await readAll(dataDb, after)).toEqual(['key-gone', 'key-gone', 'key-gone']);
    // The live system, with the current vault, still reads everyone it should.
    expect(await readAll(main.db, vault)).toEqual(['missing', expect.stringContaining('Tou Lee'), expect.stringContaining('María Ortega')]);
  });
});

describeEachDialect('form drafts are their own short-lived subjects', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('a draft is sealed under its own key; "delete my answers" destroys that key', async () => {
    const browser = new TestBrowser(t.app);
    await browser.get('/forms/office-help');
    expect((await browser.post('/forms/office-help/start', {})).statusCode).toBe(303);
    expect((await browser.post('/forms/office-help/topic', { topic: 'housing' })).statusCode).toBe(303);
    expect((await browser.post('/forms/office-help/description', { description: 'Draft canary Hodan Warsame' })).statusCode).toBe(303);
    const draft = await t.ctx.db.kysely.selectFrom('form_drafts').selectAll().executeTakeFirstOrThrow();
    expect(draft.sealed).toMatch(/^s1\./);
    expect(draft.sealed).not.toContain('Hodan');
    expect(await t.ctx.vault.subjectStatus(draft.id)).toBe('live');
    const subject = await t.ctx.db.kysely.selectFrom('subjects').selectAll().where('id', '=', draft.id).executeTakeFirstOrThrow();
    expect(subject.program).toBe('forms.draft');

    expect((await browser.post('/forms/office-help/discard', {})).statusCode).toBeLessThan(400);
    expect(await t.ctx.db.kysely.selectFrom('form_drafts').select('id').where('id', '=', draft.id).executeTakeFirst()).toBeUndefined();
    expect(await t.ctx.vault.subjectStatus(draft.id)).toBe('forgotten');
    // The copy of the draft taken before (as a backup would hold it) can no longer be opened.
    await expect(
      t.ctx.vault.open(draft.id, draft.sealed, { table: 'form_drafts', column: 'sealed', rowId: `${draft.id}/office-help` }),
    ).rejects.toBeInstanceOf(KeyNotFoundError);
  });
});
