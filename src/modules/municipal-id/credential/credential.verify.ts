/**
 * Verifying a credential: `shc:/` numeric QR text, a compact JWS, or a `.smart-health-card` file →
 * `{ status: 'valid' | 'expired' | 'revoked' | 'invalid', reason, card? }`.
 *
 * Every step refuses with its own reason code (credential.reasons.ts), and nothing here throws on any input:
 * sizes are bounded before work is done (text length, JWS length, inflated size — a DEFLATE bomb stops at the
 * limit), parsing is strict (base64url alphabet, exactly three parts, no BOM, no surrounding characters), and
 * only `alg: ES256` with a 64-byte P1363 signature under a key of a trusted issuer's JWKS is accepted.
 *
 * Two profiles: `municipal-id` (our cards: one QR, the card's claims, `exp` and `rid` required) and
 * `framing-only` (the SMART Health Cards framing, signature and revocation rules without content rules — for
 * the spec's FHIR test vectors and other issuers' cards).
 *
 * Speed: the trusted issuers hold imported keys; the protected header of a key's cards is parsed once and
 * cached; CRLs are parsed once per document object. A verification is one ECDSA verify plus a small inflate.
 */
import { verify as ecdsaVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { municipalIdFacts } from './credential.claims.ts';
import { MAX_SINGLE_QR_JWS_CHARS, assembleShcChunks, parseShc } from './credential.codec.ts';
import { type CardFacts, type ReasonCode, type VerificationResult, invalid } from './credential.reasons.ts';
import { type ParsedCrl, RID_PATTERN, type TrustedIssuers, parseCrl } from './credential.trust.ts';

/** Which content rules apply after the framing. */
export type VerificationProfile = 'municipal-id' | 'framing-only';

/** What can be verified: auto-detected text, or an explicit kind. */
export type CredentialInput = string | { qr: string | readonly string[] } | { jws: string } | { file: string };

/** Returns the revocation list (parsed JSON) of an issuer's key, or null/undefined when it cannot be had. */
export type CrlFetcher = (iss: string, kid: string) => unknown;

export interface VerifyOptions {
  trustedIssuers: TrustedIssuers;
  /** The verifier's clock (default: now). */
  now?: Date | number;
  /** Needed for keys whose JWKS entry has a `crlVersion`. May return a promise. */
  crlFetcher?: CrlFetcher;
  /** Default `municipal-id`. */
  profile?: VerificationProfile;
  /** Clock skew tolerated for `nbf`, seconds (default 300). */
  skewSeconds?: number;
}

/** Size limits per profile; anything larger is refused before it costs work. */
export const LIMITS = {
  'municipal-id': { inputChars: 4096, jwsChars: MAX_SINGLE_QR_JWS_CHARS, payloadBytes: 8 * 1024 },
  'framing-only': { inputChars: 65_536, jwsChars: 16_384, payloadBytes: 64 * 1024 },
} as const;

/** Seconds past which a timestamp must have been given in milliseconds (year 5138). */
const MAX_SECONDS = 1e11;
const B64URL = /^[A-Za-z0-9_-]+$/;

interface Header {
  kid: string;
}

/** Protected headers seen recently (every card of one key has the same one); bounded. */
const headerCache = new Map<string, Header | ReasonCode>();
const HEADER_CACHE_MAX = 256;
const crlCache = new WeakMap<object, ParsedCrl | null>();

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whitespace (or any control character) at either end: a QR code's text never has it. */
function padded(text: string): boolean {
  return text.charCodeAt(0) <= 0x20 || text.charCodeAt(text.length - 1) <= 0x20 || /^\s|\s$/u.test(text.charAt(0) + text.charAt(text.length - 1));
}

function b64urlOk(part: string): boolean {
  return part.length > 0 && part.length % 4 !== 1 && B64URL.test(part);
}

function parseHeader(part: string): Header | ReasonCode {
  const cached = headerCache.get(part);
  if (cached !== undefined) return cached;
  const result = parseHeaderUncached(part);
  if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
  headerCache.set(part, result);
  return result;
}

function parseHeaderUncached(part: string): Header | ReasonCode {
  if (part.length > 1024) return 'header_invalid';
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return 'header_invalid';
  }
  if (!isRecord(header)) return 'header_invalid';
  if (header.alg === undefined) return 'alg_missing';
  if (header.alg !== 'ES256') return 'alg_unsupported';
  if (header.zip === undefined) return 'zip_missing';
  if (header.zip !== 'DEF') return 'zip_unsupported';
  if (header.kid === undefined) return 'kid_missing';
  // A `crit` extension we do not understand must not be ignored (RFC 7515 §4.1.11); `b64: false` changes the signing input.
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 128 || 'crit' in header || 'b64' in header) return 'header_invalid';
  return { kid: header.kid };
}

