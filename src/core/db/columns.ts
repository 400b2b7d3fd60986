import type { ColumnDefinitionBuilder, CreateTableBuilder } from 'kysely';

/** The portable column types; see the conventions in `schema.ts`. */
export const col = {
  id: 'text',
  text: 'text',
  timestamp: 'text',
  date: 'text',
  boolean: 'integer',
  integer: 'integer',
  bigint: 'bigint',
  sealed: 'text',
  json: 'text',
} as const;

/** Current time as the portable timestamp string. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

/** Adds `id text primary key` to a table being created. */
export function withId<T extends string, C extends string>(t: CreateTableBuilder<T, C>): CreateTableBuilder<T, C | 'id'> {
  return t.addColumn('id', 'text', (c: ColumnDefinitionBuilder) => c.primaryKey());
}

/** Adds `created_at` and `updated_at` timestamp columns. */
export function withTimestamps<T extends string, C extends string>(
  t: CreateTableBuilder<T, C>,
): CreateTableBuilder<T, C | 'created_at' | 'updated_at'> {
  return t
    .addColumn('created_at', 'text', (c: ColumnDefinitionBuilder) => c.notNull())
    .addColumn('updated_at', 'text', (c: ColumnDefinitionBuilder) => c.notNull());
}
