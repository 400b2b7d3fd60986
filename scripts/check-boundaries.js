#!/usr/bin/env node
// Dependency-boundary check (DESIGN.md §4): `core` never imports `modules`, and a module imports another
// module only through that module's `api.ts`. Run by `npm run check:boundaries` and in CI.
//
//   node scripts/check-boundaries.js [--root <dir>]      (default: the repository root)
//
// Reads every .ts/.tsx/.js/.mjs file under <root>/src, parses it with the TypeScript compiler's parser (already a
// dev dependency; no type checking, so it is fast) and collects every module specifier: static imports,
// `export … from`, `import x = require()`, dynamic `import()`, and `import('…')` types. Prints one line per
// violation, `file:line → target (rule)`, and exits 1 if there is any.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SOURCE = /\.(ts|tsx|mts|js|mjs)$/;

/**
 * The rules, by id. `core-imports-module`: a file under src/core imports one under src/modules.
 * `core-imports-composition-root`: core imports src/app.ts, src/main.ts or src/cli — each of those imports
 * every module, so this would be the same violation one step removed. `module-private-import`: a module
 * imports another module's file other than its api.ts. `computed-dynamic-import`: `import(expr)` inside core or
 * a module, which no checker can follow.
 */
export const RULES = {
  'core-imports-module': 'src/core must not import src/modules',
  'core-imports-composition-root': 'src/core must not import the composition root (src/app.ts, src/main.ts, src/cli)',
  'module-private-import': "a module may import another module only through its api.ts",
  'computed-dynamic-import': 'dynamic import() with a computed specifier cannot be checked',
};

/** Lists source files under `dir`, sorted, skipping node_modules and dot-directories. */
function listSources(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/**
 * Every module specifier in one file, with its 1-based line. `specifier` is undefined for a dynamic import whose
 * argument is not a string literal.
 * @param {string} file
 * @param {string} text
 * @returns {{ specifier: string | undefined, line: number }[]}
 */
export function collectSpecifiers(file, text) {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : file.endsWith('.ts') || file.endsWith('.mts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found = [];
  const add = (node, literal) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    const specifier = literal && (ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal)) ? literal.text : undefined;
    found.push({ specifier, line });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || (ts.isExportDeclaration(node) && node.moduleSpecifier)) {
      add(node, node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Where a repository-relative path sits: core, a named module, the module registry, the composition root, or other. */
function classify(rel) {
  const parts = rel.split('/');
  if (parts[0] !== 'src') return { area: 'outside' };
  if (parts[1] === 'core') return { area: 'core' };
  if (parts[1] === 'modules') {
    if (parts.length === 3) return { area: 'registry' }; // src/modules/index.ts lists the modules
    return { area: 'module', module: parts[2], inModule: parts.slice(3).join('/') };
  }
  if (parts[1] === 'cli' || /^(app|main)\.(ts|tsx|js)$/.test(parts[1] ?? '')) return { area: 'root' };
  return { area: 'other' };
}

/**
 * Checks every file under `<root>/src`.
 * @param {{ root: string }} options
 * @returns {{ files: number, violations: { file: string, line: number, target: string, rule: keyof typeof RULES }[] }}
 */
export function checkBoundaries({ root }) {
  const files = listSources(path.join(root, 'src'));
  const violations = [];
  const toRel = (abs) => path.relative(root, abs).split(path.sep).join('/');
  for (const abs of files) {
    const rel = toRel(abs);
    const from = classify(rel);
    if (from.area !== 'core' && from.area !== 'module') continue;
    for (const { specifier, line } of collectSpecifiers(abs, fs.readFileSync(abs, 'utf8'))) {
      if (specifier === undefined) {
        violations.push({ file: rel, line, target: 'import(<computed>)', rule: 'computed-dynamic-import' });
        continue;
      }
      // Only relative specifiers can reach into the tree; packages and node: builtins cannot.
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) continue;
      const target = toRel(specifier.startsWith('/') ? path.join(root, specifier) : path.resolve(path.dirname(abs), specifier));
      const to = classify(target);
      if (from.area === 'core') {
        if (to.area === 'module' || to.area === 'registry') violations.push({ file: rel, line, target, rule: 'core-imports-module' });
        else if (to.area === 'root') violations.push({ file: rel, line, target, rule: 'core-imports-composition-root' });
      } else if (to.area === 'module' && to.module !== from.module && !/^api(\.(ts|js))?$/.test(to.inModule)) {
        violations.push({ file: rel, line, target, rule: 'module-private-import' });
      }
    }
  }
  return { files: files.length, violations };
}

function main(argv) {
  const rootArg = argv.indexOf('--root');
  const root = path.resolve(rootArg >= 0 && argv[rootArg + 1] ? argv[rootArg + 1] : path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const { files, violations } = checkBoundaries({ root });
  for (const v of violations) process.stdout.write(`${v.file}:${v.line} → ${v.target} (${v.rule})\n`);
  if (files === 0) {
    process.stdout.write(`check-boundaries: no source files under ${path.join(root, 'src')}\n`);
    return 1;
  }
  process.stdout.write(`check-boundaries: ${files} files, ${violations.length} violation${violations.length === 1 ? '' : 's'}\n`);
  if (violations.length > 0) {
    for (const rule of new Set(violations.map((v) => v.rule))) process.stdout.write(`  ${rule}: ${RULES[rule]}\n`);
  }
  return violations.length > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
