import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../../../test/helpers/db.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { inTransaction } from '../db/transaction.ts';
import { KeyConfigError } from './errors.ts';
import { EnvKeyProvider, LocalFileKeyProvider, generateKeyString } from './key-provider.ts';
import { destroyOldKek, kekStatus, pendingRewraps, rotateKek } from './vault-rotation.ts';
import { KeyVaultStore } from './vault-store.ts';
import { Vault } from './vault.ts';
import { vaultMigrations } from './vault.migrations.ts';

/**
 * KEK rotation on a SQLite vault, and on a PostgreSQL vault (a separate database) when TEST_DATABASE_URL is
 * set: rotate, crash mid-way, resume, everything decrypts, destroy the old KEK, everything still decrypts.
 */
describeEachDialect('KEK rotation', (dialect) => {
  let main: TestDatabase;
  let vaultDb: TestDatabase | undefined;
  let provider: LocalFileKeyProvider;
  let store: KeyVaultStore;
  let vault: Vault;

  beforeEach(async () => {
    main = await createTestDatabase('sqlite');
    await migrateToLatest(main.db, vaultMigrations);
    if (dialect === 'postgres') {
      vaultDb = await createTestDatabase('postgres');
      store = await KeyVaultStore.open(vaultDb.target);
    } else {
      store = await KeyVaultStore.open({ kind: 'sqlite', file: path.join(main.dir, 'keys', 'subject-keys.db') });
    }
    provider = new LocalFileKeyProvider({ path: path.join(main.dir, 'keys', 'kek.json') });
    vault = new Vault({ provider, store, db: main.db, indexRoot: await provider.indexRootKey(), ownsProvider: false, cache: { maxEntries: 0 } });
  });

  afterEach(async () => {
    await vault.close();
    await provider.close();
    await vaultDb?.drop();
    vaultDb = undefined;
    await main.drop();
  });

  async function makeSubjects(n: number): Promise<Array<{ id: string; sealed: string }>> {
    const out: Array<{ id: string; sealed: string }> = [];
    for (let i = 0; i < n; i++) {
      const id = await inTransaction(main.db, (tx) => vault.createSubject(tx, i % 2 ? 'clinics' : 'office'));
      out.push({ id, sealed: await vault.seal(id, `person ${i}`, { table: 't', column: 'c', rowId: String(i) }) });
    }
    return out;
  }

  async function expectAllOpen(subjects: Array<{ id: string; sealed: string }>): Promise<void> {
    const opened = await Promise.all(subjects.map((s, i) => vault.open(s.id, s.sealed, { table: 't', column: 'c', rowId: String(i) })));
    expect(opened).toEqual(subjects.map((_, i) => `person ${i}`));
  }

  it('rotates in batches, resumes after a crash, then lets the old KEK be destroyed', async () => {
    const subjects = await makeSubjects(23);
    const oldKid = await provider.currentKid();
    expect(await pendingRewraps(provider, store)).toBe(0);

    // Crash after two batches of 5.
    let batches = 0;
    await expect(
      rotateKek({
        provider,
        store,
        batchSize: 5,
        onBatch: () => {
          batches++;
          if (batches === 2) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    const newKid = await provider.currentKid();
    expect(newKid).not.toBe(oldKid);
    expect(await pendingRewraps(provider, store)).toBe(13);
    expect(await store.countByKek(oldKid)).toBe(13);

    // Half-way: both KEKs in use, everything still decrypts, the old KEK cannot be destroyed.
    await expectAllOpen(subjects);
    await expect(destroyOldKek({ provider, store, kid: oldKid })).rejects.toThrow(/13 live data key/);

    // Keys created during the rotation already use the new KEK.
    const during = await makeSubjects(1);
    expect((await store.get(during[0]?.id as string))?.kek_id).toBe(newKid);

    // Resume: no new KEK, the remaining 13 are re-wrapped.
    const progress: number[] = [];
    const resumed = await rotateKek({ provider, store, batchSize: 5, onBatch: (done) => void progress.push(done) });
    expect(resumed).toEqual({ kid: newKid, created: false, rewrapped: 13 });
    expect(progress).toEqual([5, 10, 13]);
    expect(await pendingRewraps(provider, store)).toBe(0);
    expect(await kekStatus(provider, store)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: oldKid, current: false, liveKeys: 0 }),
        expect.objectContaining({ id: newKid, current: true, liveKeys: 24 }),
      ]),
    );

    await expect(destroyOldKek({ provider, store, kid: newKid })).rejects.toThrow(/current KEK/);
    expect(await destroyOldKek({ provider, store, kid: oldKid })).toMatchObject({ destroyed: true });
    expect((await provider.listKeks()).map((k) => k.id)).toEqual([newKid]);
    await expect(destroyOldKek({ provider, store, kid: oldKid })).rejects.toThrow(/does not exist/);

    // A fresh process (new provider reading the key file) decrypts everything without the old KEK.
    await vault.close();
    await provider.close();
    provider = new LocalFileKeyProvider({ path: path.join(main.dir, 'keys', 'kek.json') });
    store = dialect === 'postgres' && vaultDb ? await KeyVaultStore.open(vaultDb.target) : await KeyVaultStore.open({ kind: 'sqlite', file: path.join(main.dir, 'keys', 'subject-keys.db') });
    vault = new Vault({ provider, store, db: main.db, indexRoot: await provider.indexRootKey(), ownsProvider: false });
    await expectAllOpen(subjects);

    // A second complete rotation starts a new KEK.
    const second = await rotateKek({ provider, store });
    expect(second).toMatchObject({ created: true, rewrapped: 24 });
    await expectAllOpen(subjects);
  });

  it('a forgotten subject stays forgotten through a rotation', async () => {
    const [a, b] = await makeSubjects(2);
    await inTransaction(main.db, (tx) => vault.forgetSubject(tx, a?.id as string));
    const r = await rotateKek({ provider, store });
    expect(r.rewrapped).toBe(1);
    expect((await store.get(a?.id as string))?.wrapped_key).toBeNull();
    expect(await vault.open(b?.id as string, b?.sealed as string, { table: 't', column: 'c', rowId: '1' })).toBe('person 1');
  });
});

