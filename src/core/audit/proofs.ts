/**
 * Audit proofs that travel: an inclusion proof (this entry is in the log a signed checkpoint covers) and a
 * consistency proof (the log of a later signed checkpoint extends the earlier one unchanged), both RFC 6962.
 *
 * Verification needs no database and no network: only the proof file, the published public keys
 * (`/.well-known/audit-key.json`) and, to pin what the server says, checkpoints a witness copied earlier
 * (`/api/v1/audit/checkpoints`). `sanctuary audit verify-proof` runs it.
 */
import { hash } from 'node:crypto';
import { type SignedCheckpoint, checkCheckpointSignature, parseCheckpoints } from './checkpoint.ts';
import { EMPTY_ROOT, leafHash, verifyConsistency, verifyInclusion } from './merkle.ts';
import type { AuditVerifyKey } from './signing-key.ts';

export interface AuditInclusionProof {
  format: 'sanctuary-audit-inclusion:v1';
  /** The entry's canonical encoding (`canonicalAuditEntry`: ids and codes only); its leaf is SHA-256(0x00 || entry). */
  entry: string;
  /** 0-based: entry `seq` is leaf `seq − 1`. */
  leafIndex: number;
  treeSize: number;
  /** The audit path, leaf side first (hex). */
  path: string[];
  /** The signed checkpoint whose tree size is `treeSize`. */
  checkpoint: SignedCheckpoint;
}

export interface AuditConsistencyProof {
  format: 'sanctuary-audit-consistency:v1';
  from: SignedCheckpoint;
  to: SignedCheckpoint;
  /** The consistency proof nodes (hex). */
  path: string[];
}

export type AuditProof = AuditInclusionProof | AuditConsistencyProof;

/** The outcome of checking a proof: `ok`, or the reasons it fails, in plain words. */
export interface ProofCheck {
  ok: boolean;
  problems: string[];
  /** What was proven, for the report. */
  summary: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

function hexList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.length > 128 || !v.every((x) => typeof x === 'string' && HEX64.test(x))) {
    throw new TypeError(`${what} must be a list of SHA-256 hashes in hex`);
  }
  return v as string[];
}

function oneCheckpoint(v: unknown, what: string): SignedCheckpoint {
  try {
    const [cp] = parseCheckpoints([v]);
    if (!cp) throw new TypeError('missing');
    return cp;
  } catch {
    throw new TypeError(`${what} is not a signed checkpoint`);
  }
}

/** Parses a proof file's JSON; malformed proofs are an error, never half-read. */
export function parseProof(doc: unknown): AuditProof {
  const d = doc as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null) throw new TypeError('a proof is a JSON object');
  if (d.format === 'sanctuary-audit-inclusion:v1') {
    if (typeof d.entry !== 'string' || d.entry.length > 10_000) throw new TypeError('entry must be the canonical encoding of an audit entry');
    if (!Number.isSafeInteger(d.leafIndex) || !Number.isSafeInteger(d.treeSize)) throw new TypeError('leafIndex and treeSize must be integers');
    return {
      format: d.format,
      entry: d.entry,
      leafIndex: d.leafIndex as number,
      treeSize: d.treeSize as number,
      path: hexList(d.path, 'path'),
      checkpoint: oneCheckpoint(d.checkpoint, 'checkpoint'),
    };
  }
  if (d.format === 'sanctuary-audit-consistency:v1') {
    return { format: d.format, from: oneCheckpoint(d.from, 'from'), to: oneCheckpoint(d.to, 'to'), path: hexList(d.path, 'path') };
  }
  throw new TypeError('unknown proof format (expected sanctuary-audit-inclusion:v1 or sanctuary-audit-consistency:v1)');
}

/**
 * Checks a checkpoint a proof relies on: signed by one of `keys`, carrying a root, and — when the witness's
 * own copies are given — the same as the witness's checkpoint of that size.
 */
