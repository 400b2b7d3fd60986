/**
 * Use cases of U/T-visa certification requests: take a request (public form, staff, attorney API), show its
 * status by reference code, open it for staff, and list the queue.
 *
 * Each request is its own vault subject: names, date of birth, A-number, crimes, case facts, the helpfulness
 * account and the Supplement B answers are sealed under the request's own data key, so forgetting it makes
 * every copy unreadable. Every decrypting read and every change is written to the audit log in the same
 * transaction. Immigration status is never asked.
 */
import type { Role } from '../../core/auth/permissions.ts';
import type { ClockEventView, ClockView } from '../../core/clocks/index.ts';
import { randomId, referenceCode } from '../../core/crypto/random.ts';
import type { SealContext } from '../../core/crypto/index.ts';
import type { SubjectCipher } from '../../core/crypto/vault.ts';
import { type Executor, type Tx, inTransaction } from '../../core/db/transaction.ts';
import { type FormStatus, referenceCodeIndex } from '../../core/forms/index.ts';
import { AppError } from '../../core/http/errors.ts';
import { parseInput } from '../../core/http/validate.ts';
import type { Locale } from '../../core/i18n/locales.ts';
import { localDate } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { CLOCK_OWNER, CLOCK_RECORD_TYPES, ageOutRule, certificationRules, daysLeft, isUnder } from './u-visa.clocks.ts';
import { type QueueClock, type QueueRow, type RequestRow, queueKey, uVisaRepo } from './u-visa.repo.ts';
import { routeRequest } from './u-visa.routing.ts';
import {
  type Channel,
  type ContactMethod,
  type ExpediteChoice,
  type Gender,
  type ProofType,
  type ReleaseType,
  type RequestInput,
  type RequesterRole,
  type VisaType,
  requestInputSchema,
} from './u-visa.schemas.ts';

/** The vault program of U-visa subjects (their keys never mix with another program's). */
export const U_VISA_PROGRAM = 'u-visa';
/** The public form's id (`/forms/u-visa-request`); also names the reference-code index of every channel. */
export const U_VISA_FORM_ID = 'u-visa-request';
/** The audit record type of a request. */
export const REQUEST_RECORD = 'u-visa.request';
/**
 * Decided requests are kept three years after the final decision, then forgotten: long enough for the
 * petition that follows a certification (filed within six months of the signature), USCIS questions to the
 * agency, a reconsideration and the published quarterly figures; short enough not to keep a standing list
 * of victims. Our choice, to confirm with the city's records-retention schedule.
 */
export const U_VISA_RETENTION_DAYS = 3 * 365;
/** Requests per page of the staff queue. */
export const QUEUE_PAGE_SIZE = 25;

const TABLE = 'u_visa_requests';

