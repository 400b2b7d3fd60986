/**
 * The key vault's own database: where subjects' wrapped data keys (DEKs) live.
 *
 * ## Why DEKs are not in the main database
 *
 * Crypto-shredding must reach backups (DESIGN §3.4, R24, security-reliability §3.3): "if the wrapped DEK table
 * is inside the same `pg_dump` as the data, shredding does nothing for old dumps" — restoring last month's dump
 * would bring the forgotten person's wrapped key back, and the KEK (still in the key file) would unwrap it.
 *
 * So the wrapped DEKs live in a **separate database** that is never part of a data backup: by default a SQLite
 * file beside the key file (outside `DATA_DIR`), or a separate PostgreSQL database (`KEY_VAULT_URL`) for
 * installs with several app servers. Forgetting a subject destroys its row here; an old data backup restored
 * later holds the person's ciphertext but no key for it anywhere, while every other subject's key is still in
 * the vault. The vault has its own backup chain with a short retention (≤ the shred deadline, 7 days by
 * default): see `docs/privacy.md`.
 *
 * A destroyed row stays as a tombstone (`wrapped_key` and `kek_id` NULL, `destroyed_at` set) holding no key
 * material, so a restored old data backup can be reconciled: rows of subjects whose key is destroyed are
 * deleted again (`Vault.reconcile`).
 */
import fs from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { type DatabaseTarget, type Db, type Dialect, openDatabase } from '../db/database.ts';
import { migrateToLatest, type NamedMigrations } from '../db/migrator.ts';

/** One subject's key as stored in the vault. */
export interface SubjectKeyTable {
  /** The subject id (the same id the main database uses in `subjects.id`). */
  id: string;
  /** The program (module id) the subject belongs to; bound into the wrapped key's AAD. */
  program: string;
  /** `w1.<dekId>.<kekId>.<blob>` from `wrapDataKey`; NULL once destroyed. */
  wrapped_key: string | null;
  /** The KEK that wraps it (copied out of `wrapped_key` so rotation can find stale rows by index). */
  kek_id: string | null;
  created_at: string;
  /** Set when the key was destroyed (crypto-shredded). */
  destroyed_at: string | null;
}

/** The vault database's schema (separate from the main `Database` interface on purpose). */
export interface VaultDatabase {
  subject_keys: SubjectKeyTable;
}

/** Migrations of the vault database (applied to the vault, never to the main database). */
export const vaultStoreMigrations: NamedMigrations = {
  '202611270010_vault_subject_keys': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('subject_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('program', 'text', (c) => c.notNull())
        .addColumn('wrapped_key', 'text')
        .addColumn('kek_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('destroyed_at', 'text')
        .execute();
      await db.schema.createIndex('subject_keys_kek').on('subject_keys').column('kek_id').execute();
    },
  },
};

/** Counts for `sanctuary keys status`. */
export interface VaultCounts {
  live: number;
  destroyed: number;
  /** Live keys per KEK id. */
  byKek: Record<string, number>;
}

/**
 * Data access for the vault database. Holds wrapped keys only; it never sees a KEK or an unwrapped DEK.
 */
export class KeyVaultStore {
  readonly dialect: Dialect;
  /** Where the vault lives (a file path or a URL without its password), for status output. */
  readonly location: string;
  readonly #db: Db;
  readonly #k: Kysely<VaultDatabase>;

  private constructor(db: Db, location: string) {
    this.#db = db;
    this.dialect = db.dialect;
    this.location = location;
    // The vault uses the same connection factory as the main database but its own schema interface.
    this.#k = db.kysely as unknown as Kysely<VaultDatabase>;
  }

  /**
   * Opens (creating on first use) and migrates the vault database. A SQLite vault file is made readable by
   * the service user only.
   */
  static async open(target: DatabaseTarget): Promise<KeyVaultStore> {
    const db = openDatabase(target, { poolSize: 5 });
    try {
      if (target.kind === 'sqlite' && target.file !== ':memory:' && process.platform !== 'win32') fs.chmodSync(target.file, 0o600);
      await migrateToLatest(db, vaultStoreMigrations);
    } catch (err) {
      await db.close();
      throw err;
    }
    const location = target.kind === 'sqlite' ? target.file : redactUrl(target.url);
    return new KeyVaultStore(db, location);
  }

  /** The underlying handle (tests and the schema-classification check introspect it). */
  get db(): Db {
    return this.#db;
  }

