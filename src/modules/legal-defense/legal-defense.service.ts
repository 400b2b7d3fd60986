/**
 * Use cases of detention reports: take a report from any door, merge it into the open case of the same
 * person (blind index on A-number, or on name + date of birth), decide eligibility when the report allows it
 * (residency through the municipal ID's check, or an attestation), offer the case to a provider, and open a
 * case for staff or the assigned attorney.
 *
 * Each case is its own vault subject: names, date of birth, A-number, where the person was taken and is held,
 * and the safe contact are sealed under the case's own key. An address given for residency is checked and
 * discarded, never stored. Every decrypting read and every change is audited in the same transaction.
 */
import type { Role } from '../../core/auth/permissions.ts';
import type { ClockEventView, ClockView } from '../../core/clocks/index.ts';
import { randomId, referenceCode } from '../../core/crypto/random.ts';
import type { SealContext } from '../../core/crypto/index.ts';
import { type Executor, type Tx, inTransaction } from '../../core/db/transaction.ts';
import { type FormStatus, referenceCodeIndex } from '../../core/forms/index.ts';
import { AppError } from '../../core/http/errors.ts';
import { parseInput } from '../../core/http/validate.ts';
import { type Locale, isLocale } from '../../core/i18n/locales.ts';
import { localDate } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { checkAddress, defaultGeocoder } from '../municipal-id/api.ts';
import { type CaseRow, legalDefenseRepo } from './legal-defense.repo.ts';
import { type Channel, type ReportInput, type ResidencyBasis, type ResidencyNote, reportInputSchema } from './legal-defense.schemas.ts';

/** The vault program of detention-defense subjects. */
export const LEGAL_DEFENSE_PROGRAM = 'legal-defense';
/** The public form's id (`/forms/legal-defense-report`); also names the reference-code index of every channel. */
export const REPORT_FORM_ID = 'legal-defense-report';
/** The audit record type of a case. */
export const CASE_RECORD = 'legal-defense.case';
/** The owner of the module's clocks. */
export const CLOCK_OWNER = 'legal-defense';
export const CLOCK_RECORD_TYPES = { contact: 'legal-defense.case', accept: 'legal-defense.assignment', deadline: 'legal-defense.deadline' } as const;
/**
 * Closed cases are forgotten three years after closing: long enough for an appeal to the BIA and a petition
 * for review after the case closes at the provider, and for the program's figures; not a standing list of
 * detained people. Our choice, to confirm with the city's records-retention schedule.
 */
export const CASE_RETENTION_DAYS = 3 * 365;
/** Idempotency keys of the partner API are kept two days (long enough for any client's retries). */
export const IDEMPOTENCY_DAYS = 2;

const TABLE = 'legal_defense_cases';

