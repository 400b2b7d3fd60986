/**
 * The vault: the one service repositories and services use to encrypt personal data, look it up by blind
 * index, and forget a person (DESIGN §3.3–3.5; R21–R25).
 *
 * ```ts
 * const subjectId = await ctx.vault.createSubject(tx, 'clinics');            // a person in ONE program
 * const name = await ctx.vault.seal(subjectId, 'Hodan Abdi', { table: 'clinic_people', column: 'name', rowId });
 * const nameIdx = ctx.vault.blindIndex('clinic_people.name', 'Hodan Abdi', { normalize: 'name' });
 * const plain = await ctx.vault.open(subjectId, row.name, { table: 'clinic_people', column: 'name', rowId });
 * await inTransaction(ctx.db, (tx) => ctx.vault.forgetSubject(tx, subjectId)); // crypto-shred + delete rows
 * ```
 *
 * - Each subject has its own random data key (DEK), created with the subject and kept wrapped by the KEK in
 *   the **key vault database** (`vault-store.ts`), which is never part of a data backup. Forgetting destroys
 *   that key, so no backup of the data — old or new — can be decrypted for that person again, while everyone
 *   else's keys are still in the vault.
 * - Values are sealed with AES-256-GCM bound to (table, column, row id): a ciphertext moved elsewhere fails.
 * - Unwrapped DEKs are cached briefly (60 s, 1,000 keys) and zeroized when they leave the cache.
 * - The main database keeps a `subjects` row (id, program, created_at) so module tables can reference it and a
 *   restored old backup can be reconciled with the vault (`reconcile`).
 *
 * Services decrypt through the vault; repositories only move sealed strings (DESIGN §4). A forgotten subject's
 * key is gone for good: `open` then throws `KeyNotFoundError` (code `crypto.key_not_found`), which services
 * turn into `AppError('gone')`.
 */
import type { Config } from '../../config.ts';
import type { Db } from '../db/database.ts';
import { type Executor, inTransaction, joinCommit } from '../db/transaction.ts';
import { type ForgetReceipt, SubjectRowRegistry } from '../privacy/forget.ts';
import { type BlindIndexKey, type BlindIndexOptions, blindIndex as computeBlindIndex, deriveIndexKeyFromRoot } from './blind-index.ts';
import {
  type DataKey,
  type SealContext,
  destroyDataKey,
  generateDataKey,
  open as openSealed,
  openJson as openSealedJson,
  openText,
  parseWrappedDataKey,
  seal as sealValue,
  sealJson as sealJsonValue,
  unwrapDataKey,
  wrapDataKey,
} from './envelope.ts';
import { KeyNotFoundError } from './errors.ts';
import { EnvKeyProvider, type IndexRootKey, type KeyProvider, LocalFileKeyProvider } from './key-provider.ts';
import { isRandomId, randomId } from './random.ts';
import { DataKeyCache, type DataKeyCacheOptions, type PinnedKey } from './vault-cache.ts';
import { KeyVaultStore } from './vault-store.ts';
import './vault.migrations.ts';

/** Program (purpose) names: module ids and core parts, e.g. `clinics`, `forms.draft`. */
const PROGRAM_PATTERN = /^[a-z][a-z0-9.-]{0,63}$/;

/** Synchronous sealing and opening with one subject's key (see {@link Vault.useSubject}). */
export interface SubjectCipher {
  readonly subjectId: string;
  seal(value: string | Buffer, at: SealContext): string;
  open(sealed: string, at: SealContext): string;
  openBytes(sealed: string, at: SealContext): Buffer;
  sealJson(value: unknown, at: SealContext): string;
  openJson<T = unknown>(sealed: string, at: SealContext, parse?: (value: unknown) => T): T;
}

/** Options for {@link Vault}. */
export interface VaultOptions {
  readonly provider: KeyProvider;
  readonly store: KeyVaultStore;
  /** The current blind-index root key (`await provider.indexRootKey()`); the vault keeps its own copy. */
  readonly indexRoot: IndexRootKey;
  /** The main database (for `reconcile`; every other method takes the caller's transaction). */
  readonly db: Db;
  readonly now?: () => Date;
  readonly cache?: DataKeyCacheOptions;
  /**
   * How often (ms) a file-backed key provider re-reads its key file before wrapping a new key, so that a KEK
   * rotation run from the CLI is picked up by a running server. Default 30 s.
   */
  readonly reloadIntervalMs?: number;
  /** Whether `close()` also closes the provider (default true). */
  readonly ownsProvider?: boolean;
}

