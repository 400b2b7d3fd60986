import type { AuditActorRole } from '../audit/audit-entry.ts';
import type { Role } from '../auth/permissions.ts';
import { randomId, referenceCode } from '../crypto/random.ts';
import type { Executor } from '../db/transaction.ts';
import { inTransaction } from '../db/transaction.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import { parseInput } from '../http/validate.ts';
import { isBusinessDay, localDate } from '../jurisdiction/index.ts';
import type { AppContext } from '../modules/context.ts';
import { notify } from '../notify/notifier.ts';
import {
  type DeclineReason,
  type DemandChecklist,
  type DemandStatus,
  type DemandType,
  type NoticeMethod,
  type NoticeStatus,
  DEFAULT_NOTICE_CLOCK,
  TYPE_DECLINE_REASON,
  approvalState,
  disclosureExpiry,
  evaluateDemand,
  isApprovableType,
  noticeDueAt,
  type ApprovalState,
  type DemandEvaluation,
  type NoticeClock,
} from './demands.rules.ts';
import { type DemandRecordRow, type DemandRow, demandsRepo, staffNames } from './demands.repo.ts';
import {
  type RegisterDemandInput,
  checklistSchema,
  declineSchema,
  nondisclosureSchema,
  recordNoticeSchema,
  registerDemandSchema,
  scopeRecordSchema,
} from './demands.schemas.ts';
import type { DisclosureSourceRegistry, DisclosureValue } from './demands.sources.ts';

/** The vault program that seals a demand's own free text (officer details, document description). */
export const DEMAND_VAULT_PROGRAM = 'privacy.demands';
/** Audit record type of a demand. */
export const DEMAND_RECORD_TYPE = 'privacy.demand';

/**
 * Who is acting. `stepUp` is true only when the route has checked `requireStepUp(req, 'disclosure')`: the
 * service refuses approvals and disclosures without it, so no caller can skip the passkey by accident.
 */
export interface DemandActor {
  userId: string;
  roles: readonly Role[];
  stepUp?: boolean;
  /** The HTTP request id, tying audit entries to the request log. */
  requestId?: string;
}

/** One named record with its notice. */
export interface DemandRecordView {
  id: string;
  program: string;
  recordType: string;
  recordId: string;
  notice: {
    status: NoticeStatus;
    dueAt: string | null;
    overdue: boolean;
    method: NoticeMethod | null;
    doneAt: string | null;
    doneBy: string | null;
    /** Status of the queued email/SMS, if the notice went through the queue. */
    messageStatus: string | null;
  };
}

/** A demand as its pages show it. */
export interface DemandView {
  id: string;
  reference: string;
  type: DemandType;
  formNumber: string;
  agencyKind: string;
  agencyName: string;
  channel: string;
  receivedAt: string;
  receivedBy: { id: string; name: string | null };
  registeredBy: { id: string; name: string | null };
  servedOn: string;
  checklist: DemandChecklist;
  unmatchedPeople: number;
  /** Decrypted officer details and document description (the read is audited). */
  requester: string | null;
  description: string | null;
  status: DemandStatus;
  declineReason: DeclineReason | null;
  decidedAt: string | null;
  decidedBy: { id: string; name: string | null } | null;
  evaluation: DemandEvaluation;
  approvals: Array<{ userId: string; name: string | null; roles: string[]; approvedAt: string }>;
  approvalState: ApprovalState;
  disclosure: { createdAt: string; expiresAt: string; downloadedAt: string | null; downloadedBy: string | null; available: boolean } | null;
  nondisclosure: { orderRef: string; until: string | null } | null;
  records: DemandRecordView[];
}

/** A row of the register list. */
export interface DemandSummary {
  id: string;
  reference: string;
  type: DemandType;
  agencyName: string;
  receivedAt: string;
  status: DemandStatus;
  declineReason: DeclineReason | null;
  records: number;
  openNotices: number;
  overdueNotices: number;
  /** Staff account that registered it. */
  registeredBy: string;
}

/** What the approver downloads: the demand's legal basis and exactly the named records. */
export interface DisclosurePackage {
  format: 'sanctuary.disclosure/1';
  demand: {
    id: string;
    reference: string;
    type: DemandType;
    court: string | null;
    caseNumber: string | null;
    judge: string | null;
    issuedOn: string | null;
    expiresOn: string | null;
    approvedAt: string | null;
    approvers: Array<{ userId: string; roles: string[] }>;
  };
  generatedAt: string;
  generatedBy: string;
  records: Array<{ program: string; recordType: string; recordId: string; fields: Record<string, DisclosureValue> }>;
  /** Named records the program no longer holds (deleted under retention, forgotten) or cannot serve. */
  unavailable: Array<{ program: string; recordType: string; recordId: string }>;
}

