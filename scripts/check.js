#!/usr/bin/env node
// `npm run check`: typecheck, lint, dependency boundaries, the R17 SQL gate and the supply-chain gate (R30, R39). Runs all four even when one
// fails — CI then shows every problem at once — and exits non-zero if any failed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

const STEPS = [
  { name: 'typecheck', cmd: bin('tsc'), args: ['-p', '.', '--noEmit'] },
  { name: 'lint', cmd: bin('eslint'), args: ['--max-warnings=0', '.'] },
  { name: 'boundaries', cmd: process.execPath, args: ['scripts/check-boundaries.js'] },
  { name: 'sql gate', cmd: process.execPath, args: ['scripts/check-sql.js'] },
  { name: 'supply chain', cmd: process.execPath, args: ['scripts/check-supply-chain.js'] },
];

const results = [];
for (const step of STEPS) {
  process.stdout.write(`\n── ${step.name} ──\n`);
  const started = performance.now();
  const res = spawnSync(step.cmd, step.args, { cwd: ROOT, stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ok = res.status === 0;
  if (res.error) process.stdout.write(`${step.name}: could not run: ${res.error.message}\n`);
  results.push({ name: step.name, ok, seconds });
  process.stdout.write(`${step.name}: ${ok ? 'ok' : 'FAILED'} (${seconds} s)\n`);
}
process.stdout.write('\n');
for (const r of results) process.stdout.write(`${r.ok ? 'ok    ' : 'FAILED'}  ${r.name} (${r.seconds} s)\n`);
const failed = results.filter((r) => !r.ok).length;
process.stdout.write(`check: ${results.length - failed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
