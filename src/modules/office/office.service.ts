/**
 * Use cases of the Office for Immigrant and Refugee Relationships: take a request from the public form,
 * show a resident its status, and let staff work the queue. Closed requests are forgotten by the retention
 * engine (`office.retention.ts`).
 *
 * Personal values (name, contact, description, other language) are sealed with the vault under the request's
 * own data key — each request is a vault subject, so forgetting it makes every copy, backups included,
 * unreadable. Every decrypting read and every change is written to the audit log in the same transaction.
 */
import type { Role } from '../../core/auth/permissions.ts';
import type { SealContext } from '../../core/crypto/envelope.ts';
import type { Tx } from '../../core/db/transaction.ts';
import { inTransaction } from '../../core/db/transaction.ts';
import { type FormStatus, referenceCodeIndex } from '../../core/forms/index.ts';
import { AppError } from '../../core/http/errors.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { type OfficeRequestSummaryRow, type QueueFilter, officeRepo } from './office.repo.ts';
import { type ContactMethod, type OfficeAnswers, type OfficeTopic, type RequestStatus, officeAnswersSchema } from './office.schemas.ts';

/** The vault program of Office subjects (their keys never mix with another program's). */
export const OFFICE_PROGRAM = 'office';
/** The public form's id (`/forms/office-help`). */
export const OFFICE_FORM_ID = 'office-help';
/**
 * Closed requests are kept 180 days, then forgotten. Long enough for a person who comes back with the same
 * problem, or needs to show they asked for help, to be found by their reference code; short enough that the
 * Office does not build a standing list of people and their contact details.
 */
export const OFFICE_RETENTION_DAYS = 180;
/** Requests per page in the staff queue. */
export const QUEUE_PAGE_SIZE = 25;

const TABLE = 'office_requests';

/** The staff member acting, as the audit log records them. */
export interface StaffActor {
  userId: string;
  role: Role;
  /** The HTTP request id, to tie the audit entry to the request log. */
  requestId?: string;
}

/** Who changes a request: a staff member, or the system (demo data, migrations of old records). */
export type ChangeActor = StaffActor | { userId: null; role: 'system'; requestId?: undefined };

/** A request as staff see it once opened (decrypted). */
export interface OfficeRequestDetail {
  id: string;
  topic: OfficeTopic;
  language: string;
  languageOther?: string;
  contactMethod: ContactMethod;
  contact?: string;
  name?: string;
  description?: string;
  status: RequestStatus;
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
}

/** One page of the queue. */
export interface QueuePage {
  items: OfficeRequestSummaryRow[];
  total: number;
  page: number;
  pages: number;
}

/** The sealed columns of `office_requests`. */
type SealedColumn = 'name_sealed' | 'contact_sealed' | 'description_sealed' | 'language_other_sealed';

function at(column: string, rowId: string): SealContext {
  return { table: TABLE, column, rowId };
}

/**
 * Stores a request from the public form, inside the form's transaction (so the draft closes only if this
 * succeeds). Returns the request id.
 */
export async function createRequest(
  ctx: AppContext,
  tx: Tx,
  input: { answers: unknown; reference: string; now: Date },
): Promise<string> {
  const answers: OfficeAnswers = officeAnswersSchema.parse(input.answers);
  const id = await ctx.vault.createSubject(tx, OFFICE_PROGRAM);
  const seal = async (column: string, value: string | undefined): Promise<string | null> =>
    value === undefined ? null : ctx.vault.seal(id, value, at(column, id));
  const contact = answers.contactMethod === 'email' ? answers.email : answers.contactMethod === 'none' ? undefined : answers.phone;
  const now = input.now.toISOString();
  await officeRepo.insert(tx, {
    id,
    reference_index: referenceCodeIndex(ctx, OFFICE_FORM_ID, input.reference),
    topic: answers.topic,
    language: answers.language,
    contact_method: answers.contactMethod,
    name_sealed: await seal('name_sealed', answers.name),
    contact_sealed: await seal('contact_sealed', contact),
    description_sealed: await seal('description_sealed', answers.description),
    language_other_sealed: await seal('language_other_sealed', answers.languageOther),
    status: 'received',
    created_at: now,
    updated_at: now,
    closed_at: null,
  });
  await ctx.audit.record(tx, {
    actor: { id: null, role: 'resident' },
    action: 'record.create',
    record: { type: 'office.request', id },
    purpose: 'intake',
  });
  return id;
}

/** The status of the request with this (canonical) reference code, for the resident's status page. */
export async function statusByReference(ctx: AppContext, reference: string): Promise<FormStatus | null> {
  const row = await officeRepo.findStatusByReference(ctx.db.kysely, referenceCodeIndex(ctx, OFFICE_FORM_ID, reference));
  if (!row) return null;
  return {
    statusKey: `office.status.${row.status}`,
    detailKey: `office.status.${row.status}.detail`,
    receivedAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** One page of the queue, newest first. Shows categories and dates only, so it is not an audited read. */
export async function listQueue(ctx: AppContext, options: QueueFilter & { page: number }): Promise<QueuePage> {
  const filter: QueueFilter = {};
  if (options.topic) filter.topic = options.topic;
  if (options.status) filter.status = options.status;
  const page = Math.max(1, Math.floor(options.page));
  const { rows, total } = await officeRepo.listQueue(ctx.db.kysely, filter, { limit: QUEUE_PAGE_SIZE, offset: (page - 1) * QUEUE_PAGE_SIZE });
  return { items: rows, total, page, pages: Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)) };
}

/**
 * Opens a request: decrypts its personal values and records the read in the audit log (in the same
 * transaction, so there is no read without its entry). Throws `not_found` for an unknown or forgotten request.
 */
export async function readRequest(ctx: AppContext, actor: StaffActor, id: string): Promise<OfficeRequestDetail> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await officeRepo.findById(tx, id);
    if (!row) throw new AppError('not_found');
    const open = async (column: SealedColumn): Promise<string | undefined> => {
      const sealed = row[column];
      return typeof sealed === 'string' ? ctx.vault.open(id, sealed, at(column, id)) : undefined;
    };
    const detail: OfficeRequestDetail = {
      id,
      topic: row.topic as OfficeTopic,
      language: row.language,
      languageOther: await open('language_other_sealed'),
      contactMethod: row.contact_method as ContactMethod,
      contact: await open('contact_sealed'),
      name: await open('name_sealed'),
      description: await open('description_sealed'),
      status: row.status as RequestStatus,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      closedAt: row.closed_at ?? undefined,
    };
    await ctx.audit.record(tx, {
      actor: { id: actor.userId, role: actor.role },
      action: 'record.read',
      record: { type: 'office.request', id },
      purpose: 'case-work',
      requestId: actor.requestId,
    });
    return detail;
  });
}

/**
 * Changes a request's status. Closing starts the retention clock (the policy in `office.retention.ts` forgets
 * it 180 days after `closed_at`); reopening stops it. Audited with the new status.
 */
export async function changeStatus(ctx: AppContext, actor: ChangeActor, id: string, status: RequestStatus): Promise<void> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    const row = await officeRepo.findById(tx, id);
    if (!row) throw new AppError('not_found');
    if (row.status === status) return;
    const closing = status === 'closed';
    await officeRepo.updateStatus(tx, id, {
      status,
      updated_at: now.toISOString(),
      closed_at: closing ? now.toISOString() : null,
    });
    await ctx.audit.record(tx, {
      actor: { id: actor.userId, role: actor.role },
      action: 'record.update',
      record: { type: 'office.request', id },
      purpose: 'case-work',
      requestId: actor.requestId,
      detail: `status.${status}`,
    });
  });
}
