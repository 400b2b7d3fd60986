/**
 * The credential service: issuing a card's credential, revoking a card, publishing the key set and the
 * revocation lists, rotating and retiring issuer keys, and verifying against the issuer's own keys.
 *
 * It takes a small context (config, database, jurisdiction, clock) rather than the whole app, so the CLI can
 * use it without a server. It never sees HTTP types and never writes what a card says into the database.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../../../config.ts';
import { nowIso } from '../../../core/db/columns.ts';
import type { Db } from '../../../core/db/database.ts';
import type { Executor, Tx } from '../../../core/db/transaction.ts';
import { randomId } from '../../../core/crypto/random.ts';
import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';
import { buildClaims, endOfLocalDay } from './credential.claims.ts';
import { jwsToShc } from './credential.codec.ts';
import { credentialQrMatrix } from './credential.qr.ts';
import type { CardFacts, VerificationResult } from './credential.reasons.ts';
import {
  bumpCrlCounter,
  credentialKeysOfCard,
  extendKeyExpiry,
  insertCredential,
  insertIssuerKey,
  issuerKeysFingerprint,
  listIssuerKeys,
  markKeysRetired,
  revocationsOfKey,
  ridOfCard,
  upsertRevocation,
  type IssuerKeyTable,
} from './credential.repo.ts';
import { signCompactJws } from './credential.sign.ts';
import { type CrlDocument, type IssuerJwk, TrustedIssuers } from './credential.trust.ts';
import { type CredentialInput, type VerificationProfile, verifyCredential } from './credential.verify.ts';
import { issuerKeyStore } from './issuer-keys.ts';

/** What the credential service needs of the app. */
export interface CredentialContext {
  config: Pick<Config, 'baseUrl' | 'idIssuerKeyFile'>;
  db: Db;
  jurisdiction: Jurisdiction;
  now(): Date;
}

/** A card, as the card service hands it over to get its credential (decrypted values, never stored here). */
export interface CardForCredential extends CardFacts {
  /** The card record's id; every credential of one card shares one revocation id. */
  id: string;
  /** The holder's vault subject, so this part's rows go when the holder is forgotten. */
  subjectId?: string;
}

/** A freshly signed credential: print `qrText` (or the QR images made from `jws`) on the card; nothing here is stored. */
export interface IssuedCredential {
  credentialId: string;
  kid: string;
  rid: string;
  /** The compact JWS. */
  jws: string;
  /** The QR code's text, `shc:/…` (for `credentialQrSvg`/`credentialQrPng`, or a vector drawing from `credentialQrMatrix`). */
  qrText: string;
  /** QR version at error correction M (≤ 22). */
  qrVersion: number;
  notBefore: string;
  expiresAt: string;
}