/** Extracts the one JWS to check from the input, applying the input-level rules. */
function extractJws(input: CredentialInput, profile: VerificationProfile): { jws: string } | { reason: ReasonCode } {
  const limits = LIMITS[profile];
  if (typeof input === 'string') {
    if (input.length === 0) return { reason: 'input_empty' };
    if (input.length > limits.inputChars) return { reason: 'input_too_long' };
    if (input.charCodeAt(0) === 0xfeff) return { reason: 'input_bom' };
    if (padded(input)) return { reason: 'input_whitespace' };
    if (/^shc:/i.test(input)) return extractJws({ qr: input }, profile);
    if (input.startsWith('{')) return extractJws({ file: input }, profile);
    if (input.startsWith('ey')) return { jws: input };
    return { reason: 'input_unrecognized' };
  }
  if (!isRecord(input)) return { reason: 'input_unrecognized' };
  if ('qr' in input) {
    const qr = input.qr;
    const texts = typeof qr === 'string' ? [qr] : Array.isArray(qr) ? (qr as unknown[]) : [];
    if (texts.length === 0) return { reason: 'input_empty' };
    let total = 0;
    for (const t of texts) {
      if (typeof t !== 'string') return { reason: 'input_unrecognized' };
      if (t.length === 0) return { reason: 'input_empty' };
      if (t.charCodeAt(0) === 0xfeff) return { reason: 'input_bom' };
      if (padded(t)) return { reason: 'input_whitespace' };
      total += t.length;
    }
    if (total > limits.inputChars + 20 * texts.length) return { reason: 'input_too_long' };
    const strings = texts as string[];
    if (strings.length === 1) {
      const first = strings[0] ?? '';
      const parsed = parseShc(first, { maxJwsChars: limits.jwsChars > MAX_SINGLE_QR_JWS_CHARS ? MAX_SINGLE_QR_JWS_CHARS : limits.jwsChars, allowChunks: profile === 'framing-only' });
      return parsed.ok ? { jws: parsed.jws } : { reason: parsed.reason };
    }
    // Our own cards are always one QR code; chunked sets are only read under the framing-only profile.
    if (profile === 'municipal-id') return { reason: 'qr_chunked' };
    const assembled = assembleShcChunks(strings, { maxJwsChars: limits.jwsChars });
    return assembled.ok ? { jws: assembled.jws } : { reason: assembled.reason };
  }
  if ('jws' in input) {
    const jws = input.jws;
    if (typeof jws !== 'string') return { reason: 'input_unrecognized' };
    if (jws.length === 0) return { reason: 'input_empty' };
    if (jws.length > limits.inputChars) return { reason: 'input_too_long' };
    if (jws.charCodeAt(0) === 0xfeff) return { reason: 'input_bom' };
    if (padded(jws)) return { reason: 'input_whitespace' };
    return { jws };
  }
  if ('file' in input) {
    const text = input.file;
    if (typeof text !== 'string') return { reason: 'input_unrecognized' };
    if (text.length > LIMITS['framing-only'].inputChars) return { reason: 'input_too_long' };
    if (text.charCodeAt(0) === 0xfeff) return { reason: 'input_bom' };
    if (padded(text)) return { reason: 'input_whitespace' };
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return { reason: 'file_invalid' };
    }
    const list = isRecord(doc) ? doc.verifiableCredential : undefined;
    if (!Array.isArray(list) || list.length === 0 || list.some((j) => typeof j !== 'string')) return { reason: 'file_invalid' };
    if (list.length > 1) return { reason: 'file_multiple' };
    return extractJws({ jws: list[0] as string }, profile);
  }
  return { reason: 'input_unrecognized' };
}

type PayloadResult = { ok: true; payload: Record<string, unknown> } | { ok: false; reason: ReasonCode };

function inflatePayload(part: string, maxBytes: number): PayloadResult {
  let raw: Buffer;
  try {
    // Small output chunks: a card's payload is a few hundred bytes, and zlib's default 16 KiB output buffer per
    // call costs more than the inflating.
    raw = inflateRawSync(Buffer.from(part, 'base64url'), { maxOutputLength: maxBytes, chunkSize: 1024 });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { ok: false, reason: code === 'ERR_BUFFER_TOO_LARGE' ? 'payload_too_large' : 'payload_inflate_failed' };
  }
  if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) return { ok: false, reason: 'payload_bom' };
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'payload_invalid' };
  }
  return isRecord(payload) ? { ok: true, payload } : { ok: false, reason: 'payload_invalid' };
}