/** Statuses of a request. `open` ones are in the queue. */
export const REQUEST_STATUSES = ['received', 'info-requested', 'pending-review', 'reconsideration', 'certified', 'denied', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const OPEN_REQUEST_STATUSES: readonly RequestStatus[] = ['received', 'info-requested', 'pending-review', 'reconsideration'];

/** The staff member acting, as the audit log records them. */
export interface StaffActor {
  userId: string;
  role: Role;
  /** The HTTP request id, to tie the audit entry to the request log. */
  requestId?: string;
}

/** Who files a request: the person on the public form, staff, a partner attorney's token, or demo data. */
export type FilingActor = { kind: 'resident' } | { kind: 'staff'; actor: StaffActor } | { kind: 'api'; actor: StaffActor } | { kind: 'system' };

// ---------------------------------------------------------------------------------------------------------
// Sealed parts of a request

export interface RequesterPart {
  name: string;
  organisation?: string;
  email?: string;
  phone?: string;
}
export interface VictimPart {
  familyName: string;
  givenName: string;
  middleName?: string;
  otherNames?: string;
  dateOfBirth: string;
  gender: Gender;
}
export interface CrimesPart {
  codes: string[];
  modifiers: string[];
  similarActivity?: string;
}
/** Facts staff record from the agency's file (case number, report, dates, place, statutes, what happened). */
export interface CaseFacts {
  agencyCaseNumber?: string;
  reportDate?: string;
  crimeDateFrom?: string;
  crimeDateTo?: string;
  crimeLocation?: string;
  statutes?: string;
  description?: string;
  injuries?: string;
  investigationStatus?: 'ongoing' | 'completed' | 'none';
  familyImplicated?: 'yes' | 'no';
  familyImplicatedDetails?: string;
}
export interface CasePart {
  agencyOther?: string;
  caseNumber?: string;
  courtFileNumber?: string;
  crimeDate?: string;
  facts?: CaseFacts;
}
export interface ExpeditePart {
  basis: Exclude<ExpediteChoice, 'no'>;
  proofType: ProofType;
  proofDate: string;
}
/** Staff's written reasons (documented, as the presumption of helpfulness requires). */
export interface AssessmentPart {
  helpfulnessReason?: string;
  denialExplanation?: string;
  infoRequest?: string;
  reviewNote?: string;
  goodCauseNote?: string;
  reconsiderationNote?: string;
}
/** Supplement B answers by field id (every value a string; lists joined by the form). */
export type SupplementAnswers = Record<string, string>;

/** A family member named for an age-out alert. */
export interface FamilyMember {
  id: string;
  name: string;
  relationship: 'spouse' | 'child' | 'parent' | 'sibling';
  dateOfBirth: string;
  ageOutClockId: string | null;
}

/** A request as staff see it once opened (decrypted). */
export interface RequestDetail {
  id: string;
  reference: string;
  visaType: VisaType;
  channel: Channel;
  requesterRole: RequesterRole;
  language: Locale;
  contactMethod: ContactMethod;
  agency: string;
  department: string | null;
  expedited: boolean;
  status: RequestStatus;
  receivedAt: string;
  decidedAt: string | null;
  decision: 'certified' | 'denied' | null;
  signedOn: string | null;
  helpfulness: 'presumed' | 'helpful' | 'not-helpful' | null;
  denialReason: string | null;
  releaseType: ReleaseType | null;
  releaseDate: string | null;
  revision: number;
  requester: RequesterPart;
  victim: VictimPart;
  aNumber: string | null;
  crimes: CrimesPart;
  casePart: CasePart;
  helpfulnessAccount: string;
  expedite: ExpeditePart | null;
  assessment: AssessmentPart;
  supplement: SupplementAnswers | null;
  family: FamilyMember[];
  actions: Array<{ kind: string; at: string; actorId: string | null; reasonCode: string | null }>;
  clock: ClockView | null;
  clockHistory: ClockEventView[];
  otherClocks: ClockView[];
  /** Days left on the certification clock (negative: overdue), in the city's calendar. */
  daysLeft: number | null;
}

/** Where a sealed column of a request is bound (table, column, row). */
export function at(column: string, rowId: string, table = TABLE): SealContext {
  return { table, column, rowId };
}

/** The request's reference for staff and letters: the last 8 characters of its id (not the requester's code). */
export function shortReference(id: string): string {
  return id.slice(-8);
}

/** The local date of an instant in the jurisdiction (the city's "today"). */
export function cityDate(ctx: AppContext, instant: Date): string {
  return localDate(ctx.jurisdiction, instant);
}

/**
 * Checks a request from any door against every rule (shape, crimes, dates, expedite proof, formats) and
 * returns it normalised. Throws a `validation` AppError whose fields carry translated message keys.
 */
export function parseRequest(ctx: AppContext, raw: unknown, now: Date): RequestInput {
  const agencyIds = ctx.jurisdiction.uVisa.certifyingAgencies.value.map((a) => a.id);
  return parseInput(requestInputSchema({ today: cityDate(ctx, now), agencyIds }), raw);
}

function auditActor(filer: FilingActor): { id: string | null; role: StaffActor['role'] | 'resident' | 'system' } {
  if (filer.kind === 'resident') return { id: null, role: 'resident' };
  if (filer.kind === 'system') return { id: null, role: 'system' };
  return { id: filer.actor.userId, role: filer.actor.role };
}

/** Records one step of a request's history (codes only). */
export async function addAction(tx: Executor, requestId: string, kind: string, when: Date, actorId: string | null, reasonCode: string | null = null): Promise<void> {
  await uVisaRepo.insertAction(tx, { id: randomId(), request_id: requestId, kind, at: when.toISOString(), actor_id: actorId, reason_code: reasonCode });
}

/**
 * Stores a request, inside the caller's transaction (the form's, or one of its own): seals the personal
 * values under a new subject, routes it to a department, starts its certification clock (the stricter rule
 * governs) and any age-out alert, and audits the intake. Returns the request id and its reference code (the
 * form's, or a new one for staff and API requests, shown once to the filer).
 */
export async function createRequest(
  ctx: AppContext,
  tx: Tx,
  options: { input: RequestInput; channel: Channel; filer: FilingActor; now: Date; reference?: string },
): Promise<{ id: string; reference: string }> {
  const { input, now } = options;
  const reference = options.reference ?? referenceCode();
  const id = await ctx.vault.createSubject(tx, U_VISA_PROGRAM);
  const nowIso = now.toISOString();
  const expedite: ExpediteChoice = input.expedite;
  const rules = certificationRules(ctx.jurisdiction, expedite);
  const filedBy = options.filer.kind === 'staff' || options.filer.kind === 'api' ? options.filer.actor.userId : null;
  const sealed = await ctx.vault.useSubject(id, (c: SubjectCipher) => ({
    requester: c.sealJson(
      { name: input.requesterName, organisation: input.requesterOrganisation, email: input.email, phone: input.phone } satisfies RequesterPart,
      at('requester_sealed', id),
    ),
    victim: c.sealJson(
      {
        familyName: input.victimFamilyName,
        givenName: input.victimGivenName,
        middleName: input.victimMiddleName,
        otherNames: input.victimOtherNames,
        dateOfBirth: input.victimDateOfBirth,
        gender: input.victimGender,
      } satisfies VictimPart,
      at('victim_sealed', id),
    ),
    aNumber: input.aNumber ? c.seal(input.aNumber, at('a_number_sealed', id)) : null,
    crimes: c.sealJson({ codes: input.crimes, modifiers: input.crimeModifiers, similarActivity: input.similarActivity } satisfies CrimesPart, at('crimes_sealed', id)),
    casePart: c.sealJson(
      { agencyOther: input.agencyOther, caseNumber: input.caseNumber, courtFileNumber: input.courtFileNumber, crimeDate: input.crimeDate } satisfies CasePart,
      at('case_sealed', id),
    ),
    helpfulness: c.seal(input.helpfulness, at('helpfulness_sealed', id)),
    expedite:
      expedite === 'no'
        ? null
        : c.sealJson({ basis: expedite, proofType: input.expediteProofType as ProofType, proofDate: input.expediteProofDate as string } satisfies ExpeditePart, at('expedite_sealed', id)),
  }));
  const department = routeRequest(ctx.jurisdiction, { agency: input.agency, visaType: input.visaType, crimes: input.crimes });
  const presumption = ctx.jurisdiction.uVisa.helpfulnessPresumption.value;
  // The subject row exists now; the request row must exist before the clock names it.
  await uVisaRepo.insert(tx, {
    id,
    reference_index: referenceCodeIndex(ctx, U_VISA_FORM_ID, reference),
    visa_type: input.visaType,
    channel: options.channel,
    requester_role: input.requesterRole,
    filed_by: filedBy,
    language: input.language,
    contact_method: input.contactMethod,
    agency: input.agency,
    department,
    expedited: input.expedited ? 1 : 0,
    status: 'received',
    open: 1,
    clock_id: null,
    due_at: null,
    queue_key: queueKey(input.expedited, null, id),
    received_at: nowIso,
    decided_at: null,
    decision: null,
    turnaround_days: null,
    signed_on: null,
    closed_at: null,
    helpfulness: presumption === 'certify-unless-documented-reason' ? 'presumed' : null,
    denial_reason: null,
    release_type: input.releaseType ?? null,
    release_date: input.releaseDate ?? null,
    a_number_index: input.aNumber ? aNumberIndex(ctx, input.aNumber) : null,
    requester_sealed: sealed.requester,
    victim_sealed: sealed.victim,
    a_number_sealed: sealed.aNumber,
    crimes_sealed: sealed.crimes,
    case_sealed: sealed.casePart,
    helpfulness_sealed: sealed.helpfulness,
    expedite_sealed: sealed.expedite,
    assessment_sealed: null,
    supplement_sealed: null,
    revision: 0,
    created_at: nowIso,
    updated_at: nowIso,
  });
  const clock = await ctx.clocks.startClock(tx, { owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.certification, recordId: id, rules, start: now, by: filedBy ?? undefined });
  await uVisaRepo.update(tx, id, 0, { clock_id: clock.id, due_at: clock.dueAt.toISOString(), queue_key: queueKey(input.expedited, clock.dueAt.toISOString(), id) });
  await startAgeOutClock(ctx, tx, { requestId: id, dateOfBirth: input.victimDateOfBirth, now, by: filedBy });
  await addAction(tx, id, 'received', now, filedBy, options.channel);
  if (department) await addAction(tx, id, 'routed', now, null, department);
  await ctx.audit.record(tx, {
    actor: auditActor(options.filer),
    action: 'record.create',
    record: { type: REQUEST_RECORD, id },
    purpose: 'intake',
    requestId: options.filer.kind === 'staff' || options.filer.kind === 'api' ? options.filer.actor.requestId : undefined,
    detail: `channel.${options.channel === 'public-form' ? 'public-form' : options.channel}`,
  });
  return { id, reference };
}

/** Starts an age-out alert for someone under 21 today, if the profile has the rule. Returns the clock id. */
export async function startAgeOutClock(ctx: AppContext, tx: Executor, options: { requestId: string; dateOfBirth: string; now: Date; by: string | null }): Promise<string | null> {
  const rule = ageOutRule(ctx.jurisdiction);
  if (!rule || !isUnder(options.dateOfBirth, cityDate(ctx, options.now))) return null;
  const clock = await ctx.clocks.startClock(tx, {
    owner: CLOCK_OWNER,
    recordType: CLOCK_RECORD_TYPES.ageOut,
    recordId: options.requestId,
    rules: [rule],
    start: options.dateOfBirth,
    // A date of birth: the clock's exact dates are sealed under the request's subject, never kept in plain.
    sealUnder: options.requestId,
    by: options.by ?? undefined,
  });
  return clock.id;
}

/** Keyed blind index of an A-number (exact match, one index per table and column). */
export function aNumberIndex(ctx: AppContext, aNumber: string): string {
  return ctx.vault.blindIndex('u_visa_requests.a_number', aNumber, { normalize: 'aNumber' });
}

/** Files a request in a transaction of its own (staff entry, the API, demo data). */
export async function fileRequest(ctx: AppContext, options: { raw: unknown; channel: Channel; filer: FilingActor; now?: Date }): Promise<{ id: string; reference: string }> {
  const now = options.now ?? ctx.now();
  const input = parseRequest(ctx, options.raw, now);
  return inTransaction(ctx.db, (tx) => createRequest(ctx, tx, { input, channel: options.channel, filer: options.filer, now }));
}

/** The status of the request with this (canonical) reference code, for the requester's status page. */
export async function statusByReference(ctx: AppContext, reference: string): Promise<FormStatus | null> {
  const row = await uVisaRepo.findStatusByReference(ctx.db.kysely, referenceCodeIndex(ctx, U_VISA_FORM_ID, reference));
  if (!row) return null;
  return { statusKey: `u-visa.status.${row.status}`, detailKey: `u-visa.status.${row.status}.detail`, receivedAt: row.created_at, updatedAt: row.updated_at };
}

/** Decrypts every sealed part of a request row (the caller audits the read). */
export async function openRequestRow(ctx: AppContext, row: RequestRow) {
  return ctx.vault.useSubject(row.id, (c) => ({
    requester: c.openJson<RequesterPart>(row.requester_sealed, at('requester_sealed', row.id)),
    victim: c.openJson<VictimPart>(row.victim_sealed, at('victim_sealed', row.id)),
    aNumber: row.a_number_sealed ? c.open(row.a_number_sealed, at('a_number_sealed', row.id)) : null,
    crimes: c.openJson<CrimesPart>(row.crimes_sealed, at('crimes_sealed', row.id)),
    casePart: c.openJson<CasePart>(row.case_sealed, at('case_sealed', row.id)),
    helpfulnessAccount: c.open(row.helpfulness_sealed, at('helpfulness_sealed', row.id)),
    expedite: row.expedite_sealed ? c.openJson<ExpeditePart>(row.expedite_sealed, at('expedite_sealed', row.id)) : null,
    assessment: row.assessment_sealed ? c.openJson<AssessmentPart>(row.assessment_sealed, at('assessment_sealed', row.id)) : {},
    supplement: row.supplement_sealed ? c.openJson<SupplementAnswers>(row.supplement_sealed, at('supplement_sealed', row.id)) : null,
  }));
}

/** Loads a request row or throws `not_found`. */
export async function requireRow(db: Executor, id: string): Promise<RequestRow> {
  const row = await uVisaRepo.findById(db, id);
  if (!row) throw new AppError('not_found');
  return row;
}

/**
 * Opens a request: decrypts it, with its family members, history and clocks, and records the read in the
 * audit log in the same transaction (no read without its entry). `purpose` is `supervision` for a
 * supervisor's review, `case-work` otherwise.
 */
export async function readRequest(ctx: AppContext, actor: StaffActor, id: string, purpose: 'case-work' | 'supervision' = 'case-work'): Promise<RequestDetail> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await requireRow(tx, id);
    const parts = await openRequestRow(ctx, row);
    const familyRows = await uVisaRepo.familyMembersOf(tx, id);
    const family = await ctx.vault.useSubject(id, (c) =>
      familyRows.map((f) => {
        const person = c.openJson<Omit<FamilyMember, 'id' | 'ageOutClockId'>>(f.person_sealed, at('person_sealed', f.id, 'u_visa_family_members'));
        return { id: f.id, ...person, ageOutClockId: f.age_out_clock_id };
      }),
    );
    const clocks = await ctx.clocks.forRecord({ owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.certification, recordId: id }, tx);
    const clock = clocks.find((c) => c.id === row.clock_id) ?? null;
    const others = [
      ...(await ctx.clocks.forRecord({ owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.ageOut, recordId: id }, tx)),
      ...(await ctx.clocks.forRecord({ owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.signature, recordId: id }, tx)),
    ];
    const today = cityDate(ctx, ctx.now());
    const detail: RequestDetail = {
      id,
      reference: shortReference(id),
      visaType: row.visa_type as VisaType,
      channel: row.channel as Channel,
      requesterRole: row.requester_role as RequesterRole,
      language: row.language as Locale,
      contactMethod: row.contact_method as ContactMethod,
      agency: row.agency,
      department: row.department,
      expedited: row.expedited === 1,
      status: row.status as RequestStatus,
      receivedAt: row.received_at,
      decidedAt: row.decided_at,
      decision: row.decision as RequestDetail['decision'],
      signedOn: row.signed_on,
      helpfulness: row.helpfulness as RequestDetail['helpfulness'],
      denialReason: row.denial_reason,
      releaseType: row.release_type as ReleaseType | null,
      releaseDate: row.release_date,
      revision: row.revision,
      ...parts,
      family,
      actions: (await uVisaRepo.actionsOf(tx, id)).map((a) => ({ kind: a.kind, at: a.at, actorId: a.actor_id, reasonCode: a.reason_code })),
      clock,
      clockHistory: clock ? await ctx.clocks.historyOf(clock.id, tx) : [],
      otherClocks: others,
      daysLeft: clock && row.open === 1 ? daysLeft(today, clock.dueDate) : null,
    };
    await ctx.audit.record(tx, {
      actor: { id: actor.userId, role: actor.role },
      action: 'record.read',
      record: { type: REQUEST_RECORD, id },
      purpose,
      requestId: actor.requestId,
    });
    return detail;
  });
}

