/**
 * KEK rotation for the key vault (security-reliability §3.2, R22): re-wrap every live data key under a new
 * key-encryption key, then — after the vault's backup window — destroy the old KEK.
 *
 * Only the wrapped DEKs in the vault change; sealed data in the main database is untouched (it is encrypted
 * under the DEKs, which stay the same), so a rotation takes seconds even for a large city.
 *
 * ## Order of steps, and why the new KEK becomes current first
 *
 * 1. A new KEK is added to the key file **and made current at once**. Keys created from then on — by this
 *    command or by a running server, which re-reads the key file at least every 30 s (`Vault`) — are already
 *    wrapped by it, so the re-wrap only has to catch up with older keys and never chases new ones.
 * 2. Every live key whose row names another KEK is re-wrapped, in batches of `batchSize`, each batch in one
 *    vault transaction. Each row records its KEK id, so the work is idempotent: after a crash, running the
 *    rotation again finds the remaining rows and continues (it does not create yet another KEK).
 * 3. The rotation is complete when no live key names an older KEK. `destroyOldKek` refuses until then.
 *
 * A read-only provider (`SANCTUARY_KEK`) cannot add keys: the operator puts a new key first in the variable
 * (`sanctuary keys generate`), restarts, and runs the rotation, which then re-wraps everything under it.
 */
import { parseWrappedDataKey, rewrapDataKey } from './envelope.ts';
import { KeyConfigError, KeyNotFoundError } from './errors.ts';
import { type KeyInfo, type KeyProvider, LocalFileKeyProvider } from './key-provider.ts';
import type { KeyVaultStore } from './vault-store.ts';

/** Options for {@link rotateKek}. */
export interface RotateKekOptions {
  readonly provider: KeyProvider;
  readonly store: KeyVaultStore;
  /** Keys re-wrapped per vault transaction. Default 500. */
  readonly batchSize?: number;
  /**
   * Called after each committed batch with the running count and the total known at the start. Tests throw
   * from here to simulate a crash mid-way.
   */
  readonly onBatch?: (done: number, total: number) => void | Promise<void>;
}

/** What {@link rotateKek} did. */
export interface RotateKekResult {
  /** The KEK every live key is now wrapped by. */
  readonly kid: string;
  /** True when this run added the KEK; false when it continued an unfinished rotation. */
  readonly created: boolean;
  readonly rewrapped: number;
}

/** KEKs with how many live data keys each still wraps (for `sanctuary keys status`). */
export interface KekStatus extends KeyInfo {
  readonly liveKeys: number;
}

/** True when the provider can add and destroy KEKs itself (the local key file). */
export function canManageKeks(provider: KeyProvider): provider is LocalFileKeyProvider {
  return provider instanceof LocalFileKeyProvider;
}

/** Live keys that still need re-wrapping under the current KEK (0 = no rotation in progress). */
export async function pendingRewraps(provider: KeyProvider, store: KeyVaultStore): Promise<number> {
  return store.countStale(await provider.currentKid());
}

/**
 * Rotates the KEK (or finishes an interrupted rotation): see the module documentation for the steps.
 * Throws `KeyConfigError` when a new KEK is needed and the provider is read-only.
 */
export async function rotateKek(options: RotateKekOptions): Promise<RotateKekResult> {
  const { provider, store } = options;
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('rotateKek: batchSize must be a positive integer');
  if (canManageKeks(provider)) await provider.reload();
  let kid = await provider.currentKid();
  let total = await store.countStale(kid);
  let created = false;
  if (total === 0) {
    if (!canManageKeks(provider)) {
      throw new KeyConfigError(
        'every data key is already wrapped by the current KEK, and this key provider is read-only: generate a key ' +
          '(sanctuary keys generate), put it FIRST in SANCTUARY_KEK (keep the old ones after it), restart every ' +
          'instance, then run "sanctuary keys rotate" again',
      );
    }
    kid = await provider.addKek({ makeCurrent: true });
    created = true;
    total = await store.countStale(kid);
  }
  let done = 0;
  let zeroStreak = 0;
  for (;;) {
    const batch = await store.staleKeys(kid, batchSize);
    if (batch.length === 0) break;
    const updates: Array<{ id: string; from: string; to: string; kekId: string }> = [];
    for (const row of batch) {
      let result: { wrapped: string; changed: boolean };
      try {
        result = await rewrapDataKey(provider, row.wrapped_key, { subjectId: row.id, purpose: row.program });
      } catch (err) {
        if (err instanceof KeyNotFoundError) {
          throw new KeyConfigError(
            `data key of subject ${row.id} is wrapped by KEK "${err.keyId}", which the key provider does not have. ` +
              'Restore that KEK (key file backup) before rotating; never destroy a KEK that still wraps live keys.',
            { cause: err },
          );
        }
        throw err;
      }
      // Record the KEK actually named in the wrapped key (also repairs a row whose kek_id column disagrees).
      updates.push({ id: row.id, from: row.wrapped_key, to: result.wrapped, kekId: parseWrappedDataKey(result.wrapped).kid });
    }
    const changed = await store.replaceWrapped(updates);
    done += changed;
    if (total < done) total = done;
    await options.onBatch?.(done, total);
    // Nothing moved: every row of the batch changed under us (forgotten or re-wrapped by another process).
    zeroStreak = changed === 0 ? zeroStreak + 1 : 0;
    if (zeroStreak >= 3) throw new KeyConfigError('rotation makes no progress: is another "sanctuary keys rotate" running?');
  }
  return { kid, created, rewrapped: done };
}

/**
 * Destroys an old KEK after a completed rotation. Refuses the current KEK and any KEK that still wraps a live
 * data key (that data would be lost). With a read-only provider, checks and tells the operator what to remove.
 * Destroying it is what makes every vault backup taken before the rotation unreadable, so do it once the
 * vault's backup window (7 days by default) has passed since the rotation finished.
 */
export async function destroyOldKek(options: { provider: KeyProvider; store: KeyVaultStore; kid: string }): Promise<{ destroyed: boolean; message: string }> {
  const { provider, store, kid } = options;
  if (canManageKeks(provider)) await provider.reload();
  const current = await provider.currentKid();
  if (kid === current) throw new KeyConfigError(`refusing to destroy KEK "${kid}": it is the current KEK`);
  const known = await listKeks(provider);
  if (known && !known.some((k) => k.id === kid)) throw new KeyConfigError(`KEK "${kid}" does not exist (already destroyed?)`);
  const live = await store.countByKek(kid);
  if (live > 0) {
    throw new KeyConfigError(`refusing to destroy KEK "${kid}": ${live} live data key(s) still use it; run "sanctuary keys rotate" to finish the rotation first`);
  }
  if (!canManageKeks(provider)) {
    return { destroyed: false, message: `No data key uses KEK "${kid}" any more: remove its entry from SANCTUARY_KEK on every instance and restart.` };
  }
  await provider.destroyKek(kid);
  return { destroyed: true, message: `KEK "${kid}" destroyed.` };
}

/** KEKs known to the provider with their live key counts, or null when the provider cannot list them. */
export async function kekStatus(provider: KeyProvider, store: KeyVaultStore): Promise<KekStatus[] | null> {
  const keks = await listKeks(provider);
  if (!keks) return null;
  const counts = await store.counts();
  return keks.map((k) => ({ ...k, liveKeys: counts.byKek[k.id] ?? 0 }));
}

async function listKeks(provider: KeyProvider): Promise<KeyInfo[] | null> {
  const p = provider as { listKeks?: () => Promise<KeyInfo[]> };
  return typeof p.listKeks === 'function' ? p.listKeks() : null;
}
