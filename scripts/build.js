#!/usr/bin/env node
// A build step, proposed to make cold start and memory meet issue 2's figures (see `npm run bench`): emit
// plain JavaScript for src/ into dist/ so that production starts with `node dist/sanctuary.js serve` and no
// TypeScript loader. Under tsx every import goes through loader hooks on a separate thread; that costs about
// as much CPU at start as the whole rest of the start, and the loader's thread and caches add tens of MB.
//
//   node scripts/build.js [--out <dir>]     (default dist/; takes a few seconds)
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
  fs.rmSync(out, { recursive: true, force: true });
  let compiled = 0;
  let copied = 0;
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
        const result = ts.transpileModule(fs.readFileSync(abs, 'utf8'), { compilerOptions: COMPILER_OPTIONS, fileName: abs, reportDiagnostics: true });
        const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
        if (errors.length > 0) throw new Error(`${rel}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, '\n')}`);
        const target = path.join(out, rel.replace(/\.tsx?$/, '.js'));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, result.outputText);
        compiled += 1;
      } else {
        const target = path.join(out, rel);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(abs, target);
        copied += 1;
      }
    }
  };
  walk(path.join(ROOT, 'src'));
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
  process.stdout.write(`build: ${compiled} files compiled, ${copied} copied into ${path.relative(process.cwd(), out) || '.'} in ${Math.round(performance.now() - started)} ms\n`);
}
