/**
 * Use cases of the municipal ID application: take an application from the public form, show a resident its
 * status by reference code, let staff place a location the geocoder could not, and — for the enrolment part
 * of this module — open an application for enrolment, mark it enrolled, decide it, mark its card ready, and
 * find duplicates.
 *
 * Each application is its own vault subject (program `municipal-id`): name, date of birth, address, contact,
 * designations, the document plan (types only) and the fee waiver claimed are sealed under its key.
 * Forgetting it — the retention purge after the decision, or on request — destroys that key, so every copy,
 * backups included, becomes unreadable. Every decrypting read and every change is audited in its transaction.
 *
 * Never asked and never stored: immigration status, citizenship, country of birth, SSN, document numbers,
 * copies or photos of documents.
 */
import type { SealContext } from '../../../core/crypto/envelope.ts';
import { KeyNotFoundError } from '../../../core/crypto/errors.ts';
import type { Tx } from '../../../core/db/transaction.ts';
import { inTransaction } from '../../../core/db/transaction.ts';
import { type FormStatus, referenceCodeIndex } from '../../../core/forms/index.ts';
import { AppError } from '../../../core/http/errors.ts';
import type { Locale } from '../../../core/i18n/locales.ts';
import { localDate } from '../../../core/jurisdiction/index.ts';
import type { AuditActorRole } from '../../../core/audit/audit-entry.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { appointmentsApi } from '../../appointments/api.ts';
import { type AddressCheck, checkAddress, cityMapOrUndefined, defaultGeocoder, placePoint } from '../residency/residency.service.ts';
import { type ApplicationStatusRow, type PlacementQueueRow, applicationRepo } from './application.repo.ts';
import {
  APPLICATION_FORM_ID,
  type ApplicationAnswers,
  type ApplicationStatus,
  type ContactMethod,
  type GenderDesignation,
  type Housing,
  type LocationStatus,
  MUNICIPAL_ID_PROGRAM,
  NO_WAIVER,
  type PlacementInput,
  applicationAnswersSchema,
  decisionReasonSchema,
} from './application.schemas.ts';
import { ageOn, variantFor } from './eligibility.ts';

const TABLE = 'id_applications';
const DAY_MS = 86_400_000;
/** Audit record type of an application. */
export const APPLICATION_RECORD = 'municipal-id.application';

/**
 * Applications are forgotten this many days after the decision unless the jurisdiction profile sets
 * `retention["municipal-id.application"].maxDays`: long enough to answer a question about the decision or
 * re-print the letter, short enough that the program keeps no standing file of applicants — only the card
 * record (owned by the enrolment part) remains.
 */
export const DEFAULT_DECISION_RETENTION_DAYS = 30;
/**
 * An application nobody decides (no appointment booked, or never enrolled) is forgotten this many days after
 * its last step: half a year to come to an appointment, then it is gone.
 */
export const ABANDONED_APPLICATION_DAYS = 180;

/** The days an application is kept after its decision (jurisdiction profile, else {@link DEFAULT_DECISION_RETENTION_DAYS}). */
export function decisionRetentionDays(ctx: AppContext): number {
  const rule = ctx.jurisdiction.retention[APPLICATION_RECORD];
  return rule ? rule.value.maxDays : DEFAULT_DECISION_RETENTION_DAYS;
}

/** Who acts on an application: a staff member, or the system (demo data, jobs). */
export interface ApplicationActor {
  userId: string | null;
  role: AuditActorRole;
  /** The HTTP request id, to tie the audit entry to the request log. */
  requestId?: string;
}

/** An application as the enrolment part sees it once opened (decrypted; the read is audited). */
export interface ApplicationForEnrolment {
  id: string;
  status: ApplicationStatus;
  name: string;
  birthDate: string;
  housing: Housing;
  address?: { street: string; unit?: string; zip: string };
  locationStatus: LocationStatus;
  ward: number | null;
  precinct: string | null;
  gender: GenderDesignation;
  veteran: boolean;
  language: string;
  locale: Locale;
  contact: { method: ContactMethod; value?: string };
  /** Document types the person said they would bring (ids of the jurisdiction's point table). */
  documentPlan: string[];
  feeVariant: string;
  feeCents: number;
  /** The waiver category claimed (verified at enrolment), or `null`. */
  feeWaiver: string | null;
  appointmentId: string | null;
  createdAt: string;
  decidedAt: string | null;
  decisionReason: string | null;
}

