import { afterEach, beforeEach, expect, it } from 'vitest';
import { randomId } from '../../src/core/crypto/random.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';
import { describeEachDialect } from '../helpers/db.ts';

describeEachDialect('sanctuary purge', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  /** Finished jobs (the `core.jobs` policy keeps them 30 days). */
  async function finishedJobs(n: number, daysAgo: number): Promise<void> {
    const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    for (let i = 0; i < n; i++) {
      await t.ctx.db.kysely
        .insertInto('jobs')
        .values({
          id: randomId(),
          name: 'audit.checkpoint',
          payload: '{}',
          status: 'done',
          run_at: at,
          attempts: 1,
          max_attempts: 5,
          locked_by: null,
          locked_until: null,
          last_error: null,
          dedupe_key: null,
          scheduled_for: null,
          created_at: at,
          updated_at: at,
          finished_at: at,
        })
        .execute();
    }
  }

  it('--dry-run counts per record type without deleting; a real run deletes, writes receipts, exits 0', async () => {
    await finishedJobs(4, 45);
    await finishedJobs(2, 3);
    const dry = await runCli(t.config, ['purge', '--dry-run']);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toMatch(/core\.jobs: 4 would be deleted, 0 held \(kept 30 days/);
    expect(dry.out).toMatch(/no personal data/); // the policy's plain-language description
    expect((await t.ctx.db.kysely.selectFrom('jobs').select('id').execute()).length).toBe(6);

    const run = await runCli(t.config, ['purge', '--only', 'core.jobs']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/core\.jobs: 4 deleted, 0 held/);
    expect((await t.ctx.db.kysely.selectFrom('jobs').select('id').execute()).length).toBe(2);
    const receipts = await t.ctx.retention.receipts();
    expect(receipts).toEqual([expect.objectContaining({ record_type: 'core.jobs', deleted: 4, trigger: 'operator', outcome: 'done' })]);

    const json = await runCli(t.config, ['purge', '--dry-run', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ dryRun: true, ok: true });
    expect((await runCli(t.config, ['purge', '--only', 'no.such-type'])).code).toBe(2);
    expect((await runCli(t.config, ['purge', 'now'])).code).toBe(2);
  });
});
