import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../../core/db/migrator.ts';

/**
 * The credential part of the municipal ID (`credential/`):
 *
 * - `municipal_id_issuer_keys`: the public half of each issuer key (the private half is in the key file, never
 *   here), its revocation-list counter (`crl_ctr`, published as the JWKS `crlVersion`), the expiry of the last
 *   card it signed (it stays published until then) and when it was retired.
 * - `municipal_id_credentials`: one row per credential issued — which card, which key, the card's `rid`, and
 *   the validity window. Never the signed credential itself (it holds the name and date of birth in clear).
 * - `municipal_id_revocations`: the revocation lists' entries (`rid` + revocation time per key) and why.
 * - `municipal_id_verification_counts`: how many verifications per day, channel and outcome — counts only;
 *   what was verified is never recorded.
 */
export const credentialMigrations: NamedMigrations = {
  '202612010100_municipal_id_credential': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('municipal_id_issuer_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('crl_ctr', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_expires_at', 'text')
        .addColumn('retired_at', 'text')
        .execute();
      await db.schema
        .createTable('municipal_id_credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('card_id', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text')
        .addColumn('kid', 'text', (c) => c.notNull().references('municipal_id_issuer_keys.kid'))
        .addColumn('rid', 'text', (c) => c.notNull())
        .addColumn('not_before', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('municipal_id_credentials_card').on('municipal_id_credentials').column('card_id').execute();
      await db.schema.createIndex('municipal_id_credentials_subject').on('municipal_id_credentials').column('subject_id').execute();
      await db.schema.createIndex('municipal_id_credentials_kid').on('municipal_id_credentials').columns(['kid', 'expires_at']).execute();
      await db.schema
        .createTable('municipal_id_revocations')
        .addColumn('kid', 'text', (c) => c.notNull().references('municipal_id_issuer_keys.kid'))
        .addColumn('rid', 'text', (c) => c.notNull())
        .addColumn('rtime', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('municipal_id_revocations_pk', ['kid', 'rid'])
        .execute();
      await db.schema
        .createTable('municipal_id_verification_counts')
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('municipal_id_verification_counts_pk', ['day', 'channel', 'status'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('municipal_id_verification_counts').execute();
      await db.schema.dropTable('municipal_id_revocations').execute();
      await db.schema.dropTable('municipal_id_credentials').execute();
      await db.schema.dropTable('municipal_id_issuer_keys').execute();
    },
  },
};
