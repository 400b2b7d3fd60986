/**
 * The certifying queue's actions on one request: route it, record the case facts, assess helpfulness, ask
 * for information (pausing the clock only where the rule allows), delay for good cause, complete Supplement B,
 * certify and sign, propose a denial, review it (a supervisor, a second person), reconsider, withdraw, add
 * family members for age-out alerts.
 *
 * Each action runs in one transaction: the request's change, its clock's change, its history line, any
 * notification and the audit entry commit together. A request carries a revision: two officials acting on
 * the same request at once cannot both win (the second gets a translated conflict).
 */
import { z } from 'zod';
import type { ClockNotice } from '../../core/clocks/index.ts';
import { randomId } from '../../core/crypto/random.ts';
import { type Tx, inTransaction } from '../../core/db/transaction.ts';
import { AppError, type FieldError } from '../../core/http/errors.ts';
import { parseInput } from '../../core/http/validate.ts';
import { isLocale } from '../../core/i18n/locales.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { draftSupplement } from './supplement-b/supplement-b.answers.ts';
import { type SupplementForm, supplementFormFor, supplementProblems, withBranchAnswers } from './supplement-b/supplement-b.fields.ts';
import {
  AWAITING_REQUESTER,
  CLOCK_OWNER,
  CLOCK_RECORD_TYPES,
  daysLeft,
  goodCauseReasons,
  notifyStaff,
  pausesForInformation,
} from './u-visa.clocks.ts';
import { type RequestRow, queueKey, uVisaRepo } from './u-visa.repo.ts';
import { certifyingAgencies } from './u-visa.routing.ts';
import { isIsoDate } from '../../core/dates.ts';
import { normalizeANumber } from './u-visa.schemas.ts';
import {
  type AssessmentPart,
  type CaseFacts,
  type CasePart,
  type FamilyMember,
  type RequestDetail,
  type RequesterPart,
  REQUEST_RECORD,
  type StaffActor,
  type SupplementAnswers,
  type VictimPart,
  aNumberIndex,
  addAction,
  at,
  cityDate,
  openRequestRow,
  requireRow,
  shortReference,
  startAgeOutClock,
} from './u-visa.service.ts';
import { wholeNumber } from '../../core/http/validate.ts';

/** Why a request may be denied. Every denial also needs a written explanation. */
export const DENIAL_REASONS = ['not-helpful', 'no-qualifying-crime', 'no-investigation', 'other'] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

/** The job that prints the decision letter and sends it to the requester. */
export const LETTER_JOB = 'u-visa.send-decision-letter';

function conflict(key = 'u-visa.error.changed'): AppError {
  return new AppError('conflict', { messageKey: key });
}

function invalid(fields: FieldError[], messageKey?: string): AppError {
  return new AppError('validation', { fields, messageKey });
}

/** Applies a change at the row's revision, or reports that someone else acted first. */
async function change(tx: Tx, row: RequestRow, changes: Parameters<typeof uVisaRepo.update>[3], now: Date): Promise<void> {
  if (!(await uVisaRepo.update(tx, row.id, row.revision, { ...changes, updated_at: now.toISOString() }))) throw conflict();
}

async function audit(ctx: AppContext, tx: Tx, actor: StaffActor, id: string, detail: string, purpose: 'case-work' | 'supervision' = 'case-work'): Promise<void> {
  await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: REQUEST_RECORD, id }, purpose, requestId: actor.requestId, detail });
}

async function openAssessment(ctx: AppContext, row: RequestRow): Promise<AssessmentPart> {
  return row.assessment_sealed ? ctx.vault.openJson<AssessmentPart>(row.id, row.assessment_sealed, at('assessment_sealed', row.id)) : {};
}

async function sealAssessment(ctx: AppContext, id: string, value: AssessmentPart): Promise<string> {
  return ctx.vault.sealJson(id, value, at('assessment_sealed', id));
}

function requireOpen(row: RequestRow, allowed: readonly string[] = ['received', 'info-requested', 'reconsideration']): void {
  if (!allowed.includes(row.status)) throw conflict('u-visa.error.wrongStatus');
}

