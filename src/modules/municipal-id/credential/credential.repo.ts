/**
 * Database access for the credential tables. No decryption, no policy: the service decides.
 */
import { sql } from 'kysely';
import type { Executor } from '../../../core/db/transaction.ts';

export interface IssuerKeyTable {
  kid: string;
  public_jwk: string;
  crl_ctr: number;
  created_at: string;
  last_expires_at: string | null;
  retired_at: string | null;
}

export interface CredentialTable {
  id: string;
  card_id: string;
  subject_id: string | null;
  kid: string;
  rid: string;
  not_before: string;
  expires_at: string;
  issued_at: string;
}

export interface RevocationTable {
  kid: string;
  rid: string;
  rtime: number;
  reason: string;
  revoked_at: string;
}

export interface VerificationCountTable {
  day: string;
  channel: string;
  status: string;
  count: number;
}

declare module '../../../core/db/schema.ts' {
  interface Database {
    municipal_id_issuer_keys: IssuerKeyTable;
    municipal_id_credentials: CredentialTable;
    municipal_id_revocations: RevocationTable;
    municipal_id_verification_counts: VerificationCountTable;
  }
}

/** Records a key's public half (idempotent: every instance does it on first use of the key file). */
export async function insertIssuerKey(db: Executor, row: { kid: string; publicJwk: string; createdAt: string }): Promise<void> {
  await db
    .insertInto('municipal_id_issuer_keys')
    .values({ kid: row.kid, public_jwk: row.publicJwk, crl_ctr: 0, created_at: row.createdAt, last_expires_at: null, retired_at: null })
    .onConflict((oc) => oc.column('kid').doNothing())
    .execute();
}

/** Every key row, oldest first. */
export async function listIssuerKeys(db: Executor): Promise<IssuerKeyTable[]> {
  const rows = await db.selectFrom('municipal_id_issuer_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
  return rows.map((r) => ({ ...r, crl_ctr: Number(r.crl_ctr) }));
}

/** Tiny summary of the key table, to notice rotations and revocations made by other instances. */
export async function issuerKeysFingerprint(db: Executor): Promise<string> {
  const rows = await db.selectFrom('municipal_id_issuer_keys').select(['kid', 'crl_ctr', 'last_expires_at', 'retired_at']).orderBy('kid').execute();
  return rows.map((r) => `${r.kid}:${r.crl_ctr}:${r.last_expires_at ?? ''}:${r.retired_at ?? ''}`).join('|');
}

/** Extends a key's publication to cover a card expiring at `expiresAt` (never shortens it). */
export async function extendKeyExpiry(db: Executor, kid: string, expiresAt: string): Promise<void> {
  await db
    .updateTable('municipal_id_issuer_keys')
    .set({ last_expires_at: expiresAt })
    .where('kid', '=', kid)
    .where((eb) => eb.or([eb('last_expires_at', 'is', null), eb('last_expires_at', '<', expiresAt)]))
    .execute();
}

export async function markKeysRetired(db: Executor, kids: readonly string[], at: string): Promise<void> {
  if (kids.length === 0) return;
  await db.updateTable('municipal_id_issuer_keys').set({ retired_at: at }).where('kid', 'in', [...kids]).where('retired_at', 'is', null).execute();
}

/** The rid already given to a card (every credential of one card shares it), if any. */
export async function ridOfCard(db: Executor, cardId: string): Promise<string | undefined> {
  const row = await db.selectFrom('municipal_id_credentials').select('rid').where('card_id', '=', cardId).orderBy('issued_at').limit(1).executeTakeFirst();
  return row?.rid;
}

export async function insertCredential(db: Executor, row: CredentialTable): Promise<void> {
  await db.insertInto('municipal_id_credentials').values(row).execute();
}

/** Each (kid, rid) a card's credentials were signed under. */
export async function credentialKeysOfCard(db: Executor, cardId: string): Promise<Array<{ kid: string; rid: string }>> {
  return db.selectFrom('municipal_id_credentials').select(['kid', 'rid']).distinct().where('card_id', '=', cardId).execute();
}

/** Adds or moves forward a revocation entry. */
export async function upsertRevocation(db: Executor, row: RevocationTable): Promise<void> {
  await db
    .insertInto('municipal_id_revocations')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['kid', 'rid']).doUpdateSet({
        rtime: sql<number>`case when excluded.rtime > municipal_id_revocations.rtime then excluded.rtime else municipal_id_revocations.rtime end`,
        reason: (eb) => eb.ref('excluded.reason'),
        revoked_at: (eb) => eb.ref('excluded.revoked_at'),
      }),
    )
    .execute();
}

/** Bumps a key's revocation-list counter (its published crlVersion). */
export async function bumpCrlCounter(db: Executor, kid: string): Promise<void> {
  await db
    .updateTable('municipal_id_issuer_keys')
    .set((eb) => ({ crl_ctr: eb('crl_ctr', '+', 1) }))
    .where('kid', '=', kid)
    .execute();
}

/** A key's revocation list entries. */
export async function revocationsOfKey(db: Executor, kid: string): Promise<Array<{ rid: string; rtime: number }>> {
  const rows = await db.selectFrom('municipal_id_revocations').select(['rid', 'rtime']).where('kid', '=', kid).orderBy('rid').execute();
  return rows.map((r) => ({ rid: r.rid, rtime: Number(r.rtime) }));
}

/** Adds to the verification counters (one row per day, channel and outcome). */
export async function addVerificationCounts(db: Executor, rows: ReadonlyArray<{ day: string; channel: string; status: string; count: number }>): Promise<void> {
  for (const r of rows) {
    await db
      .insertInto('municipal_id_verification_counts')
      .values(r)
      .onConflict((oc) => oc.columns(['day', 'channel', 'status']).doUpdateSet({ count: sql<number>`municipal_id_verification_counts.count + excluded.count` }))
      .execute();
  }
}

/** Verification counts per day, channel and status (for reports). */
export async function verificationCounts(db: Executor): Promise<VerificationCountTable[]> {
  const rows = await db.selectFrom('municipal_id_verification_counts').selectAll().orderBy('day').orderBy('channel').orderBy('status').execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}
