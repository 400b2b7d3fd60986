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
import { isIsoDate } from '../../core/dates.ts';
import { isFacilityChoice } from './legal-defense.facilities.ts';
import { CASE_RECORD, CLOCK_OWNER, CLOCK_RECORD_TYPES, type DetentionPart, type StaffActor, addEvent, at, cityDate, inScope, requireCase, tellFamily } from './legal-defense.service.ts';

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

// ---------------------------------------------------------------------------------------------------------
// Custody, transfers, relief and outcome

export const CUSTODY = ['detained', 'released-bond', 'released-parole', 'alternatives-to-detention', 'released-other', 'removed'] as const;
export const RELIEF = ['asylum', 'withholding', 'cat', 'cancellation', 'adjustment', 'voluntary-departure', 'other'] as const;
/** Custody that means the person is out of detention in the United States. */
const RELEASED: ReadonlySet<string> = new Set(['released-bond', 'released-parole', 'alternatives-to-detention', 'released-other']);
export const OUTCOMES = ['pending', 'relief-granted', 'terminated', 'removal-ordered', 'voluntary-departure'] as const;

/**
 * Records custody now, the relief pursued and the outcome (codes only, kept in plain text for the figures).
 * Program staff on any open case; an attorney on a case their provider accepted.
 */
export async function recordStatus(
  ctx: AppContext,
  actor: StaffActor,
  caseId: string,
  input: { custody: string; relief: readonly string[]; outcome: string },
  scope: 'program' | 'provider',
): Promise<void> {
  if (!(CUSTODY as readonly string[]).includes(input.custody)) throw invalid('custody', 'legal-defense.error.custody');
  if (input.relief.some((r) => !(RELIEF as readonly string[]).includes(r))) throw invalid('relief', 'legal-defense.error.relief');
  if (!(OUTCOMES as readonly string[]).includes(input.outcome)) throw invalid('outcome', 'legal-defense.error.outcome');
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    const row = await requireCase(tx, caseId);
    if (!(await inScope(tx, actor, { kind: scope }, row))) throw new AppError('not_found');
    if (row.open !== 1 || (scope === 'provider' && row.status !== 'accepted' && row.status !== 'contacted')) throw new AppError('conflict', { messageKey: 'legal-defense.error.notAccepted' });
    await legalDefenseRepo.updateCase(tx, caseId, row.revision, { custody: input.custody, relief_sought: JSON.stringify([...new Set(input.relief)]), outcome: input.outcome, updated_at: now.toISOString() });
    if (row.custody !== input.custody) await addEvent(tx, caseId, 'custody', now, actor.userId, input.custody);
    // Out of detention (not removed): the contact who asked to be told hears it, once per release.
    if (RELEASED.has(input.custody) && !RELEASED.has(row.custody ?? 'detained')) await tellFamily(ctx, tx, caseId, row, 'released');
    if (row.outcome !== input.outcome) await addEvent(tx, caseId, 'outcome', now, actor.userId, input.outcome);
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: CASE_RECORD, id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'court.status' });
  });
}

/**
 * The person was moved to another facility: the detention part is sealed again with the new place (the
 * location stays a restricted field); the history says only "transferred".
 */
export async function recordTransfer(ctx: AppContext, actor: StaffActor, caseId: string, input: { facility: string; facilityOther?: string }, scope: 'program' | 'provider'): Promise<void> {
  if (!isFacilityChoice(input.facility) || input.facility === 'unknown') throw invalid('facility', 'legal-defense.error.facility');
  if (input.facility === 'other' && !input.facilityOther?.trim()) throw invalid('facilityOther', 'legal-defense.error.required');
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    const row = await requireCase(tx, caseId);
    if (!(await inScope(tx, actor, { kind: scope }, row))) throw new AppError('not_found');
    if (row.open !== 1) throw new AppError('conflict', { messageKey: 'legal-defense.error.notAccepted' });
    const sealed = await ctx.vault.useSubject(caseId, (c) => {
      const current = c.openJson<DetentionPart>(row.detention_sealed, at('detention_sealed', caseId));
      const next: DetentionPart = { ...current, facility: input.facility, facilityOther: input.facility === 'other' ? input.facilityOther?.trim().slice(0, 200) : undefined };
      return c.sealJson(next, at('detention_sealed', caseId));
    });
    await legalDefenseRepo.updateCase(tx, caseId, row.revision, { detention_sealed: sealed, custody: 'detained', updated_at: now.toISOString() });
    await addEvent(tx, caseId, 'transferred', now, actor.userId, null);
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: CASE_RECORD, id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'field.restricted' });
  });
}
