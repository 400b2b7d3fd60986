import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { sanctuaryPlugin } = (await import(pathToFileURL(path.join(ROOT, 'eslint.config.js')).href)) as { sanctuaryPlugin: ESLint.Plugin };

function lint(code: string, rule: 'parameterized-sql' | 'no-process-env'): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { sanctuary: sanctuaryPlugin }, rules: { [`sanctuary/${rule}`]: 'error' } }],
    { filename: path.join(ROOT, 'src/core/example.ts') },
  );
  return messages.map((m) => `${m.line}:${m.messageId ?? m.message}`);
}

describe('eslint rule sanctuary/parameterized-sql (R17)', () => {
  it('rejects SQL built from strings', () => {
    expect(lint('sql.raw(x);', 'parameterized-sql')).toEqual(['1:sqlRaw']);
    expect(lint('sql.lit(x);', 'parameterized-sql')).toEqual(['1:sqlRaw']);
    expect(lint('CompiledQuery.raw("select 1");', 'parameterized-sql')).toEqual(['1:compiledRaw']);
    expect(lint('sql("select 1");', 'parameterized-sql')).toEqual(['1:sqlCall']);
    expect(lint('c.query(`drop table ${t}`);', 'parameterized-sql')).toEqual(['1:driverString']);
    expect(lint('c.exec("select " + a);', 'parameterized-sql')).toEqual(['1:driverString']);
    expect(lint('db.prepare(parts.join(" "));', 'parameterized-sql')).toEqual(['1:driverString']);
    expect(lint('c.query(create ? `create database ${n}` : "select 1");', 'parameterized-sql')).toEqual(['1:driverString']);
    expect(lint('c.query(text || `select ${x}`);', 'parameterized-sql')).toEqual(['1:driverString']);
  });

  it('accepts bound parameters and identifier helpers', () => {
    expect(lint('sql`select * from t where a = ${a}`.execute(db);', 'parameterized-sql')).toEqual([]);
    expect(lint('sql`select * from ${sql.table(t)}`;', 'parameterized-sql')).toEqual([]);
    expect(lint('c.query("select * from t where a = $1", [a]);', 'parameterized-sql')).toEqual([]);
    expect(lint('c.query(`select 1`);', 'parameterized-sql')).toEqual([]);
  });
});

describe('eslint rule sanctuary/no-process-env', () => {
  it('rejects reading the environment outside src/config.ts', () => {
    expect(lint('const p = process.env.PORT;', 'no-process-env')).toEqual(['1:env']);
    expect(lint('const e = process["env"];', 'no-process-env')).toEqual(['1:env']);
    expect(lint('const { env } = process;', 'no-process-env')).toEqual(['1:env']);
    expect(lint('f(process.env);', 'no-process-env')).toEqual(['1:env']);
  });

  it('accepts handing the whole environment to loadConfig', () => {
    expect(lint('const c = loadConfig(process.env);', 'no-process-env')).toEqual([]);
    expect(lint('const a = process.argv;', 'no-process-env')).toEqual([]);
  });
});