/** Runs an action on one request in one transaction (the row is read inside it). */
async function act<T>(ctx: AppContext, id: string, fn: (tx: Tx, row: RequestRow, now: Date) => Promise<T>): Promise<T> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => fn(tx, await requireRow(tx, id), now));
}

/** Copies the clock's new due time into the queue's sort key. */
async function followClock(tx: Tx, row: RequestRow, dueAt: Date, now: Date): Promise<void> {
  const due = dueAt.toISOString();
  await change(tx, row, { due_at: due, queue_key: queueKey(row.expedited === 1, due, row.id) }, now);
}

// ---------------------------------------------------------------------------------------------------------
// Preparing the file

/** Sends a request to a certifying department (one that certifies its visa type). */
export async function routeTo(ctx: AppContext, actor: StaffActor, id: string, department: string): Promise<void> {
  await act(ctx, id, async (tx, row, now) => {
    requireOpen(row, ['received', 'info-requested', 'reconsideration', 'pending-review']);
    const agency = certifyingAgencies(ctx.jurisdiction).find((a) => a.id === department);
    if (!agency || !agency.visaTypes.includes(row.visa_type as 'U' | 'T')) throw invalid([{ field: 'department', key: 'u-visa.error.department' }]);
    await change(tx, row, { department }, now);
    await addAction(tx, id, 'routed', now, actor.userId, department);
    await audit(ctx, tx, actor, id, 'action.route');
  });
}

const optionalText = (max: number) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max, 'u-visa.error.tooLong').optional());
const optionalDate = z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(isIsoDate, 'u-visa.error.date').optional());

/** The case facts form (staff). */
export const caseFactsSchema = z.strictObject({
  _csrf: z.string().optional(),
  agencyCaseNumber: optionalText(60),
  reportDate: optionalDate,
  crimeDateFrom: optionalDate,
  crimeDateTo: optionalDate,
  crimeLocation: optionalText(200),
  statutes: optionalText(500),
  description: optionalText(4000),
  injuries: optionalText(2000),
  investigationStatus: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['ongoing', 'completed', 'none'], 'u-visa.error.invalid').optional()),
  familyImplicated: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['yes', 'no'], 'u-visa.error.invalid').optional()),
  familyImplicatedDetails: optionalText(2000),
});

/**
 * Records the facts of the agency's file. Dates must be in order: the crime after the victim's birth, its
 * last day after its first, the report on or after the crime, nothing in the future.
 */
export async function recordCaseFacts(ctx: AppContext, actor: StaffActor, id: string, body: unknown): Promise<void> {
  const facts: CaseFacts = parseInput(caseFactsSchema, body);
  delete (facts as { _csrf?: string })._csrf;
  await act(ctx, id, async (tx, row, now) => {
    const today = cityDate(ctx, now);
    const victim = await ctx.vault.openJson<VictimPart>(id, row.victim_sealed, at('victim_sealed', id));
    const errors: FieldError[] = [];
    for (const f of ['reportDate', 'crimeDateFrom', 'crimeDateTo'] as const) {
      const value = facts[f];
      if (value !== undefined && value > today) errors.push({ field: f, key: 'u-visa.error.dateInFuture' });
    }
    if (facts.crimeDateFrom && facts.crimeDateFrom < victim.dateOfBirth) errors.push({ field: 'crimeDateFrom', key: 'u-visa.error.crimeBeforeBirth' });
    if (facts.crimeDateTo && !facts.crimeDateFrom) errors.push({ field: 'crimeDateFrom', key: 'u-visa.error.required' });
    if (facts.crimeDateTo && facts.crimeDateFrom && facts.crimeDateTo < facts.crimeDateFrom) errors.push({ field: 'crimeDateTo', key: 'u-visa.error.datesOutOfOrder' });
    if (facts.reportDate && facts.crimeDateFrom && facts.reportDate < facts.crimeDateFrom) errors.push({ field: 'reportDate', key: 'u-visa.error.reportBeforeCrime' });
    if (facts.familyImplicatedDetails && facts.familyImplicated !== 'yes') errors.push({ field: 'familyImplicatedDetails', key: 'u-visa.error.datesOutOfOrder' });
    if (errors.length > 0) throw invalid(errors.filter((e, i) => errors.findIndex((x) => x.field === e.field) === i));
    const current = await ctx.vault.openJson<CasePart>(id, row.case_sealed, at('case_sealed', id));
    await change(tx, row, { case_sealed: await ctx.vault.sealJson(id, { ...current, facts } satisfies CasePart, at('case_sealed', id)) }, now);
    await addAction(tx, id, 'facts-recorded', now, actor.userId);
    await audit(ctx, tx, actor, id, 'action.case-facts');
  });
}

