/**
 * A small cache of unwrapped data keys, so a request that opens ten fields of one person unwraps that
 * person's key once (one KEK operation — a KMS round trip with a remote provider).
 *
 * Bounded in time and size: keys leave memory after `ttlMs` or when `maxEntries` is exceeded (least recently
 * used first), and every key that leaves is overwritten with zeros (ASVS 4.0.3 8.3.6; best effort in JS).
 * A key in use by `Vault.useSubject` is pinned: it is zeroized only when its user releases it, never under it.
 */
import { type DataKey, destroyDataKey } from './envelope.ts';

interface Entry {
  readonly dek: DataKey;
  expires: number;
  pins: number;
  /** Removed from the map while pinned: zeroize on the last release. */
  evicted: boolean;
}

/** Options for {@link DataKeyCache}. */
export interface DataKeyCacheOptions {
  /** How long an unwrapped key stays cached after it was loaded. Default 60 s. */
  readonly ttlMs?: number;
  /** Most keys kept at once. Default 1,000. 0 disables caching. */
  readonly maxEntries?: number;
  /** Clock (ms), for tests. */
  readonly now?: () => number;
}

/** A pinned key: use `dek`, then call `release()` exactly once. */
export interface PinnedKey {
  readonly dek: DataKey;
  readonly release: () => void;
}

/** LRU + TTL cache of unwrapped data keys keyed by subject id. */
export class DataKeyCache {
  readonly #ttl: number;
  readonly #max: number;
  readonly #now: () => number;
  // A Map iterates in insertion order; re-inserting on access keeps the least recently used first.
  readonly #map = new Map<string, Entry>();

  constructor(options: DataKeyCacheOptions = {}) {
    this.#ttl = options.ttlMs ?? 60_000;
    this.#max = options.maxEntries ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#map.size;
  }

  /** The cached key of a subject, or undefined (expired keys are dropped and zeroized here). */
  get(subjectId: string): DataKey | undefined {
    const e = this.#map.get(subjectId);
    if (!e) return undefined;
    if (e.expires <= this.#now()) {
      this.#drop(subjectId, e);
      return undefined;
    }
    this.#map.delete(subjectId);
    this.#map.set(subjectId, e);
    return e.dek;
  }

  /**
   * Caches a freshly unwrapped key. The cache takes ownership: the key will be zeroized on eviction. When
   * caching is disabled the key is returned unowned and the caller zeroizes it.
   */
  set(subjectId: string, dek: DataKey): boolean {
    if (this.#max === 0) return false;
    const old = this.#map.get(subjectId);
    if (old) this.#drop(subjectId, old);
    this.#map.set(subjectId, { dek, expires: this.#now() + this.#ttl, pins: 0, evicted: false });
    while (this.#map.size > this.#max) {
      const [oldestId, oldest] = this.#map.entries().next().value as [string, Entry];
      this.#drop(oldestId, oldest);
    }
    return true;
  }

  /** Pins a cached key so it cannot be zeroized while in use; undefined when not cached. */
  pin(subjectId: string): PinnedKey | undefined {
    const dek = this.get(subjectId);
    const e = this.#map.get(subjectId);
    if (!dek || !e) return undefined;
    e.pins++;
    let released = false;
    return {
      dek,
      release: () => {
        if (released) return;
        released = true;
        e.pins--;
        if (e.pins === 0 && e.evicted) destroyDataKey(e.dek);
      },
    };
  }

  /** Removes (and zeroizes) a subject's key — on forget, so this process stops using it at once. */
  delete(subjectId: string): void {
    const e = this.#map.get(subjectId);
    if (e) this.#drop(subjectId, e);
  }

  /** Zeroizes and removes every key (on shutdown). */
  clear(): void {
    for (const [id, e] of [...this.#map]) this.#drop(id, e);
  }

  #drop(subjectId: string, e: Entry): void {
    this.#map.delete(subjectId);
    e.evicted = true;
    if (e.pins === 0) destroyDataKey(e.dek);
  }
}
