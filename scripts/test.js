#!/usr/bin/env node
// `npm test`: every test. First the unit + integration suite (vitest.config.ts), then the load tests alone
// (vitest.load.config.ts), then the browser suite (vitest.browser.config.ts). Each runs with Vitest's readable
// reporter on the terminal and its JSON reporter into a temporary file, from which this script prints, as the last line of each suite, a plain
//   N passed, N failed
// and at the end the total in the same form. Exit code is non-zero if any test failed, if a test file failed
// to load, if Vitest itself failed, or if a suite ran zero tests (a silent zero is never a pass).
//
// The browser suite needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium). When it is missing the run
// FAILS and says how to install it, unless SKIP_BROWSER=1 — then it says clearly that the browser tests did
// not run. CI installs Chromium, so there the suite always runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VITEST = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/**
 * Reads Vitest's JSON report. A test file that fails to load (syntax error, failed import, a throwing
 * beforeAll) has no failing test in it, so it counts as one failure of its own.
 */
export function summarize(report) {
  const passed = report.numPassedTests ?? 0;
  const failedTests = report.numFailedTests ?? 0;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const brokenFiles = (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  );
  return {
    passed,
    failed: failedTests + brokenFiles.length,
    skipped,
    failedNames: (report.testResults ?? []).flatMap((f) =>
      (f.assertionResults ?? [])
        .filter((a) => a.status === 'failed')
        .map((a) => `${path.relative(ROOT, f.name)}: ${a.fullName ?? a.title}: ${firstLine(a.failureMessages?.[0])}`),
    ),
    brokenFiles: brokenFiles.map((f) => ({
      file: path.relative(ROOT, f.name),
      message: (f.message ?? '').split('\n')[0] || 'an error outside any test (a hook or the file itself); see the output above',
    })),
  };
}

function firstLine(message) {
  return (message ?? '').split('\n')[0].slice(0, 300);
}

function runSuite({ name, config, extraEnv = {} }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanctuary-test-report-'));
  const reportFile = path.join(dir, `${name}.json`);
  process.stdout.write(`\n━━ ${name} tests (${config}) ━━\n`);
  const started = performance.now();
  const res = spawnSync(
    process.execPath,
    [VITEST, 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...extraEnv } },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  let summary;
  try {
    summary = summarize(JSON.parse(fs.readFileSync(reportFile, 'utf8')));
  } catch (err) {
    // No report at all: Vitest crashed before it could write one.
    process.stdout.write(`${name}: Vitest wrote no report (${err.message}); exit code ${res.status ?? res.signal}\n`);
    summary = { passed: 0, failed: 1, skipped: 0, failedNames: [], brokenFiles: [] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  for (const b of summary.brokenFiles) process.stdout.write(`${name}: test file failed to run: ${b.file}: ${b.message}\n`);
  for (const f of summary.failedNames) process.stdout.write(`${name}: FAILED ${f}\n`);
  const problems = [];
  if (res.status !== 0 && summary.failed === 0) {
    // Vitest failed for a reason outside any test (e.g. an unhandled rejection between tests).
    summary.failed = 1;
    problems.push(`Vitest exited with ${res.status ?? res.signal} although no test failed`);
  }
  if (summary.passed + summary.failed === 0) problems.push('no tests ran');
  for (const p of problems) process.stdout.write(`${name}: ${p}\n`);
  if (summary.skipped > 0) process.stdout.write(`${name}: ${summary.skipped} skipped\n`);
  process.stdout.write(`${name}: ${seconds} s\n`);
  process.stdout.write(`${summary.passed} passed, ${summary.failed} failed\n`);
  return { ...summary, ok: summary.failed === 0 && problems.length === 0 };
}

/**
 * When TEST_FAILURES_FILE is set (CI sets it), appends one line per failed test or broken file to it, so that
 * the CI summary at the very end of a long log can say which tests failed.
 */
function recordFailures(result, name) {
  const file = process.env.TEST_FAILURES_FILE;
  if (!file) return;
  const lines = [
    ...(result.brokenFiles ?? []).map((b) => `${name}: test file failed to run: ${b.file}: ${b.message}`),
    ...(result.failedNames ?? []).map((f) => `${name}: ${f}`),
  ];
  if (lines.length > 0) fs.appendFileSync(file, `${lines.join('\n')}\n`);
}

function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

function chromiumAvailable() {
  try {
    fs.accessSync(chromiumPath(), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function main() {
  const results = [runSuite({ name: 'unit+integration', config: 'vitest.config.ts' })];
  recordFailures(results[0], 'unit+integration');
  // Load tests after the others, alone on the machine: they assert figures that neighbours would distort.
  const load = runSuite({ name: 'load', config: 'vitest.load.config.ts' });
  recordFailures(load, 'load');
  results.push(load);

  if (process.env.SKIP_BROWSER === '1') {
    process.stdout.write('\n━━ browser tests ━━\nbrowser: SKIPPED because SKIP_BROWSER=1 — accessibility and browser flows were NOT tested\n');
  } else if (!chromiumAvailable()) {
    process.stdout.write(
      `\n━━ browser tests ━━\nbrowser: Chromium not found at ${chromiumPath()}.\n` +
        '  Install it (Debian: apt-get install -y chromium fonts-noto-core fonts-noto-cjk) or set CHROMIUM_PATH;\n' +
        '  or run with SKIP_BROWSER=1 to skip the browser suite knowingly.\n0 passed, 1 failed\n',
    );
    results.push({ passed: 0, failed: 1, ok: false });
  } else {
    const browser = runSuite({ name: 'browser', config: 'vitest.browser.config.ts' });
    recordFailures(browser, 'browser');
    results.push(browser);
  }

  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const ok = results.every((r) => r.ok);
  process.stdout.write(`\n━━ total ━━\n${passed} passed, ${failed} failed\n`);
  return ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