/** The helpfulness assessment form. */
export const helpfulnessSchema = z.strictObject({
  _csrf: z.string().optional(),
  helpfulness: z.enum(['presumed', 'helpful', 'not-helpful'], 'u-visa.error.invalid'),
  reason: optionalText(2000),
});

/**
 * Records the helpfulness assessment. Under the presumption (the platform's default), the victim is presumed
 * helpful and only a documented reason says otherwise; with no presumption, staff must assess before
 * deciding. "Not helpful" always needs the reason written down.
 */
export async function assessHelpfulness(ctx: AppContext, actor: StaffActor, id: string, body: unknown): Promise<void> {
  const input = parseInput(helpfulnessSchema, body);
  const presumption = ctx.jurisdiction.uVisa.helpfulnessPresumption.value;
  if (input.helpfulness === 'presumed' && presumption !== 'certify-unless-documented-reason') throw invalid([{ field: 'helpfulness', key: 'u-visa.error.noPresumption' }]);
  if (input.helpfulness === 'not-helpful' && !input.reason) throw invalid([{ field: 'reason', key: 'u-visa.error.reasonRequired' }]);
  await act(ctx, id, async (tx, row, now) => {
    requireOpen(row);
    const assessment = await openAssessment(ctx, row);
    assessment.helpfulnessReason = input.helpfulness === 'not-helpful' ? input.reason : undefined;
    await change(tx, row, { helpfulness: input.helpfulness, assessment_sealed: await sealAssessment(ctx, id, assessment) }, now);
    await addAction(tx, id, 'helpfulness-assessed', now, actor.userId, input.helpfulness);
    await audit(ctx, tx, actor, id, `helpfulness.${input.helpfulness}`);
  });
}

/** Sends the requester a message about their request, in their language, on their channel (not by phone). */
async function messageRequester(ctx: AppContext, tx: Tx, row: RequestRow, template: string, values: Record<string, string | number>): Promise<boolean> {
  if (row.contact_method === 'phone') return false;
  const requester = await ctx.vault.openJson<RequesterPart>(row.id, row.requester_sealed, at('requester_sealed', row.id));
  const to = row.contact_method === 'email' ? requester.email : requester.phone;
  if (!to) return false;
  await ctx.notifier.enqueue(
    {
      channel: row.contact_method === 'email' ? 'email' : 'sms',
      to,
      template,
      values: { reference: shortReference(row.id), ...values },
      locale: isLocale(row.language) ? row.language : 'en',
      subjectRef: row.id,
      about: { type: REQUEST_RECORD, id: row.id },
    },
    tx,
  );
  return true;
}

export const infoRequestSchema = z.strictObject({ _csrf: z.string().optional(), note: z.string().trim().min(1, 'u-visa.error.required').max(2000, 'u-visa.error.tooLong') });

/**
 * Asks the requester for more information. The clock pauses only when every rule of the request's clock
 * allows it (Minneapolis: no rule does, so the 7 or 30 days keep running); the requester is told.
 * Returns whether the clock paused.
 */