// ---------------------------------------------------------------------------------------------------------
// The queue

/** One row of the queue with its clock. */
export interface QueueItem extends QueueRow {
  clock: QueueClock | null;
  /** Days left on the clock (negative: overdue); `null` when closed or without a clock. */
  daysLeft: number | null;
}

/** One page of the queue, with the keys of the neighbouring pages. */
export interface QueuePage {
  items: QueueItem[];
  /** Open requests matching the filter (the closed list shows no count). */
  total: number | null;
  /** Cursor of the next and previous page, `null` at the ends. */
  next: string | null;
  prev: string | null;
}

export interface QueueQuery {
  view: 'open' | 'closed';
  department?: string;
  visaType?: VisaType;
  after?: string;
  before?: string;
}

function encodeClosedCursor(row: QueueRow): string {
  return `${row.decided_at ?? ''}|${row.id}`;
}

function decodeClosedCursor(cursor: string): { decidedAt: string; id: string } | undefined {
  const i = cursor.lastIndexOf('|');
  return i > 0 ? { decidedAt: cursor.slice(0, i), id: cursor.slice(i + 1) } : undefined;
}

/**
 * One page of the queue: open requests with the expedited and soonest-due first, each with the days left on
 * its clock; or decided requests, latest first. Categories and dates only, so it is not an audited read.
 */
