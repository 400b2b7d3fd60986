/**
 * Use cases of the enrolment desk: open an application (audited decrypting read), record the identity check,
 * the document *types* checked with their points, the fee waiver check and — only against duplicates — a
 * document's blind index; take the holder's photo; find possible duplicates inside this program; approve or
 * deny with an enumerated reason; print the decision letter in the applicant's language.
 *
 * Verify, then discard (DESIGN §3.2): nothing here accepts or keeps a copy, scan, photo or number of a
 * document. The one image kept is the holder's photo, re-encoded without metadata (`photo.ts`) and sealed.
 */
import type { SealContext } from '../../../core/crypto/envelope.ts';
import { KeyNotFoundError } from '../../../core/crypto/errors.ts';
import { type Tx, inTransaction } from '../../../core/db/transaction.ts';
import { AppError, type FieldError } from '../../../core/http/errors.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { applicationRepo } from '../application/application.repo.ts';
import type { ApplicationStatus } from '../application/application.schemas.ts';
import {
  type ApplicationActor,
  type ApplicationForEnrolment,
  decide,
  duplicateIndex,
  findDuplicates,
  getApplicationForEnrolment,
  markEnrolled,
} from '../application/application.service.ts';
import { type PlanTally, documentsOf, tallyPlan } from '../application/eligibility.ts';
import { cardRepo } from '../card/card.repo.ts';
import { cardTerms, createCard, createHolder, documentIndex } from '../card/card.service.ts';
import { enrolmentRepo, type IdEnrolmentRow } from './enrolment.repo.ts';
import { PhotoError, reencodePhoto } from './photo.ts';

const TABLE = 'id_enrolments';
/** Audit record type of an application (the enrolment record is part of it). */
const APPLICATION_RECORD = 'municipal-id.application';

/** Reasons a decision can give; each has a translated letter paragraph `municipalId.letter.reason.<code>`. */
export const DECISION_REASONS = {
  approved: ['requirements-met'],
  denied: ['insufficient-documents', 'identity-not-confirmed', 'not-resident', 'under-minimum-age', 'duplicate-card', 'other'],
} as const;
export type Decision = keyof typeof DECISION_REASONS;
export type DecisionReason = (typeof DECISION_REASONS)[Decision][number];

/** What staff found of a claimed fee waiver. */
export const FEE_WAIVER_RESULTS = ['not-claimed', 'verified', 'not-verified'] as const;
export type FeeWaiverResult = (typeof FEE_WAIVER_RESULTS)[number];

/** Statuses in which the desk can still record documents and take the photo. */
const OPEN_STATUSES: readonly ApplicationStatus[] = ['received', 'appointment-booked', 'enrolled'];

/** A document type checked, with the points the jurisdiction's table gave it on that day. */
export interface CheckedDocument {
  type: string;
  identityPoints: number;
  residencyPoints: number;
}

/** The enrolment record, opened. */
export interface EnrolmentRecord {
  identityConfirmed: boolean;
  documents: CheckedDocument[];
  identityPoints: number;
  residencyPoints: number;
  feeWaiver: FeeWaiverResult;
  documentNumberEntered: boolean;
  hasPhoto: boolean;
  photoTakenAt: string | null;
  enrolledAt: string | null;
  duplicatesCheckedAt: string | null;
}

/** Possible duplicates of an application inside this program (ids and states only). */
export interface Duplicates {
  applications: Array<{ id: string; status: string; createdAt: string }>;
  cards: Array<{ id: string; status: string; issuedOn: string; expiresOn: string; by: 'person' | 'document' }>;
}

/** Everything the enrolment page shows. */
export interface EnrolmentView {
  application: ApplicationForEnrolment;
  enrolment: EnrolmentRecord | null;
  /** The tally of the documents checked (or, before the check, of the documents the person planned to bring). */
  tally: PlanTally;
  duplicates: Duplicates;
  /** The card made from this application, once approved. */
  cardId: string | null;
}

/** What staff enter at the desk. */
export interface EnrolmentInput {
  identityConfirmed: boolean;
  documents: readonly string[];
  /** A document's number, only to catch a second card for the same document: kept as a blind index only. */
  documentNumber?: { type: string; number: string };
  /** Required when the applicant claimed a waiver. */
  feeWaiverVerified?: boolean;
}

function at(column: string, rowId: string): SealContext {
  return { table: TABLE, column, rowId };
}

function appActor(actor: ApplicationActor): ApplicationActor {
  return actor;
}

function invalid(field: string, key: string, values?: Record<string, string | number>): AppError {
  return new AppError('validation', { messageKey: key, fields: [{ field, key, ...(values ? { values } : {}) }] });
}