export async function requestInformation(ctx: AppContext, actor: StaffActor, id: string, body: unknown): Promise<{ paused: boolean }> {
  const input = parseInput(infoRequestSchema, body);
  return act(ctx, id, async (tx, row, now) => {
    requireOpen(row, ['received', 'reconsideration']);
    const clock = row.clock_id ? await ctx.clocks.get(row.clock_id, tx) : undefined;
    let paused = false;
    if (clock && clock.status === 'running' && pausesForInformation(ctx.jurisdiction, clock.rules)) {
      await ctx.clocks.pause(tx, clock.id, AWAITING_REQUESTER, { by: actor.userId });
      paused = true;
    }
    const assessment = await openAssessment(ctx, row);
    assessment.infoRequest = input.note;
    await change(tx, row, { status: 'info-requested', assessment_sealed: await sealAssessment(ctx, id, assessment) }, now);
    await addAction(tx, id, 'info-requested', now, actor.userId, paused ? 'clock-paused' : 'clock-running');
    await messageRequester(ctx, tx, row, 'u-visa.notify.infoRequested', { note: input.note });
    await audit(ctx, tx, actor, id, 'action.info-requested');
    return { paused };
  });
}

/** Records that the requested information arrived: back in the queue, and the clock runs again if it paused. */
export async function informationReceived(ctx: AppContext, actor: StaffActor, id: string): Promise<void> {
  await act(ctx, id, async (tx, row, now) => {
    requireOpen(row, ['info-requested']);
    const clock = row.clock_id ? await ctx.clocks.get(row.clock_id, tx) : undefined;
    const wasReconsideration = (await uVisaRepo.actionsOf(tx, id)).some((a) => a.kind === 'reconsideration-requested');
    await change(tx, row, { status: wasReconsideration ? 'reconsideration' : 'received' }, now);
    const fresh = await requireRow(tx, id);
    if (clock?.status === 'paused') {
      const resumed = await ctx.clocks.resume(tx, clock.id, { by: actor.userId });
      await followClock(tx, fresh, resumed.dueAt, now);
    }
    await addAction(tx, id, 'info-received', now, actor.userId);
    await audit(ctx, tx, actor, id, 'action.info-received');
  });
}

export const goodCauseSchema = z.strictObject({
  _csrf: z.string().optional(),
  reasonCode: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'u-visa.error.goodCauseReason'),
  days: wholeNumber('u-visa.error.goodCauseDays', 1, 90),
  note: z.string().trim().min(1, 'u-visa.error.required').max(2000, 'u-visa.error.tooLong'),
});

/**
 * Delays the certification for good cause (off-site records, other good cause), as the city ordinance
 * allows: the city rule moves by `days`, the state maximum does not. The reason code is recorded on the
 * clock and reported; the written explanation is sealed with the request.
 */
export async function delayForGoodCause(ctx: AppContext, actor: StaffActor, id: string, body: unknown): Promise<void> {
  const input = parseInput(goodCauseSchema, body);
  await act(ctx, id, async (tx, row, now) => {
    requireOpen(row, ['received', 'info-requested', 'reconsideration', 'pending-review']);
    if (!row.clock_id) throw conflict('u-visa.error.wrongStatus');
    const clock = await ctx.clocks.get(row.clock_id, tx);
    if (!clock || !goodCauseReasons(ctx.jurisdiction, clock.rules).includes(input.reasonCode)) throw invalid([{ field: 'reasonCode', key: 'u-visa.error.goodCauseReason' }]);
    const extended = await ctx.clocks.extendForGoodCause(tx, clock.id, { reasonCode: input.reasonCode, days: input.days, noteKey: `u-visa.goodCause.${input.reasonCode}`, by: actor.userId });
    const assessment = await openAssessment(ctx, row);
    assessment.goodCauseNote = input.note;
    await change(tx, row, { assessment_sealed: await sealAssessment(ctx, id, assessment) }, now);
    await followClock(tx, await requireRow(tx, id), extended.dueAt, now);
    await addAction(tx, id, 'good-cause', now, actor.userId, input.reasonCode);
    await audit(ctx, tx, actor, id, 'action.good-cause');
  });
}

