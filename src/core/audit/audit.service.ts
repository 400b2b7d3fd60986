import { randomId } from '../crypto/random.ts';
import type { Db } from '../db/database.ts';
import { type Executor, beforeCommit, inTransaction } from '../db/transaction.ts';
import { type AuditEntry, type AuditEntryInput, type AuditFields, canonicalAuditEntry, hashAuditEntry, validateAuditEntry } from './audit-entry.ts';
import { type AuditVerifyReport, auditLeafHashes, auditTreeRoot, toCheckpoint, verifyAuditChain } from './audit-verify.ts';
import { auditRepo, entryFromRow } from './audit.repo.ts';
import { type SignedCheckpoint, checkpointMessage } from './checkpoint.ts';
import { consistencyProof, inclusionProof } from './merkle.ts';
import type { AuditConsistencyProof, AuditInclusionProof } from './proofs.ts';
import type { AuditKeyStore, AuditPublicJwk, AuditVerifyKey } from './signing-key.ts';

/** What the audit service needs. */
export interface AuditServiceDeps {
  db: Db;
  now(): Date;
  /** Opens the checkpoint signing keys on first use (a file outside the database; see `signing-key.ts`). */
  signingKeys(): Promise<AuditKeyStore>;
  /** Display names of staff accounts by id, for the access-history page (wired to the staff accounts). */
  staffNames?(ids: readonly string[]): Promise<Map<string, string>>;
}

/** Thrown when `record` is called outside a transaction: the entry must commit or roll back with the action. */
export class AuditTransactionError extends Error {
  constructor() {
    super('AuditService.record needs the transaction of the action it records (use recordNow for a stand-alone event)');
    this.name = 'AuditTransactionError';
  }
}

/** An entry recorded in a transaction and not chained yet: its fields, and when it was recorded. */
interface PendingEntry {
  fields: AuditFields;
  at: string;
}

/**
 * The append-only, tamper-evident audit log (DESIGN §3.7, R31, R32).
 *
 * ```ts
 * await inTransaction(ctx.db, async (tx) => {
 *   await repo.updateCase(tx, …);
 *   await ctx.audit.record(tx, {
 *     actor: { id: staff.userId, role: 'program-staff' },
 *     action: 'record.update',
 *     record: { type: 'legal-defense.case', id: caseId },
 *     purpose: 'case-work',
 *     requestId: req.id,   // passed down by the route as a plain string
 *   });
 * });
 * // A read with no write of its own, or an auth event:
 * await ctx.audit.recordNow({ actor: { id: null, role: 'anonymous' }, action: 'auth.login', outcome: 'failure',
 *   purpose: 'security', detail: 'reason.bad-credentials' });
 * ```
 */
export class AuditService {
  #keys: Promise<AuditKeyStore> | undefined;

  constructor(private readonly deps: AuditServiceDeps) {}

  /** Entries recorded in a transaction, waiting for its end to be chained (see {@link record}). */
  readonly #pending = new WeakMap<object, PendingEntry[]>();

  /**
   * Appends an entry in the caller's transaction, so the entry exists exactly when the action does. The entry
   * joins the chain as the transaction's last work, just before its commit (`beforeCommit`): every append
   * locks the chain's head until its transaction ends (PostgreSQL), so the lock is held for the commit only,
   * wherever in the transaction the action records. Entries of one transaction are chained in the order they
   * were recorded, with one lock and one insert.
   * @throws AuditEntryError for an entry that is not ids and codes only; AuditTransactionError outside a transaction
   */
  async record(tx: Executor, input: AuditEntryInput): Promise<void> {
    const entry: PendingEntry = { fields: validateAuditEntry(input), at: this.deps.now().toISOString() };
    if (!tx.isTransaction) throw new AuditTransactionError();
    const pending = this.#pending.get(tx);
    if (pending) {
      pending.push(entry);
      return;
    }
    const list = [entry];
    const chain = async (): Promise<void> => {
      // Chained from here on: an entry recorded later (by work that runs after this) starts a list of its own.
      this.#pending.delete(tx);
      await this.#append(tx, list);
    };
    if (beforeCommit(tx, chain)) this.#pending.set(tx, list);
    // A transaction not run by `inTransaction` (it has no end to wait for): the entry is chained now.
    else await this.#append(tx, list);
  }