/** Statuses of a case; `open` ones are worked. */
export const CASE_STATUSES = ['reported', 'eligible', 'offered', 'accepted', 'contacted', 'ineligible', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The staff member (or partner token owner) acting, as the audit log records them. */
export interface StaffActor {
  userId: string;
  role: Role;
  requestId?: string;
}

/** Who files a report. */
export type FilingActor = { kind: 'resident' } | { kind: 'staff'; actor: StaffActor } | { kind: 'api'; actor: StaffActor } | { kind: 'system' };

/** Sealed parts of a case. */
export interface PersonPart {
  givenName: string;
  familyName: string;
  otherNames?: string;
  dateOfBirth?: string;
}
export interface DetentionPart {
  detainedOn: string;
  detainedPlace: string;
  facility: string;
  facilityOther?: string;
}
export interface ContactPart {
  /** The contact agreed to a short message (no names) when a lawyer takes the case. */
  consent?: boolean;
  /** …and to one when the person is released. */
  release?: boolean;
  name: string;
  relationship?: string;
  method: ReportInput['contactMethod'];
  phone?: string;
  email?: string;
}
/** A report as kept (everything the reporter said, except an address, which is checked and discarded). */
export type ReportPart = Omit<ReportInput, 'street' | 'zip'>;

/** Where a sealed column is bound (table, column, row). */
export function at(column: string, rowId: string, table = TABLE): SealContext {
  return { table, column, rowId };
}

/** The city's local date of an instant. */
export function cityDate(ctx: AppContext, instant: Date): string {
  return localDate(ctx.jurisdiction, instant);
}

/** The case's short reference for staff and attorneys (last 8 characters of its id). */
export function shortReference(id: string): string {
  return id.slice(-8);
}

/** Checks a report from any door against every rule and returns it normalised (a translated 400 otherwise). */
export function parseReport(ctx: AppContext, raw: unknown, now: Date): ReportInput {
  return parseInput(reportInputSchema({ today: cityDate(ctx, now) }), raw);
}

/** Keyed blind index of an A-number: the same index for cases and providers' parties (merge and conflicts). */
export function aNumberIndex(ctx: AppContext, aNumber: string): string {
  return ctx.vault.blindIndex('legal_defense.person.a_number', aNumber, { normalize: 'aNumber' });
}

/** Keyed blind index of a name and date of birth (merge and conflicts). */
export function identityIndex(ctx: AppContext, person: { givenName: string; familyName: string; dateOfBirth: string }): string {
  return ctx.vault.blindIndex('legal_defense.person.identity', [`${person.givenName} ${person.familyName}`, person.dateOfBirth], { normalize: 'name' });
}

/** The person's blind indexes from a report (A-number; name + date of birth when the date is known). */
export function personIndexes(ctx: AppContext, input: { aNumber?: string; givenName: string; familyName: string; dateOfBirth?: string }): { aNumber: string | null; identity: string | null } {
  return {
    aNumber: input.aNumber ? aNumberIndex(ctx, input.aNumber) : null,
    identity: input.dateOfBirth ? identityIndex(ctx, { givenName: input.givenName, familyName: input.familyName, dateOfBirth: input.dateOfBirth }) : null,
  };
}

function auditActor(filer: FilingActor): { id: string | null; role: Role | 'resident' | 'system' } {
  if (filer.kind === 'resident') return { id: null, role: 'resident' };
  if (filer.kind === 'system') return { id: null, role: 'system' };
  return { id: filer.actor.userId, role: filer.actor.role };
}

/** Records one step of a case's history (codes only). */
/** What the family liaison tells a safe contact: a lawyer took the case, or the person was released. */
export type FamilyNews = 'lawyer' | 'released';

/**
 * Family liaison: when the contact agreed to this news, one short message by text or e-mail in their
 * language — the case's short reference only, no names, no place. Sealed under the case's key, so forgetting
 * the case makes the queued copy unreadable too.
 */
export async function tellFamily(ctx: AppContext, tx: Tx, caseId: string, row: Pick<CaseRow, 'contact_sealed' | 'contact_language'>, news: FamilyNews): Promise<void> {
  const contact = await ctx.vault.useSubject(caseId, (c) => c.openJson<ContactPart>(row.contact_sealed, at('contact_sealed', caseId)));
  if (!(news === 'lawyer' ? contact.consent : contact.release)) return;
  const to = contact.method === 'sms' ? contact.phone : contact.method === 'email' ? contact.email : undefined;
  if (!to) return;
  await ctx.notifier.enqueue(
    {
      channel: contact.method === 'sms' ? 'sms' : 'email',
      to,
      template: news === 'lawyer' ? 'legal-defense.notify.family' : 'legal-defense.notify.familyReleased',
      values: { reference: shortReference(caseId), city: ctx.jurisdiction.place.cityName.value },
      locale: isLocale(row.contact_language) ? row.contact_language : 'en',
      subjectRef: caseId,
      about: { type: CASE_RECORD, id: caseId },
    },
    tx,
  );
  await addEvent(tx, caseId, news === 'lawyer' ? 'family-told' : 'family-told-release', ctx.now(), null, contact.method);
}

export async function addEvent(tx: Executor, caseId: string, kind: string, when: Date, actorId: string | null, reasonCode: string | null = null): Promise<void> {
  await legalDefenseRepo.insertEvent(tx, { id: randomId(), case_id: caseId, kind, at: when.toISOString(), actor_id: actorId, reason_code: reasonCode });
}

/**
 * What the report says about residency, decided without staff when it can be: an address the city's map
 * places inside → eligible; "lives here" without an address → an attestation; anything else (outside, near
 * the edge, not found, "no", "don't know") is left for staff. `null` when staff must decide; also when the
 * profile asks for an income test, which only staff record.
 */
export async function residencyFromReport(ctx: AppContext, tx: Executor, input: ReportInput): Promise<{ basis: ResidencyBasis | null; note: ResidencyNote | null }> {
  if (ctx.jurisdiction.incomeRules.legalDefenseIncomeScreening.value) return { basis: null, note: 'income-screening' };
  if (!ctx.jurisdiction.legalDefense.residencyRequired.value) return { basis: 'attestation', note: null };
  if (input.livesInCity !== 'yes') return { basis: null, note: `lives-in-city-${input.livesInCity}` };
  if (!input.street) return { basis: 'attestation', note: null };
  const found = await checkAddress(ctx, { line: input.street, zip: input.zip }, defaultGeocoder(tx));
  if (found.kind === 'inside') return { basis: 'address-in-city', note: null };
  return { basis: null, note: `address-${found.kind}` };
}

/** The result of filing a report. */
export interface FiledReport {
  caseId: string;
  reportId: string;
  reference: string;
  merged: boolean;
}

/**
 * What an offer reads of a case. A case opened in the same transaction passes what it just wrote (a new case
 * has no earlier offer), so the offer need not read it back.
 */
export type OfferedCase = Pick<CaseRow, 'status' | 'a_number_index' | 'identity_index' | 'person_language' | 'revision'>;

/** Hook the assignment part installs: offer an eligible case to a provider (kept apart to avoid a cycle). */
export type OfferCase = (ctx: AppContext, tx: Tx, caseId: string, now: Date, actorId: string | null, opened?: OfferedCase) => Promise<unknown>;

/**
 * Stores a report inside the caller's transaction: merges it into the open case of the same person or opens
 * a new case (new vault subject, first-contact clock), records eligibility when the report settles it, and
 * offers an eligible case to a provider. Everything or nothing: the caller's transaction commits it.
 */
export async function createReport(
  ctx: AppContext,
  tx: Tx,
  options: {
    input: ReportInput;
    channel: Channel;
    filer: FilingActor;
    now: Date;
    reference?: string;
    offer: OfferCase;
    /**
     * A report queued by the partner API (legal-defense.intake.ts): its id, and when it was accepted (the
     * report's time, the case's and the first-contact clock's start).
     */
    queued?: { reportId: string; receivedAt: Date };
  },
): Promise<FiledReport> {
  const { input, now } = options;
  const nowIso = now.toISOString();
  const received = options.queued?.receivedAt ?? now;
  const receivedIso = received.toISOString();
  const reference = options.reference ?? referenceCode();
  const filedBy = options.filer.kind === 'staff' || options.filer.kind === 'api' ? options.filer.actor.userId : null;
  const indexes = personIndexes(ctx, input);
  const residency = await residencyFromReport(ctx, tx, input);
  const existing = await legalDefenseRepo.findOpenCaseByIndexes(tx, indexes);
  const reportId = options.queued?.reportId ?? randomId();
  const { street: _street, zip: _zip, ...kept } = input;
  const caseId = existing?.id ?? (await ctx.vault.createSubject(tx, LEGAL_DEFENSE_PROGRAM));

  if (!existing) {
    const sealed = await ctx.vault.useSubject(caseId, (c) => ({
      person: c.sealJson({ givenName: input.givenName, familyName: input.familyName, otherNames: input.otherNames, dateOfBirth: input.dateOfBirth } satisfies PersonPart, at('person_sealed', caseId)),
      aNumber: input.aNumber ? c.seal(input.aNumber, at('a_number_sealed', caseId)) : null,
      detention: c.sealJson(
        { detainedOn: input.detainedOn, detainedPlace: input.detainedPlace, facility: input.facility, facilityOther: input.facilityOther } satisfies DetentionPart,
        at('detention_sealed', caseId),
      ),
      contact: c.sealJson(
        { name: input.contactName, relationship: input.contactRelationship, method: input.contactMethod, phone: input.contactPhone, email: input.contactEmail, consent: input.contactConsent !== 'no', release: input.contactConsent === 'updates' } satisfies ContactPart,
        at('contact_sealed', caseId),
      ),
    }));
    const clock = await ctx.clocks.startClock(tx, {
      owner: CLOCK_OWNER,
      recordType: CLOCK_RECORD_TYPES.contact,
      recordId: caseId,
      rules: ['legalDefenseFirstAttorneyContact'],
      start: received,
      by: filedBy ?? undefined,
    });
    // A new case is written whole: its clock, and its eligibility when the report settles it.
    await legalDefenseRepo.insertCase(tx, {
      id: caseId,
      status: residency.basis ? 'eligible' : 'reported',
      open: 1,
      channel: options.channel,
      person_language: input.personLanguage,
      contact_language: input.language,
      detained_on: input.detainedOn,
      residency_basis: residency.basis,
      disposition: residency.basis ? 'eligible' : null,
      disposition_reason: null,
      disposition_at: residency.basis ? nowIso : null,
      provider_id: null,
      assignment_id: null,
      attorney_user_id: null,
      contact_clock_id: clock.id,
      first_contact_at: null,
      report_count: 1,
      a_number_index: indexes.aNumber,
      identity_index: indexes.identity,
      person_sealed: sealed.person,
      a_number_sealed: sealed.aNumber,
      detention_sealed: sealed.detention,
      contact_sealed: sealed.contact,
      revision: 0,
      created_at: receivedIso,
      updated_at: nowIso,
      closed_at: null,
    });
    await addEvent(tx, caseId, 'reported', received, filedBy, options.channel);
  } else {
    // A later report may know what the first did not: the A-number, or the date of birth.
    // (Only when no other open case holds that index: one open case per person.)
    const extra: { a_number_index?: string; a_number_sealed?: string; identity_index?: string; updated_at: string } = { updated_at: nowIso };
    if (!existing.a_number_index && indexes.aNumber && input.aNumber && !(await legalDefenseRepo.findOpenCaseByIndexes(tx, { aNumber: indexes.aNumber, identity: null }))) {
      extra.a_number_index = indexes.aNumber;
      extra.a_number_sealed = await ctx.vault.useSubject(caseId, (c) => c.seal(input.aNumber as string, at('a_number_sealed', caseId)));
    }
    if (!existing.identity_index && indexes.identity && !(await legalDefenseRepo.findOpenCaseByIndexes(tx, { aNumber: null, identity: indexes.identity }))) extra.identity_index = indexes.identity;
    await legalDefenseRepo.countMergedReport(tx, caseId, extra);
    await addEvent(tx, caseId, 'merged', received, filedBy, options.channel);
  }

  const sealedReport = await ctx.vault.useSubject(caseId, (c) => c.sealJson(kept satisfies ReportPart, at('report_sealed', reportId, 'legal_defense_reports')));
  await legalDefenseRepo.insertReport(tx, {
    id: reportId,
    case_id: caseId,
    channel: options.channel,
    reporter_role: input.reporterRole,
    filed_by: filedBy,
    reference_index: referenceCodeIndex(ctx, REPORT_FORM_ID, reference),
    language: input.language,
    merged: existing ? 1 : 0,
    received_at: receivedIso,
    report_sealed: sealedReport,
  });
  await ctx.audit.record(tx, {
    actor: auditActor(options.filer),
    action: existing ? 'record.update' : 'record.create',
    record: { type: CASE_RECORD, id: caseId },
    purpose: 'intake',
    requestId: options.filer.kind === 'staff' || options.filer.kind === 'api' ? options.filer.actor.requestId : undefined,
    detail: `channel.${options.channel}`,
  });

  // Eligibility from the report, then an offer, when the case is still waiting for one.
  if (!existing) {
    if (residency.basis) {
      await addEvent(tx, caseId, 'eligible', now, filedBy, residency.basis);
      await options.offer(ctx, tx, caseId, now, filedBy, { status: 'eligible', a_number_index: indexes.aNumber, identity_index: indexes.identity, person_language: input.personLanguage, revision: 0 });
    } else if (residency.note) {
      await addEvent(tx, caseId, 'eligibility-needed', now, null, residency.note);
    }
    return { caseId, reportId, reference, merged: false };
  }
  const row = await legalDefenseRepo.findCase(tx, caseId);
  if (row && row.status === 'reported') {
    if (residency.basis) {
      // A concurrent report may have settled it first: then this one has nothing more to do.
      if (await legalDefenseRepo.updateCase(tx, caseId, row.revision, { status: 'eligible', residency_basis: residency.basis, disposition: 'eligible', disposition_at: nowIso, updated_at: nowIso })) {
        await addEvent(tx, caseId, 'eligible', now, filedBy, residency.basis);
        await options.offer(ctx, tx, caseId, now, filedBy);
      }
    } else if (residency.note) {
      await addEvent(tx, caseId, 'eligibility-needed', now, null, residency.note);
    }
  }
  return { caseId, reportId, reference, merged: existing !== undefined };
}

/** True for a unique-index violation (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || (typeof e?.message === 'string' && e.message.includes('UNIQUE constraint failed'));
}

/**
 * Files a report in a transaction of its own (phone screen, API). Two reports about the same new person at
 * the same moment: the second one's case fails on the one-open-case-per-person index, rolls back whole, and is
 * filed again, merging into the first.
 */
export async function fileReport<T>(ctx: AppContext, run: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await inTransaction(ctx.db, run);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return inTransaction(ctx.db, run);
  }
}

