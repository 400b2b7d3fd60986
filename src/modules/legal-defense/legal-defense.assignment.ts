/**
 * Providers and assignment. An eligible case is offered to one provider chosen by a capacity-aware rotation:
 * providers that are active, available, under capacity, without a conflict (one of their existing parties
 * has the person's blind index) and that have not already declined or let the case expire; among them, one
 * that works in the person's language first, then the one offered a case longest ago, then the least loaded.
 * The choice is recorded with its reasons ("why this provider").
 *
 * The provider accepts or declines within the profile's service level (`legalDefenseProviderAccept`, e.g. 4
 * hours). A decline, or no answer by the due time (the clock engine's reminder job calls `onOverdue`), offers
 * the case to the next provider. The report-to-first-contact clock (`legalDefenseFirstAttorneyContact`, e.g.
 * 24 hours) is met when the attorney records the first contact, and escalates to program staff otherwise.
 */
import type { ClockHandlers, ClockNotice, ClockHandlerRun } from '../../core/clocks/index.ts';
import { randomId } from '../../core/crypto/random.ts';
import { type Executor, type Tx, inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import { isLocale } from '../../core/i18n/locales.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { secretsFor } from '../../core/auth/auth-secrets.ts';
import { type CandidateRow, legalDefenseRepo } from './legal-defense.repo.ts';
import { contactSeconds } from './legal-defense.outcomes.ts';
import type { DeclineReason, ProviderInput } from './legal-defense.schemas.ts';
import { CLOCK_OWNER, CLOCK_RECORD_TYPES, type Explanation, type OfferedCase, type StaffActor, addEvent, aNumberIndex, identityIndex, requireCase, tellFamily } from './legal-defense.service.ts';

/** A provider as the rotation sees it. */
export interface Candidate {
  id: string;
  active: boolean;
  available: boolean;
  capacity: number;
  openCases: number;
  languages: readonly string[];
  lastAssignedAt: string | null;
}

/** Turns a provider row into a rotation candidate. */
export function candidateOf(p: CandidateRow): Candidate {
  return { id: p.id, active: p.active === 1, available: p.available === 1, capacity: p.capacity, openCases: p.open_cases, languages: languageList(p.languages), lastAssignedAt: p.last_assigned_at };
}

// Every offer reads every provider: their language lists (a few distinct texts) are parsed once each.
const languageLists = new Map<string, readonly string[]>();

function languageList(json: string): readonly string[] {
  let list = languageLists.get(json);
  if (list === undefined) {
    list = Object.freeze(JSON.parse(json) as string[]);
    if (languageLists.size >= 1000) languageLists.clear();
    languageLists.set(json, list);
  }
  return list;
}

/** What the rotation weighs a case against. */
export interface RotationOptions {
  language: string;
  conflicted: ReadonlySet<string>;
  declined: ReadonlySet<string>;
  /** Providers another transaction is offering a case at this moment (PostgreSQL; see `claimProvider`). */
  busy?: ReadonlySet<string>;
}

/** Why an active provider cannot take the case, or null when it can. */
function exclusion(c: Candidate, options: RotationOptions): Explanation['excluded'][number]['reason'] | null {
  if (options.conflicted.has(c.id)) return 'conflict';
  if (options.declined.has(c.id)) return 'declined';
  if (!c.available) return 'unavailable';
  if (c.openCases >= c.capacity) return 'full';
  if (options.busy?.has(c.id)) return 'busy';
  return null;
}

/**
 * The rotation itself (pure, so it is tested and measured alone): the chosen provider, or `null`, with the
 * explanation recorded on the offer.
 */
export function chooseProvider(candidates: readonly Candidate[], options: RotationOptions): Explanation {
  const excluded: Explanation['excluded'] = [];
  let best: Candidate | null = null;
  let bestMatch = false;
  let eligible = 0;
  for (const c of candidates) {
    if (!c.active) continue;
    const reason = exclusion(c, options);
    if (reason) excluded.push({ providerId: c.id, reason });
    else {
      eligible++;
      const match = c.languages.includes(options.language);
      if (best === null || better(c, match, best, bestMatch)) {
        best = c;
        bestMatch = match;
      }
    }
  }
  return {
    chosen: best?.id ?? null,
    languageMatch: best ? bestMatch : false,
    load: best ? { open: best.openCases, capacity: best.capacity } : null,
    lastAssignedAt: best?.lastAssignedAt ?? null,
    candidates: eligible,
    excluded,
  };
}

/** The providers that can take the case, in the rotation's order (the first is {@link chooseProvider}'s choice). */
export function rankProviders(candidates: readonly Candidate[], options: RotationOptions): string[] {
  const fit = candidates.filter((c) => c.active && exclusion(c, options) === null).map((c) => ({ c, match: c.languages.includes(options.language) }));
  fit.sort((x, y) => (better(x.c, x.match, y.c, y.match) ? -1 : better(y.c, y.match, x.c, x.match) ? 1 : 0));
  return fit.map((x) => x.c.id);
}

/** Language match first, then longest since the last offer (never offered = first), then lower load, then id. */
function better(c: Candidate, match: boolean, best: Candidate, bestMatch: boolean): boolean {
  if (match !== bestMatch) return match;
  const a = c.lastAssignedAt ?? '';
  const b = best.lastAssignedAt ?? '';
  if (a !== b) return a < b;
  const la = c.openCases / Math.max(1, c.capacity);
  const lb = best.openCases / Math.max(1, best.capacity);
  if (la !== lb) return la < lb;
  return c.id < best.id;
}

/**
 * Offers an eligible case to the next provider in the rotation, inside the caller's transaction. With no
 * provider free, the case stays `eligible` (waiting) and the history says why; staff see it at the top of the
 * queue and can offer it again when a provider frees up. A case opened in the same transaction passes what it
 * wrote (`opened`): nothing to read back, and no earlier offer to leave out.
 */
export async function offerCase(ctx: AppContext, tx: Tx, caseId: string, now: Date, actorId: string | null, opened?: OfferedCase): Promise<Explanation> {
  const row = opened ?? (await requireCase(tx, caseId));
  if (row.status !== 'eligible') throw new AppError('conflict', { messageKey: 'legal-defense.error.notEligible' });
  // Conflict check before any fact goes to a provider: the person's blind indexes against providers' parties.
  const indexes = [row.a_number_index, row.identity_index].filter((x): x is string => x !== null);
  const conflicted = new Set(await legalDefenseRepo.conflictedProviders(tx, indexes));
  // A case opened in this transaction was never offered: no provider declined it yet.
  const declined = new Set(opened ? [] : (await legalDefenseRepo.assignmentsOf(tx, caseId)).filter((a) => a.status !== 'withdrawn').map((a) => a.provider_id));
  const providers = (await legalDefenseRepo.listCandidateProviders(tx)).map(candidateOf);
  const explanation = await claimProvider(ctx, tx, providers, { language: row.person_language, conflicted, declined });
  const nowIso = now.toISOString();
  if (!explanation.chosen) {
    await addEvent(tx, caseId, 'no-provider', now, actorId, explanation.excluded.some((e) => e.reason === 'conflict') ? 'conflict' : 'capacity');
    return explanation;
  }
  const assignmentId = randomId();
  const clock = await ctx.clocks.startClock(tx, { owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.accept, recordId: caseId, rules: ['legalDefenseProviderAccept'], start: now, by: actorId ?? undefined });
  await legalDefenseRepo.insertAssignment(tx, {
    id: assignmentId,
    case_id: caseId,
    provider_id: explanation.chosen,
    status: 'offered',
    offered_at: nowIso,
    responded_at: null,
    clock_id: clock.id,
    reason_code: null,
    explanation: JSON.stringify(explanation),
    actor_id: actorId,
  });
  await legalDefenseRepo.addOpenCases(tx, explanation.chosen, 1, nowIso);
  if (!(await legalDefenseRepo.updateCase(tx, caseId, row.revision, { status: 'offered', provider_id: explanation.chosen, assignment_id: assignmentId, updated_at: nowIso }))) {
    throw new AppError('conflict', { messageKey: 'legal-defense.error.changed' });
  }
  await addEvent(tx, caseId, 'offered', now, actorId, null);
  await notifyProvider(ctx, tx, explanation.chosen, caseId);
  return explanation;
}

/**
 * The rotation's choice among `candidates`, its provider's row held by this transaction until it commits: the
 * offer then counts the case against a capacity no other offer can change meanwhile. On PostgreSQL, offers
 * made at the same moment read the same rotation; a provider another one holds is being offered a case right
 * now, so the rotation takes the next that fits (`busy` in the explanation) in the same statement, and waits
 * only when every provider that fits is held. A claimed provider's row is read again: a full one is left out.
 * SQLite runs one writing transaction at a time, so what the offer read is already current.
 */
async function claimProvider(ctx: AppContext, tx: Tx, candidates: readonly Candidate[], options: RotationOptions): Promise<Explanation> {
  if (ctx.db.dialect !== 'postgres') return chooseProvider(candidates, options);
  let current = candidates;
  const busy = new Set<string>();
  const held = new Set<string>();
  for (;;) {
    const choice = chooseProvider(current, { ...options, busy });
    if (choice.chosen === null ? busy.size === 0 : held.has(choice.chosen)) return choice;
    // Every provider that fits and is not held yet, in the rotation's order: the free ones are tried without
    // waiting; when every one is held by another offer, this one waits for the first of them.
    const ranked = rankProviders(current, options).filter((id) => !held.has(id));
    const free = ranked.filter((id) => !busy.has(id));
    let row = free.length > 0 ? await legalDefenseRepo.lockProvider(tx, free, { skipLocked: true }) : undefined;
    const skipped = row ? free.slice(0, free.indexOf(row.id)) : free;
    for (const id of skipped) busy.add(id);
    if (!row && ranked[0] !== undefined) row = await legalDefenseRepo.lockProvider(tx, [ranked[0]], { skipLocked: false });
    if (!row) return chooseProvider(current, { ...options, busy });
    const fresh = candidateOf(row);
    held.add(fresh.id);
    busy.delete(fresh.id);
    current = current.map((c) => (c.id === fresh.id ? fresh : c));
  }
}

/** Tells a provider's attorneys a case is waiting for their answer (ids only; the link needs sign-in). */
async function notifyProvider(ctx: AppContext, tx: Tx, providerId: string, caseId: string): Promise<void> {
  const attorneys = await tx
    .selectFrom('legal_defense_attorneys')
    .innerJoin('auth_users', 'auth_users.id', 'legal_defense_attorneys.user_id')
    .select(['auth_users.id as id', 'auth_users.email_display as email'])
    .where('legal_defense_attorneys.provider_id', '=', providerId)
    .where('legal_defense_attorneys.active', '=', 1)
    .where('auth_users.status', '=', 'active')
    .execute();
  await mailStaff(ctx, tx, attorneys, { template: 'legal-defense.notify.offered', caseId, link: `/staff/legal-defense/assigned/${caseId}` });
}

async function mailStaff(ctx: AppContext, tx: Tx, people: ReadonlyArray<{ id: string; email: string }>, options: { template: string; caseId: string; link: string; extra?: Record<string, string> }): Promise<void> {
  const secrets = secretsFor(ctx);
  const locale = ctx.jurisdiction.locale.defaultLanguage.value;
  const rule = ctx.jurisdiction.clocks.legalDefenseProviderAccept.value;
  for (const person of people) {
    const email = await secrets.open(person.id, { table: 'auth_users', column: 'email_display', rowId: person.id }, person.email);
    await ctx.notifier.enqueue(
      {
        channel: 'email',
        to: email,
        template: options.template,
        values: { reference: options.caseId.slice(-8), hours: rule.amount, link: `${ctx.config.baseUrl}${options.link}`, ...options.extra },
        locale: isLocale(locale) ? locale : 'en',
        subjectRef: person.id,
        about: { type: 'legal-defense.case', id: options.caseId },
      },
      tx,
    );
  }
}

/** The provider of an attorney account, or `not_found` (an attorney without a provider sees no case). */
async function providerOfActor(tx: Executor, actor: StaffActor): Promise<string> {
  const providerId = await legalDefenseRepo.providerOfUser(tx, actor.userId);
  if (!providerId) throw new AppError('not_found');
  return providerId;
}

/** The offered assignment of a case held by the actor's provider, or `not_found`. */
async function offeredTo(tx: Executor, actor: StaffActor, caseId: string) {
  const providerId = await providerOfActor(tx, actor);
  const row = await requireCase(tx, caseId);
  if (row.provider_id !== providerId || row.open !== 1) throw new AppError('not_found');
  const assignment = row.assignment_id ? await legalDefenseRepo.findAssignment(tx, row.assignment_id) : undefined;
  if (!assignment || assignment.status !== 'offered') throw new AppError('conflict', { messageKey: 'legal-defense.error.notOffered' });
  return { row, assignment };
}

/** The provider's attorney accepts the offered case: the accept clock is met; the case is theirs. */
export async function acceptCase(ctx: AppContext, actor: StaffActor, caseId: string): Promise<void> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    const { row, assignment } = await offeredTo(tx, actor, caseId);
    if (!(await legalDefenseRepo.settleAssignment(tx, assignment.id, { status: 'accepted', responded_at: now.toISOString(), reason_code: null, actor_id: actor.userId }))) {
      throw new AppError('conflict', { messageKey: 'legal-defense.error.notOffered' });
    }
    if (assignment.clock_id) await ctx.clocks.meet(tx, assignment.clock_id, now, { by: actor.userId });
    await legalDefenseRepo.updateCase(tx, caseId, row.revision, { status: 'accepted', attorney_user_id: actor.userId, updated_at: now.toISOString() });
    await addEvent(tx, caseId, 'accepted', now, actor.userId, null);
    await tellFamily(ctx, tx, caseId, row, 'lawyer');
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: 'legal-defense.case', id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'decision.accepted' });
  });
}