it('a read-only provider (SANCTUARY_KEK) rotates by re-wrapping under the key the operator put first', async () => {
  const main = await createTestDatabase('sqlite');
  try {
    await migrateToLatest(main.db, vaultMigrations);
    const store = await KeyVaultStore.open({ kind: 'sqlite', file: path.join(main.dir, 'keys', 'subject-keys.db') });
    const oldKey = generateKeyString('k2026a');
    const indexKey = generateKeyString('i1');
    const p1 = new EnvKeyProvider({ kek: oldKey, indexKey });
    const v1 = new Vault({ provider: p1, store, db: main.db, indexRoot: await p1.indexRootKey(), ownsProvider: false });
    const id = await inTransaction(main.db, (tx) => v1.createSubject(tx, 'office'));
    const sealed = await v1.seal(id, 'Amina', { table: 't', column: 'c', rowId: 'r' });
    await expect(rotateKek({ provider: p1, store })).rejects.toBeInstanceOf(KeyConfigError);

    // The operator prepends a new key and restarts.
    const p2 = new EnvKeyProvider({ kek: `${generateKeyString('k2026b')},${oldKey}`, indexKey });
    expect(await rotateKek({ provider: p2, store })).toEqual({ kid: 'k2026b', created: false, rewrapped: 1 });
    const told = await destroyOldKek({ provider: p2, store, kid: 'k2026a' });
    expect(told.destroyed).toBe(false);
    expect(told.message).toMatch(/remove its entry/);

    // With only the new key, the value still opens.
    const p3 = new EnvKeyProvider({ kek: `k2026b:${(await p2.kekById('k2026b')).key.toString('base64url')}`, indexKey });
    const v3 = new Vault({ provider: p3, store, db: main.db, indexRoot: await p3.indexRootKey(), ownsProvider: false });
    expect(await v3.open(id, sealed, { table: 't', column: 'c', rowId: 'r' })).toBe('Amina');
    await v3.close(); // closes the shared store
  } finally {
    await main.drop();
  }
});
