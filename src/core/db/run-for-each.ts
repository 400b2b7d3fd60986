import type { RawBuilder } from 'kysely';
import { GroupConnection } from './sqlite-group-commit.ts';
import type { Tx } from './transaction.ts';

/**
 * Runs one statement once per row, in transaction `tx`. The statement's values are the positions of each row's
 * fields: sql`update t set a = ${0} where id = ${1}` with rows `[[a, id], …]`. Returns the rows each run changed.
 *
 * On SQLite the statement is prepared once and run for every row without leaving the writer: cheaper than one
 * statement over a JSON array of rows (no JSON to parse, no join to plan). Elsewhere each row is its own query,
 * a round trip apiece: on PostgreSQL prefer one statement per chunk of rows.
 */
export async function runForEach(tx: Tx, statement: RawBuilder<unknown>, rows: ReadonlyArray<readonly unknown[]>): Promise<number[]> {
  const compiled = statement.compile(tx);
  const positions = compiled.parameters.map((p) => {
    if (!Number.isSafeInteger(p) || (p as number) < 0) throw new TypeError('runForEach: every value in the statement must be a field position');
    return p as number;
  });
  if (rows.length === 0) return [];
  return tx.getExecutor().provideConnection(async (conn) => {
    if (conn instanceof GroupConnection && conn.inTransaction) return conn.runForEach(compiled, positions, rows);
    const changed: number[] = [];
    for (const row of rows) {
      const result = await conn.executeQuery({ ...compiled, parameters: positions.map((p) => row[p]) });
      changed.push(Number(result.numAffectedRows ?? 0n));
    }
    return changed;
  });
}
