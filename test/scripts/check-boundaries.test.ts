import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/check-boundaries.js');
const FIXTURES = path.join(ROOT, 'scripts/fixtures/boundaries');

interface CheckerModule {
  collectSpecifiers(file: string, text: string): { specifier: string | undefined; line: number }[];
}
// A plain-JS script: loaded by URL so TypeScript does not look for its declarations.
const checker = (await import(pathToFileURL(SCRIPT).href)) as CheckerModule;

function run(root: string) {
  const res = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
  return { status: res.status, lines: res.stdout.trim().split('\n') };
}

describe('scripts/check-boundaries.js', () => {
  it('finds every violation in the bad tree, with file:line → target (rule), and exits 1', () => {
    const { status, lines } = run(path.join(FIXTURES, 'bad'));
    expect(status).toBe(1);
    expect(lines.filter((l) => l.includes(' → '))).toEqual([
      'src/core/a.ts:3 → src/modules/alpha/alpha.service.ts (core-imports-module)',
      'src/core/b.tsx:3 → src/app.ts (core-imports-composition-root)',
      'src/core/b.tsx:5 → src/modules/index.ts (core-imports-module)',
      'src/core/c.ts:2 → src/cli/index.ts (core-imports-composition-root)',
      'src/core/c.ts:4 → import(<computed>) (computed-dynamic-import)',
      'src/modules/alpha/alpha.service.ts:4 → src/modules/beta/beta.repo.ts (module-private-import)',
      'src/modules/alpha/views/page.tsx:2 → src/modules/beta/internal/deep.ts (module-private-import)',
    ]);
    expect(lines).toContain('check-boundaries: 13 files, 7 violations');
  });

  it('passes the clean tree: api.ts imports, own files, core, packages, the registry and the composition root', () => {
    const { status, lines } = run(path.join(FIXTURES, 'clean'));
    expect(lines).toEqual(['check-boundaries: 8 files, 0 violations']);
    expect(status).toBe(0);
  });

  it('fails when there is nothing to check (a wrong root must not pass silently)', () => {
    const { status } = run(path.join(FIXTURES, 'does-not-exist'));
    expect(status).toBe(1);
  });

  it('reads static, re-export, dynamic, require and import-type specifiers, and ignores comments and strings', () => {
    const text = [
      "// import '../modules/x.ts';",
      "import a from './a.ts';",
      "import type { B } from './b.ts';",
      "export * from './c.ts';",
      "export { d } from './d.ts';",
      "import e = require('./e.ts');",
      "const f = await import(`./f.ts`);",
      "type G = import('./g.ts').G;",
      "const s = \"import h from './h.ts'\";",
      'const i = import(name);',
      "const j = <p>{'import(\"./j.ts\")'}</p>;",
    ].join('\n');
    expect(checker.collectSpecifiers('x.tsx', text)).toEqual([
      { specifier: './a.ts', line: 2 },
      { specifier: './b.ts', line: 3 },
      { specifier: './c.ts', line: 4 },
      { specifier: './d.ts', line: 5 },
      { specifier: './e.ts', line: 6 },
      { specifier: './f.ts', line: 7 },
      { specifier: './g.ts', line: 8 },
      { specifier: undefined, line: 10 },
    ]);
  });

});