type SealedColumn =
  | 'name_sealed'
  | 'birth_date_sealed'
  | 'address_sealed'
  | 'contact_sealed'
  | 'designations_sealed'
  | 'document_plan_sealed'
  | 'fee_waiver_sealed'
  | 'decision_note_sealed';

function at(column: SealedColumn, rowId: string): SealContext {
  return { table: TABLE, column, rowId };
}

/**
 * A decryption whose subject's key is gone (forgotten while a transaction that would have deleted the row
 * rolled back; `keys reconcile` removes such rows) is "gone" for the caller, not a server error.
 */
async function openOrGone<T>(opening: Promise<T>): Promise<T> {
  try {
    return await opening;
  } catch (err) {
    if (err instanceof KeyNotFoundError) throw new AppError('gone');
    throw err;
  }
}

function addDays(now: Date, days: number): string {
  return new Date(now.getTime() + days * DAY_MS).toISOString();
}

/**
 * The duplicate-detection index of a person in this program: a keyed blind index of (name, date of birth),
 * names compared without case, accents, spaces or punctuation. The card records of the enrolment part use the
 * same index name, so an application can be matched against cards already issued. Never used across programs.
 */
export function duplicateIndex(ctx: AppContext, name: string, birthDate: string): string {
  return ctx.vault.blindIndex('municipal-id.person', [name, birthDate], { normalize: 'name', bits: 64 });
}

/** Location columns from an address check. */
function locationOf(check: AddressCheck): { location_status: LocationStatus; match_quality: string | null; ward: number | null; precinct: string | null } {
  switch (check.kind) {
    case 'inside':
      return { location_status: 'located', match_quality: check.matchQuality, ward: check.ward, precinct: check.precinct };
    case 'review':
      return { location_status: 'review', match_quality: check.matchQuality, ward: check.ward, precinct: check.precinct };
    case 'unmatched':
      return { location_status: 'unmatched', match_quality: null, ward: null, precinct: null };
    case 'outside':
      // The form refuses it; a race (the address file changed between the step and sending) also refuses it.
      throw new AppError('validation', { messageKey: 'municipalId.apply.error.outsideCity', fields: [{ field: 'street', key: 'municipalId.apply.error.outsideCity' }] });
  }
}

/**
 * Stores an application from the public form, inside the form's transaction (the draft closes only if this
 * succeeds). Returns the application id.
 */
export async function createApplication(
  ctx: AppContext,
  tx: Tx,
  input: { answers: unknown; reference: string; now: Date; locale: Locale },
): Promise<string> {
  const answers: ApplicationAnswers = applicationAnswersSchema.parse(input.answers);
  const today = localDate(ctx.jurisdiction, input.now);
  const variant = variantFor(ctx.jurisdiction, ageOn(answers.birthDate, today));
  if (!variant) throw new AppError('validation', { messageKey: 'municipalId.apply.error.tooYoung', fields: [{ field: 'birthDate', key: 'municipalId.apply.error.tooYoung' }] });
  const location =
    answers.housing === 'address'
      ? // Through `tx`: on SQLite a query outside the transaction would wait for it forever.
        locationOf(await checkAddress(ctx, { line: answers.street ?? '', unit: answers.unit, zip: answers.zip }, defaultGeocoder(tx)))
      : { location_status: 'no-fixed-address' as const, match_quality: null, ward: null, precinct: null };
  const id = await ctx.vault.createSubject(tx, MUNICIPAL_ID_PROGRAM);
  const contactValue = answers.contactMethod === 'email' ? answers.email : answers.contactMethod === 'text' ? answers.phone : undefined;
  const sealed = await ctx.vault.useSubject(id, (c) => ({
    name_sealed: c.seal(answers.name, at('name_sealed', id)),
    birth_date_sealed: c.seal(answers.birthDate, at('birth_date_sealed', id)),
    address_sealed:
      answers.housing === 'address' ? c.sealJson({ street: answers.street, unit: answers.unit, zip: answers.zip }, at('address_sealed', id)) : null,
    contact_sealed: contactValue === undefined ? null : c.seal(contactValue, at('contact_sealed', id)),
    designations_sealed: c.sealJson({ gender: answers.gender ?? 'not-shown', veteran: answers.veteran === 'yes' }, at('designations_sealed', id)),
    document_plan_sealed: c.sealJson(answers.documents, at('document_plan_sealed', id)),
    fee_waiver_sealed: answers.feeWaiver === NO_WAIVER ? null : c.seal(answers.feeWaiver, at('fee_waiver_sealed', id)),
  }));
  const now = input.now.toISOString();
  await applicationRepo.insert(tx, {
    id,
    reference_index: referenceCodeIndex(ctx, APPLICATION_FORM_ID, input.reference),
    duplicate_index: duplicateIndex(ctx, answers.name, answers.birthDate),
    status: 'received',
    housing: answers.housing,
    ...location,
    language: answers.language,
    form_locale: input.locale,
    fee_variant: variant.id,
    fee_cents: variant.feeCents,
    contact_method: answers.contactMethod,
    ...sealed,
    appointment_id: null,
    decision_reason: null,
    decision_note_sealed: null,
    created_at: now,
    updated_at: now,
    booked_at: null,
    enrolled_at: null,
    decided_at: null,
    card_ready_at: null,
    purge_after: addDays(input.now, ABANDONED_APPLICATION_DAYS),
  });
  await ctx.audit.record(tx, {
    actor: { id: null, role: 'resident' },
    action: 'record.create',
    record: { type: APPLICATION_RECORD, id },
    purpose: 'intake',
  });
  return id;
}

