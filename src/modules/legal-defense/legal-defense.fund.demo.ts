/**
 * Demo data for the fund, entered through the same services as the pages (checked, audited): an appropriation
 * of the city budget for this fiscal year (with money added by an amendment) and a foundation grant, a contract
 * for each demo provider (hourly or per case; the amounts are examples), and — when the demo attorney's provider has a case offered — that
 * case accepted, a few hours of attorney time, one invoice submitted by the attorney, approved and paid by
 * program staff, and one draft left for the attorney to submit. Made once: seeding again changes nothing.
 */
import { demoEmail } from '../../core/auth/demo-staff.ts';
import { secretsFor } from '../../core/auth/auth-secrets.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { fiscalYearOf } from '../../core/jurisdiction/index.ts';
import { acceptCase } from './legal-defense.assignment.ts';
import { addContract, addSource, amendSource, approveInvoice, buildInvoice, payInvoice, recordTime, submitInvoice } from './legal-defense.fund.ts';
import { fundRepo } from './legal-defense.fund.repo.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import { type StaffActor, cityDate } from './legal-defense.service.ts';

async function demoUser(ctx: AppContext, role: 'legal-defense-staff' | 'partner-attorney'): Promise<string | undefined> {
  const row = await ctx.db.kysely.selectFrom('auth_users').select('id').where('email_lookup', '=', secretsFor(ctx).emailLookupKey(demoEmail(role))).executeTakeFirst();
  return row?.id;
}

/** Seeds the fund once (after the providers and the sample reports). */
export async function seedFundDemo(ctx: AppContext): Promise<void> {
  const db = ctx.db.kysely;
  if ((await fundRepo.listSources(db)).length > 0) return;
  const providers = await legalDefenseRepo.listProviders(db);
  const staffId = await demoUser(ctx, 'legal-defense-staff');
  if (providers.length === 0 || !staffId) return;
  const staff: StaffActor = { userId: staffId, role: 'legal-defense-staff' };
  const today = cityDate(ctx, ctx.now());
  // The appropriation runs over the fiscal year today falls in (its dates default to the year's); the grant
  // and the contracts start with it, and the grant runs to the middle of the next calendar year.
  const fy = fiscalYearOf(ctx.jurisdiction, today);
  const year = fy.year;
  const grantEnds = `${Number(fy.endsOn.slice(0, 4)) + 1}-06-30`;

  const appropriation = await addSource(ctx, staff, {
    kind: 'appropriation',
    name: `Detention defense, general fund FY${year}`,
    funder: ctx.jurisdiction.place.cityName.value,
    fiscalYear: year,
    reference: `GF-${year}-LD-01`,
    amount: 150_000_000,
  });
  const grant = await addSource(ctx, staff, {
    kind: 'grant',
    name: 'Universal representation catalyst grant',
    funder: 'Example Community Foundation',
    reference: `ECF-${year}-117`,
    amount: 10_000_000,
    startsOn: fy.startsOn,
    endsOn: grantEnds,
    restrictions: 'Attorney time and per-case fees for detained residents only; no costs of administration.',
  });

  const attorneyId = await demoUser(ctx, 'partner-attorney');
  const attorneyProvider = attorneyId ? await legalDefenseRepo.providerOfUser(db, attorneyId) : undefined;
  let attorneyContract: string | undefined;
  for (const [i, p] of providers.entries()) {
    const hourly = p.id === attorneyProvider || i % 2 === 0;
    const id = await addContract(ctx, staff, appropriation, {
      providerId: p.id,
      basis: hourly ? 'hourly' : 'per-case',
      rate: hourly ? 15_000 : 600_000,
      cap: hourly ? 800 : 20,
      startsOn: fy.startsOn,
      endsOn: fy.endsOn,
      reference: `C-${year}-${String(i + 1).padStart(3, '0')}`,
    });
    if (p.id === attorneyProvider) attorneyContract = id;
  }
  const firstOther = providers.find((p) => p.id !== attorneyProvider);
  // Money added mid-year, as a council does in a surge: the appropriation's amendment shows on its page.
  await amendSource(ctx, staff, appropriation, { newAmount: 175_000_000, amendReason: 'supplemental', amendReference: `Council action ${year}R-114` });
  if (firstOther) await addContract(ctx, staff, grant, { providerId: firstOther.id, basis: 'per-case', rate: 500_000, cap: 10, startsOn: fy.startsOn, endsOn: grantEnds, reference: `ECF-${year}-117-A` });

  // The demo attorney's work: accept a case offered to their provider, then time, an invoice paid and a draft.
  if (!attorneyId || !attorneyProvider || !attorneyContract) return;
  const attorney: StaffActor = { userId: attorneyId, role: 'partner-attorney' };
  let caseId = (await fundRepo.acceptedCases(db, attorneyProvider))[0]?.id;
  if (!caseId) {
    const offered = (await legalDefenseRepo.listForProvider(db, attorneyProvider, 10)).find((c) => c.status === 'offered');
    if (!offered) return;
    await acceptCase(ctx, attorney, offered.id);
    caseId = offered.id;
  }
  for (const [minutes, activity] of [[90, 'court'], [60, 'client-meeting'], [120, 'research']] as const) await recordTime(ctx, attorney, 'provider', caseId, { workedOn: today, minutes, activity });
  const paid = await buildInvoice(ctx, attorney, 'provider', { contractId: attorneyContract, from: `${today.slice(0, 8)}01`, to: today });
  await submitInvoice(ctx, attorney, 'provider', paid);
  await approveInvoice(ctx, staff, paid);
  await payInvoice(ctx, staff, paid, { paidOn: today, reference: `ACH ${year}-0001` });
  await recordTime(ctx, attorney, 'provider', caseId, { workedOn: today, minutes: 45, activity: 'brief' });
  await buildInvoice(ctx, attorney, 'provider', { contractId: attorneyContract, from: `${today.slice(0, 8)}01`, to: today });
}