async function audit(ctx: AppContext, tx: Tx, actor: ApplicationActor, action: string, applicationId: string, detail?: string): Promise<void> {
  await ctx.audit.record(tx, {
    actor: { id: actor.userId, role: actor.role },
    action,
    record: { type: APPLICATION_RECORD, id: applicationId },
    purpose: 'case-work',
    requestId: actor.requestId,
    ...(detail ? { detail } : {}),
  });
}

async function openDocuments(ctx: AppContext, row: IdEnrolmentRow): Promise<CheckedDocument[]> {
  if (!row.documents_sealed) return [];
  return ctx.vault.openJson<CheckedDocument[]>(row.application_id, row.documents_sealed, at('documents_sealed', row.application_id));
}

function recordOf(row: IdEnrolmentRow, documents: CheckedDocument[]): EnrolmentRecord {
  return {
    identityConfirmed: row.identity_confirmed === 1,
    documents,
    identityPoints: row.identity_points,
    residencyPoints: row.residency_points,
    feeWaiver: row.fee_waiver as FeeWaiverResult,
    documentNumberEntered: row.document_index !== null,
    hasPhoto: row.photo_sealed !== null,
    photoTakenAt: row.portrait_taken_at,
    enrolledAt: row.enrolled_at,
    duplicatesCheckedAt: row.duplicates_checked_at,
  };
}

/**
 * Possible duplicates of a person inside this program: other applications with the same name and date of
 * birth, and cards whose holder has the same name and date of birth or whose enrolment entered the same
 * document. Candidates only — staff look and decide. Never searched across programs.
 */
async function findPossibleDuplicates(ctx: AppContext, tx: Tx, app: ApplicationForEnrolment, row: IdEnrolmentRow | undefined): Promise<Duplicates> {
  const own = await cardRepo.cardOfApplication(tx, app.id);
  const applications: Duplicates['applications'] = [];
  for (const id of await findDuplicates(ctx, tx, app.id)) {
    const other = await applicationRepo.findStatusById(tx, id);
    if (other) applications.push({ id, status: other.status, createdAt: other.created_at });
  }
  const holders = new Map<string, 'person' | 'document'>();
  for (const id of await cardRepo.holdersByPersonIndex(tx, duplicateIndex(ctx, app.name, app.birthDate))) holders.set(id, 'person');
  if (row?.document_index) {
    for (const id of await cardRepo.holdersByDocumentIndex(tx, row.document_index)) if (!holders.has(id)) holders.set(id, 'document');
    for (const id of await enrolmentRepo.idsByDocumentIndex(tx, row.document_index, app.id)) {
      if (applications.some((a) => a.id === id)) continue;
      const other = await applicationRepo.findStatusById(tx, id);
      if (other) applications.push({ id, status: other.status, createdAt: other.created_at });
    }
  }
  if (own) holders.delete(own.holderId);
  const cards: Duplicates['cards'] = [];
  for (const [holderId, by] of holders) {
    for (const c of await cardRepo.cardsOfHolder(tx, holderId)) cards.push({ id: c.id, status: c.status, issuedOn: c.issued_on, expiresOn: c.expires_on, by });
  }
  return { applications, cards };
}

function hasDuplicates(d: Duplicates): boolean {
  return d.applications.length > 0 || d.cards.length > 0;
}

/**
 * Opens an application at the desk: decrypts it (the read is audited by the application part), with the
 * enrolment record, the points tally and the possible duplicates.
 */
export async function openForEnrolment(ctx: AppContext, actor: ApplicationActor, applicationId: string): Promise<EnrolmentView> {
  return inTransaction(ctx.db, async (tx) => {
    const application = await getApplicationForEnrolment(ctx, tx, applicationId, appActor(actor));
    const row = await enrolmentRepo.find(tx, applicationId);
    const documents = row ? await openDocuments(ctx, row) : [];
    const noFixedAddress = application.housing === 'none';
    const tally = tallyPlan(ctx.jurisdiction, row?.documents_sealed ? documents.map((d) => d.type) : application.documentPlan, { noFixedAddress });
    const duplicates = await findPossibleDuplicates(ctx, tx, application, row);
    const card = await cardRepo.cardOfApplication(tx, applicationId);
    return { application, enrolment: row ? recordOf(row, documents) : null, tally, duplicates, cardId: card?.id ?? null };
  }).catch((err: unknown) => {
    if (err instanceof KeyNotFoundError) throw new AppError('gone');
    throw err;
  });
}

async function openApplicationRow(tx: Tx, applicationId: string) {
  const row = await applicationRepo.findById(tx, applicationId);
  if (!row) throw new AppError('not_found');
  if (!OPEN_STATUSES.includes(row.status as ApplicationStatus)) throw new AppError('conflict', { messageKey: 'municipalId.enrol.error.decided' });
  return row;
}

