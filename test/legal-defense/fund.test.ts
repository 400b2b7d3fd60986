import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoStaff } from '../../src/core/auth/demo-staff.ts';
import { SESSION_COOKIE } from '../../src/core/auth/session-hook.ts';
import { createSession } from '../../src/core/auth/sessions.service.ts';
import { KeyNotFoundError } from '../../src/core/crypto/index.ts';
import { randomId } from '../../src/core/crypto/random.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { legalDefenseModule } from '../../src/modules/legal-defense/index.ts';
import { acceptCase, addProvider, linkAttorney, offerCase } from '../../src/modules/legal-defense/legal-defense.assignment.ts';
import { closeCase } from '../../src/modules/legal-defense/legal-defense.close.ts';
import {
  addContract,
  addSource,
  amendContract,
  amendSource,
  contractDetail,
  approveInvoice,
  buildInvoice,
  caseToken,
  deleteTime,
  discardInvoice,
  fundOverview,
  fundTotals,
  funderReport,
  payInvoice,
  readCaseTime,
  readInvoice,
  recordTime,
  rejectInvoice,
  removeLine,
  sourceDetail,
  submitInvoice,
} from '../../src/modules/legal-defense/legal-defense.fund.ts';
import {
  addDays,
  amendmentReasonFits,
  burnWindowDays,
  centsToDecimal,
  hourlyAmount,
  monthlyBalance,
  parseDollars,
  parseDuration,
  projectRunOut,
  timeEntryProblem,
} from '../../src/modules/legal-defense/legal-defense.fund.rules.ts';
import { seedFundDemo } from '../../src/modules/legal-defense/legal-defense.fund.demo.ts';
import { type StaffActor, cityDate, createReport, fileReport, parseReport } from '../../src/modules/legal-defense/legal-defense.service.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';

describe('fund rules (pure)', () => {
  it('parses dollars to integer cents without floating point, and refuses what is not an amount', () => {
    expect(parseDollars('1,500,000')).toBe(150_000_000);
    expect(parseDollars('95000.5')).toBe(9_500_050);
    expect(parseDollars('$ 0.29')).toBe(29); // 0.29 * 100 is 28.999999999999996 in floating point
    expect(parseDollars('1000000000')).toBe(100_000_000_000);
    for (const bad of ['1.234', 'abc', '-5', '1,50', '12,3456', '', '1e6', '1000000000.01']) expect(parseDollars(bad), bad).toBeNull();
    expect(centsToDecimal(9_500_050)).toBe('95000.50');
    expect(centsToDecimal(-5)).toBe('-0.05');
  });

  it('parses durations to minutes (tenths, h:mm, minutes) and rounds hourly amounts half up per line', () => {
    expect([parseDuration('1.5'), parseDuration('1:30'), parseDuration('0.1'), parseDuration('45m'), parseDuration('1.33'), parseDuration('2h'), parseDuration('0,25')]).toEqual([90, 90, 6, 45, 80, 120, 15]);
    expect(parseDuration('1:75')).toBeNull();
    expect(parseDuration('soon')).toBeNull();
    expect(hourlyAmount(90, 15_000)).toBe(22_500);
    expect(hourlyAmount(1, 100)).toBe(2); // 1.67 cents
    expect(hourlyAmount(1, 30)).toBe(1); // exactly half a cent rounds up
    expect(hourlyAmount(7, 14_999)).toBe(1_750); // 1749.88
    expect(() => hourlyAmount(1.5, 100)).toThrow(RangeError);
  });

  it('projects the day the money runs out; no spending gives no date; nothing left is exhausted', () => {
    expect(projectRunOut({ remainingCents: 500_000, spentCents: 0, windowDays: 90, today: '2027-03-01' })).toEqual({ perDayCents: 0, state: 'no-spending', runOutOn: null });
    expect(projectRunOut({ remainingCents: 0, spentCents: 90_000, windowDays: 90, today: '2027-03-01' })).toMatchObject({ state: 'exhausted', runOutOn: null, perDayCents: 1_000 });
    expect(projectRunOut({ remainingCents: -100, spentCents: 0, windowDays: 90, today: '2027-03-01' }).state).toBe('exhausted');
    // 900,000 left at 1,000 a day: 900 days.
    expect(projectRunOut({ remainingCents: 900_000, spentCents: 90_000, windowDays: 90, today: '2027-03-01' })).toEqual({ perDayCents: 1_000, state: 'projected', runOutOn: addDays('2027-03-01', 900) });
    // A part of a day still needs that day: 1,001 at 10 a day is 101 days (rounded up), across a leap day.
    expect(projectRunOut({ remainingCents: 1_001, spentCents: 100, windowDays: 10, today: '2028-02-20' }).runOutOn).toBe('2028-05-31');
    // Exact with large numbers (BigInt): a billion dollars at a cent a year is beyond a century.
    expect(projectRunOut({ remainingCents: 100_000_000_000, spentCents: 1, windowDays: 365, today: '2027-03-01' }).state).toBe('distant');
    expect(() => projectRunOut({ remainingCents: 1, spentCents: 1, windowDays: 0, today: '2027-03-01' })).toThrow(RangeError);
  });

  it('measures the burn over the chosen window but never before the source started', () => {
    expect(burnWindowDays({ windowDays: 90, startsOn: '2027-01-01', today: '2027-01-31' })).toBe(31);
    expect(burnWindowDays({ windowDays: 90, startsOn: '2026-01-01', today: '2027-01-31' })).toBe(90);
    expect(burnWindowDays({ windowDays: 90, startsOn: '2027-06-01', today: '2027-01-31' })).toBe(1);
  });

  it('refuses time entries in the future, before acceptance, after closing (and 60 days on), too long, or past 24 hours a day', () => {
    const base = { workedOn: '2027-03-10', minutes: 60, today: '2027-03-12', acceptedOn: '2027-03-01', closedOn: null, minutesThatDay: 0 };
    expect(timeEntryProblem(base)).toBeNull();
    expect(timeEntryProblem({ ...base, workedOn: '2027-03-13' })).toBe('future');
    expect(timeEntryProblem({ ...base, workedOn: '2027-02-28' })).toBe('before-acceptance');
    expect(timeEntryProblem({ ...base, closedOn: '2027-03-09' })).toBe('after-close');
    expect(timeEntryProblem({ ...base, closedOn: '2027-03-11' })).toBeNull();
    expect(timeEntryProblem({ ...base, closedOn: '2027-03-11', today: '2027-05-10' })).toBeNull(); // 60 days after closing
    expect(timeEntryProblem({ ...base, closedOn: '2027-03-11', today: '2027-05-11' })).toBe('closed-too-long');
    expect(timeEntryProblem({ ...base, minutes: 721 })).toBe('minutes');
    expect(timeEntryProblem({ ...base, minutes: 0 })).toBe('minutes');
    expect(timeEntryProblem({ ...base, minutes: 300, minutesThatDay: 1_200 })).toBe('day-full');
  });

  it('an amendment\'s reason must fit its change; a correction fits any', () => {
    const change = { before: 100, after: 150, endsBefore: '2027-12-31', endsAfter: '2027-12-31' };
    expect(amendmentReasonFits('supplemental', change)).toBe(true);
    expect(amendmentReasonFits('reduction', change)).toBe(false);
    expect(amendmentReasonFits('extension', change)).toBe(false);
    expect(amendmentReasonFits('extension', { ...change, endsAfter: '2028-06-30' })).toBe(true);
    expect(amendmentReasonFits('reduction', { ...change, after: 99 })).toBe(true);
    expect(amendmentReasonFits('correction', { ...change, after: 1, endsAfter: '2027-01-01' })).toBe(true);
  });

  it('gives the balance month by month, across a year end, with approvals before the start in the first month', () => {
    const points = monthlyBalance({
      amountCents: 10_000,
      startsOn: '2026-11-15',
      until: '2027-01-20',
      approvals: [
        { on: '2027-01-05', cents: 500 },
        { on: '2026-11-01', cents: 1_000 },
        { on: '2026-11-30', cents: 250 },
      ],
    });
    expect(points).toEqual([
      { on: '2026-11-30', approvedCents: 1_250, remainingCents: 8_750 },
      { on: '2026-12-31', approvedCents: 0, remainingCents: 8_750 },
      { on: '2027-01-20', approvedCents: 500, remainingCents: 8_250 },
    ]);
    expect(monthlyBalance({ amountCents: 1, startsOn: '2027-02-01', until: '2027-01-31', approvals: [] })).toEqual([]);
  });

  it('counts each month with the amount in force at its end: money added in a later month is not left earlier', () => {
    // $100 now, after $60 was added on 10 February and $10 taken back on 28 February: $50 at first.
    const points = monthlyBalance({
      amountCents: 10_000,
      startsOn: '2027-01-01',
      until: '2027-03-15',
      approvals: [
        { on: '2027-01-20', cents: 2_000 },
        { on: '2027-03-01', cents: 1_000 },
      ],
      amountChanges: [
        { on: '2027-02-28', cents: -1_000 },
        { on: '2027-02-10', cents: 6_000 },
      ],
    });
    expect(points).toEqual([
      { on: '2027-01-31', approvedCents: 2_000, remainingCents: 3_000 },
      { on: '2027-02-28', approvedCents: 0, remainingCents: 8_000 },
      { on: '2027-03-15', approvedCents: 1_000, remainingCents: 7_000 },
    ]);
    // The last point agrees with the amount now less everything approved.
    expect(points.at(-1)?.remainingCents).toBe(10_000 - 3_000);
  });
});