/** The application with this (canonical) reference code, without personal values; `null` if none. */
export async function findByReference(ctx: AppContext, reference: string): Promise<ApplicationStatusRow | null> {
  let index: string;
  try {
    index = referenceCodeIndex(ctx, APPLICATION_FORM_ID, reference);
  } catch {
    return null;
  }
  return (await applicationRepo.findStatusByReference(ctx.db.kysely, index)) ?? null;
}

/**
 * The status of the application with this reference code, for the resident's status page. An appointment that
 * was cancelled or missed (in the appointments module) shows as "received": the next step is to book again.
 */
export async function statusByReference(ctx: AppContext, reference: string): Promise<FormStatus | null> {
  const row = await findByReference(ctx, reference);
  if (!row) return null;
  let status = row.status;
  if (status === 'appointment-booked' && row.appointment_id) {
    const booking = await appointmentsApi(ctx).getBookingById(row.appointment_id);
    if (!booking || (booking.status !== 'booked' && booking.status !== 'arrived')) status = 'received';
  }
  return {
    statusKey: `municipalId.status.${status}`,
    detailKey: `municipalId.status.${status}.detail`,
    receivedAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Opens an application for enrolment: decrypts it and records the read in the audit log, in `tx` (so there is
 * no read without its entry). Throws `not_found` for an unknown or forgotten application.
 */
export async function getApplicationForEnrolment(ctx: AppContext, tx: Tx, applicationId: string, actor: ApplicationActor): Promise<ApplicationForEnrolment> {
  const row = await applicationRepo.findById(tx, applicationId);
  if (!row) throw new AppError('not_found');
  const id = row.id;
  const opened = await openOrGone(ctx.vault.useSubject(id, (c) => {
    const open = (column: SealedColumn): string | undefined => {
      const v = row[column];
      return typeof v === 'string' ? c.open(v, at(column, id)) : undefined;
    };
    const json = <T>(column: SealedColumn): T | undefined => {
      const v = row[column];
      return typeof v === 'string' ? c.openJson<T>(v, at(column, id)) : undefined;
    };
    return {
      name: open('name_sealed') ?? '',
      birthDate: open('birth_date_sealed') ?? '',
      address: json<{ street: string; unit?: string; zip: string }>('address_sealed'),
      contact: open('contact_sealed'),
      designations: json<{ gender: GenderDesignation; veteran: boolean }>('designations_sealed'),
      plan: json<string[]>('document_plan_sealed') ?? [],
      waiver: open('fee_waiver_sealed'),
    };
  }));
  await ctx.audit.record(tx, {
    actor: { id: actor.userId, role: actor.role },
    action: 'record.read',
    record: { type: APPLICATION_RECORD, id },
    purpose: 'case-work',
    requestId: actor.requestId,
  });
  return {
    id,
    status: row.status as ApplicationStatus,
    name: opened.name,
    birthDate: opened.birthDate,
    housing: row.housing as Housing,
    address: opened.address,
    locationStatus: row.location_status as LocationStatus,
    ward: row.ward,
    precinct: row.precinct,
    gender: opened.designations?.gender ?? 'not-shown',
    veteran: opened.designations?.veteran ?? false,
    language: row.language,
    locale: row.form_locale as Locale,
    contact: { method: row.contact_method as ContactMethod, ...(opened.contact ? { value: opened.contact } : {}) },
    documentPlan: opened.plan,
    feeVariant: row.fee_variant,
    feeCents: row.fee_cents,
    feeWaiver: opened.waiver ?? null,
    appointmentId: row.appointment_id,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    decisionReason: row.decision_reason,
  };
}

/** Other applications of the same person (same name and date of birth) in this program; ids only. */
export async function findDuplicates(ctx: AppContext, tx: Tx, applicationId: string): Promise<string[]> {
  const row = await applicationRepo.findById(tx, applicationId);
  if (!row) throw new AppError('not_found');
  return applicationRepo.idsByDuplicateIndex(tx, row.duplicate_index, applicationId);
}

async function transition(
  ctx: AppContext,
  tx: Tx,
  applicationId: string,
  actor: ApplicationActor,
  options: { from: readonly ApplicationStatus[]; to: ApplicationStatus; changes: Record<string, string | null>; detail?: string },
): Promise<void> {
  const row = await applicationRepo.findStatusById(tx, applicationId);
  if (!row) throw new AppError('not_found');
  const now = ctx.now().toISOString();
  const ok = await applicationRepo.update(tx, applicationId, { status: options.to, updated_at: now, ...options.changes }, options.from);
  if (!ok) throw new AppError('conflict', { messageKey: 'municipalId.error.wrongStatus' });
  await ctx.audit.record(tx, {
    actor: { id: actor.userId, role: actor.role },
    action: 'record.update',
    record: { type: APPLICATION_RECORD, id: applicationId },
    // A resident booking their own appointment is not case work.
    purpose: actor.role === 'resident' ? 'resident-request' : 'case-work',
    requestId: actor.requestId,
    detail: options.detail ?? `status.${options.to}`,
  });
}

/** Records that staff enrolled the person (documents checked, photo taken). */
export async function markEnrolled(ctx: AppContext, tx: Tx, applicationId: string, actor: ApplicationActor): Promise<void> {
  await transition(ctx, tx, applicationId, actor, {
    from: ['received', 'appointment-booked'],
    to: 'enrolled',
    changes: { enrolled_at: ctx.now().toISOString(), purge_after: addDays(ctx.now(), ABANDONED_APPLICATION_DAYS) },
  });
}

/**
 * Approves or denies an enrolled application with a reason code (the letter is translated from it). Starts
 * the retention clock: the application is forgotten {@link decisionRetentionDays} days later, leaving only the
 * card record. An optional note is sealed.
 */
export async function decide(
  ctx: AppContext,
  tx: Tx,
  applicationId: string,
  decision: 'approved' | 'denied',
  reason: string,
  actor: ApplicationActor,
  options: { note?: string } = {},
): Promise<void> {
  const code = decisionReasonSchema.safeParse(reason);
  if (!code.success) throw new AppError('validation', { messageKey: 'municipalId.error.reason', fields: [{ field: 'reason', key: 'municipalId.error.reason' }] });
  const now = ctx.now();
  const note = options.note?.trim() ? await ctx.vault.seal(applicationId, options.note.trim(), at('decision_note_sealed', applicationId)) : null;
  await transition(ctx, tx, applicationId, actor, {
    from: ['enrolled'],
    to: decision,
    changes: {
      decided_at: now.toISOString(),
      decision_reason: code.data,
      decision_note_sealed: note,
      purge_after: addDays(now, decisionRetentionDays(ctx)),
    },
    detail: `status.${decision}`,
  });
}

/** Records that the approved card is printed and ready to collect (the retention clock keeps running from the decision). */
export async function markCardReady(ctx: AppContext, tx: Tx, applicationId: string, actor: ApplicationActor): Promise<void> {
  await transition(ctx, tx, applicationId, actor, { from: ['approved'], to: 'card-ready', changes: { card_ready_at: ctx.now().toISOString() } });
}

/** Records the enrolment appointment booked for an application (the appointments module keeps the booking). */
export async function attachAppointment(ctx: AppContext, tx: Tx, applicationId: string, bookingId: string, actor: ApplicationActor): Promise<void> {
  const now = ctx.now();
  await transition(ctx, tx, applicationId, actor, {
    from: ['received', 'appointment-booked'],
    to: 'appointment-booked',
    changes: { appointment_id: bookingId, booked_at: now.toISOString(), purge_after: addDays(now, ABANDONED_APPLICATION_DAYS) },
  });
}

/** One page of applications whose location staff must place or review (categories and dates only; not an audited read). */
export async function listPlacementQueue(ctx: AppContext, page: number, pageSize = 25): Promise<{ items: PlacementQueueRow[]; total: number; page: number; pages: number }> {
  const p = Math.max(1, Math.floor(page));
  const { rows, total } = await applicationRepo.placementQueue(ctx.db.kysely, { limit: pageSize, offset: (p - 1) * pageSize });
  return { items: rows, total, page: p, pages: Math.max(1, Math.ceil(total / pageSize)) };
}

/**
 * Staff place an application's location by hand: coordinates (checked against the city map) or a precinct
 * picked from the list. A point outside the city is refused with a translated error; nothing is changed then.
 * Only the ward and precinct are stored — never the coordinates.
 */
export async function placeLocation(ctx: AppContext, actor: ApplicationActor, applicationId: string, input: PlacementInput): Promise<{ ward: number | null; precinct: string }> {
  let ward: number | null;
  let precinct: string;
  let quality: string;
  if (input.kind === 'point') {
    const placed = placePoint(ctx, { lon: input.lon, lat: input.lat });
    if (!placed || !placed.inCity) throw new AppError('validation', { messageKey: 'municipalId.place.error.outside', fields: [{ field: 'lon', key: 'municipalId.place.error.outside' }] });
    if (!placed.precinct) throw new AppError('validation', { messageKey: 'municipalId.place.error.noPrecinct', fields: [{ field: 'lon', key: 'municipalId.place.error.noPrecinct' }] });
    ward = placed.ward;
    precinct = placed.precinct;
    quality = 'staff-point';
  } else {
    const p = cityMapOrUndefined(ctx)?.precinct(input.precinctId);
    if (!p) throw new AppError('validation', { messageKey: 'municipalId.place.error.precinct', fields: [{ field: 'precinct', key: 'municipalId.place.error.precinct' }] });
    ward = p.ward;
    precinct = p.precinct;
    quality = 'staff-precinct';
  }
  await inTransaction(ctx.db, async (tx) => {
    const row = await applicationRepo.findStatusById(tx, applicationId);
    if (!row) throw new AppError('not_found');
    if (row.location_status === 'no-fixed-address') throw new AppError('conflict', { messageKey: 'municipalId.place.error.noAddress' });
    await applicationRepo.update(tx, applicationId, {
      location_status: 'staff-placed',
      match_quality: quality,
      ward,
      precinct,
      updated_at: ctx.now().toISOString(),
    });
    await ctx.audit.record(tx, {
      actor: { id: actor.userId, role: actor.role },
      action: 'record.update',
      record: { type: APPLICATION_RECORD, id: applicationId },
      purpose: 'case-work',
      requestId: actor.requestId,
      detail: 'location.staff-placed',
    });
  });
  return { ward, precinct };
}

/** What staff see to place an application's location. */
export interface PlacementView {
  id: string;
  status: ApplicationStatus;
  locationStatus: LocationStatus;
  matchQuality: string | null;
  ward: number | null;
  precinct: string | null;
  address?: { street: string; unit?: string; zip: string };
}

/**
 * Opens an application's address for placing it by hand: decrypts the address only, and records the read in
 * the audit log in the same transaction. Throws `not_found` for an unknown or forgotten application.
 */
export async function readForPlacement(ctx: AppContext, actor: ApplicationActor, applicationId: string): Promise<PlacementView> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await applicationRepo.findById(tx, applicationId);
    if (!row) throw new AppError('not_found');
    const address =
      typeof row.address_sealed === 'string'
        ? await openOrGone(ctx.vault.openJson<{ street: string; unit?: string; zip: string }>(row.id, row.address_sealed, at('address_sealed', row.id)))
        : undefined;
    await ctx.audit.record(tx, {
      actor: { id: actor.userId, role: actor.role },
      action: 'record.read',
      record: { type: APPLICATION_RECORD, id: row.id },
      purpose: 'case-work',
      requestId: actor.requestId,
      detail: 'field.address',
    });
    return {
      id: row.id,
      status: row.status as ApplicationStatus,
      locationStatus: row.location_status as LocationStatus,
      matchQuality: row.match_quality,
      ward: row.ward,
      precinct: row.precinct,
      address,
    };
  });
}