/**
 * Records what staff checked at the desk. A shortfall of points can be recorded (the application is then
 * denied with that reason); approval requires a complete tally. The first recording marks the application
 * enrolled. Bad input — an unknown document type, a number for a document not checked, a missing waiver
 * answer — is refused with translated field errors and nothing is written.
 */
export async function recordEnrolment(ctx: AppContext, actor: ApplicationActor, applicationId: string, input: EnrolmentInput): Promise<void> {
  const table = new Map(documentsOf(ctx.jurisdiction).map((d) => [d.id, d]));
  const errors: FieldError[] = [];
  const types = [...new Set(input.documents)];
  if (types.some((t) => !table.has(t))) errors.push({ field: 'documents', key: 'municipalId.enrol.error.documentType' });
  if (input.documentNumber) {
    const { type, number } = input.documentNumber;
    if (!types.includes(type)) errors.push({ field: 'documentNumberType', key: 'municipalId.enrol.error.numberType' });
    const clean = number.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '');
    if (clean.length < 4 || clean.length > 30) errors.push({ field: 'documentNumber', key: 'municipalId.enrol.error.number' });
  }
  await inTransaction(ctx.db, async (tx) => {
    const app = await openApplicationRow(tx, applicationId);
    const claimed = app.fee_waiver_sealed !== null;
    if (claimed && input.feeWaiverVerified === undefined) errors.push({ field: 'feeWaiver', key: 'municipalId.enrol.error.feeWaiver' });
    if (errors.length > 0) throw new AppError('validation', { fields: errors });
    const documents: CheckedDocument[] = types.map((t) => {
      const d = table.get(t);
      return { type: t, identityPoints: d?.identityPoints ?? 0, residencyPoints: d?.residencyPoints ?? 0 };
    });
    const now = ctx.now().toISOString();
    const values = {
      identity_confirmed: input.identityConfirmed ? 1 : 0,
      documents_sealed: await ctx.vault.sealJson(applicationId, documents, at('documents_sealed', applicationId)),
      identity_points: documents.reduce((n, d) => n + d.identityPoints, 0),
      residency_points: documents.reduce((n, d) => n + d.residencyPoints, 0),
      document_index: input.documentNumber ? documentIndex(ctx, input.documentNumber.type, input.documentNumber.number) : null,
      fee_waiver: (claimed ? (input.feeWaiverVerified ? 'verified' : 'not-verified') : 'not-claimed') satisfies FeeWaiverResult,
      enrolled_at: now,
      enrolled_by: actor.userId,
      updated_at: now,
    };
    const existing = await enrolmentRepo.find(tx, applicationId);
    if (existing) await enrolmentRepo.update(tx, applicationId, values);
    else await enrolmentRepo.insert(tx, { application_id: applicationId, ...values, photo_sealed: null, duplicates_checked_at: null, duplicates_checked_by: null, portrait_taken_at: null, portrait_taken_by: null });
    if (app.status === 'enrolled') await audit(ctx, tx, actor, 'record.update', applicationId, 'enrolment.updated');
    else await markEnrolled(ctx, tx, applicationId, actor);
  });
}

/**
 * Takes the holder's photo: checks and re-encodes the upload (no metadata survives), seals it under the
 * application's key. The upload itself is never written anywhere. @throws AppError validation with the reason.
 */
export async function savePhoto(ctx: AppContext, actor: ApplicationActor, applicationId: string, upload: Buffer): Promise<void> {
  let jpeg: Buffer;
  try {
    jpeg = reencodePhoto(upload).jpeg;
  } catch (err) {
    if (err instanceof PhotoError) {
      throw new AppError(err.problem === 'too-large' ? 'payload_too_large' : 'validation', {
        messageKey: `municipalId.enrol.photo.error.${err.problem}`,
        fields: [{ field: 'photo', key: `municipalId.enrol.photo.error.${err.problem}` }],
      });
    }
    throw err;
  }
  await inTransaction(ctx.db, async (tx) => {
    const app = await openApplicationRow(tx, applicationId);
    const now = ctx.now().toISOString();
    const photo = { photo_sealed: await ctx.vault.seal(applicationId, jpeg, at('photo_sealed', applicationId)), portrait_taken_at: now, portrait_taken_by: actor.userId, updated_at: now };
    if (await enrolmentRepo.find(tx, applicationId)) await enrolmentRepo.update(tx, applicationId, photo);
    else {
      await enrolmentRepo.insert(tx, {
        application_id: applicationId,
        identity_confirmed: 0,
        documents_sealed: null,
        identity_points: 0,
        residency_points: 0,
        document_index: null,
        fee_waiver: app.fee_waiver_sealed === null ? 'not-claimed' : 'not-verified',
        duplicates_checked_at: null,
        duplicates_checked_by: null,
        enrolled_at: null,
        enrolled_by: null,
        ...photo,
      });
    }
    await audit(ctx, tx, actor, 'record.update', applicationId, 'photo.taken');
  });
  jpeg.fill(0);
}

