import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/database.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';

/**
 * R40: an acknowledged write survives the process being killed (SIGKILL, no chance to flush anything).
 * A child commits rows and prints each id after its commit returns; we kill it mid-stream, reopen the
 * database and look for every acknowledged id.
 */
describeEachDialect('durability', (dialect) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it('keeps every acknowledged write after kill -9 in the middle of writing', async () => {
    database = await createTestDatabase(dialect);
    await database.db.close();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/reliability/durability-writer.ts', JSON.stringify(database.target)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    const lines = createInterface({ input: child.stdout });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('writer too slow')), 60_000);
      lines.on('line', (line) => {
        if (line === 'ready') return;
        acknowledged.push(line);
        if (acknowledged.length === 300) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await exited;
    const reopened = openDatabase(database.target);
    try {
      const { rows } = await sql<{ id: string }>`select id from durability_probe`.execute(reopened.kysely);
      const stored = new Set(rows.map((r) => r.id));
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      expect(stored.size).toBeGreaterThanOrEqual(300);
    } finally {
      await reopened.close();
    }
    // The helper's drop() closes its own handle again; give it a fresh one to close.
    database.db = openDatabase(database.target);
  });
});
