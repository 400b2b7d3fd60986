import { type Kysely, sql } from 'kysely';
import type { IntrospectedSchema } from './classification.ts';

/**
 * Reads the real schema of a database — not what the code believes it created: `sqlite_master` and
 * `pragma_table_info` on SQLite, `information_schema` on PostgreSQL (the current schema only).
 */
export async function introspectSchema(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<IntrospectedSchema> {
  const out = new Map<string, Map<string, string>>();
  if (dialect === 'sqlite') {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
    for (const { name } of tables.rows) {
      const cols = await sql<{ name: string; type: string }>`select name, type from pragma_table_info(${name})`.execute(db);
      out.set(name, new Map(cols.rows.map((c) => [c.name, c.type.toLowerCase()])));
    }
    return out;
  }
  const rows = await sql<{ table_name: string; column_name: string; udt_name: string }>`
    select c.table_name, c.column_name, c.udt_name
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  for (const r of rows.rows) {
    let cols = out.get(r.table_name);
    if (!cols) {
      cols = new Map();
      out.set(r.table_name, cols);
    }
    cols.set(r.column_name, r.udt_name.toLowerCase());
  }
  return out;
}