export const familyMemberSchema = z.strictObject({
  _csrf: z.string().optional(),
  name: z.string().trim().min(1, 'u-visa.error.required').max(100, 'u-visa.error.tooLong'),
  relationship: z.enum(['spouse', 'child', 'parent', 'sibling'], 'u-visa.error.invalid'),
  dateOfBirth: z.string().refine(isIsoDate, 'u-visa.error.date'),
});

/** Adds a family member (an indirect victim or derivative); someone under 21 gets an age-out alert. */
export async function addFamilyMember(ctx: AppContext, actor: StaffActor, id: string, body: unknown): Promise<{ ageOutClock: boolean }> {
  const input = parseInput(familyMemberSchema, body);
  return act(ctx, id, async (tx, row, now) => {
    if (input.dateOfBirth > cityDate(ctx, now)) throw invalid([{ field: 'dateOfBirth', key: 'u-visa.error.dateInFuture' }]);
    const memberId = randomId();
    const person: Omit<FamilyMember, 'id' | 'ageOutClockId'> = { name: input.name, relationship: input.relationship, dateOfBirth: input.dateOfBirth };
    const clockId = row.open === 1 ? await startAgeOutClock(ctx, tx, { requestId: id, dateOfBirth: input.dateOfBirth, now, by: actor.userId }) : null;
    await uVisaRepo.insertFamilyMember(tx, {
      id: memberId,
      request_id: id,
      person_sealed: await ctx.vault.sealJson(id, person, at('person_sealed', memberId, 'u_visa_family_members')),
      age_out_clock_id: clockId,
      created_at: now.toISOString(),
    });
    await change(tx, row, {}, now);
    await addAction(tx, id, 'family-member-added', now, actor.userId, input.relationship);
    await audit(ctx, tx, actor, id, 'action.family-member');
    return { ageOutClock: clockId !== null };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Supplement B

/** Saves the Supplement B draft (blanks allowed until signing). */
export async function saveSupplement(ctx: AppContext, actor: StaffActor, id: string, answers: SupplementAnswers): Promise<void> {
  await act(ctx, id, async (tx, row, now) => {
    requireOpen(row, ['received', 'info-requested', 'reconsideration']);
    const form = supplementFormFor(row.visa_type as 'U' | 'T');
    const problems = supplementProblems(form, answers).filter((p) => p.key !== 'u-visa.error.blankAtSigning');
    if (problems.length > 0) throw invalid(problems);
    await change(tx, row, { supplement_sealed: await ctx.vault.sealJson(id, answers, at('supplement_sealed', id)) }, now);
    await addAction(tx, id, 'supplement-saved', now, actor.userId);
    await audit(ctx, tx, actor, id, 'action.supplement');
  });
}

/** Whole days from one local date to another. */
function daysBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000));
}

/** Closes the request's open clocks: the certification clock met, age-out alerts stopped. */
async function closeClocks(ctx: AppContext, tx: Tx, row: RequestRow, actorId: string, now: Date, outcome: 'met' | 'withdrawn'): Promise<void> {
  if (row.clock_id) {
    const clock = await ctx.clocks.get(row.clock_id, tx);
    if (clock && ['running', 'paused', 'overdue'].includes(clock.status)) {
      if (outcome === 'met') await ctx.clocks.meet(tx, clock.id, now, { by: actorId });
      else await ctx.clocks.stop(tx, clock.id, 'withdrawn', { by: actorId });
    }
  }
  for (const c of await ctx.clocks.forRecord({ owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.ageOut, recordId: row.id }, tx)) {
    if (['running', 'paused', 'overdue'].includes(c.status)) await ctx.clocks.stop(tx, c.id, 'request-closed', { by: actorId });
  }
}

/** The decision fields every final decision sets. */
function decided(row: RequestRow, ctx: AppContext, now: Date, decision: 'certified' | 'denied') {
  return {
    status: decision,
    decision,
    open: 0,
    decided_at: now.toISOString(),
    // Days to the first decision: a reconsideration does not reset the figure the public sees.
    turnaround_days: row.turnaround_days ?? daysBetween(cityDate(ctx, new Date(row.received_at)), cityDate(ctx, now)),
    closed_at: now.toISOString(),
  };
}