/** The provider declines (with a reason): the offer closes and the case goes to the next provider. */
export async function declineCase(ctx: AppContext, actor: StaffActor, caseId: string, reason: DeclineReason): Promise<Explanation> {
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const { row, assignment } = await offeredTo(tx, actor, caseId);
    if (!(await legalDefenseRepo.settleAssignment(tx, assignment.id, { status: 'declined', responded_at: now.toISOString(), reason_code: reason, actor_id: actor.userId }))) {
      throw new AppError('conflict', { messageKey: 'legal-defense.error.notOffered' });
    }
    if (assignment.clock_id) await ctx.clocks.stop(tx, assignment.clock_id, 'declined', { by: actor.userId });
    await legalDefenseRepo.addOpenCases(tx, assignment.provider_id, -1);
    await legalDefenseRepo.updateCase(tx, caseId, row.revision, { status: 'eligible', provider_id: null, assignment_id: null, updated_at: now.toISOString() });
    await addEvent(tx, caseId, 'declined', now, actor.userId, reason);
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: 'legal-defense.case', id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'decision.declined' });
    return offerCase(ctx, tx, caseId, now, null);
  });
}

/**
 * No answer within the service level: the offer timed by this clock expires and the case goes to the next
 * provider. (Accept clocks name the case as their record, so forgetting a case deletes them with it.)
 */
