import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  failedNames: string[];
  brokenFiles: { file: string; message: string }[];
}
const { summarize } = (await import(pathToFileURL(path.join(ROOT, 'scripts/test.js')).href)) as {
  summarize: (report: unknown) => Summary;
};

describe('scripts/test.js summarize()', () => {
  it('counts passed, failed and skipped tests from the Vitest JSON report', () => {
    const s = summarize({
      numPassedTests: 7,
      numFailedTests: 2,
      numPendingTests: 1,
      numTodoTests: 1,
      testResults: [
        {
          name: `${ROOT}/a.test.ts`,
          status: 'failed',
          assertionResults: [
            { status: 'failed', fullName: 'intake refuses a bad date', failureMessages: ['AssertionError: expected 500 to be 422\n at …'] },
            { status: 'passed', fullName: 'intake takes a good date' },
          ],
        },
      ],
    });
    expect(s).toEqual({
      passed: 7,
      failed: 2,
      skipped: 2,
      failedNames: ['a.test.ts: intake refuses a bad date: AssertionError: expected 500 to be 422'],
      brokenFiles: [],
    });
  });

  it('counts a test file that failed to load as a failure of its own', () => {
    const s = summarize({
      numPassedTests: 1,
      numFailedTests: 0,
      testResults: [
        { name: `${ROOT}/test/broken.test.ts`, status: 'failed', message: "Cannot find module './nope.ts'\n at …", assertionResults: [] },
        { name: `${ROOT}/test/ok.test.ts`, status: 'passed', assertionResults: [{ status: 'passed' }] },
      ],
    });
    expect(s.failed).toBe(1);
    expect(s.brokenFiles).toEqual([{ file: 'test/broken.test.ts', message: "Cannot find module './nope.ts'" }]);
  });

  it('an empty report is zero and zero (the runner then fails the suite: no tests ran)', () => {
    expect(summarize({ testResults: [] })).toEqual({ passed: 0, failed: 0, skipped: 0, failedNames: [], brokenFiles: [] });
  });
});