/**
 * The status of the case a reference code belongs to, for the reporter's status page (no personal data). A
 * report the partner API accepted and the intake queue has not filed yet is "received".
 */
export async function statusByReference(ctx: AppContext, reference: string): Promise<FormStatus | null> {
  const index = referenceCodeIndex(ctx, REPORT_FORM_ID, reference);
  const report = await legalDefenseRepo.findReportByReference(ctx.db.kysely, index);
  if (!report) {
    const queued = await legalDefenseRepo.findIntakeByReference(ctx.db.kysely, index);
    if (!queued) return null;
    return { statusKey: 'legal-defense.status.reported', detailKey: 'legal-defense.status.reported.detail', receivedAt: queued.received_at, updatedAt: queued.received_at };
  }
  const row = await legalDefenseRepo.findCase(ctx.db.kysely, report.case_id);
  if (!row) return null;
  return { statusKey: `legal-defense.status.${row.status}`, detailKey: `legal-defense.status.${row.status}.detail`, receivedAt: report.received_at, updatedAt: row.updated_at };
}

/** Loads a case or throws `not_found`. */
export async function requireCase(db: Executor, id: string): Promise<CaseRow> {
  const row = await legalDefenseRepo.findCase(db, id);
  if (!row) throw new AppError('not_found');
  return row;
}