/** Why an untrusted `iss` is untrusted, as specifically as possible. */
function untrustedIssuerReason(iss: string): ReasonCode {
  if (iss.endsWith('/')) return 'issuer_trailing_slash';
  if (!iss.startsWith('https://')) return 'issuer_not_https';
  return 'issuer_not_trusted';
}

/**
 * Checks the time claims of a payload (`nbf` required, `exp` optional unless `requireExp`): whole or
 * fractional seconds, not milliseconds, `exp` after `nbf`. Returns whether the credential has expired.
 */
export function checkTimeClaims(
  payload: Record<string, unknown>,
  options: { now: number; skewSeconds: number; requireExp: boolean },
): { ok: true; expired: boolean; nbf: number } | { ok: false; reason: ReasonCode } {
  const { nbf, exp } = payload;
  if (nbf === undefined) return { ok: false, reason: 'nbf_missing' };
  if (typeof nbf !== 'number' || !Number.isFinite(nbf) || nbf < 0 || nbf > MAX_SECONDS) return { ok: false, reason: 'nbf_invalid' };
  if (exp === undefined) {
    if (options.requireExp) return { ok: false, reason: 'exp_missing' };
  } else {
    if (typeof exp !== 'number' || !Number.isFinite(exp) || exp < 0 || exp > MAX_SECONDS) return { ok: false, reason: 'exp_invalid' };
    if (exp <= nbf) return { ok: false, reason: 'exp_before_nbf' };
  }
  if (nbf > options.now + options.skewSeconds) return { ok: false, reason: 'not_yet_valid' };
  return { ok: true, expired: typeof exp === 'number' && options.now >= exp, nbf };
}

/**
 * The payload rules that need no signature (for the spec's unsigned payload vectors, and used by
 * {@link verifyCredential}): `iss`, time claims, `vc`, `rid`, and the profile's content rules.
 */
export function checkPayload(
  payload: Record<string, unknown>,
  options: { now: number; skewSeconds?: number; profile?: VerificationProfile },
): { ok: true; expired: boolean; nbf: number; rid: string | undefined; card: CardFacts | undefined } | { ok: false; reason: ReasonCode } {
  const profile = options.profile ?? 'municipal-id';
  if (typeof payload.iss !== 'string' || payload.iss.length === 0) return { ok: false, reason: 'iss_missing' };
  const times = checkTimeClaims(payload, { now: options.now, skewSeconds: options.skewSeconds ?? 300, requireExp: profile === 'municipal-id' });
  if (!times.ok) return times;
  const vc = payload.vc;
  if (!isRecord(vc)) return { ok: false, reason: 'payload_invalid' };
  let rid: string | undefined;
  if (vc.rid !== undefined) {
    if (typeof vc.rid !== 'string' || !RID_PATTERN.test(vc.rid)) return { ok: false, reason: 'rid_invalid' };
    rid = vc.rid;
  }
  let card: CardFacts | undefined;
  if (profile === 'municipal-id') {
    const facts = municipalIdFacts(vc);
    if (!facts.ok) return facts;
    card = facts.card;
  }
  return { ok: true, expired: times.expired, nbf: times.nbf, rid, card };
}

/** The revocation list's verdict on a credential: null (not revoked), `revoked`, or why the list is unusable. */
function crlVerdict(doc: unknown, kid: string, crlVersion: number, rid: string | undefined, nbf: number): ReasonCode | null {
  if (doc === null || doc === undefined) return 'crl_unavailable';
  let crl: ParsedCrl | null | undefined;
  if (typeof doc === 'object') {
    crl = crlCache.get(doc);
    if (crl === undefined) {
      crl = parseCrl(doc);
      crlCache.set(doc, crl);
    }
  } else {
    crl = null;
  }
  if (!crl || crl.kid !== kid) return 'crl_invalid';
  if (crl.ctr !== crlVersion) return 'crl_version_mismatch';
  if (rid === undefined || !crl.revoked.has(rid)) return null;
  const rtime = crl.revoked.get(rid);
  // `rid.<time>` revokes the cards with that rid issued before the time; a replacement issued after stays good.
  return rtime === null || rtime === undefined || nbf < rtime ? 'revoked' : null;
}