export async function expireOffer(ctx: AppContext, tx: Tx, clockId: string, now: Date): Promise<void> {
  const assignment = await tx.selectFrom('legal_defense_assignments').selectAll().where('clock_id', '=', clockId).executeTakeFirst();
  if (!assignment || assignment.status !== 'offered') return;
  const assignmentId = assignment.id;
  if (!(await legalDefenseRepo.settleAssignment(tx, assignmentId, { status: 'expired', responded_at: now.toISOString(), reason_code: 'no-answer', actor_id: null }))) return;
  await legalDefenseRepo.addOpenCases(tx, assignment.provider_id, -1);
  const row = await requireCase(tx, assignment.case_id);
  if (row.assignment_id !== assignmentId || row.open !== 1) return;
  await legalDefenseRepo.updateCase(tx, row.id, row.revision, { status: 'eligible', provider_id: null, assignment_id: null, updated_at: now.toISOString() });
  await addEvent(tx, row.id, 'expired', now, null, 'no-answer');
  await ctx.audit.record(tx, { actor: { id: null, role: 'system' }, action: 'record.update', record: { type: 'legal-defense.case', id: row.id }, purpose: 'case-work', detail: 'decision.expired' });
  await offerCase(ctx, tx, row.id, now, null);
}

/** The attorney records the first contact with the person: the report-to-first-contact clock is met. */
export async function recordFirstContact(ctx: AppContext, actor: StaffActor, caseId: string): Promise<void> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    const providerId = await providerOfActor(tx, actor);
    const row = await requireCase(tx, caseId);
    if (row.provider_id !== providerId || row.open !== 1) throw new AppError('not_found');
    if (row.status !== 'accepted') throw new AppError('conflict', { messageKey: 'legal-defense.error.notAccepted' });
    if (row.contact_clock_id) await ctx.clocks.meet(tx, row.contact_clock_id, now, { by: actor.userId });
    await legalDefenseRepo.updateCase(tx, caseId, row.revision, { status: 'contacted', first_contact_at: now.toISOString(), first_contact_seconds: contactSeconds(row.created_at, now.toISOString()), updated_at: now.toISOString() });
    await addEvent(tx, caseId, 'contacted', now, actor.userId, null);
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: 'legal-defense.case', id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: 'decision.contacted' });
  });
}

