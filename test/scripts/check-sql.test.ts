import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/check-sql.js');
const FIXTURES = path.join(ROOT, 'scripts/fixtures/sql');

interface Finding { line: number; id: string }
interface GateModule {
  scanText(text: string): Finding[];
}
const gate = (await import(pathToFileURL(SCRIPT).href)) as GateModule;

const ids = (code: string) => gate.scanText(code).map((f) => f.id);

describe('scripts/check-sql.js (R17 grep gate)', () => {
  it('reports every string-built query in the bad tree and exits 1', () => {
    const res = spawnSync(process.execPath, [SCRIPT, '--root', path.join(FIXTURES, 'bad')], { encoding: 'utf8' });
    expect(res.status).toBe(1);
    const found = res.stdout.split('\n').filter((l) => l.includes(' → ')).map((l) => l.replace(/ → .*\((\S+):.*$/, ' $1'));
    expect(found).toEqual([
      'src/core/users.repo.ts:6 sql-raw',
      'src/core/users.repo.ts:7 compiled-raw',
      'src/core/users.repo.ts:8 sql-raw',
      'src/core/users.repo.ts:9 sql-template',
      'src/core/users.repo.ts:10 sql-concat',
      'src/core/users.repo.ts:11 sql-call',
      'test/pg.ts:3 driver-template',
      // an exemption without a reason does not count
      'test/pg.ts:5 driver-template',
      'test/pg.ts:6 driver-concat',
    ]);
  });

  it('passes bound parameters, identifier helpers, prose and a reviewed exception', () => {
    const res = spawnSync(process.execPath, [SCRIPT, '--root', path.join(FIXTURES, 'clean')], { encoding: 'utf8' });
    expect(res.stdout.trim()).toBe('check-sql: 1 files, 0 findings');
    expect(res.status).toBe(0);
  });

  it('tells SQL from prose', () => {
    expect(ids('const q = `select * from users where id = ${id}`;')).toEqual(['sql-template']);
    expect(ids('const q = `UPDATE ${t} SET a = 1`;')).toEqual(['sql-template']);
    expect(ids('const q = sql`select * from users where id = ${id}`;')).toEqual([]);
    expect(ids('const q = sql<{ n: number }>`select n from t where id = ${id}`;')).toEqual([]);
    expect(ids('throw new Error(`Update ${n} items failed`);')).toEqual([]);
    expect(ids('const m = `Select ${x} below`;')).toEqual([]);
    expect(ids('const s = "DELETE FROM t WHERE id = ?";')).toEqual([]);
    expect(ids('db.prepare("SELECT * FROM t WHERE a = " + a);')).toEqual(['driver-concat']);
    expect(ids('/* sql.raw( */ const a = 1; // sql.lit(')).toEqual([]);
    expect(ids('const k = mysql(1);')).toEqual([]);
  });

});