/** Who opens a case: program staff, or an attorney of the provider the case is offered to or accepted by. */
export type CaseScope = { kind: 'program' } | { kind: 'provider' };

/**
 * True when the actor may open this case: program staff always; an attorney only when their provider holds
 * the case now (offered or accepted).
 */
export async function inScope(tx: Executor, actor: StaffActor, scope: CaseScope, row: CaseRow): Promise<boolean> {
  if (scope.kind === 'program') return true;
  const providerId = await legalDefenseRepo.providerOfUser(tx, actor.userId);
  return providerId !== undefined && row.provider_id === providerId && row.open === 1;
}

/**
 * Runs a read only when the case is in the actor's scope. Outside it the answer is `not_found` (a case's
 * existence does not leak) and the refused attempt is audited as denied, in a transaction of its own (the
 * read's transaction is rolled back).
 */
async function scopedRead<T>(ctx: AppContext, actor: StaffActor, id: string, scope: CaseScope, read: (tx: Tx, row: CaseRow) => Promise<T>): Promise<T> {
  const result = await inTransaction(ctx.db, async (tx) => {
    const row = await requireCase(tx, id);
    if (!(await inScope(tx, actor, scope, row))) return { denied: true as const };
    return { denied: false as const, value: await read(tx, row) };
  });
  if (result.denied) {
    await ctx.audit.recordNow({ actor: { id: actor.userId, role: actor.role }, action: 'record.read', outcome: 'denied', record: { type: CASE_RECORD, id }, purpose: 'case-work', requestId: actor.requestId, detail: 'reason.not-assigned' });
    throw new AppError('not_found');
  }
  return result.value;
}

