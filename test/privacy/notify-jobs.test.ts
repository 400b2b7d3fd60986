import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { JobWorker } from '../../src/core/jobs/job-worker.ts';
import { createLogger } from '../../src/core/log.ts';
import { notify } from '../../src/core/notify/notifier.ts';
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { addTestPerson, testPeopleModule } from './test-people.module.ts';

/**
 * The scheduled jobs of notifications and the demand gate, run by the real job worker on a fake clock:
 * queued messages go out within the minute, contents are erased after seven days, overdue notices are
 * reported to the operator's log (counts only).
 */
describeEachDialect('notification and demand jobs', (dialect) => {
  let database: TestDatabase;
  let built: Awaited<ReturnType<typeof buildApp>>;
  let clock: Date;
  let smtp: SMTPServer;
  let smtpUrl = '';
  const received: string[] = [];
  const logLines: string[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, cb) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          received.push(...session.envelope.rcptTo.map((r) => r.address));
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => smtp.close(() => r())));

  beforeEach(async () => {
    clock = new Date('2026-11-27T16:00:30.000Z');
    received.length = 0;
    logLines.length = 0;
    database = await createTestDatabase(dialect);
    const config = loadConfig(
      { NODE_ENV: 'test', DATA_DIR: path.join(database.dir, 'data'), KEY_FILE: path.join(database.dir, 'keys', 'kek.json'), DEMO: 'false', RATE_LIMIT: 'false', SMTP_URL: smtpUrl, JOB_WORKER: 'false' },
      { database: database.target },
    );
    const destination = new Writable({
      write(chunk: Buffer, _e, cb) {
        logLines.push(chunk.toString('utf8'));
        cb();
      },
    });
    built = await buildApp({ config, db: database.db, logger: createLogger({ level: 'info', destination }), now: () => clock, modules: [testPeopleModule] });
  });
  afterEach(async () => {
    await built.close();
    await database.drop();
  });

  it('notify.deliver sends what is queued; notify.purge-contents erases contents after seven days', async () => {
    const { ctx } = built;
    expect(ctx.jobs.schedules().map((s) => s.name)).toEqual(expect.arrayContaining(['notify.deliver', 'notify.purge-contents', 'privacy.demand-notices-check']));
    const person = await addTestPerson(ctx, { name: 'Job Person', email: 'job.person@example.org' });
    const id = await notify(ctx, { channel: 'email', to: 'job.person@example.org', template: 'notify.demandNotice', values: { agency: 'ICE', program: 'x', reference: 'R', outcome: 'declined', receivedOn: clock }, locale: 'en', subjectRef: person.subjectId });
    const worker = new JobWorker({ queue: ctx.jobs, ctx });
    expect(await worker.drain()).toBeGreaterThanOrEqual(1);
    expect(received).toEqual(['job.person@example.org']);
    let row = await ctx.db.kysely.selectFrom('notify_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
    expect(row.content_sealed).not.toBeNull();

    // The purge's 03:40 run in Minneapolis (09:40 UTC), eight days later.
    clock = new Date('2026-12-05T09:40:10.000Z');
    await worker.drain();
    row = await ctx.db.kysely.selectFrom('notify_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', recipient_sealed: null, content_sealed: null });
    expect(logLines.join('')).not.toContain('job.person@example.org');
  });

  it('privacy.demand-notices-check logs overdue notices as counts', async () => {
    const { ctx, app } = built;
    const person = await addTestPerson(ctx, { name: 'Overdue Person' });
    const desk = await signInAs({ app, ctx }, 'office-staff');
    const res = await desk.post('/staff/demands', {
      type: 'informal_request', formNumber: 'none', agencyKind: 'ice', agencyName: 'ICE ERO', channel: 'phone',
      receivedDate: '2026-11-27', receivedTime: '09:00', receivedBy: desk.userId, servedOn: 'front_desk',
      issuedByCourt: 'no', signedByJudge: 'no', 'records.0.source': 'test-people.person', 'records.0.recordId': person.id,
    });
    expect(res.statusCode).toBe(303);
    const worker = new JobWorker({ queue: ctx.jobs, ctx });
    clock = new Date('2026-12-01T14:00:05.000Z'); // 08:00 in Minneapolis, notice due 2026-11-30
    await worker.drain();
    const warning = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.job === 'privacy.demand-notices-check');
    expect(warning).toMatchObject({ overdue: 1, demands: 1 });
    expect(logLines.join('')).not.toContain('Overdue Person');
  });
});
