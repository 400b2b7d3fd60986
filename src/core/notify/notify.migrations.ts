import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../db/migrator.ts';

/**
 * The outbound message queue. A message is rendered when it is queued and kept sealed under the recipient's
 * data key (`subject_id`) until it is sent; after seven days its content and address are erased and only
 * metadata stays (when, channel, template, status), so the table never becomes a directory of residents.
 */
export const notifyMigrations: NamedMigrations = {
  '202611270700_notify_messages': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('notify_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('related_type', 'text')
        .addColumn('related_id', 'text')
        .addColumn('recipient_sealed', 'text')
        .addColumn('content_sealed', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('provider_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('purged_at', 'text')
        .execute();
      await db.schema.createIndex('notify_messages_due').on('notify_messages').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('notify_messages_purge').on('notify_messages').columns(['purged_at', 'created_at']).execute();
      await db.schema.createIndex('notify_messages_subject').on('notify_messages').column('subject_id').execute();
      await db.schema.createIndex('notify_messages_related').on('notify_messages').columns(['related_type', 'related_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('notify_messages').execute();
    },
  },
};