/** Why a card is revoked. Never published; the revocation list only says that and when. */
export const REVOCATION_REASONS = ['lost', 'stolen', 'damaged', 'replaced', 'renewed', 'holder-request', 'issued-in-error', 'cancelled'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** The issuer URL (`iss`): BASE_URL. Keys are at `<iss>/.well-known/jwks.json`. */
export function issuerUrl(config: Pick<Config, 'baseUrl'>): string {
  return config.baseUrl.replace(/\/+$/, '');
}

/** A random revocation id: 96 bits, 16 base64url characters, unrelated to the card number. */
function newRid(): string {
  return randomBytes(12).toString('base64url');
}

/** Makes sure the key file's current key is in the database, and returns it. */
async function currentSigner(ctx: CredentialContext, db: Executor) {
  const store = await issuerKeyStore(ctx.config.idIssuerKeyFile);
  const signer = store.current();
  const pub = store.publicKeys().find((k) => k.jwk.kid === signer.kid);
  await insertIssuerKey(db, { kid: signer.kid, publicJwk: JSON.stringify(pub?.jwk), createdAt: pub?.createdAt || nowIso(ctx.now()) });
  return signer;
}

/**
 * Issues the credential of a card, in the caller's transaction: signs it with the current issuer key (made on
 * first use), records which key and rid it carries, and returns the JWS and QR text to print.
 * @throws RangeError when the card's facts cannot go into a credential (see `cardFactsProblem`) or the QR would
 *   be larger than version 22 — the caller's validation should have prevented both.
 */
export async function issueCredential(ctx: CredentialContext, tx: Tx, card: CardForCredential): Promise<IssuedCredential> {
  const now = ctx.now();
  const nbf = Math.floor(now.getTime() / 1000);
  const exp = endOfLocalDay(card.expiresOn, ctx.jurisdiction.locale.timezone.value);
  if (exp <= nbf) throw new RangeError('cannot issue a credential for a card that has already expired');
  const signer = await currentSigner(ctx, tx);
  const rid = (await ridOfCard(tx, card.id)) ?? newRid();
  const claims = buildClaims(card, { iss: issuerUrl(ctx.config), nbf, exp, rid });
  const jws = signCompactJws(claims, signer);
  const { version } = credentialQrMatrix(jws);
  const credentialId = randomId();
  const notBefore = new Date(nbf * 1000).toISOString();
  const expiresAt = new Date(exp * 1000).toISOString();
  await insertCredential(tx, {
    id: credentialId,
    card_id: card.id,
    subject_id: card.subjectId ?? null,
    kid: signer.kid,
    rid,
    not_before: notBefore,
    expires_at: expiresAt,
    issued_at: nowIso(now),
  });
  await extendKeyExpiry(tx, signer.kid, expiresAt);
  invalidateVerifier(ctx.db);
  return { credentialId, kid: signer.kid, rid, jws, qrText: jwsToShc(jws), qrVersion: version, notBefore, expiresAt };
}

/**
 * Revokes every credential issued for a card so far, in the caller's transaction: adds `rid.<now>` to the
 * revocation list of each key that signed one and bumps that list's counter. A credential issued for the
 * same card later (a reprint after the card was found) is not affected. Returns how many list entries changed
 * (0 when the card never had a credential). The caller records the staff action in the audit log.
 */
export async function revokeCard(ctx: CredentialContext, tx: Tx, cardId: string, reason: RevocationReason): Promise<{ entries: number }> {
  if (!(REVOCATION_REASONS as readonly string[]).includes(reason)) throw new RangeError(`unknown revocation reason "${reason}"`);
  const now = ctx.now();
  // One second past now: a credential signed during this second is covered too (nbf < rtime).
  const rtime = Math.floor(now.getTime() / 1000) + 1;
  const pairs = await credentialKeysOfCard(tx, cardId);
  for (const { kid, rid } of pairs) {
    await upsertRevocation(tx, { kid, rid, rtime, reason, revoked_at: nowIso(now) });
    await bumpCrlCounter(tx, kid);
  }
  invalidateVerifier(ctx.db);
  return { entries: pairs.length };
}

/** Whether a key is published now: not retired, and current or still covering an unexpired card. */
function isPublished(row: IssuerKeyTable, currentKid: string | undefined, nowIsoString: string): boolean {
  if (row.retired_at) return false;
  return row.kid === currentKid || (row.last_expires_at !== null && row.last_expires_at > nowIsoString);
}

function jwkOf(row: IssuerKeyTable): IssuerJwk {
  const jwk = JSON.parse(row.public_jwk) as IssuerJwk;
  const { crlVersion: _ignored, ...rest } = jwk;
  return row.crl_ctr > 0 ? { ...rest, crlVersion: row.crl_ctr } : rest;
}

/** The key set published at `/.well-known/jwks.json`: each published key with `crlVersion` once it has revocations. */
export async function publishedJwks(ctx: Pick<CredentialContext, 'db' | 'now'>): Promise<{ keys: IssuerJwk[] }> {
  const rows = await listIssuerKeys(ctx.db.kysely);
  const live = rows.filter((r) => !r.retired_at);
  const currentKid = live[live.length - 1]?.kid;
  const at = nowIso(ctx.now());
  return { keys: rows.filter((r) => isPublished(r, currentKid, at)).map(jwkOf) };
}

/** A key's revocation list (`/.well-known/crl/<kid>.json`), or null for a key we do not publish. */
export async function publishedCrl(ctx: Pick<CredentialContext, 'db' | 'now'>, kid: string): Promise<CrlDocument | null> {
  const jwks = await publishedJwks(ctx);
  const key = jwks.keys.find((k) => k.kid === kid);
  if (!key) return null;
  const entries = await revocationsOfKey(ctx.db.kysely, kid);
  return { kid, method: 'rid', ctr: key.crlVersion ?? 0, rids: entries.map((e) => `${e.rid}.${e.rtime}`) };
}

/** Adds a new issuer key that signs from now on; older keys stay published until their last card expires. */
export async function rotateIssuerKey(ctx: CredentialContext): Promise<{ kid: string; previous: string }> {
  const store = await issuerKeyStore(ctx.config.idIssuerKeyFile);
  const previous = (await currentSigner(ctx, ctx.db.kysely)).kid;
  const kid = await store.rotate();
  await currentSigner(ctx, ctx.db.kysely);
  invalidateVerifier(ctx.db);
  return { kid, previous };
}

/**
 * Retires the keys that are no longer published (not current, last card expired): marks them retired and
 * destroys their private halves in the key file. Returns their kids.
 */
export async function retireIssuerKeys(ctx: CredentialContext): Promise<string[]> {
  const store = await issuerKeyStore(ctx.config.idIssuerKeyFile);
  const rows = await listIssuerKeys(ctx.db.kysely);
  const live = rows.filter((r) => !r.retired_at);
  const currentKid = store.current().kid;
  const at = nowIso(ctx.now());
  const retire = live.filter((r) => r.kid !== currentKid && !isPublished(r, currentKid, at)).map((r) => r.kid);
  await markKeysRetired(ctx.db.kysely, retire, at);
  await store.destroy(retire);
  invalidateVerifier(ctx.db);
  return retire;
}

/** Key status for `sanctuary id keys status`. */
export async function issuerKeyStatus(ctx: CredentialContext): Promise<Array<{ kid: string; current: boolean; published: boolean; crlVersion: number; lastExpiresAt: string | null; retiredAt: string | null }>> {
  const rows = await listIssuerKeys(ctx.db.kysely);
  const live = rows.filter((r) => !r.retired_at);
  const currentKid = live[live.length - 1]?.kid;
  const at = nowIso(ctx.now());
  return rows.map((r) => ({
    kid: r.kid,
    current: r.kid === currentKid,
    published: isPublished(r, currentKid, at),
    crlVersion: r.crl_ctr,
    lastExpiresAt: r.last_expires_at,
    retiredAt: r.retired_at,
  }));
}

/**
 * Verifies against the issuer's own published keys and revocation lists, read from the database and cached:
 * the key set is rebuilt only when a key, counter or expiry changed (checked at most every `refreshMs`, and at
 * once after this process issues, revokes or rotates), and each revocation list is read once per counter value.
 */
export class IssuerVerifier {
  private state: { fingerprint: string; trust: TrustedIssuers; crls: Map<string, CrlDocument>; checkedAt: number } | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly ctx: CredentialContext,
    private readonly options: { refreshMs?: number } = {},
  ) {}

  private forceUntil = 0;

  /**
   * Forget the cache after a local issue, revocation or rotation. It is called inside the caller's
   * transaction, before the commit, so for a few seconds every verification re-reads the (tiny) key table's
   * fingerprint: the change is seen as soon as it is committed.
   */
  invalidate(): void {
    this.forceUntil = Date.now() + 10_000;
  }

  private async fresh(): Promise<NonNullable<IssuerVerifier['state']>> {
    const refreshMs = this.options.refreshMs ?? 1000;
    const at = Date.now();
    if (this.state && at >= this.forceUntil && at - this.state.checkedAt < refreshMs) return this.state;
    this.loading ??= this.reload().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
    if (!this.state) throw new Error('issuer keys could not be loaded');
    return this.state;
  }

  private async reload(): Promise<void> {
    const fingerprint = await issuerKeysFingerprint(this.ctx.db.kysely);
    if (this.state && this.state.fingerprint === fingerprint) {
      this.state.checkedAt = Date.now();
      return;
    }
    const jwks = await publishedJwks(this.ctx);
    this.state = {
      fingerprint,
      trust: new TrustedIssuers([{ iss: issuerUrl(this.ctx.config), jwks }]),
      crls: new Map(),
      checkedAt: Date.now(),
    };
  }

  /** Verifies a credential (default profile `municipal-id`) at the context's clock. Never throws on bad input. */
  async verify(input: CredentialInput, profile: VerificationProfile = 'municipal-id'): Promise<VerificationResult> {
    const state = await this.fresh();
    return verifyCredential(input, {
      trustedIssuers: state.trust,
      now: this.ctx.now(),
      profile,
      // Cached lists are answered synchronously; a list is read from the database once per counter value.
      crlFetcher: (_iss, kid) =>
        state.crls.get(kid) ??
        publishedCrl(this.ctx, kid).then((crl) => {
          if (crl) state.crls.set(kid, crl);
          return crl;
        }),
    });
  }
}

const verifiers = new WeakMap<Db, IssuerVerifier>();

/** The verifier of this database's issuer (one per database handle, shared by every request). */
export function issuerVerifier(ctx: CredentialContext): IssuerVerifier {
  let v = verifiers.get(ctx.db);
  if (!v) {
    v = new IssuerVerifier(ctx);
    verifiers.set(ctx.db, v);
  }
  return v;
}

function invalidateVerifier(db: Db): void {
  verifiers.get(db)?.invalidate();
}