function checklistOf(row: DemandRow, scopeRecords: number): DemandChecklist {
  return {
    type: row.type as DemandType,
    formNumber: row.form_number as DemandChecklist['formNumber'],
    issuedByCourt: row.issued_by_court as DemandChecklist['issuedByCourt'],
    signedByJudge: row.signed_by_judge as DemandChecklist['signedByJudge'],
    judgeName: row.judge_name,
    courtName: row.court_name,
    caseNumber: row.case_number,
    issuedOn: row.issued_on,
    expiresOn: row.expires_on,
    scopeRecords,
  };
}

/** The role an audit entry names for a staff member acting on the gate (most specific first). */
function auditRole(roles: readonly Role[]): AuditActorRole {
  for (const r of ['counsel', 'admin', 'office-staff'] as const) if (roles.includes(r)) return r;
  return roles[0] ?? 'office-staff';
}

/**
 * The outside-demand gate (DESIGN §3.6; R15, R16): registers every demand for data, declines everything that
 * is not a judicial warrant or court order, lets counsel plus a second person (each after a passkey step-up)
 * approve a judicial instrument, unlocks one expiring, single-use disclosure of exactly the named records,
 * and tracks the notice each person is owed. Every step is audit-logged in its own transaction.
 */
export class DemandService {
  constructor(
    private readonly ctx: AppContext,
    private readonly sources: DisclosureSourceRegistry,
  ) {}

  private now(): Date {
    return this.ctx.now();
  }

  private today(): string {
    return localDate(this.ctx.jurisdiction, this.now());
  }

  /** The jurisdiction's notice clock (`clocks.outsideDemandSubjectNotice`), or three days. */
  private noticeDue(receivedAt: Date): Date {
    const j = this.ctx.jurisdiction;
    const rule: NoticeClock = j.clocks.outsideDemandSubjectNotice.value ?? DEFAULT_NOTICE_CLOCK;
    return noticeDueAt(receivedAt, rule, {
      localDate: (d) => localDate(j, d),
      isBusinessDay: (iso) => isBusinessDay(j, iso),
    });
  }

  private async audit(
    tx: Executor,
    actor: DemandActor,
    entry: { action: string; record?: { type: string; id: string }; purpose?: 'counsel-review' | 'legal-process' | 'notification'; legalProcessId?: string; detail?: string; outcome?: 'success' | 'denied' | 'failure' },
  ): Promise<void> {
    await this.ctx.audit.record(tx, {
      actor: { id: actor.userId, role: auditRole(actor.roles) },
      action: entry.action,
      record: entry.record,
      purpose: entry.purpose ?? 'counsel-review',
      ...(entry.legalProcessId ? { legalProcessId: entry.legalProcessId } : {}),
      ...(entry.detail ? { detail: entry.detail } : {}),
      ...(entry.outcome ? { outcome: entry.outcome } : {}),
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
    });
  }

  /** Checks that every named record is a known kind of record and exists; field errors point at the slot. */
  private async checkRecords(db: Executor, records: ReadonlyArray<{ program: string; recordType: string; recordId: string }>, fieldPrefix = 'records'): Promise<void> {
    const fields: FieldError[] = [];
    const seen = new Set<string>();
    for (const [i, r] of records.entries()) {
      const source = this.sources.get(r.program, r.recordType);
      const key = `${r.program}.${r.recordType}.${r.recordId}`;
      if (!source) fields.push({ field: `${fieldPrefix}.${i}.source`, key: 'demands.error.source' });
      else if (seen.has(key)) fields.push({ field: `${fieldPrefix}.${i}.recordId`, key: 'demands.error.duplicateRecord' });
      else if (!(await source.exists(db, r.recordId))) fields.push({ field: `${fieldPrefix}.${i}.recordId`, key: 'demands.error.recordNotFound' });
      seen.add(key);
    }
    if (fields.length > 0) throw new AppError('validation', { fields });
  }