/** Asks the fetcher for a key's list; a fetcher that answers synchronously costs no extra turn of the event loop. */
function fetchCrl(crlFetcher: CrlFetcher | undefined, iss: string, kid: string): unknown {
  if (!crlFetcher) return undefined;
  try {
    const got = crlFetcher(iss, kid);
    return got instanceof Promise ? got.catch(() => undefined) : got;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a credential. Never throws: any input yields a result with a specific reason.
 * @example await verifyCredential({ qr: 'shc:/5676…' }, { trustedIssuers, crlFetcher })
 */
export function verifyCredential(input: CredentialInput, options: VerifyOptions): Promise<VerificationResult> {
  // Defence in depth: every path returns a reason; an unexpected exception still must not become a 500.
  try {
    const result = verifyUnsafe(input, options);
    return result instanceof Promise ? result.catch(() => invalid('input_unrecognized')) : Promise.resolve(result);
  } catch {
    return Promise.resolve(invalid('input_unrecognized'));
  }
}

/** The checks, synchronous unless the revocation list has to be waited for. */
function verifyUnsafe(input: CredentialInput, options: VerifyOptions): VerificationResult | Promise<VerificationResult> {
  const profile = options.profile ?? 'municipal-id';
  const limits = LIMITS[profile];
  const extracted = extractJws(input, profile);
  if ('reason' in extracted) return invalid(extracted.reason);
  const { jws } = extracted;
  if (jws.length > limits.jwsChars) return invalid('jws_too_long');

  const d1 = jws.indexOf('.');
  const d2 = d1 < 0 ? -1 : jws.indexOf('.', d1 + 1);
  if (d1 < 0 || d2 < 0 || jws.indexOf('.', d2 + 1) >= 0) return invalid('jws_malformed');
  const headerPart = jws.slice(0, d1);
  const payloadPart = jws.slice(d1 + 1, d2);
  const signaturePart = jws.slice(d2 + 1);
  if (!b64urlOk(headerPart) || !b64urlOk(payloadPart) || !b64urlOk(signaturePart)) return invalid('jws_malformed');

  const header = parseHeader(headerPart);
  if (typeof header === 'string') return invalid(header);
  const signature = Buffer.from(signaturePart, 'base64url');
  // ES256 in JWS is r‖s, 64 bytes (RFC 7518 §3.4); a DER-encoded signature is 70–72 bytes and is refused.
  if (signature.length !== 64) return invalid('signature_malformed');

  const inflated = inflatePayload(payloadPart, limits.payloadBytes);
  if (!inflated.ok) return invalid(inflated.reason);
  const { payload } = inflated;
  if (typeof payload.iss !== 'string' || payload.iss.length === 0) return invalid('iss_missing');
  const iss = payload.iss;
  const issuer = options.trustedIssuers.issuer(iss);
  if (!issuer) return invalid(untrustedIssuerReason(iss));
  const key = issuer.keys.get(header.kid);
  if (!key) return invalid(issuer.refused.has(header.kid) ? 'key_invalid' : 'kid_unknown');

  let good = false;
  try {
    good = ecdsaVerify('sha256', Buffer.from(jws.slice(0, d2), 'latin1'), { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    good = false;
  }
  if (!good) return invalid('signature_invalid');

  const nowMs = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  const checked = checkPayload(payload, { now: nowMs / 1000, skewSeconds: options.skewSeconds, profile });
  if (!checked.ok) return invalid(checked.reason);

  const signedBy = { issuer: iss, kid: key.kid };
  const card = checked.card ? { card: checked.card } : {};
  // A key with a crlVersion has a revocation list: it must be had and sound even for a card without a rid,
  // so that a stale or broken list is noticed rather than silently skipped.
  const verdict = (doc: unknown): VerificationResult => {
    if (key.crlVersion !== undefined) {
      const reason = crlVerdict(doc, key.kid, key.crlVersion, checked.rid, checked.nbf);
      if (reason === 'revoked') return { status: 'revoked', reason, ...card, ...signedBy };
      if (reason) return invalid(reason);
    }
    if (checked.expired) return { status: 'expired', reason: 'expired', ...card, ...signedBy };
    return { status: 'valid', reason: 'ok', ...card, ...signedBy };
  };
  if (key.crlVersion === undefined) return verdict(undefined);
  const doc = fetchCrl(options.crlFetcher, iss, key.kid);
  return doc instanceof Promise ? doc.then(verdict) : verdict(doc);
}