/** A case as staff or the assigned attorney see it (without the restricted fields). */
export interface CaseDetail {
  id: string;
  reference: string;
  status: CaseStatus;
  open: boolean;
  channel: Channel;
  personLanguage: string;
  contactLanguage: Locale;
  detainedOn: string;
  residencyBasis: ResidencyBasis | null;
  disposition: string | null;
  dispositionReason: string | null;
  providerId: string | null;
  providerName: string | null;
  firstContactAt: string | null;
  reportCount: number;
  hasANumber: boolean;
  revision: number;
  createdAt: string;
  person: PersonPart;
  contact: ContactPart;
  reports: Array<{ id: string; channel: string; reporterRole: string; language: string; receivedAt: string; merged: boolean }>;
  assignments: Array<{ id: string; providerId: string; providerName: string; status: string; offeredAt: string; respondedAt: string | null; reasonCode: string | null; explanation: Explanation }>;
  events: Array<{ kind: string; at: string; actorId: string | null; reasonCode: string | null }>;
  contactClock: ClockView | null;
  contactHistory: ClockEventView[];
  acceptClock: ClockView | null;
  proceedings: Array<{ id: string; kind: string; on: string }>;
  custody: string | null;
  reliefSought: string[];
  outcome: string | null;
  /** Court deadline clocks (one per rule), soonest first. */
  deadlines: ClockView[];
  /** Why and on which local day the representation ended (closed cases). */
  closingReason: string | null;
  closedOn: string | null;
}

