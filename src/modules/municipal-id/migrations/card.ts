import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../../core/db/migrator.ts';

/**
 * The card part of the municipal ID (`card/`). The card record stands on its own: the application it came
 * from is forgotten 30 days after the decision, the card record lives until its holder is forgotten.
 *
 * `id_card_holders`: one row per card holder; the row is its own vault subject (program `municipal-id`), so
 * forgetting the holder — on request, or by retention after the last card's expiry plus a grace period
 * (`forget_after`) — destroys the key of every sealed column and deletes the holder's cards. Name, date of
 * birth, designations (gender as chosen, veteran) and the photo are sealed; `person_index` (name + date of
 * birth) and `document_index` (one document, when staff entered it) are keyed blind indexes for duplicate
 * detection inside this program only.
 *
 * `id_cards`: one row per physical card. The number is sealed and found by its blind index; the signed
 * credential printed as the QR code is sealed too, so a reprint carries the very same credential. `kid`/`rid`
 * name the key that signed it and its revocation id. Status: queued → printed → issued; revoked.
 *
 * `id_card_counts`: cards made per month and ward — counts only, for the public figures; no row names anyone.
 */
export const cardMigrations: NamedMigrations = {
  '202612010210_municipal_id_cards': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('id_card_holders')
        .addColumn('id', 'text', (c) => c.primaryKey().references('subjects.id'))
        .addColumn('person_index', 'text', (c) => c.notNull())
        .addColumn('document_index', 'text')
        .addColumn('name_sealed', 'text', (c) => c.notNull())
        .addColumn('birth_date_sealed', 'text', (c) => c.notNull())
        .addColumn('designations_sealed', 'text', (c) => c.notNull())
        .addColumn('photo_sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('forget_after', 'text')
        .execute();
      await db.schema.createIndex('id_card_holders_person').on('id_card_holders').column('person_index').execute();
      await db.schema.createIndex('id_card_holders_document').on('id_card_holders').column('document_index').execute();
      await db.schema.createIndex('id_card_holders_forget').on('id_card_holders').column('forget_after').execute();

      await db.schema
        .createTable('id_cards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('holder_id', 'text', (c) => c.notNull().references('id_card_holders.id'))
        .addColumn('number_index', 'text', (c) => c.notNull().unique())
        .addColumn('number_sealed', 'text', (c) => c.notNull())
        .addColumn('variant', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('issued_on', 'text', (c) => c.notNull())
        .addColumn('expires_on', 'text', (c) => c.notNull())
        .addColumn('credential_sealed', 'text', (c) => c.notNull())
        .addColumn('kid', 'text', (c) => c.notNull())
        .addColumn('rid', 'text', (c) => c.notNull())
        .addColumn('application_id', 'text')
        .addColumn('replaces_card_id', 'text')
        .addColumn('revocation_reason', 'text')
        .addColumn('print_count', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('printed_at', 'text')
        .addColumn('handed_over_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      // The print queue and the staff lists walk this index with keyset pagination (never OFFSET).
      await db.schema.createIndex('id_cards_queue').on('id_cards').columns(['status', 'created_at', 'id']).execute();
      await db.schema.createIndex('id_cards_holder').on('id_cards').columns(['holder_id', 'created_at']).execute();

      await db.schema
        .createTable('id_card_counts')
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('ward', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('id_card_counts_pk', ['month', 'ward'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('id_card_counts').execute();
      await db.schema.dropTable('id_cards').execute();
      await db.schema.dropTable('id_card_holders').execute();
    },
  },
};
