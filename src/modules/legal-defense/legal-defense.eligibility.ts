/**
 * Eligibility, recorded by program staff when the report did not settle it: city residency (an address
 * checked with the municipal ID's residency check and then discarded, an attestation when the address is
 * unknown, or staff's own verification), income only when the jurisdiction profile asks for it, and never
 * the merits of the case (universal representation). The disposition is recorded with its reason; a person
 * who is not eligible gets translated referrals (the case page shows them to read out or send).
 */
import { type Tx, inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { checkAddress, defaultGeocoder } from '../municipal-id/api.ts';
import { offerCase } from './legal-defense.assignment.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import type { EligibilityInput, IneligibleReason } from './legal-defense.schemas.ts';
import { CASE_RECORD, type StaffActor, addEvent, requireCase } from './legal-defense.service.ts';

/** Referral message keys for each reason a person is not served (shown in the contact's language too). */
export const REFERRALS: Readonly<Record<IneligibleReason, readonly string[]>> = {
  'not-resident': ['legal-defense.referral.stateHotline', 'legal-defense.referral.countyProgram', 'legal-defense.referral.eoirList'],
  'not-detained': ['legal-defense.referral.clinics', 'legal-defense.referral.knowYourRights'],
  income: ['legal-defense.referral.eoirList', 'legal-defense.referral.barReferral'],
  'declined-services': ['legal-defense.referral.reopen'],
};

function invalid(field: string, key: string): AppError {
  return new AppError('validation', { fields: [{ field, key }], messageKey: key });
}

/** Records eligibility (or not) and, when eligible, offers the case to a provider — in one transaction. */
export async function recordEligibility(ctx: AppContext, actor: StaffActor, caseId: string, input: EligibilityInput): Promise<void> {
  const now = ctx.now();
  const nowIso = now.toISOString();
  await inTransaction(ctx.db, async (tx: Tx) => {
    const row = await requireCase(tx, caseId);
    if (row.revision !== input.revision) throw new AppError('conflict', { messageKey: 'legal-defense.error.changed' });
    if (row.status !== 'reported' && row.status !== 'eligible') throw new AppError('conflict', { messageKey: 'legal-defense.error.alreadyDecided' });
    if (input.decision === 'ineligible' && !input.reason) throw invalid('reason', 'legal-defense.error.reason');
    if (input.decision === 'eligible' && !input.basis) throw invalid('basis', 'legal-defense.error.basis');
    if (input.decision === 'eligible') {
      if (ctx.jurisdiction.incomeRules.legalDefenseIncomeScreening.value) {
        if (!input.incomeWithinLimit) throw invalid('incomeWithinLimit', 'legal-defense.error.income');
        if (input.incomeWithinLimit === 'no') throw invalid('incomeWithinLimit', 'legal-defense.error.incomeOver');
      }
      if (input.basis === 'address-in-city') {
        // Checked, then discarded: only the basis is recorded, never the address.
        const found = await checkAddress(ctx, { line: input.street ?? '', zip: input.zip }, defaultGeocoder(tx));
        if (found.kind === 'outside') throw invalid('street', 'legal-defense.error.addressOutside');
        if (found.kind === 'unmatched') throw invalid('street', 'legal-defense.error.addressNotFound');
      }
      await legalDefenseRepo.updateCase(tx, caseId, row.revision, { status: 'eligible', residency_basis: input.basis ?? null, disposition: 'eligible', disposition_reason: null, disposition_at: nowIso, updated_at: nowIso });
      await addEvent(tx, caseId, 'eligible', now, actor.userId, input.basis ?? null);
      await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: CASE_RECORD, id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'decision.eligible' });
      if (row.status === 'reported') await offerCase(ctx, tx, caseId, now, actor.userId);
      return;
    }
    await legalDefenseRepo.updateCase(tx, caseId, row.revision, {
      status: 'ineligible',
      open: 0,
      disposition: 'ineligible',
      disposition_reason: input.reason ?? null,
      disposition_at: nowIso,
      closed_at: nowIso,
      updated_at: nowIso,
    });
    if (row.contact_clock_id) await ctx.clocks.stop(tx, row.contact_clock_id, 'not-eligible', { by: actor.userId });
    await addEvent(tx, caseId, 'ineligible', now, actor.userId, input.reason ?? null);
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: CASE_RECORD, id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'decision.ineligible' });
  });
}