/** The photo taken at the desk, before the decision (decrypted; audited). */
export async function enrolmentPhoto(ctx: AppContext, actor: ApplicationActor, applicationId: string): Promise<Buffer> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await enrolmentRepo.find(tx, applicationId);
    if (!row?.photo_sealed) throw new AppError('not_found');
    const photo = await ctx.vault.openBytes(applicationId, row.photo_sealed, at('photo_sealed', applicationId));
    await audit(ctx, tx, actor, 'record.read', applicationId, 'photo.viewed');
    return photo;
  });
}

/** Why an approval cannot go ahead yet, as field errors (empty when it can). */
function approvalProblems(ctx: AppContext, app: ApplicationForEnrolment, row: IdEnrolmentRow, documents: CheckedDocument[], duplicates: Duplicates, duplicatesChecked: boolean): FieldError[] {
  const problems: FieldError[] = [];
  if (row.identity_confirmed !== 1) problems.push({ field: 'decision', key: 'municipalId.decision.error.identity' });
  const tally = tallyPlan(ctx.jurisdiction, documents.map((d) => d.type), { noFixedAddress: app.housing === 'none' });
  for (const gap of tally.missing) {
    problems.push('points' in gap ? { field: 'decision', key: `municipalId.decision.error.missing.${gap.kind}`, values: { points: gap.points } } : { field: 'decision', key: `municipalId.decision.error.missing.${gap.kind}` });
  }
  if (!row.photo_sealed) problems.push({ field: 'decision', key: 'municipalId.decision.error.photo' });
  if (hasDuplicates(duplicates) && !duplicatesChecked && !row.duplicates_checked_at) problems.push({ field: 'duplicatesChecked', key: 'municipalId.decision.error.duplicates' });
  return problems;
}

/**
 * Approves or denies an enrolled application with an enumerated reason (and an optional staff note, sealed).
 * On approval, in the same transaction: the card holder is created (name, date of birth, designations and the
 * photo copied under the holder's own key), the first card is made with its signed credential and queued for
 * printing. Either way the photo leaves the application record. Returns the new card's id on approval.
 */
export async function decideApplication(
  ctx: AppContext,
  actor: ApplicationActor,
  applicationId: string,
  input: { decision: Decision; reason: string; note?: string; duplicatesChecked: boolean },
): Promise<{ cardId: string | null }> {
  if (!(DECISION_REASONS[input.decision] as readonly string[]).includes(input.reason)) throw invalid('reason', 'municipalId.decision.error.reason');
  return inTransaction(ctx.db, async (tx) => {
    const app = await getApplicationForEnrolment(ctx, tx, applicationId, actor);
    if (app.status !== 'enrolled') throw new AppError('conflict', { messageKey: app.decidedAt ? 'municipalId.enrol.error.decided' : 'municipalId.decision.error.notEnrolled' });
    const row = await enrolmentRepo.find(tx, applicationId);
    if (!row) throw new AppError('conflict', { messageKey: 'municipalId.decision.error.notEnrolled' });
    const now = ctx.now().toISOString();
    let cardId: string | null = null;
    if (input.decision === 'approved') {
      const documents = await openDocuments(ctx, row);
      const duplicates = await findPossibleDuplicates(ctx, tx, app, row);
      const problems = approvalProblems(ctx, app, row, documents, duplicates, input.duplicatesChecked);
      if (problems.length > 0) throw new AppError('validation', { messageKey: 'municipalId.decision.error.summary', fields: problems });
      cardTerms(ctx, app.birthDate);
      await decide(ctx, tx, applicationId, 'approved', input.reason, actor, { note: input.note });
      const photoJpeg = await ctx.vault.openBytes(applicationId, row.photo_sealed as string, at('photo_sealed', applicationId));
      const holderId = await createHolder(
        ctx,
        tx,
        {
          name: app.name,
          birthDate: app.birthDate,
          gender: app.gender,
          veteran: app.veteran,
          photoJpeg,
          personIndex: duplicateIndex(ctx, app.name, app.birthDate),
          documentIndex: row.document_index,
        },
        actor,
      );
      photoJpeg.fill(0);
      cardId = await createCard(ctx, tx, { holderId, facts: { name: app.name, birthDate: app.birthDate }, ward: app.ward, applicationId }, actor);
    } else {
      await decide(ctx, tx, applicationId, 'denied', input.reason, actor, { note: input.note });
    }
    await enrolmentRepo.update(tx, applicationId, {
      photo_sealed: null,
      updated_at: now,
      ...(input.duplicatesChecked && !row.duplicates_checked_at ? { duplicates_checked_at: now, duplicates_checked_by: actor.userId } : {}),
    });
    return { cardId };
  });
}