  /**
   * Registers a demand. A type that can never be approved is declined at once with its reason; a judicial
   * warrant or court order waits for counsel. A notice task is opened for every named record.
   */
  async register(actor: DemandActor, input: RegisterDemandInput): Promise<{ id: string; reference: string; status: DemandStatus; declineReason: DeclineReason | null }> {
    const data = parseInput(registerDemandSchema, input);
    const receivedAt = new Date(data.receivedAt);
    // A demand cannot be received in the future (a few minutes of clock skew aside).
    if (receivedAt.getTime() > this.now().getTime() + 10 * 60_000) {
      throw new AppError('validation', { fields: [{ field: 'receivedAt', key: 'demands.error.receivedInFuture' }] });
    }
    await this.checkRecords(this.ctx.db.kysely, data.records);
    const id = randomId();
    const nowIso = this.now().toISOString();
    const status: DemandStatus = isApprovableType(data.type) ? 'pending_review' : 'declined';
    const declineReason = status === 'declined' ? TYPE_DECLINE_REASON[data.type as keyof typeof TYPE_DECLINE_REASON] : null;
    const dueAt = this.noticeDue(receivedAt).toISOString();
    return inTransaction(this.ctx.db, async (tx) => {
      let subjectId: string | null = null;
      let requesterSealed: string | null = null;
      let descriptionSealed: string | null = null;
      if (data.requester !== null || data.description !== null) {
        subjectId = await this.ctx.vault.createSubject(tx, DEMAND_VAULT_PROGRAM);
        const at = (column: string) => ({ table: 'privacy_demands', column, rowId: id });
        if (data.requester !== null) requesterSealed = await this.ctx.vault.seal(subjectId, data.requester, at('requester_sealed'));
        if (data.description !== null) descriptionSealed = await this.ctx.vault.seal(subjectId, data.description, at('description_sealed'));
      }
      const reference = referenceCode();
      await demandsRepo.insertDemand(tx, {
        id,
        reference,
        type: data.type,
        form_number: data.formNumber,
        agency_kind: data.agencyKind,
        agency_name: data.agencyName,
        channel: data.channel,
        received_at: receivedAt.toISOString(),
        received_by: data.receivedBy,
        registered_by: actor.userId,
        served_on: data.servedOn,
        issued_by_court: data.issuedByCourt,
        signed_by_judge: data.signedByJudge,
        judge_name: data.judgeName,
        court_name: data.courtName,
        case_number: data.caseNumber,
        issued_on: data.issuedOn,
        expires_on: data.expiresOn,
        unmatched_people: data.unmatchedPeople,
        subject_id: subjectId,
        requester_sealed: requesterSealed,
        description_sealed: descriptionSealed,
        status,
        decline_reason: declineReason,
        decided_at: status === 'declined' ? nowIso : null,
        decided_by: null,
        nondisclosure_order_ref: null,
        nondisclosure_until: null,
        nondisclosure_recorded_by: null,
        created_at: nowIso,
        updated_at: nowIso,
      });
      await demandsRepo.insertRecords(
        tx,
        data.records.map((r) => ({
          id: randomId(),
          demand_id: id,
          program: r.program,
          record_type: r.recordType,
          record_id: r.recordId,
          notice_status: 'pending',
          notice_due_at: dueAt,
          notice_method: null,
          notice_message_id: null,
          notice_done_at: null,
          notice_done_by: null,
          created_at: nowIso,
        })),
      );
      await this.audit(tx, actor, { action: 'privacy.demand.register', record: { type: DEMAND_RECORD_TYPE, id } });
      if (status === 'declined') {
        await this.audit(tx, actor, { action: 'privacy.demand.decline', record: { type: DEMAND_RECORD_TYPE, id }, detail: 'decided.by-rule' });
      }
      return { id, reference, status, declineReason };
    });
  }

