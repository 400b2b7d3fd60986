import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../src/config.ts';
import { PROGRAMS } from '../../src/core/programs.ts';

const readme = fs.readFileSync('README.md', 'utf8');

describe('README', () => {
  it('documents every environment variable in the configuration table', () => {
    const missing = ENV_VARIABLES.filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });

  it('lists the thirteen programs with their modules', () => {
    const rows = readme.split('\n');
    for (const p of PROGRAMS) {
      const row = rows.find((line) => line.startsWith(`| ${p.number} | `));
      expect(row, p.module).toBeDefined();
      expect(row?.split('|')[3]?.trim().startsWith(`\`${p.module}\``), p.module).toBe(true);
    }
  });

  it('gives exactly the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1] ?? '').filter((l) => !/^https?:/.test(l));
    for (const link of links) expect(fs.existsSync(link), link).toBe(true);
  });
});
