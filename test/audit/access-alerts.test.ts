/**
 * R35: alerts on abnormal access volumes, on SQLite and PostgreSQL. A staff account that suddenly reads far
 * more records than usual (a bulk copy by an insider) raises one alert: stored, recorded in the audit log and
 * mailed to every active administrator, shown on the admin page and acknowledged there. Thresholds come from
 * configuration (`ACCESS_ALERT_*`); an account's own usual volume is respected.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { VOLUME_ALERT_TEMPLATE, checkAccessVolumes, firstSeqAtOrAfter } from '../../src/core/audit/access-alerts.ts';
import { randomId } from '../../src/core/crypto/random.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';

describeEachDialect('alerts on abnormal access volumes (R35)', (dialect) => {
  let t: TestApp;
  let clock: number;
  let admin: StaffBrowser;
  beforeEach(async () => {
    clock = Date.parse('2026-11-20T08:00:00.000Z');
    t = await createTestApp(dialect, {
      now: () => new Date(clock),
      env: { ACCESS_ALERT_WINDOW_MINUTES: '60', ACCESS_ALERT_MIN_READS: '20', ACCESS_ALERT_FACTOR: '3', ACCESS_ALERT_BASELINE_DAYS: '1' },
    });
    admin = await signInAs(t, 'admin', { displayName: 'Ada Admin' });
  });
  afterEach(async () => {
    await t.close();
  });

  /** `n` reads by one staff account, one every `everyMs`, moving the clock. */
  async function reads(actorId: string, n: number, everyMs: number, action = 'record.read'): Promise<void> {
    for (let i = 0; i < n; i++) {
      clock += everyMs;
      await t.ctx.audit.recordNow({ actor: { id: actorId, role: 'program-staff' }, action, record: { type: 'office.request', id: randomId() }, purpose: 'case-work' });
    }
  }

  async function alertRows() {
    return t.ctx.db.kysely.selectFrom('audit_access_alerts').selectAll().orderBy('created_at').execute();
  }

  it('finds the first entry of a window by binary search over seq', async () => {
    const staff = await signInAs(t, 'program-staff');
    await reads(staff.userId, 30, 60_000);
    const entries = await t.ctx.db.kysely.selectFrom('audit_log').select(['seq', 'at']).orderBy('seq').execute();
    for (const probe of [entries[0], entries[7], entries[18], entries.at(-1)]) {
      expect(await firstSeqAtOrAfter(t.ctx.db.kysely, probe!.at)).toBe(entries.find((e) => e.at >= probe!.at)!.seq);
    }
    expect(await firstSeqAtOrAfter(t.ctx.db.kysely, '2000-01-01T00:00:00.000Z')).toBe(Number(entries[0]!.seq));
    expect(await firstSeqAtOrAfter(t.ctx.db.kysely, '2099-01-01T00:00:00.000Z')).toBe(Number(entries.at(-1)!.seq) + 1);
  });

  it('a burst of reads from one account raises one alert: stored, audited, mailed to admins, on the admin page', async () => {
    const insider = await signInAs(t, 'program-staff', { displayName: 'Ivan Insider' });
    const colleague = await signInAs(t, 'program-staff');
    const secondAdmin = await signInAs(t, 'admin');
    // A normal day for both: a few reads an hour.
    await reads(insider.userId, 24, 3_600_000);
    await reads(colleague.userId, 24, 3_600_000);
    expect(await checkAccessVolumes(t.ctx)).toEqual([]);
    // The insider reads 150 records in ten minutes (and searches); the colleague reads 15 (under the minimum).
    await reads(insider.userId, 140, 4_000);
    await reads(insider.userId, 10, 1_000, 'record.search');
    await reads(colleague.userId, 15, 1_000);
    const raised = await checkAccessVolumes(t.ctx);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ actorId: insider.userId, reads: 150, usual: 1, acknowledgedAt: null });

    // Audited, about the account, by the system.
    const entry = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'audit.volume-alert').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_role: 'system', record_type: 'core.user', record_id: insider.userId, purpose: 'security', detail: 'reason.bulk-reads' });
    // One email per active administrator, about the account, with counts and a link — no names, no records.
    const mails = await t.ctx.db.kysely.selectFrom('notify_messages').selectAll().where('template', '=', VOLUME_ALERT_TEMPLATE).execute();
    expect(mails.map((m) => m.subject_id).sort()).toEqual([admin.userId, secondAdmin.userId].sort());
    expect(mails.every((m) => m.related_id === insider.userId && m.channel === 'email')).toBe(true);
    const text = t.ctx.messages.format('en', `${VOLUME_ALERT_TEMPLATE}.text`, { reads: 150, usual: 1, minutes: 60, link: `${t.config.baseUrl}/staff/audit/alerts` });
    expect(text).toContain('150 records in 60 minutes');
    expect(text).not.toContain('Ivan');

    // Running again in the same window does not repeat it.
    clock += 60_000;
    expect(await checkAccessVolumes(t.ctx)).toEqual([]);
    expect(await alertRows()).toHaveLength(1);

    // The admin page shows it (in four languages); other roles cannot see it. (A fresh sign-in: the clock has
    // moved past the administrators' 15-minute idle timeout.)
    admin = await signInAs(t, 'admin', { displayName: 'Ada Admin' });
    const page = await admin.get('/staff/audit/alerts');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ivan Insider');
    expect(page.body).toContain('<span>150</span>');
    for (const lang of ['es', 'so', 'hmn'] as const) {
      const localized = await admin.get(`/staff/audit/alerts?lang=${lang}`);
      expect(localized.body).toContain(t.ctx.messages.format(lang, 'audit.alerts.acknowledge'));
    }
    await admin.get('/staff/audit/alerts?lang=en');
    for (const role of ['counsel', 'program-staff'] as const) expect((await (await signInAs(t, role)).get('/staff/audit/alerts')).statusCode).toBe(403);

    // Acknowledged once, by the admin, audited; a second time or an unknown id is a 404.
    const id = raised[0]!.id;
    const ack = await admin.post(`/staff/audit/alerts/${id}/acknowledge`, {});
    expect(ack.statusCode).toBe(303);
    expect((await alertRows())[0]).toMatchObject({ acknowledged_by: admin.userId });
    expect((await admin.get('/staff/audit/alerts?acknowledged=1')).body).toContain('Looked into by Ada Admin');
    expect((await admin.post(`/staff/audit/alerts/${id}/acknowledge`, {})).statusCode).toBe(404);
    expect((await admin.post(`/staff/audit/alerts/${randomId()}/acknowledge`, {})).statusCode).toBe(404);
    expect((await admin.post('/staff/audit/alerts/not-an-id/acknowledge', {})).statusCode).toBe(404);
    const ackEntry = await t.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'audit.volume-alert-ack').executeTakeFirstOrThrow();
    expect(ackEntry).toMatchObject({ actor_id: admin.userId, record_id: insider.userId });

    // A later window with another burst raises a new alert.
    clock += 2 * 3_600_000;
    await reads(insider.userId, 100, 1_000);
    expect(await checkAccessVolumes(t.ctx)).toHaveLength(1);
    expect(await alertRows()).toHaveLength(2);
    expect((await t.ctx.audit.verify()).ok).toBe(true);
  });

  it('respects an account’s own usual volume: only a multiple of it alerts', async () => {
    const heavy = await signInAs(t, 'program-staff');
    // Usually about 30 reads an hour for the whole previous day.
    await reads(heavy.userId, 24 * 30, 120_000);
    clock += 3_600_000;
    // 60 in the hour: above the minimum (20) but under 3 × usual (90): no alert.
    await reads(heavy.userId, 60, 30_000);
    expect(await checkAccessVolumes(t.ctx)).toEqual([]);
    // 100 in the hour: over 3 × usual.
    await reads(heavy.userId, 40, 1_000);
    const raised = await checkAccessVolumes(t.ctx);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ actorId: heavy.userId, reads: 100, usual: 30 });
  });

  it('runs as the scheduled job audit.access-volume', () => {
    expect(t.ctx.jobs.schedules().some((s) => s.name === 'audit.access-volume')).toBe(true);
  });
});