/** "Why this provider": codes and counts only. */
export interface Explanation {
  chosen: string | null;
  languageMatch: boolean;
  load: { open: number; capacity: number } | null;
  lastAssignedAt: string | null;
  candidates: number;
  excluded: Array<{ providerId: string; reason: 'conflict' | 'full' | 'unavailable' | 'declined' | 'busy' }>;
}

/** Opens a case (decrypts; audited in the same transaction). */
export async function readCase(ctx: AppContext, actor: StaffActor, id: string, scope: CaseScope): Promise<CaseDetail> {
  return scopedRead(ctx, actor, id, scope, async (tx, row) => {
    const parts = await ctx.vault.useSubject(id, (c) => ({
      person: c.openJson<PersonPart>(row.person_sealed, at('person_sealed', id)),
      contact: c.openJson<ContactPart>(row.contact_sealed, at('contact_sealed', id)),
    }));
    const providers = new Map((await legalDefenseRepo.listProviders(tx)).map((p) => [p.id, p.name]));
    const assignments = await legalDefenseRepo.assignmentsOf(tx, id);
    const current = assignments.find((a) => a.id === row.assignment_id);
    const contactClock = row.contact_clock_id ? ((await ctx.clocks.get(row.contact_clock_id, tx)) ?? null) : null;
    const acceptClock = current?.clock_id ? ((await ctx.clocks.get(current.clock_id, tx)) ?? null) : null;
    const detail: CaseDetail = {
      id,
      reference: shortReference(id),
      status: row.status as CaseStatus,
      open: row.open === 1,
      channel: row.channel as Channel,
      personLanguage: row.person_language,
      contactLanguage: row.contact_language as Locale,
      detainedOn: row.detained_on,
      residencyBasis: row.residency_basis as ResidencyBasis | null,
      disposition: row.disposition,
      dispositionReason: row.disposition_reason,
      providerId: row.provider_id,
      providerName: row.provider_id ? (providers.get(row.provider_id) ?? null) : null,
      firstContactAt: row.first_contact_at,
      reportCount: row.report_count,
      hasANumber: row.a_number_sealed !== null,
      revision: row.revision,
      createdAt: row.created_at,
      ...parts,
      reports: (await legalDefenseRepo.reportsOf(tx, id)).map((r) => ({ id: r.id, channel: r.channel, reporterRole: r.reporter_role, language: r.language, receivedAt: r.received_at, merged: r.merged === 1 })),
      assignments: assignments.map((a) => ({
        id: a.id,
        providerId: a.provider_id,
        providerName: providers.get(a.provider_id) ?? '',
        status: a.status,
        offeredAt: a.offered_at,
        respondedAt: a.responded_at,
        reasonCode: a.reason_code,
        explanation: JSON.parse(a.explanation) as Explanation,
      })),
      events: (await legalDefenseRepo.eventsOf(tx, id)).map((e) => ({ kind: e.kind, at: e.at, actorId: e.actor_id, reasonCode: e.reason_code })),
      contactClock,
      contactHistory: contactClock ? await ctx.clocks.historyOf(contactClock.id, tx) : [],
      acceptClock,
      custody: row.custody,
      reliefSought: row.relief_sought ? (JSON.parse(row.relief_sought) as string[]) : [],
      outcome: row.outcome,
      proceedings: (await tx.selectFrom('legal_defense_proceedings').select(['id', 'kind', 'on_date']).where('case_id', '=', id).orderBy('on_date').orderBy('id').execute()).map((p) => ({ id: p.id, kind: p.kind, on: p.on_date })),
      deadlines: (await ctx.clocks.forRecord({ owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.deadline, recordId: id }, tx)).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()),
      closingReason: row.closing_reason,
      closedOn: row.closed_on,
    };
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.read', record: { type: CASE_RECORD, id }, purpose: 'case-work', requestId: actor.requestId });
    return detail;
  });
}