/** Staff offer a waiting eligible case again (after a provider freed up or was added). */
export async function offerAgain(ctx: AppContext, actor: StaffActor, caseId: string): Promise<Explanation> {
  return inTransaction(ctx.db, async (tx) => {
    const explanation = await offerCase(ctx, tx, caseId, ctx.now(), actor.userId);
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.update', record: { type: 'legal-defense.case', id: caseId }, purpose: 'case-work', requestId: actor.requestId, detail: explanation.chosen ? 'decision.offered' : 'decision.no-provider' });
    return explanation;
  });
}

// ---------------------------------------------------------------------------------------------------------
// The provider roster

/** Adds a provider organisation. */
export async function addProvider(ctx: AppContext, actor: StaffActor, input: ProviderInput): Promise<string> {
  const id = randomId();
  const now = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    await legalDefenseRepo.insertProvider(tx, { id, name: input.name, active: 1, available: input.available ? 1 : 0, capacity: input.capacity, open_cases: 0, languages: JSON.stringify(input.languages), last_assigned_at: null, created_at: now, updated_at: now });
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'admin.provider-create', record: { type: 'legal-defense.provider', id }, purpose: 'administration', requestId: actor.requestId });
  });
  return id;
}

/** Changes a provider's capacity, languages and availability. */
export async function updateProvider(ctx: AppContext, actor: StaffActor, id: string, input: ProviderInput): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    if (!(await legalDefenseRepo.findProvider(tx, id))) throw new AppError('not_found');
    await legalDefenseRepo.updateProvider(tx, id, { name: input.name, capacity: input.capacity, languages: JSON.stringify(input.languages), available: input.available ? 1 : 0, updated_at: ctx.now().toISOString() });
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'admin.provider-update', record: { type: 'legal-defense.provider', id }, purpose: 'administration', requestId: actor.requestId });
  });
}