export async function listQueue(ctx: AppContext, query: QueueQuery): Promise<QueuePage> {
  const db = ctx.db.kysely;
  const filter = { department: query.department, visaType: query.visaType };
  const limit = QUEUE_PAGE_SIZE + 1;
  let rows: QueueRow[];
  if (query.view === 'open') {
    rows = await uVisaRepo.listOpen(db, { ...filter, after: query.after, before: query.before, limit });
  } else {
    rows = await uVisaRepo.listClosed(db, {
      ...filter,
      after: query.after ? decodeClosedCursor(query.after) : undefined,
      before: query.before ? decodeClosedCursor(query.before) : undefined,
      limit,
    });
  }
  // One row more than a page tells whether there is another page in the direction of travel.
  const backward = query.before !== undefined && query.after === undefined;
  const more = rows.length > QUEUE_PAGE_SIZE;
  if (more) rows = backward ? rows.slice(1) : rows.slice(0, QUEUE_PAGE_SIZE);
  const cursor = (r: QueueRow) => (query.view === 'open' ? r.queue_key : encodeClosedCursor(r));
  const first = rows[0];
  const last = rows[rows.length - 1];
  const next = last && (backward || more) ? cursor(last) : null;
  const prev = first && (backward ? more : query.after !== undefined) ? cursor(first) : null;
  const clocks = new Map((await uVisaRepo.clocksByIds(db, rows.flatMap((r) => (r.clock_id ? [r.clock_id] : [])))).map((c) => [c.id, c]));
  const today = cityDate(ctx, ctx.now());
  const items = rows.map((r) => {
    const clock = r.clock_id ? (clocks.get(r.clock_id) ?? null) : null;
    return { ...r, clock, daysLeft: clock && query.view === 'open' ? daysLeft(today, clock.due_date) : null };
  });
  const total = query.view === 'open' ? await uVisaRepo.countOpen(db, filter) : null;
  return { items, total, next, prev };
}