/** The restricted fields of a case: the A-number and where the person was taken and is held. */
export interface RestrictedDetail {
  id: string;
  reference: string;
  aNumber: string | null;
  detention: DetentionPart;
  /** What each report said about the place (reports may differ; the attorney sees them all). */
  reportedPlaces: Array<{ receivedAt: string; facility: string; facilityOther?: string; detainedPlace: string; aNumber?: string }>;
}

/** Opens the restricted fields (decrypts; audited separately, detail `field.restricted`). */
export async function readRestricted(ctx: AppContext, actor: StaffActor, id: string, scope: CaseScope): Promise<RestrictedDetail> {
  return scopedRead(ctx, actor, id, scope, async (tx, row) => {
    const reports = await legalDefenseRepo.reportsOf(tx, id);
    const out = await ctx.vault.useSubject(id, (c) => ({
      aNumber: row.a_number_sealed ? c.open(row.a_number_sealed, at('a_number_sealed', id)) : null,
      detention: c.openJson<DetentionPart>(row.detention_sealed, at('detention_sealed', id)),
      reportedPlaces: reports.map((r) => {
        const p = c.openJson<ReportPart>(r.report_sealed, at('report_sealed', r.id, 'legal_defense_reports'));
        return { receivedAt: r.received_at, facility: p.facility, facilityOther: p.facilityOther, detainedPlace: p.detainedPlace, aNumber: p.aNumber };
      }),
    }));
    await ctx.audit.record(tx, { actor: { id: actor.userId, role: actor.role }, action: 'record.read', record: { type: CASE_RECORD, id }, purpose: 'case-work', requestId: actor.requestId, detail: 'field.restricted' });
    return { id, reference: shortReference(id), ...out };
  });
}

/** One page of the program queue: categories and dates only, so it is not an audited read. */
export async function listQueue(ctx: AppContext, options: { view: 'waiting' | 'assigned'; after?: string }) {
  const statuses = options.view === 'waiting' ? ['reported', 'eligible'] : ['offered', 'accepted', 'contacted'];
  const rows = await legalDefenseRepo.listQueue(ctx.db.kysely, { statuses, after: options.after, limit: 51 });
  const more = rows.length > 50;
  const items = more ? rows.slice(0, 50) : rows;
  const counts = await legalDefenseRepo.countOpenByStatus(ctx.db.kysely);
  // Each case's clock from the report to the first attorney contact, one read for the page.
  const clocks = await ctx.clocks.getMany(items.flatMap((r) => (r.contact_clock_id ? [r.contact_clock_id] : [])));
  return { items, next: more ? (items[items.length - 1]?.id ?? null) : null, counts, clocks };
}
