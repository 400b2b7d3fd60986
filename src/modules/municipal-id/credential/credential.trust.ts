/**
 * Who a verifier trusts: issuers (by their exact `iss` URL) with their published key sets, and the
 * revocation lists of those keys. Parsing is strict — a key or list that breaks the SMART Health Cards rules
 * is refused with a reason instead of being half-used — and done once: a {@link TrustedIssuers} holds the
 * imported public keys, so each verification costs one signature check, not a JWKS parse and key import.
 */
import { type KeyObject, createHash, createPublicKey } from 'node:crypto';

/** A public key as published in `/.well-known/jwks.json`. */
export interface IssuerJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  use: 'sig';
  alg: 'ES256';
  /** The `ctr` of this key's revocation list; absent when nothing signed by the key was ever revoked. */
  crlVersion?: number;
}

/** A revocation list as published at `/.well-known/crl/<kid>.json`. */
export interface CrlDocument {
  kid: string;
  method: 'rid';
  ctr: number;
  /** `rid` (every card with it is revoked) or `rid.<unix seconds>` (cards whose `nbf` is before that time). */
  rids: string[];
}

/** Why a key in a JWKS was refused. */
export type KeyProblem = 'key_type' | 'key_curve' | 'key_alg' | 'key_use' | 'key_private' | 'key_kid_mismatch' | 'key_malformed' | 'key_crl_version';

/** A usable public key. */
export interface TrustedKey {
  kid: string;
  key: KeyObject;
  crlVersion: number | undefined;
}

/** One trusted issuer: its keys (usable and refused). */
export interface IssuerTrust {
  iss: string;
  keys: ReadonlyMap<string, TrustedKey>;
  refused: ReadonlyMap<string, KeyProblem>;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
/** `rid` as the spec allows it: base64url alphabet, at most 24 characters. */
export const RID_PATTERN = /^[A-Za-z0-9_-]{1,24}$/;

/** RFC 7638 JWK thumbprint of a P-256 public key: SHA-256 over the canonical `{crv,kty,x,y}` JSON, base64url. */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string; y: string }): string {
  const canonical = `{"crv":${JSON.stringify(jwk.crv)},"kty":${JSON.stringify(jwk.kty)},"x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y)}}`;
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function coordinate(v: unknown): v is string {
  return typeof v === 'string' && v.length === 43 && B64URL.test(v);
}

/**
 * Checks one JWK against the SMART Health Cards key rules (EC P-256, ES256, `use: sig`, no private part, `kid`
 * = RFC 7638 thumbprint) and imports it. An `x5c` chain is ignored: trust comes from the configured issuer
 * URL, not from certificates.
 */
export function importIssuerJwk(raw: unknown): { ok: true; key: TrustedKey; jwk: IssuerJwk } | { ok: false; kid?: string; problem: KeyProblem } {
  if (!isRecord(raw)) return { ok: false, problem: 'key_malformed' };
  const kid = typeof raw.kid === 'string' ? raw.kid : undefined;
  const fail = (problem: KeyProblem) => ({ ok: false as const, ...(kid ? { kid } : {}), problem });
  if (raw.kty !== 'EC') return fail('key_type');
  if (raw.crv !== 'P-256') return fail('key_curve');
  if (raw.alg !== 'ES256') return fail('key_alg');
  if (raw.use !== 'sig') return fail('key_use');
  if ('d' in raw) return fail('key_private');
  if (!kid || !coordinate(raw.x) || !coordinate(raw.y)) return fail('key_malformed');
  if (jwkThumbprint({ crv: 'P-256', kty: 'EC', x: raw.x, y: raw.y }) !== kid) return fail('key_kid_mismatch');
  let crlVersion: number | undefined;
  if (raw.crlVersion !== undefined) {
    if (typeof raw.crlVersion !== 'number' || !Number.isSafeInteger(raw.crlVersion) || raw.crlVersion < 0) return fail('key_crl_version');
    crlVersion = raw.crlVersion;
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.x, y: raw.y }, format: 'jwk' });
  } catch {
    return fail('key_malformed');
  }
  const jwk: IssuerJwk = { kty: 'EC', crv: 'P-256', x: raw.x, y: raw.y, kid, use: 'sig', alg: 'ES256', ...(crlVersion !== undefined ? { crlVersion } : {}) };
  return { ok: true, key: { kid, key, crlVersion }, jwk };
}

/** Reads a JWKS document (`{ keys: [...] }`); `null` when it is not one at all. */
export function parseJwks(doc: unknown): { keys: Map<string, TrustedKey>; refused: Map<string, KeyProblem> } | null {
  if (!isRecord(doc) || !Array.isArray(doc.keys)) return null;
  const keys = new Map<string, TrustedKey>();
  const refused = new Map<string, KeyProblem>();
  for (const raw of doc.keys) {
    const r = importIssuerJwk(raw);
    if (r.ok) keys.set(r.key.kid, r.key);
    else if (r.kid) refused.set(r.kid, r.problem);
  }
  return { keys, refused };
}

/**
 * The issuers a verifier trusts. Build it once (it imports every key) and reuse it for every verification.
 * An issuer whose JWKS is not a key set at all is kept with no keys, so its cards fail with `kid_unknown`
 * rather than looking like a stranger's.
 */
export class TrustedIssuers {
  private readonly byIss = new Map<string, IssuerTrust>();

  /** @param issuers each issuer's exact `iss` and its JWKS document (already parsed JSON). */
  constructor(issuers: ReadonlyArray<{ iss: string; jwks: unknown }>) {
    for (const { iss, jwks } of issuers) {
      const parsed = parseJwks(jwks) ?? { keys: new Map(), refused: new Map() };
      this.byIss.set(iss, { iss, keys: parsed.keys, refused: parsed.refused });
    }
  }

  /** The trusted issuer with exactly this `iss`. */
  issuer(iss: string): IssuerTrust | undefined {
    return this.byIss.get(iss);
  }

  /** Every trusted `iss`. */
  list(): string[] {
    return [...this.byIss.keys()];
  }
}

/** A revocation list checked and indexed: `rid` → revocation time in seconds (`null`: every card with it). */
export interface ParsedCrl {
  kid: string;
  ctr: number;
  revoked: ReadonlyMap<string, number | null>;
}

/**
 * Checks a revocation list against the spec: `method` is `rid`, `ctr` a non-negative integer, every entry a
 * base64url `rid` of at most 24 characters with an optional `.<unix seconds>`, each `rid` listed once.
 */
export function parseCrl(doc: unknown): ParsedCrl | null {
  if (!isRecord(doc)) return null;
  if (typeof doc.kid !== 'string' || doc.method !== 'rid') return null;
  if (typeof doc.ctr !== 'number' || !Number.isSafeInteger(doc.ctr) || doc.ctr < 0) return null;
  if (!Array.isArray(doc.rids)) return null;
  const revoked = new Map<string, number | null>();
  for (const entry of doc.rids) {
    if (typeof entry !== 'string') return null;
    const dot = entry.indexOf('.');
    const rid = dot < 0 ? entry : entry.slice(0, dot);
    if (!RID_PATTERN.test(rid)) return null;
    let rtime: number | null = null;
    if (dot >= 0) {
      const ts = entry.slice(dot + 1);
      if (!/^\d{1,12}$/.test(ts)) return null;
      rtime = Number(ts);
    }
    if (revoked.has(rid)) return null;
    revoked.set(rid, rtime);
  }
  return { kid: doc.kid, ctr: doc.ctr, revoked };
}