/** What {@link Vault.reconcile} did. */
export interface ReconcileResult {
  /** Subjects in the main database whose key is destroyed or missing: their rows were deleted. */
  readonly forgotten: number;
  /** Keys in the vault with no subject in the main database (left over by rolled-back transactions). */
  readonly orphans: number;
  /** Orphan keys destroyed (only with `destroyOrphans`). */
  readonly orphansDestroyed: number;
}

/** The platform's encryption service. One per process; built in `app.ts` and available as `ctx.vault`. */
export class Vault {
  readonly provider: KeyProvider;
  readonly store: KeyVaultStore;
  /** Tables whose rows `forgetSubject` deletes. */
  readonly subjectRows = new SubjectRowRegistry();
  readonly #db: Db;
  readonly #now: () => Date;
  readonly #cache: DataKeyCache;
  readonly #loading = new Map<string, Promise<DataKey>>();
  /** Data keys being written to the key vault (see `createSubject`): loads and forgets wait for them. */
  readonly #pending = new Map<string, Promise<void>>();
  readonly #indexKeys = new Map<string, BlindIndexKey>();
  readonly #indexRoot: IndexRootKey;
  readonly #reloadInterval: number;
  readonly #ownsProvider: boolean;
  #lastReload = Date.now();
  #checkpointTimer: NodeJS.Timeout | undefined;

  constructor(options: VaultOptions) {
    this.provider = options.provider;
    this.store = options.store;
    this.#db = options.db;
    this.#indexRoot = { id: options.indexRoot.id, key: Buffer.from(options.indexRoot.key) };
    this.#now = options.now ?? (() => new Date());
    this.#cache = new DataKeyCache(options.cache);
    this.#reloadInterval = options.reloadIntervalMs ?? 30_000;
    this.#ownsProvider = options.ownsProvider ?? true;
  }