function checkCheckpoint(cp: SignedCheckpoint, name: string, keys: readonly AuditVerifyKey[], pinned: readonly SignedCheckpoint[] | undefined, problems: string[]): void {
  const sig = checkCheckpointSignature(cp, keys);
  if (sig === 'unknown-key') problems.push(`the ${name} checkpoint (size ${cp.seq}) is signed by an unknown key "${cp.kid}"`);
  else if (sig === 'bad-signature') problems.push(`the ${name} checkpoint (size ${cp.seq}) has a signature that does not verify`);
  if (cp.root === undefined) problems.push(`the ${name} checkpoint (size ${cp.seq}) carries no Merkle root`);
  if (pinned) {
    const same = pinned.filter((p) => p.seq === cp.seq && p.root !== undefined);
    if (same.length === 0) problems.push(`the witness copy holds no checkpoint of size ${cp.seq}`);
    else if (!same.some((p) => p.root === cp.root && p.hash === cp.hash)) {
      problems.push(`the ${name} checkpoint of size ${cp.seq} differs from the witness copy: the log was rewritten`);
    }
  }
}

/** Verifies a proof offline. `pinned`: checkpoints a witness copied off the server earlier (optional). */
export function checkProof(proof: AuditProof, keys: readonly AuditVerifyKey[], pinned?: readonly SignedCheckpoint[]): ProofCheck {
  const problems: string[] = [];
  if (proof.format === 'sanctuary-audit-inclusion:v1') {
    checkCheckpoint(proof.checkpoint, 'signed', keys, pinned, problems);
    if (proof.checkpoint.seq !== proof.treeSize) problems.push(`the proof is for a tree of ${proof.treeSize} entries, but its checkpoint covers ${proof.checkpoint.seq}`);
    let seq: unknown;
    try {
      seq = (JSON.parse(proof.entry) as unknown[])[1];
    } catch {
      seq = undefined;
    }
    if (seq !== proof.leafIndex + 1) problems.push(`the entry is numbered ${String(seq)}, but the proof places it at leaf ${proof.leafIndex} (entry ${proof.leafIndex + 1})`);
    const root = proof.checkpoint.root === undefined ? undefined : Buffer.from(proof.checkpoint.root, 'hex');
    const path = proof.path.map((h) => Buffer.from(h, 'hex'));
    if (root && !verifyInclusion(leafHash(proof.entry), proof.leafIndex, proof.treeSize, path, root)) {
      problems.push(`entry ${proof.leafIndex + 1} is not in the log of ${proof.treeSize} entries the checkpoint signed (the entry or the proof was changed)`);
    }
    return {
      ok: problems.length === 0,
      problems,
      summary: `entry ${proof.leafIndex + 1} (hash ${hash('sha256', proof.entry, 'hex')}) in the log of ${proof.treeSize} entries signed at ${proof.checkpoint.at}`,
    };
  }
  checkCheckpoint(proof.from, 'earlier', keys, pinned, problems);
  checkCheckpoint(proof.to, 'later', keys, pinned, problems);
  const r1 = proof.from.root === undefined ? undefined : Buffer.from(proof.from.root, 'hex');
  const r2 = proof.to.root === undefined ? undefined : Buffer.from(proof.to.root, 'hex');
  if (r1 && r2) {
    const path = proof.path.map((h) => Buffer.from(h, 'hex'));
    const consistent = proof.from.seq === 0 ? r1.equals(EMPTY_ROOT) && path.length === 0 : verifyConsistency(proof.from.seq, proof.to.seq, path, r1, r2);
    if (!consistent) {
      problems.push(`the log of ${proof.to.seq} entries does not extend the log of ${proof.from.seq} entries: earlier entries were changed, removed or reordered (or the proof was altered)`);
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    summary: `the log of ${proof.to.seq} entries (signed ${proof.to.at}) extends the log of ${proof.from.seq} entries (signed ${proof.from.at}) unchanged`,
  };
}