  /**
   * Writes one wrapped key. It runs as a transaction, not a bare statement, so that on SQLite keys created at the
   * same moment share one durable commit (group commit) instead of one fsync each, serialized.
   */
  async insert(row: { id: string; program: string; wrappedKey: string; kekId: string; createdAt: string }): Promise<void> {
    await this.#k.transaction().execute((tx) =>
      tx
        .insertInto('subject_keys')
        .values({ id: row.id, program: row.program, wrapped_key: row.wrappedKey, kek_id: row.kekId, created_at: row.createdAt, destroyed_at: null })
        .execute(),
    );
  }

  async get(id: string): Promise<SubjectKeyTable | undefined> {
    return this.#k.selectFrom('subject_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Destroys a subject's wrapped key, leaving a tombstone. Returns false when there was no live key (unknown
   * id or already destroyed). On SQLite `secure_delete` overwrites the old cell content in the file.
   */
  async destroy(id: string, at: string): Promise<boolean> {
    const res = await this.#k
      .updateTable('subject_keys')
      .set({ wrapped_key: null, kek_id: null, destroyed_at: at })
      .where('id', '=', id)
      .where('destroyed_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Destroys many keys in one transaction; returns the ids that were live (now destroyed). */
  async destroyMany(ids: readonly string[], at: string): Promise<string[]> {
    if (ids.length === 0) return [];
    return this.#k.transaction().execute(async (tx) => {
      const live = await tx.selectFrom('subject_keys').select('id').where('id', 'in', ids).where('destroyed_at', 'is', null).execute();
      if (live.length === 0) return [];
      await tx
        .updateTable('subject_keys')
        .set({ wrapped_key: null, kek_id: null, destroyed_at: at })
        .where('id', 'in', live.map((r) => r.id))
        .where('destroyed_at', 'is', null)
        .execute();
      return live.map((r) => r.id);
    });
  }

  /** Live keys wrapped by a KEK other than `currentKid`, oldest first (a rotation batch). */
  async staleKeys(currentKid: string, limit: number): Promise<Array<{ id: string; program: string; wrapped_key: string }>> {
    const rows = await this.#k
      .selectFrom('subject_keys')
      .select(['id', 'program', 'wrapped_key'])
      .where('destroyed_at', 'is', null)
      .where('kek_id', '!=', currentKid)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.flatMap((r) => (r.wrapped_key === null ? [] : [{ id: r.id, program: r.program, wrapped_key: r.wrapped_key }]));
  }

  /** Number of live keys wrapped by a KEK other than `currentKid`. */
  async countStale(currentKid: string): Promise<number> {
    const row = await this.#k
      .selectFrom('subject_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('destroyed_at', 'is', null)
      .where('kek_id', '!=', currentKid)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Number of live keys wrapped by `kid`. */
  async countByKek(kid: string): Promise<number> {
    const row = await this.#k
      .selectFrom('subject_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('destroyed_at', 'is', null)
      .where('kek_id', '=', kid)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Replaces wrapped keys in one transaction. Each update only applies if the row still holds the wrapped key
   * that was read (a concurrent forget or rewrap wins); returns how many rows changed.
   */
  async replaceWrapped(updates: ReadonlyArray<{ id: string; from: string; to: string; kekId: string }>): Promise<number> {
    if (updates.length === 0) return 0;
    return this.#k.transaction().execute(async (tx) => {
      let changed = 0;
      for (const u of updates) {
        const res = await tx
          .updateTable('subject_keys')
          .set({ wrapped_key: u.to, kek_id: u.kekId })
          .where('id', '=', u.id)
          .where('wrapped_key', '=', u.from)
          .where('destroyed_at', 'is', null)
          .executeTakeFirst();
        changed += Number(res.numUpdatedRows);
      }
      return changed;
    });
  }

  async counts(): Promise<VaultCounts> {
    const rows = await this.#k
      .selectFrom('subject_keys')
      .select((eb) => ['kek_id', eb.fn.countAll<number>().as('n')])
      .groupBy('kek_id')
      .execute();
    const out: VaultCounts = { live: 0, destroyed: 0, byKek: {} };
    for (const r of rows) {
      const n = Number(r.n);
      if (r.kek_id === null) out.destroyed += n;
      else {
        out.live += n;
        out.byKek[r.kek_id] = n;
      }
    }
    return out;
  }

  /** Ids (from `ids`) whose key is destroyed or was never in this vault. */
  async unavailable(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const live = await this.#k
      .selectFrom('subject_keys')
      .select('id')
      .where('id', 'in', ids)
      .where('destroyed_at', 'is', null)
      .execute();
    const liveSet = new Set(live.map((r) => r.id));
    return ids.filter((id) => !liveSet.has(id));
  }

  /** Live key ids created before `before`, in id order after `after` (to find orphans in pages). */
  async liveIdsPage(after: string, limit: number, before: string): Promise<string[]> {
    const rows = await this.#k
      .selectFrom('subject_keys')
      .select('id')
      .where('destroyed_at', 'is', null)
      .where('id', '>', after)
      .where('created_at', '<', before)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Moves the content of the SQLite write-ahead log into the file and truncates the log, so destroyed keys do
   * not linger in `-wal` (they are wrapped by the KEK anyway; this shortens their life on disk).
   */
  async checkpoint(): Promise<void> {
    if (this.dialect === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(this.#k);
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