/** Links a staff account (a partner attorney) to a provider: from then on it sees that provider's cases. */
export async function linkAttorney(ctx: AppContext, actor: StaffActor, providerId: string, userId: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    if (!(await legalDefenseRepo.findProvider(tx, providerId))) throw new AppError('not_found');
    const user = await tx.selectFrom('auth_user_roles').select('user_id').where('user_id', '=', userId).where('role', '=', 'partner-attorney').executeTakeFirst();
    if (!user) throw new AppError('validation', { fields: [{ field: 'userId', key: 'legal-defense.error.notAttorney' }], messageKey: 'legal-defense.error.notAttorney' });
    if (await legalDefenseRepo.providerOfUser(tx, userId)) throw new AppError('conflict', { messageKey: 'legal-defense.error.alreadyLinked' });
    await legalDefenseRepo.insertAttorney(tx, { id: randomId(), provider_id: providerId, user_id: userId, active: 1, created_at: ctx.now().toISOString() });
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'admin.attorney-link', record: { type: 'legal-defense.provider', id: providerId }, purpose: 'administration', requestId: actor.requestId });
  });
}

/**
 * Adds one of a provider's existing parties for the conflict check, as blind indexes only (an A-number, or a
 * name with a date of birth). The values are not stored. Returns how many indexes were added.
 */
