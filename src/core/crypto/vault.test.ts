import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../../../test/helpers/db.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { CompanionWriteError, inTransaction } from '../db/transaction.ts';
import { DecryptError, KeyNotFoundError } from './errors.ts';
import { DataKeyCache } from './vault-cache.ts';
import { EnvKeyProvider, LocalFileKeyProvider, generateKeyString } from './key-provider.ts';
import { type Vault, createKeyProvider, openVault } from './vault.ts';
import { vaultMigrations } from './vault.migrations.ts';

interface NoteTable {
  id: string;
  subject_id: string;
  body: string;
  body_idx: string;
}
declare module '../db/schema.ts' {
  interface Database {
    vault_test_notes: NoteTable;
  }
}

const testTable = {
  '202611270021_vault_test_notes': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('vault_test_notes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject_id', 'text', (c) => c.notNull().references('subjects.id'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('body_idx', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

function keyConfig(dir: string) {
  return {
    kekFromEnv: undefined,
    indexKeyFromEnv: undefined,
    keyFile: path.join(dir, 'keys', 'kek.json'),
    keyVault: { kind: 'sqlite' as const, file: path.join(dir, 'keys', 'subject-keys.db') },
  };
}

describeEachDialect('vault', (dialect) => {
  let t: TestDatabase;
  let vault: Vault;

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    await migrateToLatest(t.db, { ...vaultMigrations, ...testTable });
    vault = await openVault(keyConfig(t.dir), { db: t.db });
    vault.subjectRows.register({ table: 'vault_test_notes', subjectColumn: 'subject_id', owner: 'test' });
  });

  afterEach(async () => {
    await vault.close();
    await t.drop();
  });

  async function addNote(subjectId: string, text: string): Promise<string> {
    const id = `note-${Math.random().toString(36).slice(2)}`;
    const body = await vault.seal(subjectId, text, { table: 'vault_test_notes', column: 'body', rowId: id });
    const bodyIdx = vault.blindIndex('vault_test_notes.body', text);
    await t.db.kysely.insertInto('vault_test_notes').values({ id, subject_id: subjectId, body, body_idx: bodyIdx }).execute();
    return id;
  }

  async function readNote(subjectId: string, id: string): Promise<string> {
    const row = await t.db.kysely.selectFrom('vault_test_notes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return vault.open(subjectId, row.body, { table: 'vault_test_notes', column: 'body', rowId: id });
  }

  it('seals and opens per subject, bound to the place, and keeps keys out of the main database', async () => {
    const a = await inTransaction(t.db, (tx) => vault.createSubject(tx, 'clinics'));
    const b = await inTransaction(t.db, (tx) => vault.createSubject(tx, 'clinics'));
    const n1 = await addNote(a, 'Hodan Abdi — 612 555 0101');
    expect(await readNote(a, n1)).toBe('Hodan Abdi — 612 555 0101');

    const row = await t.db.kysely.selectFrom('vault_test_notes').selectAll().where('id', '=', n1).executeTakeFirstOrThrow();
    expect(row.body).toMatch(/^s1\./);
    expect(row.body).not.toContain('Hodan');
    // Moved to another row or opened with another subject's key: refused.
    await expect(vault.open(a, row.body, { table: 'vault_test_notes', column: 'body', rowId: 'other' })).rejects.toBeInstanceOf(DecryptError);
    await expect(vault.open(b, row.body, { table: 'vault_test_notes', column: 'body', rowId: n1 })).rejects.toBeInstanceOf(DecryptError);

    const json = await vault.sealJson(a, { name: 'Tou Vang', kids: 3 }, { table: 'x', column: 'y', rowId: 'z' });
    expect(await vault.openJson(a, json, { table: 'x', column: 'y', rowId: 'z' })).toEqual({ name: 'Tou Vang', kids: 3 });

    // The main database holds the subject list only; wrapped keys are in the vault database.
    const subjects = await t.db.kysely.selectFrom('subjects').selectAll().execute();
    expect(subjects.map((s) => s.id).sort()).toEqual([a, b].sort());
    expect(JSON.stringify(subjects)).not.toMatch(/w1\./);
    expect((await vault.store.get(a))?.wrapped_key).toMatch(/^w1\./);
  });

  it('blind indexes are deterministic per index and differ across indexes', () => {
    const x = vault.blindIndex('t.name', 'José García', { normalize: 'name' });
    expect(vault.blindIndex('t.name', 'jose  garcia', { normalize: 'name' })).toBe(x);
    expect(vault.blindIndex('u.name', 'José García', { normalize: 'name' })).not.toBe(x);
    expect(x).toMatch(/^[0-9a-f]{16}$/);
  });

  it('forgets a subject: rows deleted, key destroyed, others untouched, repeat is harmless', async () => {
    const a = await inTransaction(t.db, (tx) => vault.createSubject(tx, 'clinics'));
    const b = await inTransaction(t.db, (tx) => vault.createSubject(tx, 'clinics'));
    const na = await addNote(a, 'Ayaan Warsame');
    const nb = await addNote(b, 'Mai Xiong');
    const receipt = await inTransaction(t.db, (tx) => vault.forgetSubject(tx, a));
    expect(receipt).toMatchObject({ subjectId: a, program: 'clinics', keyDestroyed: true, rowsDeleted: { vault_test_notes: 1 } });
    expect(await t.db.kysely.selectFrom('vault_test_notes').select('id').where('id', '=', na).executeTakeFirst()).toBeUndefined();
    await expect(vault.open(a, 's1.x', { table: 'a', column: 'b', rowId: 'c' })).rejects.toBeInstanceOf(KeyNotFoundError);
    expect(await vault.subjectStatus(a)).toBe('forgotten');
    expect((await vault.store.get(a))?.wrapped_key).toBeNull();
    expect(await readNote(b, nb)).toBe('Mai Xiong');
    const again = await inTransaction(t.db, (tx) => vault.forgetSubject(tx, a));
    expect(again).toMatchObject({ keyDestroyed: false, program: null, rowsDeleted: {} });
    await expect(inTransaction(t.db, (tx) => vault.forgetSubject(tx, '01JUNKNOWNSUBJECT000000000'))).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it('forgets many subjects at once (retention purge), skipping unknown ids', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await inTransaction(t.db, (tx) => vault.createSubject(tx, 'clinics')));
    for (const id of ids) await addNote(id, `note of ${id}`);
    const r = await inTransaction(t.db, (tx) => vault.forgetSubjects(tx, [...ids.slice(0, 3), '01JUNKNOWNSUBJECT000000000']));
    expect(r).toMatchObject({ keysDestroyed: 3, rowsDeleted: { vault_test_notes: 3 } });
    expect(await Promise.all(ids.map((id) => vault.subjectStatus(id)))).toEqual(['forgotten', 'forgotten', 'forgotten', 'live', 'live']);
    expect(await t.db.kysely.selectFrom('subjects').select('id').execute()).toHaveLength(2);
  });

  it('a forget whose transaction rolls back still destroys the key; reconcile deletes the leftover rows', async () => {
    const a = await inTransaction(t.db, (tx) => vault.createSubject(tx, 'clinics'));
    const na = await addNote(a, 'Leftover');
    await expect(
      inTransaction(t.db, async (tx) => {
        await vault.forgetSubject(tx, a);
        throw new Error('caller failed after the forget');
      }),
    ).rejects.toThrow('caller failed');
    expect(await t.db.kysely.selectFrom('vault_test_notes').select('id').where('id', '=', na).executeTakeFirst()).toBeDefined();
    await expect(readNote(a, na)).rejects.toBeInstanceOf(KeyNotFoundError);
    const result = await vault.reconcile();
    expect(result.forgotten).toBe(1);
    expect(await t.db.kysely.selectFrom('vault_test_notes').select('id').where('id', '=', na).executeTakeFirst()).toBeUndefined();
  });

  it('a rolled-back createSubject leaves an orphan key that reconcile can destroy', async () => {
    let orphan = '';
    await expect(
      inTransaction(t.db, async (tx) => {
        orphan = await vault.createSubject(tx, 'clinics');
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await vault.subjectStatus(orphan)).toBe('live');
    expect(await vault.reconcile()).toMatchObject({ orphans: 0 }); // younger than 24 h: left alone
    expect(await vault.reconcile({ destroyOrphans: true, orphanAgeMs: -1000 })).toMatchObject({ orphans: 1, orphansDestroyed: 1 });
    expect(await vault.subjectStatus(orphan)).toBe('forgotten');
  });

  it('keys of concurrent transactions share the key vault commits and are durable when the transaction answers', async () => {
    const stats = vault.store.db.groupCommit;
    const before = stats ? { ...stats } : undefined;
    const made = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        inTransaction(t.db, async (tx) => {
          const id = await vault.createSubject(tx, 'clinics');
          const noteId = `note-c${i}`;
          const body = await vault.seal(id, `person ${i}`, { table: 'vault_test_notes', column: 'body', rowId: noteId });
          await tx.insertInto('vault_test_notes').values({ id: noteId, subject_id: id, body, body_idx: `i${i}` }).execute();
          // Answered: the key is committed in the vault (read on its read-only connection, committed data only).
          return { id, noteId, stored: () => vault.store.get(id) };
        }).then(async (r) => ({ ...r, key: await r.stored() })),
      ),
    );
    for (const m of made) expect(m.key?.wrapped_key).toMatch(/^w1\./);
    const after = vault.store.db.groupCommit;
    if (before && after) {
      expect(after.transactions - before.transactions).toBe(24);
      // SQLite runs the main transactions one after another, each handing its key over at once; PostgreSQL runs
      // them side by side with network round trips between, so fewer keys meet in one commit.
      expect(after.commits - before.commits).toBeLessThanOrEqual(dialect === 'sqlite' ? 12 : 20);
    }
    // Readable after the cache is gone (the key comes from the vault database).
    const fresh = await openVault(keyConfig(t.dir), { db: t.db });
    try {
      const row = await t.db.kysely.selectFrom('vault_test_notes').selectAll().where('id', '=', 'note-c7').executeTakeFirstOrThrow();
      expect(await fresh.open(row.subject_id, row.body, { table: 'vault_test_notes', column: 'body', rowId: 'note-c7' })).toBe('person 7');
    } finally {
      await fresh.close();
    }
  });

  it('a key the vault cannot store fails the transaction and removes what it committed', async () => {
    await sql`create trigger refuse_keys before insert on subject_keys begin select raise(abort, 'the disk is full'); end`.execute(vault.store.db.kysely);
    let id = '';
    const failed = await inTransaction(t.db, async (tx) => {
      id = await vault.createSubject(tx, 'clinics');
      const body = await vault.seal(id, 'Hodan', { table: 'vault_test_notes', column: 'body', rowId: 'note-x' });
      await tx.insertInto('vault_test_notes').values({ id: 'note-x', subject_id: id, body, body_idx: 'x' }).execute();
      return id;
    }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(CompanionWriteError);
    expect(String((failed as Error).cause)).toContain('the disk is full');
    // Nothing of it is left: no row, no subject, no key.
    expect(await t.db.kysely.selectFrom('vault_test_notes').selectAll().where('id', '=', 'note-x').execute()).toEqual([]);
    expect(await t.db.kysely.selectFrom('subjects').selectAll().where('id', '=', id).execute()).toEqual([]);
    expect(await vault.store.get(id)).toBeUndefined();
    await sql`drop trigger refuse_keys`.execute(vault.store.db.kysely);
    // Outside inTransaction the key is written before createSubject returns, and its failure is the caller's.
    await sql`create trigger refuse_keys before insert on subject_keys begin select raise(abort, 'the disk is full'); end`.execute(vault.store.db.kysely);
    await expect(t.db.kysely.transaction().execute((tx) => vault.createSubject(tx, 'clinics'))).rejects.toThrow('the disk is full');
  });

  it('a new process with the same key file and vault decrypts (keys survive restarts)', async () => {
    const a = await inTransaction(t.db, (tx) => vault.createSubject(tx, 'office', { id: undefined }));
    const n = await addNote(a, 'Fartuun Ali');
    await vault.close();
    vault = await openVault(keyConfig(t.dir), { db: t.db });
    expect(await readNote(a, n)).toBe('Fartuun Ali');
  });

  it('useSubject pins the key for many fields and refuses use after the callback', async () => {
    const a = await inTransaction(t.db, (tx) => vault.createSubject(tx, 'office'));
    let leaked: { seal(v: string, at: { table: string; column: string; rowId: string }): string } | undefined;
    const sealed = await vault.useSubject(a, (c) => {
      leaked = c;
      return [1, 2, 3].map((i) => c.seal(`v${i}`, { table: 't', column: 'c', rowId: String(i) }));
    });
    expect(await vault.open(a, sealed[2] as string, { table: 't', column: 'c', rowId: '3' })).toBe('v3');
    expect(() => leaked?.seal('x', { table: 't', column: 'c', rowId: '1' })).toThrow(/after its useSubject/);
  });
});

it('DataKeyCache zeroizes keys on expiry and eviction, but never under a pinned user', () => {
  let now = 0;
  const cache = new DataKeyCache({ ttlMs: 100, maxEntries: 2, now: () => now });
  const k = (id: string) => ({ id, key: Buffer.alloc(32, 7) });
  const a = k('A');
  const b = k('B');
  const c = k('C');
  cache.set('a', a);
  cache.set('b', b);
  const pinned = cache.pin('a');
  cache.set('c', c); // evicts least recently used: b (a was just used by pin)
  expect(b.key.every((x) => x === 0)).toBe(true);
  expect(cache.get('b')).toBeUndefined();
  now = 200; // a expires while pinned
  expect(cache.get('a')).toBeUndefined();
  expect(a.key.every((x) => x === 7)).toBe(true);
  pinned?.release();
  expect(a.key.every((x) => x === 0)).toBe(true);
  cache.clear();
  expect(c.key.every((x) => x === 0)).toBe(true);
});

describe('key configuration', () => {
  it('puts the key vault in its own directory outside DATA_DIR and refuses unsafe places', () => {
    const c = loadConfig({ DATA_DIR: '/srv/sanctuary/data' });
    expect(c.keyVault).toEqual({ kind: 'sqlite', file: '/srv/sanctuary/.sanctuary-vault/subject-keys.db' });
    expect(path.dirname(c.keyVault.kind === 'sqlite' ? c.keyVault.file : '')).not.toBe(path.dirname(c.keyFile));
    expect(() => loadConfig({ DATA_DIR: '/srv/data', KEY_VAULT_URL: 'sqlite:/srv/data/keys.db' })).toThrow(/KEY_VAULT_URL: must be outside DATA_DIR/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db.local/sanctuary', KEY_VAULT_URL: 'postgres://db.local:5432/sanctuary' })).toThrow(/different database/);
    expect(loadConfig({ DATABASE_URL: 'postgres://db.local/sanctuary', KEY_VAULT_URL: 'postgres://db.local/sanctuary_keys' }).keyVault.kind).toBe('postgres');
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db.local/sanctuary', SANCTUARY_KEK: 'x', SANCTUARY_INDEX_KEY: 'y' })).toThrow(
      /KEY_VAULT_URL: required in production/,
    );
    expect(() => loadConfig({ SANCTUARY_KEK: 'k' })).toThrow(/SANCTUARY_INDEX_KEY: required/);
  });

  it('builds the provider the configuration asks for', () => {
    const env = createKeyProvider({ kekFromEnv: generateKeyString('a'), indexKeyFromEnv: generateKeyString('b'), keyFile: '/nonexistent/kek.json' });
    expect(env).toBeInstanceOf(EnvKeyProvider);
    expect(createKeyProvider({ kekFromEnv: undefined, indexKeyFromEnv: undefined, keyFile: '/tmp/x/kek.json' })).toBeInstanceOf(LocalFileKeyProvider);
  });
});