/** The helpfulness the decision rests on must be settled: presumed (where the profile says so) or assessed helpful. */
function requireHelpfulForCertification(ctx: AppContext, row: RequestRow): void {
  const presumption = ctx.jurisdiction.uVisa.helpfulnessPresumption.value;
  if (row.helpfulness === 'helpful') return;
  if (row.helpfulness === 'presumed' && presumption === 'certify-unless-documented-reason') return;
  throw invalid([{ field: 'helpfulness', key: row.helpfulness === 'not-helpful' ? 'u-visa.error.assessedNotHelpful' : 'u-visa.error.assessHelpfulness' }], 'u-visa.error.assessHelpfulness');
}

/**
 * Certifies and signs: every required Supplement B item must be answered (USCIS rejects blanks), the
 * helpfulness settled, and the request still at the revision the official saw. Completeness is judged on
 * the answers the Supplement B page shows the official — the saved answers over what is prefilled from the
 * request and the case facts (`draftSupplement`, with `officialName` as the signing official's name) — and
 * exactly those answers are stored as the signed Supplement B. Sets the signature date (the 6-month filing
 * window starts: the requester is warned before it closes), meets the clock, and queues the translated
 * decision letter.
 */
export async function certify(ctx: AppContext, actor: StaffActor, id: string, options: { revision: number; officialName?: string }): Promise<void> {
  await act(ctx, id, async (tx, row, now) => {
    if (row.revision !== options.revision) throw conflict();
    requireOpen(row);
    requireHelpfulForCertification(ctx, row);
    const form: SupplementForm = supplementFormFor(row.visa_type as 'U' | 'T');
    const today = cityDate(ctx, now);
    const parts = await openRequestRow(ctx, row);
    const shown = draftSupplement(
      ctx.jurisdiction,
      { ...parts, reference: shortReference(id), visaType: row.visa_type as 'U' | 'T', department: row.department, language: row.language as RequestDetail['language'] },
      { name: options.officialName },
    );
    const answers = withBranchAnswers(form, { ...shown, signatureDate: today });
    const problems = supplementProblems(form, answers, { includeSystem: true });
    if (problems.length > 0) throw invalid(problems, 'u-visa.error.blankAtSigning');
    await change(tx, row, { ...decided(row, ctx, now, 'certified'), signed_on: today, supplement_sealed: await ctx.vault.sealJson(id, answers, at('supplement_sealed', id)) }, now);
    await closeClocks(ctx, tx, row, actor.userId, now, 'met');
    // The filing window: USCIS must receive the petition within 6 months of the signature (I-918 only).
    if (form === 'I-918B') {
      await ctx.clocks.startClock(tx, { owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.signature, recordId: id, rules: ['uVisaCertificationSignatureValidity'], start: today, by: actor.userId });
    }
    await addAction(tx, id, 'certified', now, actor.userId);
    await ctx.jobs.enqueue({ name: LETTER_JOB, payload: { requestId: id }, dedupeKey: `letter:${id}:${row.revision + 1}` }, tx);
    await audit(ctx, tx, actor, id, 'decision.certified');
  });
}

export const denialSchema = z.strictObject({
  _csrf: z.string().optional(),
  revision: wholeNumber('form.error.invalid', 0, Number.MAX_SAFE_INTEGER),
  reason: z.enum(DENIAL_REASONS, 'u-visa.error.denialReason'),
  explanation: z.string().trim().min(1, 'u-visa.error.explanationRequired').max(4000, 'u-visa.error.tooLong'),
});

/**
 * Proposes a denial, with a reason and a written explanation. Under the presumption of helpfulness a denial
 * for lack of helpfulness needs the documented assessment first. The request waits for a supervisor's review.
 */