export async function addParty(ctx: AppContext, actor: StaffActor, providerId: string, party: { aNumber?: string; givenName?: string; familyName?: string; dateOfBirth?: string }): Promise<number> {
  const indexes: string[] = [];
  if (party.aNumber) indexes.push(aNumberIndex(ctx, party.aNumber));
  if (party.givenName && party.familyName && party.dateOfBirth) indexes.push(identityIndex(ctx, { givenName: party.givenName, familyName: party.familyName, dateOfBirth: party.dateOfBirth }));
  if (indexes.length === 0) throw new AppError('validation', { fields: [{ field: 'aNumber', key: 'legal-defense.error.partyEmpty' }], messageKey: 'legal-defense.error.partyEmpty' });
  await inTransaction(ctx.db, async (tx) => {
    if (!(await legalDefenseRepo.findProvider(tx, providerId))) throw new AppError('not_found');
    for (const index of indexes) await legalDefenseRepo.insertParty(tx, { id: randomId(), provider_id: providerId, party_index: index, created_at: ctx.now().toISOString() });
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'admin.party-add', record: { type: 'legal-defense.provider', id: providerId }, purpose: 'administration', requestId: actor.requestId });
  });
  return indexes.length;
}

// ---------------------------------------------------------------------------------------------------------
// Clock handlers

async function programStaff(tx: Tx): Promise<Array<{ id: string; email: string }>> {
  return tx
    .selectFrom('auth_user_roles')
    .innerJoin('auth_users', 'auth_users.id', 'auth_user_roles.user_id')
    .select(['auth_users.id as id', 'auth_users.email_display as email'])
    .where('auth_user_roles.role', '=', 'legal-defense-staff')
    .where('auth_users.status', '=', 'active')
    .orderBy('auth_users.id')
    .execute();
}

/** A court deadline comes close (or passed): the accepting attorney is told; program staff too once it passed. */
async function mailDeadline(ctx: AppContext, tx: Tx, notice: ClockNotice, overdue: boolean): Promise<void> {
  const caseId = notice.clock.recordId;
  const row = await legalDefenseRepo.findCase(tx, caseId);
  if (!row || row.open !== 1) return;
  const people: Array<{ id: string; email: string }> = [];
  if (row.attorney_user_id) {
    const attorney = await tx.selectFrom('auth_users').select(['id', 'email_display as email']).where('id', '=', row.attorney_user_id).where('status', '=', 'active').executeTakeFirst();
    if (attorney) people.push(attorney);
  }
  if (overdue) people.push(...(await programStaff(tx)).filter((p) => p.id !== row.attorney_user_id));
  await mailStaff(ctx, tx, people, {
    template: overdue ? 'legal-defense.notify.deadlineOverdue' : 'legal-defense.notify.deadline',
    caseId,
    link: `/staff/legal-defense/assigned/${caseId}`,
    extra: { dueDate: notice.clock.dueDate, rule: notice.clock.governingRule },
  });
}

/**
 * What the deadline engine calls: an offer not answered by its due time expires and the case goes to the next
 * provider; a first-contact clock that falls overdue or escalates is mailed to program staff (ids only).
 */
export const legalDefenseClockHandlers: ClockHandlers = {
  async onReminder(notice: ClockNotice, { tx, ctx }: ClockHandlerRun) {
    if (notice.clock.recordType !== CLOCK_RECORD_TYPES.deadline) return;
    await mailDeadline(ctx, tx, notice, false);
  },
  async onOverdue(notice: ClockNotice, { tx, ctx }: ClockHandlerRun) {
    if (notice.clock.recordType === CLOCK_RECORD_TYPES.deadline) {
      await mailDeadline(ctx, tx, notice, true);
      return;
    }
    if (notice.clock.recordType === CLOCK_RECORD_TYPES.accept) {
      await expireOffer(ctx, tx, notice.clock.id, notice.at);
      return;
    }
    await mailStaff(ctx, tx, await programStaff(tx), { template: 'legal-defense.notify.contactOverdue', caseId: notice.clock.recordId, link: `/staff/legal-defense/cases/${notice.clock.recordId}` });
  },
  async onEscalate(notice: ClockNotice, { tx, ctx }: ClockHandlerRun) {
    if (notice.clock.recordType !== CLOCK_RECORD_TYPES.contact) return;
    await mailStaff(ctx, tx, await programStaff(tx), { template: 'legal-defense.notify.contactEscalated', caseId: notice.clock.recordId, link: `/staff/legal-defense/cases/${notice.clock.recordId}` });
  },
};