  /** Appends an entry in a transaction of its own (reads, sign-in events, anything with no other write). */
  async recordNow(input: AuditEntryInput): Promise<AuditEntry> {
    const entry: PendingEntry = { fields: validateAuditEntry(input), at: this.deps.now().toISOString() };
    const [appended] = await inTransaction(this.deps.db, (tx) => this.#append(tx, [entry]));
    return appended as AuditEntry;
  }

  /** Chains `list` after the head (locked until the transaction ends) and moves the head to its last entry. */
  async #append(tx: Executor, list: readonly PendingEntry[]): Promise<AuditEntry[]> {
    const head = await auditRepo.lockHead(tx, this.deps.db.dialect);
    let prev: { seq: number; hash: string; at: string } = head;
    const entries = list.map(({ fields, at }) => {
      const base = {
        seq: prev.seq + 1,
        id: randomId(),
        // Never earlier than the previous entry: the log reads in time order even if the clock steps back.
        at: at > prev.at ? at : prev.at,
        ...fields,
        prevHash: prev.hash,
      };
      const entry: AuditEntry = { ...base, hash: hashAuditEntry(base) };
      prev = entry;
      return entry;
    });
    await auditRepo.append(tx, this.deps.db.dialect, entries);
    return entries;
  }

  /**
   * Who touched one record, when and why: newest first, `limit` at a time (page with `beforeSeq`).
   * Reading the history is itself an auditable act; the caller records it (`audit.history-read`).
   */
  async historyOf(
    recordType: string,
    recordId: string,
    options: { limit?: number; beforeSeq?: number } = {},
  ): Promise<{ entries: AuditEntry[]; total: number }> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const rows = await auditRepo.forRecord(this.deps.db.kysely, recordType, recordId, { limit, beforeSeq: options.beforeSeq });
    const total = await auditRepo.countForRecord(this.deps.db.kysely, recordType, recordId);
    return { entries: rows.map(entryFromRow), total };
  }

  /** Display names of the staff accounts among `ids` (others are simply absent). */
  async staffNames(ids: readonly string[]): Promise<Map<string, string>> {
    return this.deps.staffNames ? this.deps.staffNames(ids.filter((id) => id !== '')) : new Map();
  }

  /** The current end of the chain. */
  async head(): Promise<{ seq: number; hash: string; at: string }> {
    const head = await auditRepo.readHead(this.deps.db.kysely);
    if (!head) throw new Error('audit_head row is missing');
    return head;
  }

  /**
   * Signs the current chain head and the RFC 6962 Merkle root of the entries up to it, and stores the
   * checkpoint. When nothing was appended since the last checkpoint, returns that one instead (unless
   * `force`). The root is computed from a read snapshot before the head is locked, so appends never wait for
   * it (entries up to the head never change); on a log of a million entries it takes a few seconds.
   */
  async checkpoint(options: { force?: boolean } = {}): Promise<SignedCheckpoint> {
    const keys = await this.signingKeys();
    const head = await this.head();
    const last = await auditRepo.latestCheckpoint(this.deps.db.kysely);
    if (!options.force && last && Number(last.seq) === head.seq && last.hash === head.hash && last.tree_root) return toCheckpoint(last);
    const root = await auditTreeRoot(this.deps.db, head.seq);
    if (root === undefined) throw new Error(`the audit log holds fewer than the ${head.seq} entries its head names; run \`sanctuary audit verify\``);
    const unsigned = { seq: head.seq, hash: head.hash, root, at: this.deps.now().toISOString(), kid: keys.currentKid };
    const { kid, signature } = keys.sign(checkpointMessage(unsigned));
    const cp: SignedCheckpoint = { ...unsigned, kid, signature };
    await inTransaction(this.deps.db, (tx) =>
      auditRepo.insertCheckpoint(tx, { id: randomId(), seq: cp.seq, hash: cp.hash, tree_root: root, at: cp.at, key_id: kid, signature }),
    );
    return cp;
  }

  /**
   * An RFC 6962 inclusion proof that entry `seq` is in the tree a signed checkpoint covers: the checkpoint of
   * size `treeSize`, or the latest one at or beyond `seq`. Carries the entry's canonical encoding (ids and
   * codes only), so the proof can be checked offline against the checkpoint and the published key.
   * @throws RangeError when no signed checkpoint with a root covers the entry
   */
  async inclusionProof(seq: number, options: { treeSize?: number } = {}): Promise<AuditInclusionProof> {
    const checkpoint = await this.signedCheckpoint(options.treeSize, seq);
    const row = await auditRepo.entryAt(this.deps.db.kysely, seq);
    if (!row) throw new RangeError(`there is no audit entry ${seq}`);
    const leaves = await auditLeafHashes(this.deps.db, checkpoint.seq);
    const entry = entryFromRow(row);
    const { hash: _hash, ...unhashed } = entry;
    return {
      format: 'sanctuary-audit-inclusion:v1',
      entry: canonicalAuditEntry(unhashed),
      leafIndex: seq - 1,
      treeSize: checkpoint.seq,
      path: inclusionProof(leaves, seq - 1, checkpoint.seq).map((b) => b.toString('hex')),
      checkpoint,
    };
  }

  /**
   * An RFC 6962 consistency proof between the signed checkpoints of sizes `from` and `to` (default: the
   * latest): the later log extends the earlier one without changing, removing or reordering any entry.
   * @throws RangeError when either size has no signed checkpoint with a root
   */
  async consistencyProof(from: number, to?: number): Promise<AuditConsistencyProof> {
    const later = await this.signedCheckpoint(to, from);
    const earlier = await this.signedCheckpoint(from, 0);
    if (earlier.seq > later.seq) throw new RangeError(`checkpoint ${earlier.seq} is later than checkpoint ${later.seq}`);
    const leaves = await auditLeafHashes(this.deps.db, later.seq);
    return {
      format: 'sanctuary-audit-consistency:v1',
      from: earlier,
      to: later,
      path: earlier.seq === 0 ? [] : consistencyProof(leaves, earlier.seq, later.seq).map((b) => b.toString('hex')),
    };
  }

  /** The signed checkpoint (with a root) of exactly `size` entries, or the latest one covering `atLeast`. */
  private async signedCheckpoint(size: number | undefined, atLeast: number): Promise<SignedCheckpoint> {
    const all = (await this.checkpoints()).filter((c) => c.root !== undefined);
    const found = size === undefined ? all.filter((c) => c.seq >= atLeast).at(-1) : all.filter((c) => c.seq === size).at(-1);
    if (!found) {
      throw new RangeError(
        size === undefined ? `no signed checkpoint covers entry ${atLeast} yet (run \`sanctuary audit checkpoint\`)` : `there is no signed checkpoint of size ${size}`,
      );
    }
    return found;
  }

  /** Stored checkpoints in chain order (public: numbers, hashes and signatures only). */
  async checkpoints(options: { afterSeq?: number; limit?: number } = {}): Promise<SignedCheckpoint[]> {
    const rows = await auditRepo.checkpoints(this.deps.db.kysely, options);
    return rows.map(toCheckpoint);
  }

  /** The public keys that verify checkpoints, as a JWK set. */
  async publicKeys(): Promise<{ keys: AuditPublicJwk[] }> {
    return (await this.signingKeys()).jwks();
  }

  /**
   * Recomputes the whole chain and checks every checkpoint (see `audit-verify.ts`). `keys` replaces the local
   * key file's public keys (e.g. keys a witness pinned); `externalCheckpoints` adds checkpoints kept off the
   * server.
   */
  async verify(
    options: { keys?: readonly AuditVerifyKey[]; externalCheckpoints?: readonly SignedCheckpoint[]; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<AuditVerifyReport> {
    const keys = options.keys ?? (await this.signingKeys()).verifyKeys();
    return verifyAuditChain(this.deps.db, { keys, externalCheckpoints: options.externalCheckpoints, onProgress: options.onProgress });
  }

  private signingKeys(): Promise<AuditKeyStore> {
    if (!this.#keys) {
      const opening = this.deps.signingKeys();
      this.#keys = opening;
      opening.catch(() => {
        if (this.#keys === opening) this.#keys = undefined;
      });
    }
    return this.#keys;
  }
}