/** A browser with a fresh session of an account (sessions time out as the test moves the clock on). */
async function browserAs(t: TestApp, userId: string): Promise<TestBrowser> {
  const b = new TestBrowser(t.app);
  b.setCookie(SESSION_COOKIE, await createSession(t.ctx, { userId, factor: 'totp' }));
  return b;
}

const START = new Date('2027-03-01T15:00:00Z');
let clock = START;

describeEachDialect('the fund: sources, contracts, time, invoices, burn, funder report', (dialect) => {
  let t: TestApp;
  let staffActor: StaffActor;
  let secondStaff: StaffActor;
  const attorneys: Array<{ actor: StaffActor }> = [];
  const providers: string[] = [];
  let appropriation = '';
  let grant = '';
  let hourlyA = '';
  let perCaseB = '';
  const casesA: string[] = [];
  const casesB: string[] = [];
  let invoice1 = '';

  const count = async (table: 'legal_defense_fund_sources' | 'legal_defense_fund_contracts' | 'legal_defense_fund_time_entries' | 'legal_defense_fund_invoices' | 'legal_defense_fund_invoice_lines') =>
    Number((await t.ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const today = () => cityDate(t.ctx, clock);
  const as = (userId: string) => browserAs(t, userId);
  const staff = { get: async (url: string, h: Record<string, string> = {}) => (await as(staffActor.userId)).get(url, h), post: async (url: string, f: Record<string, string>, h: Record<string, string> = {}) => (await as(staffActor.userId)).post(url, f, h) };
  const browserOf = (a: { actor: StaffActor }) => ({ get: async (url: string, h: Record<string, string> = {}) => (await as(a.actor.userId)).get(url, h), post: async (url: string, f: Record<string, string>, h: Record<string, string> = {}) => (await as(a.actor.userId)).post(url, f, h) });

  /** A report about a new person, offered to the provider speaking the language, accepted by its attorney. */
  async function acceptedCase(language: 'es' | 'so', i: number): Promise<string> {
    const input = parseReport(t.ctx, { reporterRole: 'family', givenName: `Fund${i}`, familyName: `Person ${language}`, dateOfBirth: '1990-01-01', detainedOn: today(), detainedPlace: 'Lake Street', facility: 'unknown', personLanguage: language, livesInCity: 'yes', contactName: 'Someone', contactMethod: 'phone', contactPhone: '612 555 0100', language: 'en' }, clock);
    const filed = await fileReport(t.ctx, (tx) => createReport(t.ctx, tx, { input, channel: 'phone', filer: { kind: 'system' }, now: clock, offer: offerCase }));
    const holder = attorneys[language === 'es' ? 0 : 1] as (typeof attorneys)[number];
    await acceptCase(t.ctx, holder.actor, filed.caseId);
    return filed.caseId;
  }

  beforeAll(async () => {
    clock = START;
    t = await createTestApp(dialect, { now: () => clock });
    staffActor = { userId: (await signInAs(t, 'legal-defense-staff')).userId, role: 'legal-defense-staff' };
    secondStaff = { userId: (await signInAs(t, 'legal-defense-staff')).userId, role: 'legal-defense-staff' };
    // Provider A works in Spanish (hourly contract), B in Somali (per case), C in Hmong (no contract).
    for (const [name, languages] of [['Provider A', ['es']], ['Provider B', ['so']], ['Provider C', ['hmn']]] as const) {
      providers.push(await addProvider(t.ctx, staffActor, { name, capacity: 50, languages: [...languages], available: true }));
    }
    for (const p of providers) {
      const userId = (await signInAs(t, 'partner-attorney')).userId;
      await linkAttorney(t.ctx, staffActor, p, userId);
      attorneys.push({ actor: { userId, role: 'partner-attorney' } });
    }
  });
  afterAll(async () => t.close());

  it('adds an appropriation and a grant; bad input is a translated 422 with nothing written', async () => {
    const bad = await staff.post('/staff/legal-defense/fund/sources', { kind: 'grant', name: 'Beca', amount: '1.234', startsOn: '2027-01-01', endsOn: '2027-12-31' }, { 'accept-language': 'es' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Escriba un monto en dólares');
    const rules = await staff.post('/staff/legal-defense/fund/sources', { kind: 'grant', name: 'Beca', amount: '1,000', startsOn: '2027-12-31', endsOn: '2027-01-01' }, { 'accept-language': 'es' });
    expect(rules.statusCode).toBe(422);
    expect(rules.body).toContain('Escriba quién da la subvención');
    expect(rules.body).toContain('El último día no puede ser antes del primero');
    expect(rules.body).toContain('value="Beca"');
    expect(await count('legal_defense_fund_sources')).toBe(0);
    const res = await staff.post('/staff/legal-defense/fund/sources', { kind: 'appropriation', name: 'General fund FY2027', fiscalYear: '2027', amount: '1,000,000', startsOn: '2027-01-01', endsOn: '2027-12-31', reference: 'GF-27-LD' });
    expect(res.statusCode).toBe(303);
    appropriation = (res.headers.location as string).split('/').pop()?.split('?')[0] as string;
    grant = await addSource(t.ctx, staffActor, { kind: 'grant', name: 'Catalyst grant', funder: 'Example Foundation', amount: 5_000_000, startsOn: '2027-01-01', endsOn: '2028-06-30', restrictions: 'Attorney time only' });
    const row = await t.ctx.db.kysely.selectFrom('legal_defense_fund_sources').selectAll().where('id', '=', appropriation).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'appropriation', fiscal_year: 2027, allocated_cents: 0 });
    expect(Number(row.amount_cents)).toBe(100_000_000);
  });

  it("a contract's ceiling must fit in what the source has left unallocated (translated 422), also when two are added at once", async () => {
    // $150/h × 400 h = $60,000 for A; $6,000 × 5 cases = $30,000 for B.
    hourlyA = await addContract(t.ctx, staffActor, appropriation, { providerId: providers[0] as string, basis: 'hourly', rate: 15_000, cap: 400, startsOn: '2027-01-01', endsOn: '2027-12-31' });
    perCaseB = await addContract(t.ctx, staffActor, appropriation, { providerId: providers[1] as string, basis: 'per-case', rate: 600_000, cap: 5, startsOn: '2027-01-01', endsOn: '2027-12-31' });
    // $910,000 left: a $1,000,000 contract is refused, in Somali, and nothing is written.
    const before = await count('legal_defense_fund_contracts');
    const refused = await staff.post(`/staff/legal-defense/fund/sources/${appropriation}/contracts`, { providerId: providers[2] as string, basis: 'per-case', rate: '10000', cap: '100', startsOn: '2027-01-01', endsOn: '2027-12-31' }, { 'accept-language': 'so' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Xadka sare (1000000.00 doollar) wuu ka badan yahay inta isha u hartay qandaraasyada (910000.00 doollar)');
    const outside = await staff.post(`/staff/legal-defense/fund/sources/${grant}/contracts`, { providerId: providers[2] as string, basis: 'hourly', rate: '100', cap: '10', startsOn: '2026-12-01', endsOn: '2027-12-31' });
    expect(outside.statusCode).toBe(422);
    expect(await count('legal_defense_fund_contracts')).toBe(before);
    // Two $30,000 contracts on the $50,000 grant at the same moment: one fits, the other is refused.
    const results = await Promise.allSettled([0, 1].map(() => addContract(t.ctx, staffActor, grant, { providerId: providers[2] as string, basis: 'hourly', rate: 10_000, cap: 300, startsOn: '2027-01-01', endsOn: '2027-12-31' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'validation', fields: [{ field: 'cap', key: 'legal-defense.fund.error.overSource' }] } });
    const g = await t.ctx.db.kysely.selectFrom('legal_defense_fund_sources').select(['allocated_cents', 'amount_cents']).where('id', '=', grant).executeTakeFirstOrThrow();
    expect(Number(g.allocated_cents)).toBe(3_000_000);
  });

  it('time: the attorney on their own accepted cases only, never ahead, never before acceptance, bounded; staff on behalf', async () => {
    for (let i = 0; i < 2; i++) casesA.push(await acceptedCase('es', i));
    const [a1, a2] = casesA as [string, string];
    const [own, other] = attorneys as [(typeof attorneys)[number], (typeof attorneys)[number]];
    clock = new Date(START.getTime() + 2 * 86_400_000); // 2027-03-03
    await recordTime(t.ctx, own.actor, 'provider', a1, { workedOn: '2027-03-01', minutes: 90, activity: 'court' });
    const page = await browserOf(own).post(`/staff/legal-defense/billing/cases/${a1}/time`, { workedOn: '2027-03-02', duration: '1:30', activity: 'client-meeting' });
    expect(page.statusCode).toBe(303);
    await recordTime(t.ctx, staffActor, 'program', a2, { workedOn: '2027-03-03', minutes: 120, activity: 'research' });
    // Refusals, translated, with nothing written.
    const before = await count('legal_defense_fund_time_entries');
    const ahead = await browserOf(own).post(`/staff/legal-defense/billing/cases/${a1}/time`, { workedOn: '2027-03-04', duration: '1', activity: 'court' }, { 'accept-language': 'es' });
    expect(ahead.statusCode).toBe(422);
    expect(ahead.body).toContain('Ese día todavía no llegó');
    const early = await browserOf(own).post(`/staff/legal-defense/billing/cases/${a1}/time`, { workedOn: '2027-02-28', duration: '1', activity: 'court' });
    expect(early.statusCode).toBe(422);
    expect(early.body).toContain('The provider accepted the case on 2027-03-01');
    const long = await browserOf(own).post(`/staff/legal-defense/billing/cases/${a1}/time`, { workedOn: '2027-03-02', duration: '12.5', activity: 'court' });
    expect(long.statusCode).toBe(422);
    const freeText = await browserOf(own).post(`/staff/legal-defense/billing/cases/${a1}/time`, { workedOn: '2027-03-02', duration: '1', activity: 'met María about her asylum claim' });
    expect(freeText.statusCode).toBe(422);
    for (let i = 0; i < 2; i++) await recordTime(t.ctx, own.actor, 'provider', a2, { workedOn: '2027-03-02', minutes: 660, activity: 'travel' });
    await expect(recordTime(t.ctx, own.actor, 'provider', a2, { workedOn: '2027-03-02', minutes: 180, activity: 'travel' })).rejects.toMatchObject({ code: 'validation', fields: [{ field: 'duration', key: 'legal-defense.fund.error.dayFull' }] });
    // Another provider's attorney: not found, and the attempt is audited as denied.
    expect((await browserOf(other).get(`/staff/legal-defense/billing/cases/${a1}`)).statusCode).toBe(404);
    await expect(recordTime(t.ctx, other.actor, 'provider', a1, { workedOn: '2027-03-02', minutes: 30, activity: 'court' })).rejects.toMatchObject({ code: 'not_found' });
    const denied = await t.ctx.db.kysely.selectFrom('audit_log').select(['outcome', 'detail']).where('record_id', '=', a1).where('actor_id', '=', other.actor.userId).execute();
    expect(denied).toContainEqual({ outcome: 'denied', detail: 'reason.not-assigned' });
    expect(await count('legal_defense_fund_time_entries')).toBe(before + 2);
    // A case only offered (not accepted) takes no time.
    const input = parseReport(t.ctx, { reporterRole: 'friend', givenName: 'Offered', familyName: 'Only', dateOfBirth: '1980-05-05', detainedOn: '2027-03-03', detainedPlace: 'Cedar', facility: 'unknown', personLanguage: 'es', livesInCity: 'yes', contactName: 'X', contactMethod: 'phone', contactPhone: '612 555 0101', language: 'en' }, clock);
    const offered = await fileReport(t.ctx, (tx) => createReport(t.ctx, tx, { input, channel: 'phone', filer: { kind: 'system' }, now: clock, offer: offerCase }));
    await expect(recordTime(t.ctx, own.actor, 'provider', offered.caseId, { workedOn: '2027-03-03', minutes: 30, activity: 'court' })).rejects.toMatchObject({ code: 'not_found' });
    // The case's time page is an audited read, with no name on it.
    const timePage = await browserOf(own).get(`/staff/legal-defense/billing/cases/${a1}`);
    expect(timePage.statusCode).toBe(200);
    expect(timePage.body).toContain('3.0 h');
    expect(timePage.body).not.toContain('Fund0');
    const read = await t.ctx.db.kysely.selectFrom('audit_log').select(['action', 'detail']).where('record_id', '=', a1).where('actor_id', '=', own.actor.userId).where('action', '=', 'record.read').execute();
    expect(read).toContainEqual({ action: 'record.read', detail: 'fund.time-entries' });
  });

  it('a closed case takes time only up to the day the representation ended, and for 60 days after it', async () => {
    const own = attorneys[0] as (typeof attorneys)[number];
    const closedCase = await acceptedCase('es', 9); // accepted on 2027-03-03
    await recordTime(t.ctx, own.actor, 'provider', closedCase, { workedOn: '2027-03-03', minutes: 30, activity: 'brief' });
    // Closed two days later, the representation having ended on the 4th.
    clock = new Date(clock.getTime() + 2 * 86_400_000);
    await closeCase(t.ctx, own.actor, closedCase, { reason: 'released', on: '2027-03-04' }, 'provider');
    await recordTime(t.ctx, own.actor, 'provider', closedCase, { workedOn: '2027-03-04', minutes: 30, activity: 'brief' });
    await expect(recordTime(t.ctx, own.actor, 'provider', closedCase, { workedOn: '2027-03-05', minutes: 30, activity: 'brief' })).rejects.toMatchObject({ fields: [{ key: 'legal-defense.fund.error.afterClose' }] });
    clock = new Date(Date.parse('2027-03-04T15:00:00Z') + 60 * 86_400_000);
    expect((await readCaseTime(t.ctx, own.actor, 'provider', closedCase)).closedOn).toBe('2027-03-04');
    await recordTime(t.ctx, own.actor, 'provider', closedCase, { workedOn: '2027-03-04', minutes: 15, activity: 'travel' });
    clock = new Date(Date.parse('2027-03-04T15:00:00Z') + 61 * 86_400_000);
    await expect(recordTime(t.ctx, own.actor, 'provider', closedCase, { workedOn: '2027-03-04', minutes: 30, activity: 'brief' })).rejects.toMatchObject({ fields: [{ key: 'legal-defense.fund.error.closedTooLong' }] });
    // Un-invoiced entries can be deleted (by the provider, or staff).
    for (const e of (await readCaseTime(t.ctx, staffActor, 'program', closedCase)).entries) await deleteTime(t.ctx, e.minutes === 15 ? staffActor : own.actor, e.minutes === 15 ? 'program' : 'provider', e.id);
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_fund_time_entries').select('id').where('case_id', '=', closedCase).execute()).toEqual([]);
    clock = new Date(START.getTime() + 2 * 86_400_000);
  });

  it('hourly invoice: un-invoiced entries of the period at the contract rate, totals in cents; each entry billed once (a constraint)', async () => {
    const own = attorneys[0] as (typeof attorneys)[number];
    clock = new Date('2027-03-31T18:00:00Z');
    const res = await browserOf(own).post('/staff/legal-defense/billing/invoices', { contractId: hourlyA, from: '2027-03-01', to: '2027-03-31' });
    expect(res.statusCode).toBe(303);
    invoice1 = (res.headers.location as string).split('/').pop()?.split('?')[0] as string;
    const detail = await readInvoice(t.ctx, own.actor, 'provider', invoice1);
    // 90 + 90 + 120 + 660 + 660 minutes at $150/h.
    expect(detail.lines.map((l) => l.minutes).sort((a, b) => a - b)).toEqual([90, 90, 120, 660, 660]);
    expect(detail.invoice).toMatchObject({ status: 'draft', line_count: 5, minutes_total: 1_620, case_count: 2 });
    expect(detail.invoice.total_cents).toBe(detail.lines.reduce((s, l) => s + l.amount_cents, 0));
    expect(detail.invoice.total_cents).toBe(405_000);
    // Nothing left to invoice in the period; the database refuses a second line in force for the same entry.
    await expect(buildInvoice(t.ctx, own.actor, 'provider', { contractId: hourlyA, from: '2027-03-01', to: '2027-03-31' })).rejects.toMatchObject({ fields: [{ key: 'legal-defense.fund.error.nothingToInvoice' }] });
    const line = detail.lines[0] as (typeof detail.lines)[number];
    await expect(
      inTransaction(t.ctx.db, (tx) => tx.insertInto('legal_defense_fund_invoice_lines').values({ ...line, id: randomId(), caseReference: undefined } as never).execute()),
    ).rejects.toThrow();
    // A billed entry cannot be deleted; the time page links it to its invoice.
    const entry = line.time_entry_id as string;
    await expect(deleteTime(t.ctx, own.actor, 'provider', entry)).rejects.toMatchObject({ code: 'conflict' });
    // Another provider cannot bill A's contract, nor open its invoice (404, audited as denied).
    const other = attorneys[1] as (typeof attorneys)[number];
    await expect(buildInvoice(t.ctx, other.actor, 'provider', { contractId: hourlyA, from: '2027-03-01', to: '2027-03-31' })).rejects.toMatchObject({ code: 'validation' });
    expect((await browserOf(other).get(`/staff/legal-defense/billing/invoices/${invoice1}`)).statusCode).toBe(404);
    // The period must lie within the contract and not in the future.
    await expect(buildInvoice(t.ctx, own.actor, 'provider', { contractId: hourlyA, from: '2026-12-01', to: '2027-01-31' })).rejects.toMatchObject({ fields: [{ key: 'legal-defense.fund.error.outsideContract' }] });
    await expect(buildInvoice(t.ctx, own.actor, 'provider', { contractId: hourlyA, from: '2027-03-01', to: '2027-04-30' })).rejects.toMatchObject({ fields: [{ field: 'to' }] });
  });

  it('approval: never by the provider, not by the one who submitted, never past the ceiling; reject frees the entries', async () => {
    const own = attorneys[0] as (typeof attorneys)[number];
    // Taking a line off a draft and discarding a draft free their entries.
    const draft = await readInvoice(t.ctx, own.actor, 'provider', invoice1);
    await removeLine(t.ctx, own.actor, 'provider', invoice1, draft.lines[0]?.id as string);
    expect((await readInvoice(t.ctx, own.actor, 'provider', invoice1)).invoice.line_count).toBe(4);
    await discardInvoice(t.ctx, own.actor, 'provider', invoice1);
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoices').select('id').where('id', '=', invoice1).executeTakeFirst()).toBeUndefined();
    invoice1 = await buildInvoice(t.ctx, own.actor, 'provider', { contractId: hourlyA, from: '2027-03-01', to: '2027-03-31' });
    await submitInvoice(t.ctx, own.actor, 'provider', invoice1);
    // The attorney's role holds no approval permission (403); staff's page shows the decision forms.
    expect((await browserOf(own).post(`/staff/legal-defense/fund/invoices/${invoice1}/approve`, {})).statusCode).toBe(403);
    const page = await staff.get(`/staff/legal-defense/fund/invoices/${invoice1}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`/staff/legal-defense/fund/invoices/${invoice1}/approve`);
    expect(page.body).toContain('$4,050.00');
    const audited = await t.ctx.db.kysely.selectFrom('audit_log').select(['action', 'record_type', 'detail']).where('record_id', '=', invoice1).where('actor_id', '=', staffActor.userId).execute();
    expect(audited).toContainEqual({ action: 'record.read', record_type: 'legal-defense.invoice', detail: 'fund.invoice' });
    // Reject with a reason: the lines go out of force, the entries can be invoiced again.
    const bad = await staff.post(`/staff/legal-defense/fund/invoices/${invoice1}/reject`, { reason: 'because' });
    expect(bad.statusCode).toBe(422);
    await rejectInvoice(t.ctx, staffActor, invoice1, 'not-documented');
    const rejected = await readInvoice(t.ctx, staffActor, 'program', invoice1);
    expect(rejected.invoice).toMatchObject({ status: 'rejected', reject_reason: 'not-documented' });
    expect(rejected.lines.every((l) => l.active === 0)).toBe(true);
    await expect(approveInvoice(t.ctx, staffActor, invoice1)).rejects.toMatchObject({ code: 'conflict' });
    // Staff prepare and submit on the provider's behalf: another member of staff must approve.
    const again = await buildInvoice(t.ctx, staffActor, 'program', { contractId: hourlyA, from: '2027-03-01', to: '2027-03-31' });
    expect((await readInvoice(t.ctx, staffActor, 'program', again)).invoice.total_cents).toBe(405_000);
    await submitInvoice(t.ctx, staffActor, 'program', again);
    await expect(approveInvoice(t.ctx, staffActor, again)).rejects.toMatchObject({ code: 'conflict', messageKey: 'legal-defense.fund.error.fourEyes' });
    await approveInvoice(t.ctx, secondStaff, again);
    invoice1 = again;
    const contract = await t.ctx.db.kysely.selectFrom('legal_defense_fund_contracts').select('approved_cents').where('id', '=', hourlyA).executeTakeFirstOrThrow();
    expect(Number(contract.approved_cents)).toBe(405_000);
    // Payment: not before approval, not ahead; then paid.
    await expect(payInvoice(t.ctx, staffActor, again, { paidOn: '2027-03-30' })).rejects.toMatchObject({ fields: [{ field: 'paidOn' }] });
    await expect(payInvoice(t.ctx, staffActor, again, { paidOn: '2027-04-02' })).rejects.toMatchObject({ fields: [{ field: 'paidOn' }] });
    await payInvoice(t.ctx, staffActor, again, { paidOn: '2027-03-31', reference: 'ACH 2027-0042' });
    expect((await readInvoice(t.ctx, staffActor, 'program', again)).invoice).toMatchObject({ status: 'paid', paid_on: '2027-03-31', payment_reference: 'ACH 2027-0042' });
  });

  it('approving never takes a contract past its ceiling (translated 422; the invoice stays submitted)', async () => {
    const own = attorneys[2] as (typeof attorneys)[number];
    const small = await addContract(t.ctx, staffActor, grant, { providerId: providers[2] as string, basis: 'hourly', rate: 10_000, cap: 1, startsOn: '2027-01-01', endsOn: '2027-12-31' });
    const input = parseReport(t.ctx, { reporterRole: 'family', givenName: 'Ceiling', familyName: 'Case', dateOfBirth: '1970-01-01', detainedOn: '2027-03-31', detainedPlace: 'X', facility: 'unknown', personLanguage: 'hmn', livesInCity: 'yes', contactName: 'Y', contactMethod: 'phone', contactPhone: '612 555 0102', language: 'en' }, clock);
    const filed = await fileReport(t.ctx, (tx) => createReport(t.ctx, tx, { input, channel: 'phone', filer: { kind: 'system' }, now: clock, offer: offerCase }));
    await acceptCase(t.ctx, own.actor, filed.caseId);
    await recordTime(t.ctx, own.actor, 'provider', filed.caseId, { workedOn: '2027-03-31', minutes: 90, activity: 'court' });
    const inv = await buildInvoice(t.ctx, own.actor, 'provider', { contractId: small, from: '2027-03-01', to: '2027-03-31' });
    await submitInvoice(t.ctx, own.actor, 'provider', inv);
    const page = await staff.get(`/staff/legal-defense/fund/invoices/${inv}`);
    expect(page.body).toContain('It cannot be approved as it is.');
    const res = await staff.post(`/staff/legal-defense/fund/invoices/${inv}/approve`, {}, { 'accept-language': 'hmn' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('yuav dhau daim ntawv cog lus qhov siab tshaj: tshuav 100.00 duas las');
    expect((await readInvoice(t.ctx, staffActor, 'program', inv)).invoice.status).toBe('submitted');
    const c = await t.ctx.db.kysely.selectFrom('legal_defense_fund_contracts').select('approved_cents').where('id', '=', small).executeTakeFirstOrThrow();
    expect(Number(c.approved_cents)).toBe(0);
    await rejectInvoice(t.ctx, staffActor, inv, 'over-ceiling');
  });

  it('per-case invoice: cases accepted in the period, each billed once, up to the case cap', async () => {
    const own = attorneys[1] as (typeof attorneys)[number];
    clock = new Date('2027-04-02T15:00:00Z');
    for (let i = 0; i < 7; i++) casesB.push(await acceptedCase('so', i));
    clock = new Date('2027-04-30T15:00:00Z');
    const first = await buildInvoice(t.ctx, own.actor, 'provider', { contractId: perCaseB, from: '2027-04-01', to: '2027-04-30' });
    const lines = (await readInvoice(t.ctx, own.actor, 'provider', first)).lines;
    expect(lines).toHaveLength(5); // the cap
    expect(lines.every((l) => l.kind === 'case' && l.amount_cents === 600_000)).toBe(true);
    await expect(buildInvoice(t.ctx, own.actor, 'provider', { contractId: perCaseB, from: '2027-04-01', to: '2027-04-30' })).rejects.toMatchObject({ fields: [{ key: 'legal-defense.fund.error.capReached' }] });
    // A per-case line in force for a case exists once: the database refuses a copy.
    const copy = { ...(lines[0] as (typeof lines)[number]), id: randomId(), caseReference: undefined };
    await expect(inTransaction(t.ctx.db, (tx) => tx.insertInto('legal_defense_fund_invoice_lines').values(copy as never).execute())).rejects.toThrow();
    await submitInvoice(t.ctx, own.actor, 'provider', first);
    await approveInvoice(t.ctx, staffActor, first);
  });

  it('burn: the source, its contracts and the fund total add up; the rate over the window and the run-out date', async () => {
    const detail = await sourceDetail(t.ctx, appropriation, { windowDays: 90 });
    const invoices = await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoices').select(['status', 'total_cents', 'contract_id']).where('source_id', '=', appropriation).execute();
    const sum = (statuses: string[]) => invoices.filter((i) => statuses.includes(i.status)).reduce((s, i) => s + Number(i.total_cents), 0);
    expect(detail.burn).toMatchObject({
      amountCents: 100_000_000,
      allocatedCents: 9_000_000,
      invoicedCents: sum(['submitted', 'approved', 'paid']),
      approvedCents: sum(['approved', 'paid']),
      paidCents: sum(['paid']),
      remainingCents: 100_000_000 - sum(['approved', 'paid']),
    });
    expect(detail.burn.approvedCents).toBe(405_000 + 3_000_000);
    expect(detail.contracts.reduce((s, c) => s + c.contract.ceiling_cents, 0)).toBe(detail.burn.allocatedCents);
    expect(detail.contracts.reduce((s, c) => s + c.burn.approvedCents, 0)).toBe(detail.burn.approvedCents);
    expect(detail.contracts.find((c) => c.contract.id === perCaseB)).toMatchObject({ usedCases: 5 });
    // Both approvals fall in the last 90 days (the source started 120 days ago).
    expect(detail.burn.windowDays).toBe(90);
    expect(detail.burn.spentInWindowCents).toBe(3_405_000);
    expect(detail.burn.projection).toEqual(projectRunOut({ remainingCents: detail.burn.remainingCents, spentCents: 3_405_000, windowDays: 90, today: '2027-04-30' }));
    expect(detail.burn.projection.state).toBe('projected');
    expect(detail.balance.map((b) => b.approvedCents)).toEqual([0, 0, 405_000, 3_000_000]);
    // The fund's total is the sum of its sources — the figure other pages (the outcomes dashboard) use.
    const overview = await fundOverview(t.ctx);
    const totals = await fundTotals(t.ctx);
    for (const key of ['amountCents', 'allocatedCents', 'invoicedCents', 'approvedCents', 'paidCents', 'remainingCents'] as const) {
      expect(totals[key]).toBe(overview.sources.reduce((s, r) => s + r.burn[key], 0));
    }
    expect(totals.amountCents).toBe(105_000_000);
    // A shorter window sees no spending: no date.
    clock = new Date('2027-06-30T15:00:00Z');
    expect((await sourceDetail(t.ctx, appropriation, { windowDays: 30 })).burn.projection).toEqual({ perDayCents: 0, state: 'no-spending', runOutOn: null });
    const page = await staff.get(`/staff/legal-defense/fund/sources/${appropriation}?window=30&lang=es`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<svg[^>]*role="img"/);
    expect(page.body).toContain('Nada aprobado en este plazo: no hay fecha');
    expect(page.body).toContain('<caption>Dinero aprobado y restante, mes por mes</caption>');
    expect((await staff.get('/staff/legal-defense/fund?window=3')).statusCode).toBe(422);
    const home = await staff.get('/staff/legal-defense/fund');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('General fund FY2027');
    clock = new Date('2027-04-30T15:00:00Z');
  });

  it('funder report: cases, hours and amounts by provider, small counts hidden (and what would give them away); CSV the same', async () => {
    const report = await funderReport(t.ctx, { sourceId: appropriation, from: '2027-01-01', to: '2027-06-30' });
    // A: 2 cases (hidden, 1–10); B: 5 cases (hidden). Total 7 (hidden): nothing about people is published.
    expect(report.rows.map((r) => r.name)).toEqual(['Provider A', 'Provider B']);
    expect(report.rows.every((r) => r.cases.suppressed && r.hoursTenths.suppressed && r.approvedCents.suppressed)).toBe(true);
    expect(report.total.cases.suppressed).toBe(true);
    // The money approved, paid and left and the hours by activity would give the hidden total away: hidden with it.
    expect(report.position).toMatchObject({ amountCents: 100_000_000, approvedCents: { suppressed: true }, paidCents: { suppressed: true }, remainingCents: { suppressed: true } });
    expect(report.activities.map((a) => [a.activity, a.hoursTenths.suppressed])).toEqual([['client-meeting', true], ['court', true], ['research', true], ['travel', true]]);
    const csv = await staff.get(`/staff/legal-defense/fund/report.csv?source=${appropriation}&from=2027-01-01&to=2027-06-30`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('"provider","Provider A","","","","","true"');
    expect(csv.body).not.toContain('Fund0');
    const exported = await t.ctx.db.kysely.selectFrom('audit_log').select(['action', 'purpose']).where('record_id', '=', appropriation).where('action', '=', 'report.export').execute();
    expect(exported).toEqual([{ action: 'report.export', purpose: 'statistics' }]);
    // Eleven more cases for A (13 in all), billed hourly. B's 5 stay hidden (primary); A's 13 is hidden too
    // (complementary: with the total published, 18 − 13 would give B away); the total of 18 is published.
    const own = attorneys[0] as (typeof attorneys)[number];
    clock = new Date('2027-05-03T15:00:00Z');
    for (let i = 10; i < 21; i++) {
      const id = await acceptedCase('es', i);
      casesA.push(id);
      await recordTime(t.ctx, own.actor, 'provider', id, { workedOn: '2027-05-03', minutes: 60, activity: 'client-meeting' });
    }
    clock = new Date('2027-05-31T15:00:00Z');
    const may = await buildInvoice(t.ctx, own.actor, 'provider', { contractId: hourlyA, from: '2027-05-01', to: '2027-05-31' });
    await submitInvoice(t.ctx, own.actor, 'provider', may);
    await approveInvoice(t.ctx, staffActor, may);
    const after = await funderReport(t.ctx, { sourceId: appropriation, from: '2027-01-01', to: '2027-06-30' });
    const [a, b] = after.rows as [(typeof after.rows)[number], (typeof after.rows)[number]];
    expect(b.cases).toEqual({ suppressed: true, reason: 'primary' });
    expect(a.cases).toEqual({ suppressed: true, reason: 'complementary' });
    expect(a.approvedCents.suppressed && a.hoursTenths.suppressed && b.approvedCents.suppressed).toBe(true);
    expect(after.total.cases).toEqual({ suppressed: false, value: 18 });
    expect(after.total.hoursTenths).toEqual({ suppressed: false, value: 270 + 110 });
    expect(after.total.approvedCents).toEqual({ suppressed: false, value: 405_000 + 165_000 + 3_000_000 });
    expect(after.total.paidCents).toEqual({ suppressed: false, value: 405_000 });
    // With the total published, so are the money position and the hours by activity.
    expect(after.position).toMatchObject({ approvedCents: { suppressed: false, value: 3_570_000 }, paidCents: { suppressed: false, value: 405_000 }, remainingCents: { suppressed: false, value: 100_000_000 - 3_570_000 } });
    expect(after.activities.find((x) => x.activity === 'client-meeting')?.hoursTenths).toEqual({ suppressed: false, value: 15 + 110 });
    // The fund and the outcomes dashboard add up: every case the fund paid for is one the dashboard counts as
    // represented (a provider's attorney accepted it: `attorney_user_id`, the dashboard's definition), and the
    // fund's 18 are among the cases represented.
    const billed = await t.ctx.db.kysely
      .selectFrom('legal_defense_fund_invoice_lines as l')
      .innerJoin('legal_defense_fund_invoices as i', 'i.id', 'l.invoice_id')
      .innerJoin('legal_defense_cases as c', 'c.id', 'l.case_id')
      .select(['c.id', 'c.attorney_user_id'])
      .distinct()
      .where('i.status', 'in', ['approved', 'paid'])
      .where('i.source_id', '=', appropriation)
      .where('l.active', '=', 1)
      .execute();
    expect(billed).toHaveLength(18);
    expect(billed.every((b) => b.attorney_user_id !== null)).toBe(true);
    const represented = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select('id').where('attorney_user_id', 'is not', null).execute();
    expect(represented.length).toBeGreaterThanOrEqual(billed.length);
    // A source with nothing approved: an empty report with true zeros, not an error.
    const empty = await funderReport(t.ctx, { sourceId: grant });
    expect(empty.rows).toEqual([]);
    expect(empty.total).toMatchObject({ cases: { suppressed: false, value: 0 }, approvedCents: { suppressed: false, value: 0 } });
    const all = await staff.get('/staff/legal-defense/fund/report.csv');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('"Catalyst grant","Grant"');
    expect(all.body).toContain('"General fund FY2027","Appropriation"');
    // A March-only report: A's 2 cases (hourly) alone — hidden, with the total.
    const march = await funderReport(t.ctx, { sourceId: appropriation, from: '2027-03-01', to: '2027-03-31' });
    expect(march.rows.map((r) => r.name)).toEqual(['Provider A']);
    expect(march.total.cases.suppressed).toBe(true);
    const html = await staff.get(`/staff/legal-defense/fund/report?source=${appropriation}&from=2027-01-01&to=2027-06-30&lang=so`);
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('qarsoon');
    expect(html.body).toContain('$35,700.00');
  });

  it('forgetting a case deletes its time entries; invoices keep their amounts and counts, without the link', async () => {
    const own = attorneys[0] as (typeof attorneys)[number];
    const caseId = casesA[0] as string;
    const lineBefore = await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoice_lines').selectAll().where('case_id', '=', caseId).where('active', '=', 1).execute();
    expect(lineBefore.length).toBeGreaterThan(0);
    const totalBefore = await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoices').select(['id', 'total_cents', 'case_count']).where('id', '=', invoice1).executeTakeFirstOrThrow();
    const reportBefore = await funderReport(t.ctx, { sourceId: appropriation, from: '2027-01-01', to: '2027-06-30' });
    await inTransaction(t.ctx.db, (tx) => t.ctx.vault.forgetSubject(tx, caseId));
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_fund_time_entries').select('id').where('case_id', '=', caseId).execute()).toEqual([]);
    const lines = await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoice_lines').selectAll().where('id', 'in', lineBefore.map((l) => l.id)).execute();
    expect(lines).toHaveLength(lineBefore.length);
    expect(lines.every((l) => l.case_id === null && l.time_entry_id === null && l.case_token === caseToken(t.ctx, caseId))).toBe(true);
    expect(lines.map((l) => Number(l.amount_cents)).sort()).toEqual(lineBefore.map((l) => Number(l.amount_cents)).sort());
    const totalAfter = await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoices').select(['id', 'total_cents', 'case_count']).where('id', '=', invoice1).executeTakeFirstOrThrow();
    expect(totalAfter).toEqual(totalBefore);
    // The report still counts the case; the invoice page shows the line without a link.
    const reportAfter = await funderReport(t.ctx, { sourceId: appropriation, from: '2027-01-01', to: '2027-06-30' });
    expect(reportAfter.rows[0]?.cases).toEqual(reportBefore.rows[0]?.cases);
    const page = await browserOf(own).get(`/staff/legal-defense/billing/invoices/${invoice1}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Case deleted');
    await expect(t.ctx.vault.open(caseId, 'x', { table: 'legal_defense_cases', column: 'person_sealed', rowId: caseId })).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it('pages: the overview, invoices, contract and billing pages answer the right roles and show no name', async () => {
    const own = attorneys[0] as (typeof attorneys)[number];
    for (const url of ['/staff/legal-defense/fund', '/staff/legal-defense/fund/invoices?status=submitted', `/staff/legal-defense/fund/contracts/${hourlyA}`, `/staff/legal-defense/fund/cases/${casesA[1]}`, '/staff/legal-defense/fund/report']) {
      const res = await staff.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toMatch(/Fund\d+/);
    }
    expect((await browserOf(own).get('/staff/legal-defense/fund')).statusCode).toBe(403);
    expect((await staff.get('/staff/legal-defense/billing')).statusCode).toBe(403);
    const billing = await browserOf(own).get('/staff/legal-defense/billing?lang=hmn');
    expect(billing.statusCode).toBe(200);
    expect(billing.body).toContain('Sij hawm thiab nqi');
    expect(billing.body).toContain(casesA[1]?.slice(-8));
    expect(billing.body).not.toMatch(/Fund\d+/);
  });

  it('retention: paid and rejected invoices go seven years after they closed, with their lines; others stay', async () => {
    const closed = await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoices').select(['id', 'closed_at']).where('status', 'in', ['paid', 'rejected']).execute();
    const open = await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoices').select('id').where('closed_at', 'is', null).execute();
    expect(closed.length).toBeGreaterThan(0);
    expect(open.length).toBeGreaterThan(0);
    const latest = closed.map((c) => c.closed_at as string).sort().pop() as string;
    clock = new Date(new Date(latest).getTime() + (7 * 365 + 1) * 86_400_000);
    const purged = await t.ctx.retention.purge({ trigger: 'operator' });
    expect(purged.results.find((r) => r.recordType === 'legal-defense.invoice')).toMatchObject({ deleted: closed.length });
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoice_lines').select('id').where('invoice_id', 'in', closed.map((c) => c.id)).execute()).toEqual([]);
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoices').select('id').where('id', 'in', open.map((o) => o.id)).execute()).toHaveLength(open.length);
  });
});

describeEachDialect('the fund: amendments of sources and contracts', (dialect) => {
  let t: TestApp;
  let staffActor: StaffActor;
  let attorney: StaffActor;
  let source = '';
  let contractA = '';
  let contractB = '';
  const providers: string[] = [];

  const as = (userId: string) => browserAs(t, userId);
  const post = async (userId: string, url: string, f: Record<string, string>, h: Record<string, string> = {}) => (await as(userId)).post(url, f, h);
  const amendments = async () => t.ctx.db.kysely.selectFrom('legal_defense_fund_amendments').selectAll().orderBy('amended_at').orderBy('id').execute();
  const sourceRow = async () => t.ctx.db.kysely.selectFrom('legal_defense_fund_sources').selectAll().where('id', '=', source).executeTakeFirstOrThrow();
  const contractRow = async (id: string) => t.ctx.db.kysely.selectFrom('legal_defense_fund_contracts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: () => START });
    staffActor = { userId: (await signInAs(t, 'legal-defense-staff')).userId, role: 'legal-defense-staff' };
    attorney = { userId: (await signInAs(t, 'partner-attorney')).userId, role: 'partner-attorney' };
    for (const name of ['Provider A', 'Provider B']) providers.push(await addProvider(t.ctx, staffActor, { name, capacity: 50, languages: ['es'], available: true }));
    await linkAttorney(t.ctx, staffActor, providers[0] as string, attorney.userId);
    source = await addSource(t.ctx, staffActor, { kind: 'appropriation', name: 'General fund FY2027', fiscalYear: 2027, amount: 10_000_000, startsOn: '2027-01-01', endsOn: '2027-12-31' });
    // $100/h × 300 h = $30,000 until the end of June.
    contractA = await addContract(t.ctx, staffActor, source, { providerId: providers[0] as string, basis: 'hourly', rate: 10_000, cap: 300, startsOn: '2027-01-01', endsOn: '2027-06-30' });
  });
  afterAll(async () => t.close());

  it('adds money to a source mid-year: the amount, its history, the audit entry, the burn and the page', async () => {
    const res = await post(staffActor.userId, `/staff/legal-defense/fund/sources/${source}/amend`, { newAmount: '150,000', amendReason: 'supplemental', amendReference: 'CA-2027-114' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/staff/legal-defense/fund/sources/${source}?done=source-amended#amendments`);
    expect(Number((await sourceRow()).amount_cents)).toBe(15_000_000);
    const [a] = await amendments();
    expect(a).toMatchObject({ source_id: source, contract_id: null, reason: 'supplemental', reference: 'CA-2027-114', ends_before: '2027-12-31', ends_after: '2027-12-31', amended_by: staffActor.userId });
    expect([Number(a?.amount_before_cents), Number(a?.amount_after_cents)]).toEqual([10_000_000, 15_000_000]);
    const audit = await t.ctx.db.kysely.selectFrom('audit_log').select(['action', 'detail', 'actor_id']).where('record_type', '=', 'legal-defense.fund-source').where('record_id', '=', source).orderBy('seq').execute();
    expect(audit.map((r) => [r.action, r.detail])).toEqual([
      ['record.create', 'kind.appropriation'],
      ['record.update', 'amend.supplemental'],
    ]);
    const detail = await sourceDetail(t.ctx, source);
    expect(detail.burn.amountCents).toBe(15_000_000);
    expect(detail.burn.remainingCents).toBe(15_000_000);
    expect(detail.amendments).toHaveLength(1);
    // The money was added on 1 March: January and February still show the amount before it.
    expect(detail.balance.map((p) => [p.on, p.remainingCents])).toEqual([
      ['2027-01-31', 10_000_000],
      ['2027-02-28', 10_000_000],
      ['2027-03-01', 15_000_000],
    ]);
    // The chart starts from the amount in force on the first day, not from today's.
    expect(detail.startAmountCents).toBe(10_000_000);
    const page = await (await as(staffActor.userId)).get(`/staff/legal-defense/fund/sources/${source}?done=source-amended`, { 'accept-language': 'es' });
    expect(page.body).toMatch(/Empieza en 100\.000,00\s*US\$/);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Fuente modificada.');
    expect(page.body).toContain('Dinero agregado (asignación suplementaria, aumento de la subvención)');
    expect(page.body).toContain('CA-2027-114');
    expect(page.body).toContain('→');
  });

  it('refuses a source amendment below its contracts, before their last day, without a change or a reason — translated, nothing written', async () => {
    const before = await sourceRow();
    const below = await post(staffActor.userId, `/staff/legal-defense/fund/sources/${source}/amend`, { newAmount: '20,000', amendReason: 'reduction' }, { 'accept-language': 'es' });
    expect(below.statusCode).toBe(422);
    expect(below.body).toContain('Los contratos ya tienen 30000.00 dólares de esta fuente: el monto no puede ser menor');
    expect(below.body).toContain('value="20,000"');
    const early = await post(staffActor.userId, `/staff/legal-defense/fund/sources/${source}/amend`, { newEndsOn: '2027-05-31', amendReason: 'correction' }, { 'accept-language': 'so' });
    expect(early.statusCode).toBe(422);
    expect(early.body).toContain('Qandaraas ka mid ah isha ayaa socda ilaa 2027-06-30');
    const nothing = await post(staffActor.userId, `/staff/legal-defense/fund/sources/${source}/amend`, { newAmount: '', newEndsOn: '', amendReason: 'correction' });
    expect(nothing.statusCode).toBe(422);
    expect(nothing.body).toContain('Enter a new amount, a new last day or both');
    const same = await post(staffActor.userId, `/staff/legal-defense/fund/sources/${source}/amend`, { newAmount: '150000', amendReason: 'correction' });
    expect(same.statusCode).toBe(422);
    // The reason must fit the change: "money added" with less money, "extended" with an earlier last day.
    const mislabeled = await post(staffActor.userId, `/staff/legal-defense/fund/sources/${source}/amend`, { newAmount: '140,000', amendReason: 'supplemental' }, { 'accept-language': 'es' });
    expect(mislabeled.statusCode).toBe(422);
    expect(mislabeled.body).toContain('El motivo no corresponde al cambio');
    await expect(amendSource(t.ctx, staffActor, source, { newEndsOn: '2027-11-30', amendReason: 'extension' })).rejects.toMatchObject({ fields: [{ field: 'amendReason', key: 'legal-defense.fund.error.reasonMismatch' }] });
    const noReason = await post(staffActor.userId, `/staff/legal-defense/fund/sources/${source}/amend`, { newAmount: '160,000' }, { 'accept-language': 'hmn' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain('Xaiv vim li cas');
    for (const hostile of <Array<Record<string, string>>>[
      { newAmount: "1; DROP TABLE legal_defense_fund_sources; --", amendReason: 'supplemental' },
      { newAmount: '1e9', amendReason: 'supplemental' },
      { newAmount: '١٠٠٠', amendReason: 'supplemental' },
      { newEndsOn: '2027-02-30', amendReason: 'extension' },
      { newAmount: '200,000', amendReason: 'supplemental', amendReference: 'x'.repeat(61) },
      { newAmount: '200,000', amendReason: 'because the mayor said so' },
    ]) {
      expect((await post(staffActor.userId, `/staff/legal-defense/fund/sources/${source}/amend`, hostile)).statusCode).toBe(422);
    }
    expect((await post(staffActor.userId, `/staff/legal-defense/fund/sources/${randomId()}/amend`, { newAmount: '200,000', amendReason: 'supplemental' })).statusCode).toBe(404);
    // A provider's attorney cannot amend the fund.
    expect((await post(attorney.userId, `/staff/legal-defense/fund/sources/${source}/amend`, { newAmount: '200,000', amendReason: 'supplemental' })).statusCode).toBe(403);
    expect(await sourceRow()).toEqual(before);
    expect(await amendments()).toHaveLength(1);
  });

  it("amends a contract's cap and last day: a higher ceiling comes out of the source, a lower one goes back", async () => {
    const res = await post(staffActor.userId, `/staff/legal-defense/fund/contracts/${contractA}/amend`, { newCap: '500', newEndsOn: '2027-09-30', amendReason: 'extension', amendReference: 'C-114 amd. 1' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/staff/legal-defense/fund/contracts/${contractA}?done=contract-amended#amendments`);
    expect(await contractRow(contractA)).toMatchObject({ cap: 500, ends_on: '2027-09-30' });
    expect(Number((await contractRow(contractA)).ceiling_cents)).toBe(5_000_000);
    expect(Number((await sourceRow()).allocated_cents)).toBe(5_000_000);
    const last = (await amendments()).at(-1);
    expect(last).toMatchObject({ contract_id: contractA, source_id: source, cap_before: 300, cap_after: 500, ends_before: '2027-06-30', ends_after: '2027-09-30', reason: 'extension' });
    expect([Number(last?.amount_before_cents), Number(last?.amount_after_cents)]).toEqual([3_000_000, 5_000_000]);
    // Down again: the difference goes back to the source.
    await amendContract(t.ctx, staffActor, contractA, { newCap: 200, amendReason: 'reduction' });
    expect(Number((await sourceRow()).allocated_cents)).toBe(2_000_000);
    const detail = await contractDetail(t.ctx, contractA);
    expect(detail.entry.burn.amountCents).toBe(2_000_000);
    expect(detail.amendments.map((a) => a.reason)).toEqual(['reduction', 'extension']);
    // The source's page lists the contract's amendments too, under the provider's name.
    const page = await (await as(staffActor.userId)).get(`/staff/legal-defense/fund/sources/${source}`);
    expect(page.body).toContain('Contract: Provider A');
    expect(page.body).toContain('cap 500 → 200');
  });

  it('refuses a contract amendment past the source, past its period, below what was approved or before its invoices — nothing written', async () => {
    const before = { contract: await contractRow(contractA), source: await sourceRow(), amendments: (await amendments()).length };
    // $150,000 − $20,000 = $130,000 left: 2,000 hours need $180,000 more.
    const over = await post(staffActor.userId, `/staff/legal-defense/fund/contracts/${contractA}/amend`, { newCap: '2000', amendReason: 'supplemental' }, { 'accept-language': 'hmn' });
    expect(over.statusCode).toBe(422);
    expect(over.body).toContain('Qhov txwv siab dua xav tau 180000.00 duas las ntxiv, thiab qhov nyiaj los tseem tshuav 130000.00 duas las rau ntawv cog lus');
    const outside = await post(staffActor.userId, `/staff/legal-defense/fund/contracts/${contractA}/amend`, { newEndsOn: '2028-01-31', amendReason: 'extension' });
    expect(outside.statusCode).toBe(422);
    expect(outside.body).toContain("The contract must fall within the source&#39;s period (2027-01-01 to 2027-12-31)");
    const beforeStart = await post(staffActor.userId, `/staff/legal-defense/fund/contracts/${contractA}/amend`, { newEndsOn: '2026-12-31', amendReason: 'correction' });
    expect(beforeStart.statusCode).toBe(422);
    // $15,000 approved against the contract (as approving invoices leaves it): the cap cannot drop under 150 hours.
    await t.ctx.db.kysely.updateTable('legal_defense_fund_contracts').set({ approved_cents: 1_500_000 }).where('id', '=', contractA).execute();
    await expect(amendContract(t.ctx, staffActor, contractA, { newCap: 100, amendReason: 'reduction' })).rejects.toMatchObject({ code: 'validation', fields: [{ field: 'newCap', key: 'legal-defense.fund.error.belowApproved' }] });
    // An invoice for work up to 31 August: the last day cannot come before it.
    const invoiceId = randomId();
    await t.ctx.db.kysely.insertInto('legal_defense_fund_invoices').values({
      id: invoiceId, contract_id: contractA, source_id: source, provider_id: providers[0] as string, basis: 'hourly', period_from: '2027-08-01', period_to: '2027-08-31', status: 'draft',
      total_cents: 0, line_count: 0, minutes_total: 0, case_count: 0, reject_reason: null, payment_reference: null, paid_on: null, created_by: staffActor.userId, created_at: START.toISOString(),
      submitted_by: null, submitted_at: null, decided_by: null, decided_at: null, paid_by: null, closed_at: null, updated_at: START.toISOString(),
    }).execute();
    await expect(amendContract(t.ctx, staffActor, contractA, { newEndsOn: '2027-07-31', amendReason: 'correction' })).rejects.toMatchObject({ code: 'validation', fields: [{ field: 'newEndsOn', key: 'legal-defense.fund.error.beforeInvoices', values: { date: '2027-08-31' } }] });
    await t.ctx.db.kysely.deleteFrom('legal_defense_fund_invoices').where('id', '=', invoiceId).execute();
    await t.ctx.db.kysely.updateTable('legal_defense_fund_contracts').set({ approved_cents: 0 }).where('id', '=', contractA).execute();
    expect(await contractRow(contractA)).toEqual(before.contract);
    expect(await sourceRow()).toEqual(before.source);
    expect(await amendments()).toHaveLength(before.amendments);
  });

  it('two contracts raised at the same moment cannot together pass what the source has left', async () => {
    contractB = await addContract(t.ctx, staffActor, source, { providerId: providers[1] as string, basis: 'hourly', rate: 10_000, cap: 100, startsOn: '2027-01-01', endsOn: '2027-12-31' });
    // Left: $150,000 − $20,000 − $10,000 = $120,000. Each raise needs $100,000.
    const results = await Promise.allSettled([
      amendContract(t.ctx, staffActor, contractA, { newCap: 1_200, amendReason: 'supplemental' }),
      amendContract(t.ctx, staffActor, contractB, { newCap: 1_100, amendReason: 'supplemental' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'validation', fields: [{ field: 'newCap', key: 'legal-defense.fund.error.overSourceIncrease' }] } });
    const s = await sourceRow();
    expect(Number(s.allocated_cents)).toBe(13_000_000);
    const ceilings = await Promise.all([contractA, contractB].map(async (id) => Number((await contractRow(id)).ceiling_cents)));
    expect(ceilings.reduce((a, b) => a + b, 0)).toBe(Number(s.allocated_cents));
    // The source cannot now be cut below what its contracts hold, even to the cent.
    await expect(amendSource(t.ctx, staffActor, source, { newAmount: 12_999_999, amendReason: 'reduction' })).rejects.toMatchObject({ fields: [{ field: 'newAmount', key: 'legal-defense.fund.error.belowAllocated' }] });
    await amendSource(t.ctx, staffActor, source, { newAmount: 13_000_000, amendReason: 'reduction' });
    expect((await sourceDetail(t.ctx, source)).burn.remainingCents).toBe(13_000_000);
  });
});

describeEachDialect('the fund: fiscal years', (dialect) => {
  let t: TestApp;
  let staffActor: StaffActor;
  // 15 March 2028: fiscal 2027 (the calendar year in Minneapolis) is over, fiscal 2028 is under way.
  const NOW = new Date('2028-03-15T15:00:00Z');
  const staff = async () => browserAs(t, staffActor.userId);
  const sources = async () => t.ctx.db.kysely.selectFrom('legal_defense_fund_sources').select(['name', 'fiscal_year', 'starts_on', 'ends_on']).orderBy('created_at').orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: () => NOW });
    staffActor = { userId: (await signInAs(t, 'legal-defense-staff')).userId, role: 'legal-defense-staff' };
  });
  afterAll(async () => t.close());

  it('offers the current fiscal year and its days on the form; an appropriation without dates runs over its fiscal year', async () => {
    const page = await (await staff()).get('/staff/legal-defense/fund', { 'accept-language': 'es' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/name="fiscalYear"[^>]*value="2028"|value="2028"[^>]*name="fiscalYear"/);
    expect(page.body).toContain('año fiscal 2028: ');
    const res = await (await staff()).post('/staff/legal-defense/fund/sources', { kind: 'appropriation', name: 'General fund FY2027', fiscalYear: '2027', amount: '500,000', startsOn: '', endsOn: '' });
    expect(res.statusCode).toBe(303);
    // Money carried over: the first day in the fiscal year, the last beyond it.
    await addSource(t.ctx, staffActor, { kind: 'appropriation', name: 'Carry-over FY2027', fiscalYear: 2027, amount: 1_000_000, startsOn: '2027-07-01', endsOn: '2028-06-30' });
    await addSource(t.ctx, staffActor, { kind: 'grant', name: 'Bridge grant', funder: 'Example Foundation', amount: 2_000_000, startsOn: '2027-10-01', endsOn: '2028-09-30' });
    expect(await sources()).toEqual([
      { name: 'General fund FY2027', fiscal_year: 2027, starts_on: '2027-01-01', ends_on: '2027-12-31' },
      { name: 'Carry-over FY2027', fiscal_year: 2027, starts_on: '2027-07-01', ends_on: '2028-06-30' },
      { name: 'Bridge grant', fiscal_year: null, starts_on: '2027-10-01', ends_on: '2028-09-30' },
    ]);
  });

  it('refuses an appropriation starting outside its fiscal year, and a grant without its dates — translated, nothing written', async () => {
    const before = await sources();
    const outside = await (await staff()).post('/staff/legal-defense/fund/sources', { kind: 'appropriation', name: 'Early', fiscalYear: '2027', amount: '1,000', startsOn: '2026-12-01', endsOn: '' }, { 'accept-language': 'es' });
    expect(outside.statusCode).toBe(422);
    expect(outside.body).toContain('El primer día debe caer dentro del año fiscal 2027 (2027-01-01 a 2027-12-31)');
    const undated = await (await staff()).post('/staff/legal-defense/fund/sources', { kind: 'grant', name: 'Undated', funder: 'Someone', amount: '1,000', startsOn: '', endsOn: '2028-12-31' }, { 'accept-language': 'so' });
    expect(undated.statusCode).toBe(422);
    expect(undated.body).toContain('value="Undated"');
    await expect(addSource(t.ctx, staffActor, { kind: 'appropriation', name: 'Backwards', fiscalYear: 2028, amount: 1_000, startsOn: '2028-05-01', endsOn: '2028-04-30' })).rejects.toMatchObject({ code: 'validation' });
    expect(await sources()).toEqual(before);
  });

  it("reports a source over its days in a fiscal year, and every source of a year as one CSV", async () => {
    const [general, carry, bridge] = (await t.ctx.db.kysely.selectFrom('legal_defense_fund_sources').select('id').orderBy('created_at').orderBy('id').execute()).map((r) => r.id) as [string, string, string];
    expect(await funderReport(t.ctx, { sourceId: bridge, fiscalYear: 2027 })).toMatchObject({ from: '2027-10-01', to: '2027-12-31' });
    // Fiscal 2028 is under way: up to today.
    expect(await funderReport(t.ctx, { sourceId: carry, fiscalYear: 2028 })).toMatchObject({ from: '2028-01-01', to: '2028-03-15' });
    // Dates typed win over the fiscal year.
    expect(await funderReport(t.ctx, { sourceId: carry, fiscalYear: 2028, from: '2027-08-01', to: '2027-08-31' })).toMatchObject({ from: '2027-08-01', to: '2027-08-31' });
    const none = await (await staff()).get(`/staff/legal-defense/fund/report?source=${general}&fy=2028`, { 'accept-language': 'es' });
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain('Esta fuente no tiene días en el año fiscal 2028 hasta hoy');
    const page = await (await staff()).get(`/staff/legal-defense/fund/report?source=${bridge}&fy=2027`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<option value="2028"');
    expect(page.body).toContain('/staff/legal-defense/fund/report.csv?fy=2027');
    const csv = await (await staff()).get('/staff/legal-defense/fund/report.csv?fy=2028');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('"Carry-over FY2027"');
    expect(csv.body).toContain('"Bridge grant"');
    expect(csv.body).not.toContain('"General fund FY2027"');
    const bad = await (await staff()).get('/staff/legal-defense/fund/report?fy=20x7', { 'accept-language': 'es' });
    expect(bad.statusCode).toBe(422);
    expect((await (await staff()).get('/staff/legal-defense/fund/report.csv?fy=1999')).statusCode).toBe(422);
  });
});

describeEachDialect('the fund: demo seeding', (dialect) => {
  it('seeds sources, contracts, time and invoices once; seeding again changes nothing', async () => {
    const t = await createTestApp(dialect, { env: { DEMO: 'true' } });
    try {
      const seed = async () => {
        await seedDemoStaff(t.ctx, { force: true });
        await legalDefenseModule.seedDemo?.(t.ctx);
      };
      await seed();
      const counts = async () => ({
        sources: (await t.ctx.db.kysely.selectFrom('legal_defense_fund_sources').select('id').execute()).length,
        contracts: (await t.ctx.db.kysely.selectFrom('legal_defense_fund_contracts').select('id').execute()).length,
        entries: (await t.ctx.db.kysely.selectFrom('legal_defense_fund_time_entries').select('id').execute()).length,
        invoices: (await t.ctx.db.kysely.selectFrom('legal_defense_fund_invoices').select(['status']).orderBy('status').execute()).map((r) => r.status),
        amendments: (await t.ctx.db.kysely.selectFrom('legal_defense_fund_amendments').select(['reason', 'contract_id']).execute()).map((r) => [r.reason, r.contract_id]),
      });
      const first = await counts();
      expect(first.sources).toBe(2);
      expect(first.amendments).toEqual([['supplemental', null]]);
      expect(first.contracts).toBeGreaterThanOrEqual(2);
      expect(first.entries).toBe(4);
      expect(first.invoices).toEqual(['draft', 'paid']);
      await seedFundDemo(t.ctx);
      await seed();
      expect(await counts()).toEqual(first);
    } finally {
      await t.close();
    }
  });
});
