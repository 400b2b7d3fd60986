#!/usr/bin/env node
// R17 grep gate: parameterized queries only. Run by `npm run check:sql` and in CI, next to the ESLint rule
// `sanctuary/parameterized-sql` (eslint.config.js). The lint rule sees the syntax tree; this gate is the
// belt to its braces — a plain text scan that no lint configuration change or file-level disable can switch off.
//
//   node scripts/check-sql.js [--root <dir>]     (default: the repository root)
//
// Scans src/, test/, bench/, scripts/ and bin/ for SQL built from strings:
//   - sql.raw( / sql.lit( / CompiledQuery.raw(          (Kysely's escape hatches)
//   - sql( … )                                            (the sql tag called as a function)
//   - .query( / .exec( / .prepare( / .unsafe( / .executeQuery( whose first argument is a template literal
//     with ${…} or a string followed by +                 (raw driver calls)
//   - an untagged template literal that starts with a SQL verb and contains ${…}
//     (e.g. const q = `select … where id = ${id}`), and a SQL string literal followed by +
// A reviewed exception carries, on the line above or the same line, the lint rule's directive with a reason:
//   // eslint-disable-next-line sanctuary/parameterized-sql -- CREATE DATABASE cannot bind an identifier
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIRS = ['src', 'test', 'bench', 'scripts', 'bin'];
const SOURCE = /\.(ts|tsx|mts|js|mjs|cjs)$/;
/** Files that spell the patterns out on purpose. */
const SELF = new Set(['scripts/check-sql.js', 'eslint.config.js', 'test/scripts/check-sql.test.ts', 'test/scripts/eslint-rules.test.ts']);

/** The start of a SQL statement — specific enough that prose such as `Update ${n} items` does not match. */
const SQL_VERB = String.raw`(?:select\s[^\x60'"]*?\bfrom\s|insert\s+into\s|update\s+[\w".$\{\}]+\s+set\s|delete\s+from\s|(?:create|drop)\s+(?:(?:unique\s+)?index|table|database|schema|view|role|extension|trigger|sequence)\b|alter\s+(?:table|database|role|system|sequence)\s|truncate\s|pragma\s|grant\s|revoke\s|copy\s)`;

/** Each check: a regular expression over the file text with comments blanked out, and what it means. */
export const CHECKS = [
  { id: 'sql-raw', re: /\bsql\s*\.\s*(?:raw|lit)\s*\(/g, why: 'sql.raw()/sql.lit() splice text into SQL' },
  { id: 'compiled-raw', re: /\bCompiledQuery\s*\.\s*raw\s*\(/g, why: 'CompiledQuery.raw() runs a string as SQL' },
  { id: 'sql-call', re: /(?<![\w$.])sql\s*\(/g, why: 'the sql tag called as a function' },
  {
    id: 'driver-template',
    re: /\.\s*(?:query|exec|prepare|unsafe|executeQuery)\s*\(\s*`[^`]*\$\{/g,
    why: 'a driver call given a template literal with ${…}',
  },
  {
    id: 'driver-concat',
    re: /\.\s*(?:query|exec|prepare|unsafe|executeQuery)\s*\(\s*(['"])(?:\\.|(?!\1)[^\\\n])*\1\s*\+/g,
    why: 'a driver call given a concatenated string',
  },
  {
    id: 'sql-template',
    // eslint-disable-next-line security/detect-non-literal-regexp -- built from the constant SQL_VERB, no input
    re: new RegExp(String.raw`(?<![\w$.)\]>]\s*)\x60(?=[^\x60]*\$\{)\s*${SQL_VERB}`, 'gi'),
    why: 'a SQL statement built in an untagged template literal',
  },
  {
    id: 'sql-concat',
    // eslint-disable-next-line security/detect-non-literal-regexp -- built from the constant SQL_VERB, no input
    re: new RegExp(String.raw`(['"])\s*${SQL_VERB}(?:\\.|(?!\1)[^\\\n])*\1\s*\+`, 'gi'),
    why: 'a SQL statement built by string concatenation',
  },
];

const EXEMPT = /eslint-disable-(?:next-)?line\s+[^\n]*sanctuary\/parameterized-sql[^\n]*--\s*\S/;

/**
 * Replaces comments with spaces (keeping offsets and newlines) so that prose about sql.raw() is not a finding.
 * Strings and template literals are kept: they are what the checks look at.
 */
export function blankComments(text) {
  let out = '';
  let i = 0;
  let quote = null;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i += 1;
    } else if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i += 1;
      }
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (; i < stop; i += 1) out += text[i] === '\n' ? '\n' : ' ';
    } else {
      if (c === '"' || c === "'" || c === '`') quote = c;
      out += c;
      i += 1;
    }
  }
  return out;
}

/**
 * Findings in one file's text.
 * @param {string} text
 * @returns {{ line: number, id: string, why: string, source: string }[]}
 */
export function scanText(text) {
  const lines = text.split('\n');
  const code = blankComments(text);
  const findings = [];
  const seen = new Set();
  for (const check of CHECKS) {
    for (const m of code.matchAll(check.re)) {
      const line = code.slice(0, m.index).split('\n').length;
      if (seen.has(line)) continue;
      const here = lines[line - 1] ?? '';
      const above = lines[line - 2] ?? '';
      if (EXEMPT.test(here) || (/eslint-disable-next-line/.test(above) && EXEMPT.test(above))) continue;
      seen.add(line);
      findings.push({ line, id: check.id, why: check.why, source: here.trim() });
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}

/** Scans the repository (or a fixture tree). */
export function checkSql({ root }) {
  const files = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name === 'fixtures' || entry.name.startsWith('.')) continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (SOURCE.test(entry.name)) files.push(p);
    }
  };
  for (const d of DIRS) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  const findings = [];
  for (const abs of files) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    if (SELF.has(rel)) continue;
    for (const f of scanText(fs.readFileSync(abs, 'utf8'))) findings.push({ file: rel, ...f });
  }
  return { files: files.length, findings };
}

function main(argv) {
  const rootArg = argv.indexOf('--root');
  const root = path.resolve(rootArg >= 0 && argv[rootArg + 1] ? argv[rootArg + 1] : path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const { files, findings } = checkSql({ root });
  for (const f of findings) process.stdout.write(`${f.file}:${f.line} → ${f.source} (${f.id}: ${f.why})\n`);
  process.stdout.write(`check-sql: ${files} files, ${findings.length} finding${findings.length === 1 ? '' : 's'}\n`);
  if (findings.length > 0) {
    process.stdout.write('  R17: bind values (sql`… ${value} …`, driver placeholders); a reviewed exception needs\n');
    process.stdout.write('  // eslint-disable-next-line sanctuary/parameterized-sql -- <why it is safe>\n');
  }
  return files === 0 || findings.length > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
