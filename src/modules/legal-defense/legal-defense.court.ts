/**
 * The case through immigration court: what happened (Notice to Appear, hearings, decisions) and the deadline
 * clocks each event starts. The deadlines are rules of the jurisdiction profile (`clocks.biaAppeal`,
 * `petitionForReview`, `motionToReopen`, `motionToReconsider`, `asylumOneYear`), counted by `core/clocks`
 * from the event's local date; which event starts which rules is this module's data ({@link PROCEEDINGS}).
 * Hearings may be scheduled ahead (the hearing calendar); decisions and arrivals cannot be in the future.
 */
import { randomId } from '../../core/crypto/random.ts';
import { type Tx, inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import type { ClockName } from '../../core/jurisdiction/profile.schema.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import { isIsoDate } from './legal-defense.schemas.ts';
import { CASE_RECORD, CLOCK_OWNER, CLOCK_RECORD_TYPES, type StaffActor, addEvent, cityDate, inScope, requireCase } from './legal-defense.service.ts';

/** Each kind of court event, whether it may be dated ahead (a scheduled hearing), and the deadline rules it starts. */
export const PROCEEDINGS = {
  'notice-to-appear': { future: false, rules: [] },
  'master-calendar': { future: true, rules: [] },
  'bond-hearing': { future: true, rules: [] },
  'individual-hearing': { future: true, rules: [] },
  /** The immigration judge's decision: appeal to the BIA (30 days), reconsider (30), reopen (90). */
  'ij-decision': { future: false, rules: ['biaAppeal', 'motionToReconsider', 'motionToReopen'] },
  /** The BIA's decision (a final order): petition for review (30 days), reopen (90). */
  'bia-decision': { future: false, rules: ['petitionForReview', 'motionToReopen'] },
  /** The person's last arrival in the United States: the asylum one-year deadline. */
  'last-arrival': { future: false, rules: ['asylumOneYear'] },
} as const satisfies Record<string, { future: boolean; rules: readonly ClockName[] }>;
export type ProceedingKind = keyof typeof PROCEEDINGS;
export const PROCEEDING_KINDS = Object.keys(PROCEEDINGS) as ProceedingKind[];

function invalid(field: string, key: string): AppError {
  return new AppError('validation', { fields: [{ field, key }], messageKey: key });
}

/**
 * Records a court event on a case and starts its deadline clocks (each rule its own clock, so each can be met
 * on its own). Program staff may record on any open case; an attorney only on a case their provider accepted.
 */
export async function recordProceeding(ctx: AppContext, actor: StaffActor, caseId: string, input: { kind: string; on: string }, scope: 'program' | 'provider'): Promise<string[]> {
  if (!(PROCEEDING_KINDS as string[]).includes(input.kind)) throw invalid('kind', 'legal-defense.error.proceedingKind');
  if (!isIsoDate(input.on)) throw invalid('on', 'legal-defense.error.date');
  const kind = input.kind as ProceedingKind;
  const spec = PROCEEDINGS[kind];
  if (!spec.future && input.on > cityDate(ctx, ctx.now())) throw invalid('on', 'legal-defense.error.dateInFuture');
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx: Tx) => {
    const row = await requireCase(tx, caseId);
    if (!(await inScope(tx, actor, { kind: scope }, row))) throw new AppError('not_found');
    if (row.open !== 1 || (scope === 'provider' && row.status !== 'accepted' && row.status !== 'contacted')) throw new AppError('conflict', { messageKey: 'legal-defense.error.notAccepted' });
    await tx.insertInto('legal_defense_proceedings').values({ id: randomId(), case_id: caseId, kind, on_date: input.on, actor_id: actor.userId, created_at: now.toISOString() }).execute();
    const clocks: string[] = [];
    for (const rule of spec.rules) {
      const clock = await ctx.clocks.startClock(tx, { owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.deadline, recordId: caseId, rules: [rule], start: input.on, by: actor.userId });
      clocks.push(clock.id);
    }
    await legalDefenseRepo.updateCase(tx, caseId, row.revision, { updated_at: now.toISOString() });
    await addEvent(tx, caseId, 'proceeding', now, actor.userId, kind);
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: CASE_RECORD, id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'court.proceeding' });
    return clocks;
  });
}

/** A filing met a deadline (the appeal or motion was filed): the clock is met. Only the case's own deadline clocks. */
export async function meetDeadline(ctx: AppContext, actor: StaffActor, caseId: string, clockId: string, scope: 'program' | 'provider'): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await requireCase(tx, caseId);
    if (!(await inScope(tx, actor, { kind: scope }, row))) throw new AppError('not_found');
    const clock = await ctx.clocks.get(clockId, tx);
    if (!clock || clock.owner !== CLOCK_OWNER || clock.recordType !== CLOCK_RECORD_TYPES.deadline || clock.recordId !== caseId) throw new AppError('not_found');
    await ctx.clocks.meet(tx, clockId, ctx.now(), { by: actor.userId });
    await addEvent(tx, caseId, 'deadline-met', ctx.now(), actor.userId, clock.governingRule.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: CASE_RECORD, id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'court.deadline-met' });
  });
}
