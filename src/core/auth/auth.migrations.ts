import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../db/migrator.ts';

/**
 * Staff accounts, enrolment links, server-side sessions, passkeys, WebAuthn challenges and login throttling.
 *
 * Secrets are never stored as given: enrolment tokens and session ids are kept as SHA-256 hashes (a stolen
 * database lets no one sign in), passwords as argon2id hashes, TOTP secrets sealed. Emails are looked up by
 * `email_lookup` (see `emailLookupKey()` in `accounts.service.ts`) and shown from `email_display`.
 */
export const authMigrations: NamedMigrations = {
  '202611270100_auth_users': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('auth_users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email_lookup', 'text', (c) => c.notNull().unique())
        .addColumn('email_display', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('totp_secret', 'text')
        .addColumn('last_totp_step', 'bigint')
        .addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_login_at', 'text')
        .addColumn('disabled_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('auth_user_roles')
        .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('auth_user_roles_pk', ['user_id', 'role'])
        .execute();

      await db.schema
        .createTable('auth_enrolments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('browser_hash', 'text')
        .addColumn('pending_password_hash', 'text')
        .addColumn('pending_totp_secret', 'text')
        .addColumn('totp_confirmed_step', 'bigint')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema.createIndex('auth_enrolments_user').on('auth_enrolments').column('user_id').execute();

      await db.schema
        .createTable('auth_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
        .addColumn('factor', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('step_up_at', 'text')
        .execute();
      await db.schema.createIndex('auth_sessions_user').on('auth_sessions').column('user_id').execute();

      await db.schema
        .createTable('auth_passkeys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('counter', 'bigint', (c) => c.notNull())
        .addColumn('transports', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('auth_passkeys_user').on('auth_passkeys').column('user_id').execute();

      await db.schema
        .createTable('auth_webauthn_challenges')
        .addColumn('challenge', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('auth_throttle')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', 'text')
        .addColumn('last_failure_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'auth_throttle',
        'auth_webauthn_challenges',
        'auth_passkeys',
        'auth_sessions',
        'auth_enrolments',
        'auth_user_roles',
        'auth_users',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  },
};