export async function proposeDenial(ctx: AppContext, actor: StaffActor, id: string, body: unknown): Promise<void> {
  const input = parseInput(denialSchema, body);
  await act(ctx, id, async (tx, row, now) => {
    if (row.revision !== input.revision) throw conflict();
    requireOpen(row);
    if (input.reason === 'not-helpful' && row.helpfulness !== 'not-helpful') {
      throw invalid([{ field: 'reason', key: 'u-visa.error.presumptionNotRebutted' }], 'u-visa.error.presumptionNotRebutted');
    }
    const assessment = await openAssessment(ctx, row);
    assessment.denialExplanation = input.explanation;
    await change(tx, row, { status: 'pending-review', denial_reason: input.reason, assessment_sealed: await sealAssessment(ctx, id, assessment) }, now);
    await addAction(tx, id, 'denial-proposed', now, actor.userId, input.reason);
    await notifyStaff(ctx, tx, { roles: ['certifying-supervisor'], template: 'u-visa.notify.reviewNeeded', requestId: id, values: { reference: shortReference(id) } });
    await audit(ctx, tx, actor, id, 'decision.denial-proposed');
  });
}

export const reviewSchema = z.strictObject({
  _csrf: z.string().optional(),
  revision: wholeNumber('form.error.invalid', 0, Number.MAX_SAFE_INTEGER),
  outcome: z.enum(['confirm', 'return'], 'u-visa.error.invalid'),
  note: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(2000, 'u-visa.error.tooLong').optional()),
});

/**
 * A supervisor reviews a proposed denial — a second person, never the one who proposed it. Confirming makes
 * it final (the clock is met, the letter goes out); returning sends it back to the queue with a note.
 */
export async function reviewDenial(ctx: AppContext, actor: StaffActor, id: string, body: unknown): Promise<void> {
  const input = parseInput(reviewSchema, body);
  if (input.outcome === 'return' && !input.note) throw invalid([{ field: 'note', key: 'u-visa.error.required' }]);
  await act(ctx, id, async (tx, row, now) => {
    if (row.revision !== input.revision) throw conflict();
    requireOpen(row, ['pending-review']);
    const proposal = (await uVisaRepo.actionsOf(tx, id)).filter((a) => a.kind === 'denial-proposed').at(-1);
    if (proposal?.actor_id === actor.userId) throw new AppError('forbidden', { messageKey: 'u-visa.error.secondPerson' });
    const assessment = await openAssessment(ctx, row);
    if (input.note) assessment.reviewNote = input.note;
    const sealed = await sealAssessment(ctx, id, assessment);
    if (input.outcome === 'confirm') {
      await change(tx, row, { ...decided(row, ctx, now, 'denied'), assessment_sealed: sealed }, now);
      await closeClocks(ctx, tx, row, actor.userId, now, 'met');
      await addAction(tx, id, 'denial-confirmed', now, actor.userId, row.denial_reason);
      await ctx.jobs.enqueue({ name: LETTER_JOB, payload: { requestId: id }, dedupeKey: `letter:${id}:${row.revision + 1}` }, tx);
      await audit(ctx, tx, actor, id, 'decision.denied', 'supervision');
    } else {
      const reconsidering = (await uVisaRepo.actionsOf(tx, id)).some((a) => a.kind === 'reconsideration-requested');
      await change(tx, row, { status: reconsidering ? 'reconsideration' : 'received', denial_reason: null, assessment_sealed: sealed }, now);
      await addAction(tx, id, 'denial-returned', now, actor.userId);
      await audit(ctx, tx, actor, id, 'decision.denial-returned', 'supervision');
    }
  });
}

export const reconsiderationSchema = z.strictObject({ _csrf: z.string().optional(), note: z.string().trim().min(1, 'u-visa.error.required').max(2000, 'u-visa.error.tooLong') });

/**
 * Records a request for reconsideration of a denial: the request is open again, on a new clock with the same
 * rules (our reading: the city's time limits apply to the new request), and back in the queue.
 */