  /** The register, newest first. */
  async list(options: { page?: number; pageSize?: number; status?: DemandStatus } = {}): Promise<{ items: DemandSummary[]; total: number; overdueNotices: number }> {
    const pageSize = Math.min(Math.max(options.pageSize ?? 25, 1), 100);
    const page = Math.max(options.page ?? 1, 1);
    const db = this.ctx.db.kysely;
    const rows = await demandsRepo.listDemands(db, { limit: pageSize, offset: (page - 1) * pageSize, status: options.status });
    const total = await demandsRepo.countDemands(db, options.status);
    const nowIso = this.now().toISOString();
    const summary = await demandsRepo.noticeSummary(db, rows.map((r) => r.id), nowIso);
    const counts = await demandsRepo.recordCounts(db, rows.map((r) => r.id));
    const overdue = (await demandsRepo.overdueNotices(db, nowIso)).length;
    return {
      items: rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        type: r.type as DemandType,
        agencyName: r.agency_name,
        receivedAt: r.received_at,
        status: r.status as DemandStatus,
        declineReason: r.decline_reason as DeclineReason | null,
        records: counts.get(r.id) ?? 0,
        openNotices: summary.get(r.id)?.open ?? 0,
        overdueNotices: summary.get(r.id)?.overdue ?? 0,
        registeredBy: r.registered_by,
      })),
      total,
      overdueNotices: overdue,
    };
  }

  /** The outline of one demand (reference, type, outcome) without its records or sealed details. */
  async summary(id: string): Promise<DemandSummary | undefined> {
    const db = this.ctx.db.kysely;
    const r = await demandsRepo.findDemand(db, id);
    if (!r) return undefined;
    const records = await demandsRepo.records(db, id);
    const nowIso = this.now().toISOString();
    const open = records.filter((x) => x.notice_status === 'pending' || x.notice_status === 'deferred');
    return {
      id: r.id,
      reference: r.reference,
      type: r.type as DemandType,
      agencyName: r.agency_name,
      receivedAt: r.received_at,
      status: r.status as DemandStatus,
      declineReason: r.decline_reason as DeclineReason | null,
      records: records.length,
      openNotices: open.length,
      overdueNotices: open.filter((x) => x.notice_due_at !== null && x.notice_due_at < nowIso).length,
      registeredBy: r.registered_by,
    };
  }

  /** One demand with everything its pages show. Every read is audited. */
  async get(actor: DemandActor, id: string): Promise<DemandView> {
    const db = this.ctx.db.kysely;
    const row = await demandsRepo.findDemand(db, id);
    if (!row) throw new AppError('not_found');
    const records = await demandsRepo.records(db, id);
    const approvals = await demandsRepo.approvals(db, id);
    const disclosure = await demandsRepo.findDisclosure(db, id);
    const messageStatuses = await this.ctx.notifier.statuses(records.flatMap((r) => (r.notice_message_id ? [r.notice_message_id] : [])));
    const names = await staffNames(db, [
      row.received_by,
      row.registered_by,
      ...(row.decided_by ? [row.decided_by] : []),
      ...approvals.map((a) => a.approver_id),
      ...records.flatMap((r) => (r.notice_done_by ? [r.notice_done_by] : [])),
    ]);
    let requester: string | null = null;
    let description: string | null = null;
    if (row.subject_id && (row.requester_sealed || row.description_sealed)) {
      const at = (column: string) => ({ table: 'privacy_demands', column, rowId: id });
      const subjectId = row.subject_id;
      [requester, description] = await this.ctx.vault.useSubject(subjectId, (c) => [
        row.requester_sealed ? c.open(row.requester_sealed, at('requester_sealed')) : null,
        row.description_sealed ? c.open(row.description_sealed, at('description_sealed')) : null,
      ]);
    }
    // Every look at a demand is traced: it names the records a court or an agency asked for.
    await inTransaction(this.ctx.db, (tx) => this.audit(tx, actor, { action: 'privacy.demand.read', record: { type: DEMAND_RECORD_TYPE, id } }));
    const nowIso = this.now().toISOString();
    const approvers = approvals.map((a) => ({ userId: a.approver_id, roles: JSON.parse(a.approver_roles) as string[] }));
    return {
      id: row.id,
      reference: row.reference,
      type: row.type as DemandType,
      formNumber: row.form_number,
      agencyKind: row.agency_kind,
      agencyName: row.agency_name,
      channel: row.channel,
      receivedAt: row.received_at,
      receivedBy: { id: row.received_by, name: names.get(row.received_by) ?? null },
      registeredBy: { id: row.registered_by, name: names.get(row.registered_by) ?? null },
      servedOn: row.served_on,
      checklist: checklistOf(row, records.length),
      unmatchedPeople: row.unmatched_people,
      requester,
      description,
      status: row.status as DemandStatus,
      declineReason: row.decline_reason as DeclineReason | null,
      decidedAt: row.decided_at,
      decidedBy: row.decided_by ? { id: row.decided_by, name: names.get(row.decided_by) ?? null } : null,
      evaluation: evaluateDemand(checklistOf(row, records.length), this.today()),
      approvals: approvals.map((a) => ({ userId: a.approver_id, name: names.get(a.approver_id) ?? null, roles: JSON.parse(a.approver_roles) as string[], approvedAt: a.approved_at })),
      approvalState: approvalState(approvers),
      disclosure: disclosure
        ? {
            createdAt: disclosure.created_at,
            expiresAt: disclosure.expires_at,
            downloadedAt: disclosure.downloaded_at,
            downloadedBy: disclosure.downloaded_by ? (names.get(disclosure.downloaded_by) ?? null) : null,
            available: disclosure.downloaded_at === null && disclosure.expires_at > nowIso,
          }
        : null,
      nondisclosure: row.nondisclosure_order_ref ? { orderRef: row.nondisclosure_order_ref, until: row.nondisclosure_until } : null,
      records: records.map((r) => this.recordView(r, nowIso, names, messageStatuses)),
    };
  }

  private recordView(r: DemandRecordRow, nowIso: string, names: Map<string, string>, messageStatuses: Map<string, string>): DemandRecordView {
    const open = r.notice_status === 'pending' || r.notice_status === 'deferred';
    return {
      id: r.id,
      program: r.program,
      recordType: r.record_type,
      recordId: r.record_id,
      notice: {
        status: r.notice_status as NoticeStatus,
        dueAt: r.notice_due_at,
        overdue: open && r.notice_due_at !== null && r.notice_due_at < nowIso,
        method: r.notice_method as NoticeMethod | null,
        doneAt: r.notice_done_at,
        doneBy: r.notice_done_by ? (names.get(r.notice_done_by) ?? null) : null,
        messageStatus: r.notice_message_id ? (messageStatuses.get(r.notice_message_id) ?? null) : null,
      },
    };
  }

  /** Loads and locks a demand that must still be open for review, with no approval recorded yet. */
  private async openForChanges(tx: Executor, id: string): Promise<DemandRow> {
    const row = await demandsRepo.lockDemand(tx, id, this.ctx.db.dialect);
    if (!row) throw new AppError('not_found');
    if (row.status !== 'pending_review') throw new AppError('conflict', { messageKey: 'demands.error.notOpen' });
    if ((await demandsRepo.approvals(tx, id)).length > 0) throw new AppError('conflict', { messageKey: 'demands.error.alreadyApproved' });
    return row;
  }

  /**
   * Counsel corrects the checklist (the face of the document) before anyone approves. Changing the type to
   * one that can never be approved declines the demand with that type's reason.
   */
  async updateChecklist(actor: DemandActor, id: string, input: unknown): Promise<void> {
    const data = parseInput(checklistSchema, input);
    if (data.expiresOn !== null && data.issuedOn !== null && data.expiresOn < data.issuedOn) {
      throw new AppError('validation', { fields: [{ field: 'expiresOn', key: 'demands.error.expiresBeforeIssued' }] });
    }
    await inTransaction(this.ctx.db, async (tx) => {
      await this.openForChanges(tx, id);
      const nowIso = this.now().toISOString();
      const declined = !isApprovableType(data.type);
      await demandsRepo.updateDemand(tx, id, {
        type: data.type,
        form_number: data.formNumber,
        issued_by_court: data.issuedByCourt,
        signed_by_judge: data.signedByJudge,
        judge_name: data.judgeName,
        court_name: data.courtName,
        case_number: data.caseNumber,
        issued_on: data.issuedOn,
        expires_on: data.expiresOn,
        updated_at: nowIso,
        ...(declined
          ? { status: 'declined', decline_reason: TYPE_DECLINE_REASON[data.type as keyof typeof TYPE_DECLINE_REASON], decided_at: nowIso, decided_by: actor.userId }
          : {}),
      });
      await this.audit(tx, actor, { action: 'privacy.demand.checklist', record: { type: DEMAND_RECORD_TYPE, id } });
      if (declined) await this.audit(tx, actor, { action: 'privacy.demand.decline', record: { type: DEMAND_RECORD_TYPE, id }, detail: 'decided.by-rule' });
    });
  }

  /** Adds a record the demand names (before any approval), with its notice task. */
  async addRecord(actor: DemandActor, id: string, input: unknown): Promise<void> {
    const record = parseInput(scopeRecordSchema, input);
    await inTransaction(this.ctx.db, async (tx) => {
      const row = await this.openForChanges(tx, id);
      const existing = await demandsRepo.records(tx, id);
      await this.checkRecords(tx, [...existing.map((r) => ({ program: r.program, recordType: r.record_type, recordId: r.record_id })), record]);
      const nowIso = this.now().toISOString();
      const deferred = row.nondisclosure_order_ref !== null;
      await demandsRepo.insertRecords(tx, [
        {
          id: randomId(),
          demand_id: id,
          program: record.program,
          record_type: record.recordType,
          record_id: record.recordId,
          notice_status: deferred ? 'deferred' : 'pending',
          notice_due_at: deferred ? this.deferredDue(row.nondisclosure_until) : this.noticeDue(new Date(row.received_at)).toISOString(),
          notice_method: null,
          notice_message_id: null,
          notice_done_at: null,
          notice_done_by: null,
          created_at: nowIso,
        },
      ]);
      await this.audit(tx, actor, { action: 'privacy.demand.scope-add', record: { type: DEMAND_RECORD_TYPE, id } });
    });
  }

  /** Counsel declines a judicial instrument, with one of the enumerated reasons. */
  async decline(actor: DemandActor, id: string, input: unknown): Promise<void> {
    const { reason } = parseInput(declineSchema, input);
    await inTransaction(this.ctx.db, async (tx) => {
      const row = await demandsRepo.lockDemand(tx, id, this.ctx.db.dialect);
      if (!row) throw new AppError('not_found');
      const nowIso = this.now().toISOString();
      // An open demand, or an approved one whose disclosure has not been downloaded (e.g. the order turns out
      // to be forged, or the court withdraws it): the unused disclosure ends now.
      const patch = { status: 'declined', decline_reason: reason, decided_at: nowIso, decided_by: actor.userId, updated_at: nowIso };
      const changed =
        (await demandsRepo.transitionStatus(tx, id, 'pending_review', patch)) || (await demandsRepo.transitionStatus(tx, id, 'approved', patch));
      if (!changed) throw new AppError('conflict', { messageKey: 'demands.error.notOpen' });
      if (row.status === 'approved') await demandsRepo.endDisclosure(tx, id, nowIso);
      await this.audit(tx, actor, { action: 'privacy.demand.decline', record: { type: DEMAND_RECORD_TYPE, id }, detail: 'decided.by-counsel' });
    });
  }

  /**
   * Records one approval. Allowed only for a judicial warrant or court order whose checklist passes, only
   * after a passkey step-up, once per person. When counsel and a second, different person have approved, the
   * demand is approved and one disclosure is unlocked until {@link disclosureExpiry}.
   */
  async approve(actor: DemandActor, id: string): Promise<{ state: ApprovalState; expiresAt: string | null }> {
    if (!actor.stepUp) throw new AppError('unauthorized', { messageKey: 'auth.stepUp.required' });
    if (!actor.roles.includes('counsel') && !actor.roles.includes('admin')) throw new AppError('forbidden');
    return inTransaction(this.ctx.db, async (tx) => {
      const row = await demandsRepo.lockDemand(tx, id, this.ctx.db.dialect);
      if (!row) throw new AppError('not_found');
      if (row.status !== 'pending_review') throw new AppError('conflict', { messageKey: 'demands.error.notOpen' });
      const records = await demandsRepo.records(tx, id);
      const evaluation = evaluateDemand(checklistOf(row, records.length), this.today());
      if (!evaluation.approvable) {
        throw new AppError('conflict', {
          messageKey: 'demands.error.notApprovable',
          fields: evaluation.reasons.map((r) => ({ field: 'checklist', key: `demands.reason.${r}` })),
        });
      }
      const existing = await demandsRepo.approvals(tx, id);
      if (existing.some((a) => a.approver_id === actor.userId)) throw new AppError('conflict', { messageKey: 'demands.error.approvedTwice' });
      const nowIso = this.now().toISOString();
      await demandsRepo.insertApproval(tx, {
        id: randomId(),
        demand_id: id,
        approver_id: actor.userId,
        approver_roles: JSON.stringify(actor.roles.filter((r) => r === 'counsel' || r === 'admin')),
        approved_at: nowIso,
      });
      const state = approvalState([
        ...existing.map((a) => ({ userId: a.approver_id, roles: JSON.parse(a.approver_roles) as string[] })),
        { userId: actor.userId, roles: actor.roles },
      ]);
      let expiresAt: string | null = null;
      if (state.complete) {
        const changed = await demandsRepo.transitionStatus(tx, id, 'pending_review', { status: 'approved', decided_at: nowIso, decided_by: actor.userId, updated_at: nowIso });
        if (!changed) throw new AppError('conflict', { messageKey: 'demands.error.notOpen' });
        expiresAt = disclosureExpiry(this.now(), row.expires_on).toISOString();
        await demandsRepo.insertDisclosure(tx, { id: randomId(), demand_id: id, created_at: nowIso, expires_at: expiresAt, downloaded_at: null, downloaded_by: null, record_count: null });
      }
      await this.audit(tx, actor, {
        action: 'privacy.demand.approve',
        record: { type: DEMAND_RECORD_TYPE, id },
        detail: state.complete ? 'approval.complete' : 'approval.partial',
      });
      return { state, expiresAt };
    });
  }

  /**
   * The one disclosure an approval unlocks: only counsel who approved it, after a passkey step-up, once,
   * before it expires. Each named record is decrypted by its program and audit-logged with the demand as the
   * legal basis, in the same transaction that marks the disclosure used — if anything fails, nothing is used.
   */
  async disclose(actor: DemandActor, id: string): Promise<DisclosurePackage> {
    if (!actor.stepUp) throw new AppError('unauthorized', { messageKey: 'auth.stepUp.required' });
    if (!actor.roles.includes('counsel')) throw new AppError('forbidden');
    try {
      return await inTransaction(this.ctx.db, async (tx) => {
        const row = await demandsRepo.lockDemand(tx, id, this.ctx.db.dialect);
        if (!row) throw new AppError('not_found');
        if (row.status === 'disclosed') throw new AppError('gone', { messageKey: 'demands.error.alreadyDisclosed' });
        if (row.status !== 'approved' || !isApprovableType(row.type as DemandType)) throw new AppError('forbidden', { messageKey: 'demands.error.notApproved' });
        const approvals = await demandsRepo.approvals(tx, id);
        if (!approvals.some((a) => a.approver_id === actor.userId)) throw new AppError('forbidden', { messageKey: 'demands.error.notAnApprover' });
        if (!approvalState(approvals.map((a) => ({ userId: a.approver_id, roles: JSON.parse(a.approver_roles) as string[] }))).complete) {
          throw new AppError('forbidden', { messageKey: 'demands.error.notApproved' });
        }
        const nowIso = this.now().toISOString();
        if (!(await demandsRepo.claimDisclosure(tx, id, actor.userId, nowIso))) {
          const d = await demandsRepo.findDisclosure(tx, id);
          throw new AppError('gone', { messageKey: d?.downloaded_at ? 'demands.error.alreadyDisclosed' : 'demands.error.disclosureExpired' });
        }
        const records = await demandsRepo.records(tx, id);
        const pkg: DisclosurePackage = {
          format: 'sanctuary.disclosure/1',
          demand: {
            id,
            reference: row.reference,
            type: row.type as DemandType,
            court: row.court_name,
            caseNumber: row.case_number,
            judge: row.judge_name,
            issuedOn: row.issued_on,
            expiresOn: row.expires_on,
            approvedAt: row.decided_at,
            approvers: approvals.map((a) => ({ userId: a.approver_id, roles: JSON.parse(a.approver_roles) as string[] })),
          },
          generatedAt: nowIso,
          generatedBy: actor.userId,
          records: [],
          unavailable: [],
        };
        for (const r of records) {
          const source = this.sources.get(r.program, r.record_type);
          const fields = source ? await source.load(this.ctx, tx, r.record_id) : null;
          const ref = { program: r.program, recordType: r.record_type, recordId: r.record_id };
          await this.audit(tx, actor, {
            action: 'record.disclose',
            record: { type: `${r.program}.${r.record_type}`, id: r.record_id },
            purpose: 'legal-process',
            legalProcessId: id,
            outcome: fields ? 'success' : 'failure',
          });
          if (fields) pkg.records.push({ ...ref, fields });
          else pkg.unavailable.push(ref);
        }
        await demandsRepo.setDisclosureCount(tx, id, pkg.records.length);
        await demandsRepo.updateDemand(tx, id, { status: 'disclosed', updated_at: nowIso });
        await this.audit(tx, actor, { action: 'privacy.demand.disclose', record: { type: DEMAND_RECORD_TYPE, id }, purpose: 'legal-process', legalProcessId: id });
        return pkg;
      });
    } catch (err) {
      // A refused download is itself worth a trace (who tried, on which demand), written apart from the
      // rolled-back transaction.
      if (err instanceof AppError && (err.code === 'gone' || err.code === 'forbidden')) {
        await inTransaction(this.ctx.db, (tx) =>
          this.audit(tx, actor, { action: 'privacy.demand.disclose', record: { type: DEMAND_RECORD_TYPE, id }, outcome: 'denied' }),
        ).catch(() => undefined);
      }
      throw err;
    }
  }

  private deferredDue(until: string | null): string | null {
    // When the order ends, the clock starts again from the end of its last day.
    return until === null ? null : this.noticeDue(new Date(`${until}T23:59:59.999Z`)).toISOString();
  }

  /**
   * Records a court order that forbids telling the people concerned (with its reference, and its end date
   * if it has one). Open notices are deferred; they come due again after the order ends.
   */
  async recordNondisclosure(actor: DemandActor, id: string, input: unknown): Promise<void> {
    const data = parseInput(nondisclosureSchema, input);
    await inTransaction(this.ctx.db, async (tx) => {
      const row = await demandsRepo.lockDemand(tx, id, this.ctx.db.dialect);
      if (!row) throw new AppError('not_found');
      const nowIso = this.now().toISOString();
      await demandsRepo.updateDemand(tx, id, {
        nondisclosure_order_ref: data.orderRef,
        nondisclosure_until: data.until,
        nondisclosure_recorded_by: actor.userId,
        updated_at: nowIso,
      });
      await demandsRepo.updateNoticesOfDemand(tx, id, ['pending', 'deferred'], { notice_status: 'deferred', notice_due_at: this.deferredDue(data.until) });
      await this.audit(tx, actor, { action: 'privacy.demand.nondisclosure', record: { type: DEMAND_RECORD_TYPE, id } });
    });
  }

  /** Lifts a recorded non-disclosure order: the open notices are due again within the notice clock from now. */
  async liftNondisclosure(actor: DemandActor, id: string): Promise<void> {
    await inTransaction(this.ctx.db, async (tx) => {
      const row = await demandsRepo.lockDemand(tx, id, this.ctx.db.dialect);
      if (!row) throw new AppError('not_found');
      if (row.nondisclosure_order_ref === null) throw new AppError('conflict', { messageKey: 'demands.error.noNondisclosure' });
      const nowIso = this.now().toISOString();
      await demandsRepo.updateDemand(tx, id, { nondisclosure_order_ref: null, nondisclosure_until: null, nondisclosure_recorded_by: actor.userId, updated_at: nowIso });
      await demandsRepo.updateNoticesOfDemand(tx, id, ['deferred'], { notice_status: 'pending', notice_due_at: this.noticeDue(this.now()).toISOString() });
      await this.audit(tx, actor, { action: 'privacy.demand.nondisclosure-lift', record: { type: DEMAND_RECORD_TYPE, id } });
    });
  }

  /** Loads a notice that may be acted on now (open, and not forbidden by a court order still in force). */
  private async openNotice(tx: Executor, demandId: string, recordRowId: string): Promise<{ demand: DemandRow; record: DemandRecordRow }> {
    const demand = await demandsRepo.lockDemand(tx, demandId, this.ctx.db.dialect);
    if (!demand) throw new AppError('not_found');
    const record = await demandsRepo.findRecord(tx, demandId, recordRowId);
    if (!record) throw new AppError('not_found');
    if (record.notice_status === 'deferred' || demand.nondisclosure_order_ref !== null) {
      const ended = demand.nondisclosure_until !== null && demand.nondisclosure_until < this.today();
      if (!ended) throw new AppError('conflict', { messageKey: 'demands.error.nondisclosure' });
    } else if (record.notice_status !== 'pending') {
      throw new AppError('conflict', { messageKey: 'demands.error.noticeDone' });
    }
    return { demand, record };
  }

  /**
   * Sends the notice through the notification queue, to the contact details the program holds, in the
   * person's language. The contact lookup and the notice are audited.
   */
  async sendNotice(actor: DemandActor, demandId: string, recordRowId: string): Promise<{ messageId: string }> {
    return inTransaction(this.ctx.db, async (tx) => {
      const { demand, record } = await this.openNotice(tx, demandId, recordRowId);
      const source = this.sources.get(record.program, record.record_type);
      const contact = source?.contact ? await source.contact(this.ctx, tx, record.record_id) : null;
      const auditRecord = { type: `${record.program}.${record.record_type}`, id: record.record_id };
      if (!contact) throw new AppError('conflict', { messageKey: 'demands.error.noContact' });
      const outcome = demand.status === 'declined' ? 'declined' : demand.status === 'pending_review' ? 'pending' : 'approved';
      const messageId = await notify(
        this.ctx,
        {
          channel: contact.channel,
          to: contact.to,
          template: 'notify.demandNotice',
          values: {
            agency: demand.agency_name,
            receivedOn: new Date(demand.received_at),
            program: this.ctx.messages.format(contact.locale, `program.${record.program}.title`),
            reference: demand.reference,
            outcome,
          },
          locale: contact.locale,
          subjectRef: contact.subjectId,
          about: { type: 'privacy.demand-record', id: record.id },
        },
        tx,
      );
      const nowIso = this.now().toISOString();
      await demandsRepo.updateRecord(tx, record.id, {
        notice_status: 'sent',
        notice_method: contact.channel,
        notice_message_id: messageId,
        notice_done_at: nowIso,
        notice_done_by: actor.userId,
      });
      await this.audit(tx, actor, { action: 'privacy.demand.notice', record: auditRecord, purpose: 'notification', detail: `channel.${contact.channel}` });
      return { messageId };
    });
  }

  /** Records a notice given outside the queue (phone, in person, mail), or that it was not possible. */
  async recordNotice(actor: DemandActor, demandId: string, recordRowId: string, input: unknown): Promise<void> {
    const { method } = parseInput(recordNoticeSchema, input);
    await inTransaction(this.ctx.db, async (tx) => {
      const { record } = await this.openNotice(tx, demandId, recordRowId);
      await demandsRepo.updateRecord(tx, record.id, {
        notice_status: method === 'not_possible' ? 'not_possible' : 'given',
        notice_method: method === 'not_possible' ? null : method,
        notice_done_at: this.now().toISOString(),
        notice_done_by: actor.userId,
      });
      await this.audit(tx, actor, {
        action: 'privacy.demand.notice',
        record: { type: `${record.program}.${record.record_type}`, id: record.record_id },
        purpose: 'notification',
        detail: `method.${method.replace('_', '-')}`,
      });
    });
  }

  /** Notices past their deadline (for the register page and the daily check). */
  async overdueNotices(): Promise<Array<{ demandId: string; recordRowId: string; dueAt: string }>> {
    const rows = await demandsRepo.overdueNotices(this.ctx.db.kysely, this.now().toISOString());
    return rows.map((r) => ({ demandId: r.demand_id, recordRowId: r.id, dueAt: r.notice_due_at ?? '' }));
  }
}

/**
 * True when the demand is a court order (or judicial warrant) that the retention engine may honour as a
 * legal hold: its face passes the checklist (issued by a court, signed by a named judge, court and case number
 * named, specific records, not expired), it was not declined, and counsel has approved it after a passkey
 * step-up. Registering a document is not enough — otherwise anyone at the front desk could stop deletions.
 */
export async function isValidCourtOrderDemand(db: Executor, demandId: string, options: { today?: string } = {}): Promise<boolean> {
  const row = await demandsRepo.findDemand(db, demandId);
  if (!row) return false;
  if (!isApprovableType(row.type as DemandType)) return false;
  if (row.status === 'declined') return false;
  const records = await demandsRepo.records(db, demandId);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  if (!evaluateDemand(checklistOf(row, records.length), today).approvable) return false;
  const approvals = await demandsRepo.approvals(db, demandId);
  return approvals.some((a) => (JSON.parse(a.approver_roles) as string[]).includes('counsel'));
}

