/**
 * Closing a case: the representation ended (relief granted, proceedings terminated, removal ordered, the person
 * released, moved out of the area, the client withdrew, or another reason). The accepting provider's attorney
 * closes a case their provider accepted; program staff close any open case — one still waiting for a provider
 * too (a person released before a lawyer took the case), which withdraws a pending offer.
 *
 * In one transaction: the case becomes `closed` (no longer open, so it leaves every list and the attorney's
 * scope), its reason and day are recorded, the clocks still running for it are stopped (the first-contact
 * clock when no contact was recorded, a pending offer's accept clock, court deadlines that are no longer the
 * program's), the provider's running count of open cases goes down, and the history and audit log say so.
 * Retention counts three years from `closed_at`. A later report about the same person opens a new case: reports
 * merge only into an open one.
 */
import { inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import { OPEN_STATUSES } from '../../core/clocks/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import type { OUTCOMES } from './legal-defense.court.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import { isIsoDate } from '../../core/dates.ts';
import { CASE_RECORD, CLOCK_OWNER, CLOCK_RECORD_TYPES, type StaffActor, addEvent, cityDate, inScope, requireCase } from './legal-defense.service.ts';

/** Why a case is closed (codes, kept in plain text for the outcome figures). */
export const CLOSING_REASONS = ['relief-granted', 'proceedings-terminated', 'removal-ordered', 'released', 'transferred-out', 'client-withdrew', 'other'] as const;
export type ClosingReason = (typeof CLOSING_REASONS)[number];

/** The court outcome a closing reason states: recorded with it, and refused when another outcome is recorded. */
export const OUTCOME_OF_REASON: Readonly<Partial<Record<ClosingReason, (typeof OUTCOMES)[number]>>> = {
  'relief-granted': 'relief-granted',
  'proceedings-terminated': 'terminated',
  'removal-ordered': 'removal-ordered',
};

/** The stop reason of the clocks a closing stops. */
export const CLOSED_CLOCK_REASON = 'case-closed';

/** Statuses in which a provider holds the case (and counts it among its open cases). */
const HELD = new Set(['offered', 'accepted', 'contacted']);

function invalid(field: string, key: string): AppError {
  return new AppError('validation', { fields: [{ field, key }], messageKey: key });
}

/** True for a closing reason code. */
export function isClosingReason(value: string): value is ClosingReason {
  return (CLOSING_REASONS as readonly string[]).includes(value);
}

/**
 * Closes a case. `scope: 'provider'` — an attorney of the provider that accepted it (accepted or contacted);
 * `'program'` — program staff, any open case. `on` is the local day the representation ended: not in the future,
 * not before the first report. Field errors name the form's fields (`closingReason`, `closedOn`).
 * @throws AppError `validation` (422, field errors), `not_found` outside the actor's scope, `conflict` when the
 *   case is already closed, not yet accepted (attorney), or changed at the same moment by someone else
 */
export async function closeCase(ctx: AppContext, actor: StaffActor, caseId: string, input: { reason: string; on: string }, scope: 'program' | 'provider'): Promise<void> {
  const fields: Array<{ field: string; key: string }> = [];
  if (!isClosingReason(input.reason)) fields.push({ field: 'closingReason', key: 'legal-defense.error.closingReason' });
  if (!isIsoDate(input.on)) fields.push({ field: 'closedOn', key: 'legal-defense.error.date' });
  else if (input.on > cityDate(ctx, ctx.now())) fields.push({ field: 'closedOn', key: 'legal-defense.error.dateInFuture' });
  if (fields.length > 0) throw new AppError('validation', { fields, messageKey: fields[0]?.key });
  const reason = input.reason as ClosingReason;
  const now = ctx.now();
  const nowIso = now.toISOString();
  await inTransaction(ctx.db, async (tx) => {
    const row = await requireCase(tx, caseId);
    if (!(await inScope(tx, actor, { kind: scope }, row))) throw new AppError('not_found');
    if (row.open !== 1) throw new AppError('conflict', { messageKey: 'legal-defense.error.alreadyClosed' });
    if (scope === 'provider' && row.status !== 'accepted' && row.status !== 'contacted') throw new AppError('conflict', { messageKey: 'legal-defense.error.notAccepted' });
    if (input.on < cityDate(ctx, new Date(row.created_at))) throw invalid('closedOn', 'legal-defense.error.closedBeforeReport');
    const outcome = OUTCOME_OF_REASON[reason];
    if (outcome && row.outcome !== null && row.outcome !== 'pending' && row.outcome !== outcome) throw invalid('closingReason', 'legal-defense.error.closingOutcome');

    // Claim the case first: of two closings at the same moment, the second fails here and changes nothing.
    const claimed = await legalDefenseRepo.updateCase(tx, caseId, row.revision, {
      status: 'closed',
      open: 0,
      closing_reason: reason,
      closed_on: input.on,
      closed_at: nowIso,
      updated_at: nowIso,
      ...(outcome ? { outcome } : {}),
    });
    if (!claimed) throw new AppError('conflict', { messageKey: 'legal-defense.error.changed' });

    // A pending offer is withdrawn (the provider is no longer asked to answer).
    if (row.status === 'offered' && row.assignment_id) {
      await legalDefenseRepo.settleAssignment(tx, row.assignment_id, { status: 'withdrawn', responded_at: nowIso, reason_code: CLOSED_CLOCK_REASON, actor_id: actor.userId });
    }
    // Every clock still running for the case stops: met ones (first contact, filed deadlines) stay met.
    for (const recordType of Object.values(CLOCK_RECORD_TYPES)) {
      for (const clock of await ctx.clocks.forRecord({ owner: CLOCK_OWNER, recordType, recordId: caseId }, tx)) {
        if (OPEN_STATUSES.includes(clock.status)) await ctx.clocks.stop(tx, clock.id, CLOSED_CLOCK_REASON, { by: actor.userId });
      }
    }
    if (row.provider_id && HELD.has(row.status)) await legalDefenseRepo.addOpenCases(tx, row.provider_id, -1);
    if (outcome && row.outcome !== outcome) await addEvent(tx, caseId, 'outcome', now, actor.userId, outcome);
    await addEvent(tx, caseId, 'closed', now, actor.userId, reason);
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: CASE_RECORD, id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'decision.closed' });
  });
}