  /**
   * Creates a subject of `program` with a fresh data key and returns its id. The `subjects` row is written in
   * `tx`; the wrapped key goes to the key vault outside it. When `inTransaction` runs `tx`, the key write runs
   * alongside (see `joinCommit`): keys of concurrent transactions share the key vault's commits, and the
   * transaction is answered only once its keys are durable; if a key cannot be stored, the committed subject is
   * forgotten again and the transaction fails. Otherwise the key is written before this returns. If `tx` rolls
   * back, the vault keeps an unused key (harmless; `reconcile({ destroyOrphans: true })` removes old ones).
   *
   * `options.id` lets a caller use an id it already made with `randomId()` (e.g. a staff account whose id is
   * also its subject id); by default a new one is drawn.
   */
  async createSubject(tx: Executor, program: string, options: { id?: string } = {}): Promise<string> {
    if (!PROGRAM_PATTERN.test(program)) throw new TypeError(`vault: invalid program name "${program}"`);
    if (options.id !== undefined && !isRandomId(options.id)) throw new TypeError('vault: subject id must be a randomId()');
    await this.#maybeReload();
    const subjectId = options.id ?? randomId();
    const dek = generateDataKey();
    let cached = false;
    try {
      const wrapped = await wrapDataKey(this.provider, dek, { subjectId, purpose: program });
      const createdAt = this.#now().toISOString();
      await tx.insertInto('subjects').values({ id: subjectId, program, created_at: createdAt }).execute();
      const stored = this.store.insert({ id: subjectId, program, wrappedKey: wrapped, kekId: parseWrappedDataKey(wrapped).kid, createdAt });
      // The key write runs alongside the transaction (keys of concurrent transactions share a commit of the key
      // vault) when `inTransaction` runs it; the transaction is answered only once the key is durable.
      this.#pending.set(subjectId, stored);
      const clear = () => {
        if (this.#pending.get(subjectId) === stored) this.#pending.delete(subjectId);
      };
      stored.then(clear, clear);
      const joined = joinCommit(tx, {
        done: stored,
        // The key could not be stored after the rows were committed: remove them (nothing can read them).
        undo: () => inTransaction(this.#db, (t) => this.forgetSubject(t, subjectId)).then(() => undefined, () => undefined),
      });
      if (!joined) await stored;
      // The creator usually seals right away: keep the key instead of unwrapping it again.
      cached = this.#cache.set(subjectId, dek);
      return subjectId;
    } finally {
      if (!cached) destroyDataKey(dek);
    }
  }

  /** Seals a text or binary value of the subject for one place (table, column, row). */
  async seal(subjectId: string, value: string | Buffer, at: SealContext): Promise<string> {
    return this.useSubject(subjectId, (c) => c.seal(value, at));
  }

  /** Opens a value sealed by {@link seal} as UTF-8 text. */
  async open(subjectId: string, sealed: string, at: SealContext): Promise<string> {
    return this.useSubject(subjectId, (c) => c.open(sealed, at));
  }

  /** Opens a sealed binary value. The caller should `fill(0)` the buffer when done. */
  async openBytes(subjectId: string, sealed: string, at: SealContext): Promise<Buffer> {
    return this.useSubject(subjectId, (c) => c.openBytes(sealed, at));
  }

  /** Seals any JSON-serialisable value. */
  async sealJson(subjectId: string, value: unknown, at: SealContext): Promise<string> {
    return this.useSubject(subjectId, (c) => c.sealJson(value, at));
  }

  /** Opens a value sealed by {@link sealJson}; pass a parser (e.g. a Zod schema's `parse`) for a typed result. */
  async openJson<T = unknown>(subjectId: string, sealed: string, at: SealContext, parse?: (value: unknown) => T): Promise<T> {
    return this.useSubject(subjectId, (c) => c.openJson<T>(sealed, at, parse));
  }

  /**
   * Runs `fn` with the subject's key loaded once, for sealing or opening many fields. The cipher is valid only
   * while `fn` runs; the key cannot be evicted or zeroized under it.
   */
  async useSubject<T>(subjectId: string, fn: (cipher: SubjectCipher) => T | Promise<T>): Promise<T> {
    const pinned = await this.#pinKey(subjectId);
    const dek = pinned.dek;
    let valid = true;
    const check = (): DataKey => {
      if (!valid) throw new Error('vault: a SubjectCipher was used after its useSubject() callback returned');
      return dek;
    };
    const cipher: SubjectCipher = {
      subjectId,
      seal: (value, at) => sealValue(check(), value, at),
      open: (sealed, at) => openText(check(), sealed, at),
      openBytes: (sealed, at) => openSealed(check(), sealed, at),
      sealJson: (value, at) => sealJsonValue(check(), value, at),
      openJson: <U>(sealed: string, at: SealContext, parse?: (value: unknown) => U): U =>
        (parse ? openSealedJson(check(), sealed, at, parse) : openSealedJson(check(), sealed, at)) as U,
    };
    try {
      return await fn(cipher);
    } finally {
      valid = false;
      pinned.release();
    }
  }

  /**
   * The blind index of `value` for the named index (`<table>.<column>` or a compound name), computed with that
   * index's own key derived from the index root key. Exact-match lookups only; results are candidates — open
   * and compare before acting. Never index a low-cardinality field alone.
   */
  blindIndex(indexName: string, value: string | readonly string[], options?: BlindIndexOptions): string {
    let key = this.#indexKeys.get(indexName);
    if (!key) {
      key = deriveIndexKeyFromRoot(this.#indexRoot, indexName);
      this.#indexKeys.set(indexName, key);
    }
    return computeBlindIndex(key, value, options);
  }

  /**
   * Forgets a subject: deletes its rows from every registered table and its `subjects` row in `tx`, then
   * destroys its data key in the key vault (immediately, not at commit: if `tx` later rolls back, the rows
   * stay but can never be decrypted again, and `reconcile` deletes them — a forget errs towards forgetting).
   * Repeating a forget is harmless. Throws `KeyNotFoundError` for an id that is in neither database.
   */
  async forgetSubject(tx: Executor, subjectId: string): Promise<ForgetReceipt> {
    await this.#pending.get(subjectId)?.catch(() => undefined);
    const subject = await tx.selectFrom('subjects').select(['id', 'program']).where('id', '=', subjectId).executeTakeFirst();
    const rowsDeleted = await this.subjectRows.deleteRows(tx, subjectId, subject?.program ?? null);
    if (subject) await tx.deleteFrom('subjects').where('id', '=', subjectId).execute();
    const at = this.#now().toISOString();
    const keyDestroyed = await this.store.destroy(subjectId, at);
    this.#cache.delete(subjectId);
    if (!subject && !keyDestroyed) {
      const known = await this.store.get(subjectId);
      if (!known) throw new KeyNotFoundError('data-key', subjectId);
    }
    if (keyDestroyed) this.#scheduleCheckpoint();
    return { subjectId, program: subject?.program ?? null, rowsDeleted, keyDestroyed, at };
  }

  /**
   * {@link forgetSubject} for many subjects at once (retention purges): one delete per registered table, one
   * vault transaction. Unknown ids are skipped. Returns how many keys this call destroyed and rows per table.
   */
  async forgetSubjects(tx: Executor, subjectIds: readonly string[]): Promise<{ keysDestroyed: number; rowsDeleted: Record<string, number>; at: string }> {
    const ids = [...new Set(subjectIds)];
    const at = this.#now().toISOString();
    if (ids.length === 0) return { keysDestroyed: 0, rowsDeleted: {}, at };
    const programs = new Set<string>();
    let found = 0;
    for (let from = 0; from < ids.length; from += 500) {
      const chunk = ids.slice(from, from + 500);
      for (const r of await tx.selectFrom('subjects').select(['id', 'program']).where('id', 'in', chunk).execute()) {
        programs.add(r.program);
        found++;
      }
    }
    // A subject missing from `subjects` (an earlier, partly rolled-back forget) may have rows anywhere.
    const rowsDeleted = await this.subjectRows.deleteRowsOfMany(tx, ids, found === ids.length ? [...programs] : null);
    for (let from = 0; from < ids.length; from += 500) {
      await tx.deleteFrom('subjects').where('id', 'in', ids.slice(from, from + 500)).execute();
    }
    let keysDestroyed = 0;
    for (let from = 0; from < ids.length; from += 500) {
      keysDestroyed += (await this.store.destroyMany(ids.slice(from, from + 500), at)).length;
    }
    for (const id of ids) this.#cache.delete(id);
    if (keysDestroyed > 0) this.#scheduleCheckpoint();
    return { keysDestroyed, rowsDeleted, at };
  }

  /** `live` (key present), `forgotten` (key destroyed) or `unknown` (never in this vault). */
  async subjectStatus(subjectId: string): Promise<'live' | 'forgotten' | 'unknown'> {
    const row = await this.store.get(subjectId);
    if (!row) return 'unknown';
    return row.destroyed_at === null ? 'live' : 'forgotten';
  }

  /**
   * Brings the main database in line with the vault, e.g. after restoring an old backup: every subject whose
   * key was destroyed after that backup was taken (or is missing) is forgotten again — its rows deleted, since
   * they can no longer be decrypted anyway. With `destroyOrphans`, vault keys older than `orphanAgeMs`
   * (default 24 h) that have no subject in the main database are destroyed too; leave it off right after a
   * restore if a newer copy of the data might still be recovered.
   */
  async reconcile(options: { destroyOrphans?: boolean; orphanAgeMs?: number; batchSize?: number } = {}): Promise<ReconcileResult> {
    const batch = options.batchSize ?? 500;
    const k = this.#db.kysely;
    let forgotten = 0;
    let after = '';
    for (;;) {
      const ids = (await k.selectFrom('subjects').select('id').where('id', '>', after).orderBy('id').limit(batch).execute()).map((r) => r.id);
      if (ids.length === 0) break;
      after = ids[ids.length - 1] as string;
      for (const id of await this.store.unavailable(ids)) {
        await inTransaction(this.#db, (tx) => this.forgetSubject(tx, id).catch(ignoreUnknown));
        forgotten++;
      }
    }
    let orphans = 0;
    let orphansDestroyed = 0;
    const before = new Date(this.#now().getTime() - (options.orphanAgeMs ?? 24 * 3_600_000)).toISOString();
    after = '';
    for (;;) {
      const ids = await this.store.liveIdsPage(after, batch, before);
      if (ids.length === 0) break;
      after = ids[ids.length - 1] as string;
      const present = new Set((await k.selectFrom('subjects').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
      for (const id of ids) {
        if (present.has(id)) continue;
        orphans++;
        if (options.destroyOrphans && (await this.store.destroy(id, this.#now().toISOString()))) {
          this.#cache.delete(id);
          orphansDestroyed++;
        }
      }
    }
    return { forgotten, orphans, orphansDestroyed };
  }

  /** Zeroizes cached keys and closes the vault database (and the provider, unless told otherwise). */
  async close(): Promise<void> {
    if (this.#checkpointTimer) clearTimeout(this.#checkpointTimer);
    this.#checkpointTimer = undefined;
    this.#cache.clear();
    for (const k of this.#indexKeys.values()) k.key.fill(0);
    this.#indexKeys.clear();
    this.#indexRoot.key.fill(0);
    await this.store.checkpoint().catch(() => undefined);
    await this.store.close();
    if (this.#ownsProvider) {
      const p = this.provider as { close?: () => unknown };
      if (typeof p.close === 'function') await p.close();
    }
  }

  async #pinKey(subjectId: string): Promise<PinnedKey> {
    const pinned = this.#cache.pin(subjectId);
    if (pinned) return pinned;
    let loading = this.#loading.get(subjectId);
    if (!loading) {
      loading = this.#load(subjectId);
      this.#loading.set(subjectId, loading);
      const clear = () => {
        if (this.#loading.get(subjectId) === loading) this.#loading.delete(subjectId);
      };
      loading.then(clear, clear);
    }
    const shared = await loading;
    const again = this.#cache.pin(subjectId);
    if (again) return again;
    // Not in the cache (caching off, or already evicted by other loads): this caller takes a private copy,
    // made synchronously here while the shared copy is still intact, and zeroizes it on release.
    const copy: DataKey = { id: shared.id, key: Buffer.from(shared.key) };
    return { dek: copy, release: () => destroyDataKey(copy) };
  }

  /**
   * Unwraps a subject's key and caches it. Returns a separate short-lived copy for the callers waiting on this
   * load (the cached one may be evicted and zeroized at any time); the copy is wiped on the next macrotask,
   * after every waiter has taken what it needs.
   */
  async #load(subjectId: string): Promise<DataKey> {
    await this.#pending.get(subjectId);
    const row = await this.store.get(subjectId);
    if (!row || row.wrapped_key === null) throw new KeyNotFoundError('data-key', subjectId);
    const dek = await unwrapDataKey(this.provider, row.wrapped_key, { subjectId, purpose: row.program });
    const shared: DataKey = { id: dek.id, key: Buffer.from(dek.key) };
    if (!this.#cache.set(subjectId, dek)) destroyDataKey(dek);
    setImmediate(() => destroyDataKey(shared));
    return shared;
  }

  async #maybeReload(): Promise<void> {
    if (Date.now() - this.#lastReload < this.#reloadInterval) return;
    this.#lastReload = Date.now();
    const p = this.provider as { reload?: () => Promise<void> };
    if (typeof p.reload === 'function') await p.reload();
  }

  /** Truncates the vault's WAL shortly after keys were destroyed (debounced: at most once per second). */
  #scheduleCheckpoint(): void {
    if (this.#checkpointTimer || this.store.dialect !== 'sqlite') return;
    this.#checkpointTimer = setTimeout(() => {
      this.#checkpointTimer = undefined;
      this.store.checkpoint().catch(() => undefined);
    }, 1_000);
    this.#checkpointTimer.unref();
  }
}

function ignoreUnknown(err: unknown): null {
  if (err instanceof KeyNotFoundError) return null;
  throw err;
}

/**
 * The key provider the configuration asks for: `SANCTUARY_KEK` + `SANCTUARY_INDEX_KEY` (a secret manager
 * injects them; nothing on disk) or the local key file `KEY_FILE` (created on first use, mode 0600 in a 0700
 * directory, outside `DATA_DIR`).
 */
export function createKeyProvider(config: Pick<Config, 'kekFromEnv' | 'indexKeyFromEnv' | 'keyFile'>): KeyProvider {
  if (config.kekFromEnv !== undefined) return new EnvKeyProvider({ kek: config.kekFromEnv, indexKey: config.indexKeyFromEnv });
  return new LocalFileKeyProvider({ path: config.keyFile });
}

/**
 * Opens the vault for a configuration: the key provider, the key vault database (created and migrated on
 * first use) and the DEK cache. The caller closes it.
 */
export async function openVault(
  config: Pick<Config, 'kekFromEnv' | 'indexKeyFromEnv' | 'keyFile' | 'keyVault'>,
  options: { db: Db; now?: () => Date; provider?: KeyProvider; cache?: DataKeyCacheOptions },
): Promise<Vault> {
  const provider = options.provider ?? createKeyProvider(config);
  // Fail at start, not on the first request, when the key store is unusable (fail closed, R14).
  await provider.currentKid();
  const indexRoot = await provider.indexRootKey();
  try {
    const store = await KeyVaultStore.open(config.keyVault);
    return new Vault({ provider, store, indexRoot, db: options.db, now: options.now, cache: options.cache, ownsProvider: options.provider === undefined });
  } finally {
    indexRoot.key.fill(0);
  }
}
