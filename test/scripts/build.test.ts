import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { build } = (await import(pathToFileURL(path.join(ROOT, 'scripts/build.js')).href)) as {
  build: (o: { out: string }) => { compiled: number; copied: number };
};

describe('scripts/build.js (the build `npm start` runs first)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-build-test-'));
  const out = path.join(dir, 'dist');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('emits JavaScript for every source file, with relative imports rewritten to .js, and no tests', () => {
    const { compiled, copied } = build({ out });
    expect(compiled).toBeGreaterThan(50);
    expect(copied).toBeGreaterThan(0);
    const app = fs.readFileSync(path.join(out, 'src/app.js'), 'utf8');
    expect(app).not.toMatch(/from ["']\.{1,2}\/[^"']+\.tsx?["']/);
    expect(app).toMatch(/from ["']\.\/core\/[^"']+\.js["']/);
    expect(fs.existsSync(path.join(out, 'public'))).toBe(true);
    const all = fs.readdirSync(path.join(out, 'src'), { recursive: true }).map(String);
    expect(all.filter((f) => /\.test\.js$/.test(f))).toEqual([]);
    expect(all.filter((f) => /\.tsx?$/.test(f))).toEqual([]);
  });

  it('rebuilds only what changed, and removes the output of a source that is gone', () => {
    const again = build({ out });
    expect(again.compiled).toBe(0);
    const stale = path.join(out, 'src/core/removed-long-ago.js');
    fs.writeFileSync(stale, 'export {};\n');
    const source = path.join(ROOT, 'src/core/lazy.ts');
    const target = path.join(out, 'src/core/lazy.js');
    const old = new Date(fs.statSync(source).mtimeMs - 60_000);
    fs.utimesSync(target, old, old);
    const third = build({ out });
    expect(third.compiled).toBe(1);
    expect(fs.statSync(target).mtimeMs).toBeGreaterThanOrEqual(fs.statSync(source).mtimeMs);
    expect(fs.existsSync(stale)).toBe(false);
  });

  it('runs without a TypeScript loader: `node dist/sanctuary.js --help` lists the commands', () => {
    // The build sits outside the repository in this test; give it the repository's packages.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'), 'dir');
    const res = spawnSync(process.execPath, [path.join(out, 'sanctuary.js'), '--help'], { encoding: 'utf8', cwd: dir });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/serve/);
    expect(res.stdout).toMatch(/migrate/);
  });
});
