#!/usr/bin/env node
// The build step of `npm start` (its `prestart`): emits plain JavaScript for src/ into dist/ so that the
// service starts with `node dist/sanctuary.js serve` and no TypeScript loader. Under tsx every import goes
// through loader hooks on a separate thread; that costs about as much CPU at start as the whole rest of the
// start, and the loader's thread and caches add tens of MB (issue 2's cold-start and memory figures).
//
//   node scripts/build.js [--out <dir>]     (default dist/; a few seconds the first time, then only what changed)
//
// Type checking stays with `npm run typecheck`: this only strips types, one file at a time
// (ts.transpileModule), rewriting relative `.ts`/`.tsx` imports to `.js`. Layout: <out>/src/** mirrors src/
// (non-TypeScript files such as locale catalogs are copied), <out>/public/ is a copy of public/ (server.tsx
// finds it relative to itself), and <out>/sanctuary.js is the entry point. Test files are left out.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const COMPILER_OPTIONS = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.ESNext,
  jsx: ts.JsxEmit.ReactJSX,
  jsxImportSource: 'hono/jsx',
  verbatimModuleSyntax: true,
  rewriteRelativeImportExtensions: true,
  inlineSourceMap: false,
  sourceMap: false,
};

/**
 * Builds src/ into `out`.
 * @param {{ out: string }} options
 * @returns {{ compiled: number, copied: number }}
 */
export function build({ out }) {
  let compiled = 0;
  let copied = 0;
  // Incremental: a file is rebuilt only when its source is newer than its output; outputs whose source is
  // gone are removed at the end, so dist/ never runs code that src/ no longer has.
  const expected = new Set();
  const fresh = (source, target) => {
    expected.add(target);
    try {
      return fs.statSync(target).mtimeMs >= fs.statSync(source).mtimeMs;
    } catch {
      return false;
    }
  };
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const rel = path.relative(ROOT, abs);
      if (entry.isDirectory()) {
        walk(abs);
        continue;
      }
      if (/\.test\.tsx?$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
      if (/\.tsx?$/.test(entry.name)) {
        const target = path.join(out, rel.replace(/\.tsx?$/, '.js'));
        if (fresh(abs, target)) continue;
        const result = ts.transpileModule(fs.readFileSync(abs, 'utf8'), { compilerOptions: COMPILER_OPTIONS, fileName: abs, reportDiagnostics: true });
        const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
        if (errors.length > 0) throw new Error(`${rel}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, '\n')}`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, result.outputText);
        compiled += 1;
      } else {
        const target = path.join(out, rel);
        if (fresh(abs, target)) continue;
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(abs, target);
        copied += 1;
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  const removeStale = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) removeStale(abs);
      else if (!expected.has(abs)) fs.rmSync(abs);
    }
  };
  removeStale(path.join(out, 'src'));
  fs.rmSync(path.join(out, 'public'), { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'public'), path.join(out, 'public'), { recursive: true });
  fs.writeFileSync(
    path.join(out, 'sanctuary.js'),
    [
      '#!/usr/bin/env node',
      '// The `sanctuary` command, precompiled by scripts/build.js (no TypeScript loader at run time).',
      "const { main } = await import('./src/cli/index.js');",
      'process.exitCode = await main(process.argv.slice(2));',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  // ESM, like the package (node looks for the nearest package.json; the out dir may be outside the repository).
  fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
  return { compiled, copied };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const outArg = argv.indexOf('--out');
  const out = path.resolve(outArg >= 0 && argv[outArg + 1] ? argv[outArg + 1] : path.join(ROOT, 'dist'));
  const started = performance.now();
  const { compiled, copied } = build({ out });
  process.stdout.write(`build: ${compiled} files compiled, ${copied} copied (the rest unchanged) into ${path.relative(process.cwd(), out) || '.'} in ${Math.round(performance.now() - started)} ms\n`);
}
