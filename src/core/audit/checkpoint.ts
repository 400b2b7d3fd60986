/**
 * Signed checkpoints of the audit chain head.
 *
 * A checkpoint says "the chain had `seq` entries, entry `seq` hashed to `hash`, and the RFC 6962 Merkle tree of
 * those `seq` entries has root `root`, at time `at`", signed with Ed25519 by a key that is not in the database
 * (format v2; checkpoints signed before the Merkle tree existed are format v1, without a root). Copied off the server (they are public: only numbers and
 * hashes), checkpoints make a rewrite of history detectable even by someone who controls the database: a
 * rewritten chain no longer passes through the signed hashes, and a truncated one ends before them.
 */
import type { AuditVerifyKey } from './signing-key.ts';
import { verifySignature } from './signing-key.ts';

/** A checkpoint as published and as exported for witnesses. */
export interface SignedCheckpoint {
  /** The chain position signed, which is also the Merkle tree size (entries 1…seq are its leaves). */
  seq: number;
  hash: string;
  /** Merkle tree root (hex) over entries 1…seq (see `merkle.ts`); absent on v1 checkpoints. */
  root?: string;
  at: string;
  /** Id of the signing key (see `/.well-known/audit-key.json`). */
  kid: string;
  /** Ed25519 signature (base64url) over {@link checkpointMessage}. */
  signature: string;
}

/** Domain-separation prefix: a checkpoint signature can never be mistaken for any other signed thing. */
export const CHECKPOINT_FORMAT = 'sanctuary-audit-checkpoint:v2';
/** The format of checkpoints signed before they carried a Merkle root. */
export const CHECKPOINT_FORMAT_V1 = 'sanctuary-audit-checkpoint:v1';

/** The exact bytes a checkpoint signature covers (v2 with a root, v1 without). */
export function checkpointMessage(cp: Pick<SignedCheckpoint, 'seq' | 'hash' | 'root' | 'at' | 'kid'>): Buffer {
  if (cp.root === undefined) return Buffer.from(`${CHECKPOINT_FORMAT_V1}\n${JSON.stringify([cp.seq, cp.hash, cp.at, cp.kid])}`, 'utf8');
  return Buffer.from(`${CHECKPOINT_FORMAT}\n${JSON.stringify([cp.seq, cp.hash, cp.root, cp.at, cp.kid])}`, 'utf8');
}

/** Checks a checkpoint's signature against the known public keys. */
export function checkCheckpointSignature(cp: SignedCheckpoint, keys: readonly AuditVerifyKey[]): 'ok' | 'unknown-key' | 'bad-signature' {
  const key = keys.find((k) => k.kid === cp.kid);
  if (!key) return 'unknown-key';
  return verifySignature(key.key, checkpointMessage(cp), cp.signature) ? 'ok' : 'bad-signature';
}

/**
 * Parses a checkpoint list copied off the server: the body of `GET /api/v1/audit/checkpoints`
 * (`{ "checkpoints": [...] }`) or a bare array. Malformed items are an error, not silently skipped.
 */
export function parseCheckpoints(doc: unknown): SignedCheckpoint[] {
  const list = Array.isArray(doc) ? doc : (doc as { checkpoints?: unknown })?.checkpoints;
  if (!Array.isArray(list)) throw new TypeError('expected { "checkpoints": [ … ] } or an array of checkpoints');
  return list.map((raw, i) => {
    const c = raw as Partial<SignedCheckpoint>;
    if (
      typeof c !== 'object' ||
      c === null ||
      !Number.isSafeInteger(c.seq) ||
      (c.seq as number) < 0 ||
      typeof c.hash !== 'string' ||
      !/^[0-9a-f]{64}$/.test(c.hash) ||
      (c.root !== undefined && (typeof c.root !== 'string' || !/^[0-9a-f]{64}$/.test(c.root))) ||
      typeof c.at !== 'string' ||
      typeof c.kid !== 'string' ||
      typeof c.signature !== 'string'
    ) {
      throw new TypeError(`checkpoint ${i + 1} is malformed`);
    }
    return { seq: c.seq as number, hash: c.hash, ...(c.root !== undefined ? { root: c.root } : {}), at: c.at, kid: c.kid, signature: c.signature };
  });
}
