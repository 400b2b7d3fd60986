import { afterAll, beforeAll, expect, it } from 'vitest';
import { type StaffActor, fileRequest } from '../../src/modules/u-visa/u-visa.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { certifyRequest, validRequest } from './u-visa-helpers.ts';

let now = new Date('2026-11-20T15:00:00Z');

async function messages(t: TestApp, template: string) {
  return t.ctx.db.kysely.selectFrom('notify_messages').select(['template', 'locale', 'channel', 'subject_id']).where('template', '=', template).orderBy('subject_id').execute();
}

describeEachDialect('U-visa reminders, escalation and warnings (the deadline engine calls the module)', (dialect) => {
  let t: TestApp;
  let officialId = '';
  let supervisorId = '';
  let official: StaffActor;
  beforeAll(async () => {
    // Each dialect's suite starts at the same moment (the clock is shared by the file).
    now = new Date('2026-11-20T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
    officialId = (await signInAs(t, 'certifying-official')).userId;
    supervisorId = (await signInAs(t, 'certifying-supervisor')).userId;
    official = { userId: officialId, role: 'certifying-official' };
    await signInAs(t, 'program-staff');
  });
  afterAll(async () => t.close());

  it('reminds the certifying officials before the 7-day clock runs out, then flags it overdue and escalates to the supervisor', async () => {
    const { id } = await fileRequest(t.ctx, {
      raw: validRequest({ expedite: 'victim', expediteProofType: 'notice-to-appear', expediteProofDate: '2026-11-01' }),
      channel: 'api',
      filer: { kind: 'system' },
      now,
    });
    // Due at the end of 27 Nov (local). One day before: a reminder to the certifying official only.
    now = new Date('2026-11-26T15:00:00Z');
    await t.ctx.clocks.tick(t.ctx);
    expect((await messages(t, 'u-visa.notify.reminder')).map((m) => m.subject_id)).toEqual([officialId]);
    // Running the job again sends nothing twice.
    await t.ctx.clocks.tick(t.ctx);
    expect(await messages(t, 'u-visa.notify.reminder')).toHaveLength(1);
    // The day after: overdue (officials and supervisor) and escalated (supervisor).
    now = new Date('2026-11-28T15:00:00Z');
    await t.ctx.clocks.tick(t.ctx);
    expect((await messages(t, 'u-visa.notify.overdue')).map((m) => m.subject_id).sort()).toEqual([officialId, supervisorId].sort());
    expect((await messages(t, 'u-visa.notify.escalated')).map((m) => m.subject_id)).toEqual([supervisorId]);
    const [clock] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.request', recordId: id });
    expect(clock?.status).toBe('overdue');
  });

  it('alerts before a victim or a family member turns 21', async () => {
    now = new Date('2026-11-28T15:00:00Z');
    // Turns 21 on 1 February 2027: 90-, 30- and 14-day alerts; on 28 Nov the 90-day one is due.
    await fileRequest(t.ctx, { raw: validRequest({ victimDateOfBirth: '2006-02-01' }), channel: 'staff', filer: { kind: 'system' }, now });
    await t.ctx.clocks.tick(t.ctx);
    expect(await messages(t, 'u-visa.notify.ageOut')).toHaveLength(1);
  });

  it('warns the requester, in their language, before the 6-month filing window of the signature closes', async () => {
    now = new Date('2026-12-01T15:00:00Z');
    const { id } = await fileRequest(t.ctx, { raw: validRequest({ language: 'es' }), channel: 'api', filer: { kind: 'system' }, now });
    await certifyRequest(t, official, id);
    const [window] = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.signature', recordId: id });
    expect(window?.dueDate).toBe('2027-06-01');
    now = new Date('2027-05-05T15:00:00Z');
    await t.ctx.clocks.tick(t.ctx);
    const warnings = await messages(t, 'u-visa.notify.signatureWindow');
    expect(warnings).toEqual([{ template: 'u-visa.notify.signatureWindow', locale: 'es', channel: 'email', subject_id: id }]);
    const history = await t.ctx.db.kysely.selectFrom('u_visa_actions').select(['kind', 'reason_code']).where('request_id', '=', id).where('kind', '=', 'signature-warning').execute();
    expect(history).toEqual([{ kind: 'signature-warning', reason_code: 'message-sent' }]);
  });

  it('a requester reached by phone: staff are asked to call instead', async () => {
    now = new Date('2027-05-06T15:00:00Z');
    const { id } = await fileRequest(t.ctx, { raw: validRequest({ contactMethod: 'phone', phone: '612 555 0101', email: '' }), channel: 'staff', filer: { kind: 'system' }, now });
    await certifyRequest(t, official, id);
    now = new Date('2027-10-10T15:00:00Z');
    await t.ctx.clocks.tick(t.ctx);
    expect((await messages(t, 'u-visa.notify.callRequester')).length).toBeGreaterThanOrEqual(2);
  });
});