export async function reconsider(ctx: AppContext, actor: StaffActor, id: string, body: unknown): Promise<void> {
  const input = parseInput(reconsiderationSchema, body);
  await act(ctx, id, async (tx, row, now) => {
    requireOpen(row, ['denied']);
    const previous = row.clock_id ? await ctx.clocks.get(row.clock_id, tx) : undefined;
    if (!previous) throw conflict('u-visa.error.wrongStatus');
    const clock = await ctx.clocks.startClock(tx, { owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.certification, recordId: id, rules: previous.rules, start: now, by: actor.userId });
    const assessment = await openAssessment(ctx, row);
    assessment.reconsiderationNote = input.note;
    const due = clock.dueAt.toISOString();
    await change(
      tx,
      row,
      {
        status: 'reconsideration',
        open: 1,
        closed_at: null,
        clock_id: clock.id,
        due_at: due,
        queue_key: queueKey(row.expedited === 1, due, id),
        denial_reason: null,
        assessment_sealed: await sealAssessment(ctx, id, assessment),
      },
      now,
    );
    await addAction(tx, id, 'reconsideration-requested', now, actor.userId);
    await audit(ctx, tx, actor, id, 'action.reconsideration');
  });
}

/** Records that the requester withdrew the request: it leaves the queue and its clocks stop. */
export async function withdraw(ctx: AppContext, actor: StaffActor, id: string): Promise<void> {
  await act(ctx, id, async (tx, row, now) => {
    requireOpen(row, ['received', 'info-requested', 'reconsideration', 'pending-review']);
    await change(tx, row, { status: 'withdrawn', open: 0, decided_at: now.toISOString(), closed_at: now.toISOString() }, now);
    await closeClocks(ctx, tx, row, actor.userId, now, 'withdrawn');
    await addAction(tx, id, 'withdrawn', now, actor.userId);
    await audit(ctx, tx, actor, id, 'action.withdrawn');
  });
}

// ---------------------------------------------------------------------------------------------------------
// Search and warnings

/**
 * Finds requests by A-number (keyed blind index, then each candidate opened and compared). Returns ids and
 * statuses only; the search itself is audited (opening a result is audited again).
 */
export async function searchByANumber(ctx: AppContext, actor: StaffActor, raw: string): Promise<Array<{ id: string; reference: string }>> {
  const aNumber = normalizeANumber(raw);
  if (!aNumber) throw invalid([{ field: 'aNumber', key: 'u-visa.error.aNumber' }]);
  return inTransaction(ctx.db, async (tx) => {
    const candidates = await uVisaRepo.findByANumberIndex(tx, aNumberIndex(ctx, aNumber));
    const out: Array<{ id: string; reference: string }> = [];
    for (const c of candidates) {
      if (!c.a_number_sealed) continue;
      if ((await ctx.vault.open(c.id, c.a_number_sealed, at('a_number_sealed', c.id))) === aNumber) out.push({ id: c.id, reference: shortReference(c.id) });
    }
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.search', purpose: 'case-work', requestId: actor.requestId, detail: `results.${out.length === 0 ? 'none' : 'some'}` });
    return out;
  });
}

/**
 * The signature-window warning (a reminder of the signature clock): the requester is told, in their language,
 * by when USCIS must receive the petition; when they are reached by phone, staff are asked to call.
 */
export async function warnRequester(ctx: AppContext, tx: Tx, requestId: string, notice: ClockNotice): Promise<void> {
  const row = await uVisaRepo.findById(tx, requestId);
  if (!row) return;
  const today = cityDate(ctx, notice.at);
  const values = { fileBy: notice.clock.dueDate, daysLeft: daysLeft(today, notice.clock.dueDate) };
  const sent = await messageRequester(ctx, tx, row, 'u-visa.notify.signatureWindow', values);
  if (!sent) await notifyStaff(ctx, tx, { roles: ['certifying-official', 'program-staff'], template: 'u-visa.notify.callRequester', requestId, values: { ...values, reference: shortReference(requestId) } });
  await addAction(tx, requestId, 'signature-warning', notice.at, null, sent ? 'message-sent' : 'call-requested');
}
