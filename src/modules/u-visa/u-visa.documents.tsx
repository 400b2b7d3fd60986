/**
 * The documents a request produces: the signed Supplement B answers (PDF, English) and the decision letter
 * (PDF, the requester's language), for staff to download, and the letter sent to the requester by the
 * `u-visa.send-decision-letter` job. Every decrypting read is audited.
 */
import { type Executor, inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import { type Locale, isLocale } from '../../core/i18n/locales.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { renderDocument } from '../../core/views/render.ts';
import { supplementFormFor } from './supplement-b/supplement-b.fields.ts';
import { CLOCK_OWNER, CLOCK_RECORD_TYPES, notifyStaff } from './u-visa.clocks.ts';
import type { RequestRow } from './u-visa.repo.ts';
import { REQUEST_RECORD, type StaffActor, addAction, cityDate, openRequestRow, requireRow, shortReference } from './u-visa.service.ts';
import { DecisionLetter, type LetterContent, SupplementDocument } from './views/documents.tsx';

/** The app's printer (`ctx.pdf`, core/pdf); a translated 503 when Chromium is not installed. */
function printer(ctx: AppContext) {
  if (!ctx.pdf.available()) throw new AppError('unavailable', { messageKey: 'u-visa.error.noChromium' });
  return ctx.pdf;
}

/** The signed Supplement B answers as HTML (English), for a certified request. */
export async function supplementHtml(ctx: AppContext, row: RequestRow): Promise<string> {
  const parts = await openRequestRow(ctx, row);
  if (row.status !== 'certified' || !parts.supplement) throw new AppError('conflict', { messageKey: 'u-visa.error.notCertified' });
  const form = supplementFormFor(row.visa_type as 'U' | 'T');
  return renderDocument(
    <SupplementDocument t={ctx.messages.translator('en')} form={form} answers={parts.supplement} cityName={ctx.jurisdiction.place.cityName.value} reference={shortReference(row.id)} />,
  );
}

/** The decision letter's content for a decided request. */
async function letterContent(ctx: AppContext, db: Executor, row: RequestRow): Promise<LetterContent> {
  if (row.decision !== 'certified' && row.decision !== 'denied') throw new AppError('conflict', { messageKey: 'u-visa.error.notDecided' });
  const parts = await openRequestRow(ctx, row);
  const department = ctx.jurisdiction.uVisa.certifyingAgencies.value.find((a) => a.id === row.department);
  const signature = row.decision === 'certified' ? (await ctx.clocks.forRecord({ owner: CLOCK_OWNER, recordType: CLOCK_RECORD_TYPES.signature, recordId: row.id }, db)).at(-1) : undefined;
  return {
    locale: row.language,
    cityName: ctx.jurisdiction.place.cityName.value,
    departmentName: department?.name ?? ctx.jurisdiction.place.displayName.value,
    requesterName: parts.requester.name,
    reference: shortReference(row.id),
    visaType: row.visa_type as 'U' | 'T',
    decision: row.decision,
    decidedOn: cityDate(ctx, new Date(row.decided_at ?? row.updated_at)),
    fileBy: signature?.dueDate,
    denialReason: row.denial_reason ?? undefined,
    denialExplanation: parts.assessment.denialExplanation,
  };
}

/** The decision letter as HTML, in the requester's language. */
export async function letterHtml(ctx: AppContext, row: RequestRow, db: Executor = ctx.db.kysely): Promise<string> {
  const content = await letterContent(ctx, db, row);
  const locale: Locale = isLocale(row.language) ? row.language : 'en';
  return renderDocument(<DecisionLetter t={ctx.messages.translator(locale)} letter={content} />);
}

/** Staff download a request's document as PDF (audited, in the same transaction as the read). */
export async function documentPdf(ctx: AppContext, actor: StaffActor, id: string, kind: 'supplement-b' | 'letter'): Promise<{ pdf: Buffer; filename: string }> {
  const html = await inTransaction(ctx.db, async (tx) => {
    const row = await requireRow(tx, id);
    const doc = kind === 'supplement-b' ? await supplementHtml(ctx, row) : await letterHtml(ctx, row, tx);
    await ctx.audit.record(tx, {
      actor: { id: actor.userId, role: actor.role },
      action: 'record.read',
      record: { type: REQUEST_RECORD, id },
      purpose: 'case-work',
      requestId: actor.requestId,
      detail: `document.${kind}`,
    });
    return doc;
  });
  const form = kind === 'supplement-b' ? 'supplement-b' : 'decision-letter';
  return { pdf: await printer(ctx).print(html), filename: `${form}-${shortReference(id)}.pdf` };
}

/**
 * The job that sends the decision letter: by e-mail with the PDF attached, by text message as a short
 * notice (the letter waits at the office), or — for requesters reached by phone — a task for staff to call
 * and mail it. Idempotent per decision (the job is enqueued once per decision revision).
 */
export async function sendDecisionLetter(ctx: AppContext, requestId: string): Promise<void> {
  const row = await requireRow(ctx.db.kysely, requestId);
  if (row.decision !== 'certified' && row.decision !== 'denied') return;
  const locale: Locale = isLocale(row.language) ? row.language : 'en';
  const pdf = row.contact_method === 'email' ? await printer(ctx).print(await letterHtml(ctx, row)) : null;
  await inTransaction(ctx.db, async (tx) => {
    const fresh = await requireRow(tx, requestId);
    if (fresh.decision !== row.decision || fresh.revision !== row.revision) return; // decided again since: that job sends it
    const parts = await openRequestRow(ctx, fresh);
    const values = { reference: shortReference(requestId), decision: row.decision as string, visaType: row.visa_type };
    const to = row.contact_method === 'email' ? parts.requester.email : row.contact_method === 'sms' ? parts.requester.phone : undefined;
    if (to && (row.contact_method === 'email' || row.contact_method === 'sms')) {
      await ctx.notifier.enqueue(
        {
          channel: row.contact_method === 'email' ? 'email' : 'sms',
          to,
          template: 'u-visa.notify.decision',
          values,
          locale,
          subjectRef: requestId,
          about: { type: REQUEST_RECORD, id: requestId },
          ...(pdf ? { attachments: [{ filename: `decision-letter-${shortReference(requestId)}.pdf`, contentType: 'application/pdf', content: pdf }] } : {}),
        },
        tx,
      );
    } else {
      await notifyStaff(ctx, tx, { roles: ['certifying-official', 'program-staff'], template: 'u-visa.notify.callWithDecision', requestId, values });
    }
    await addAction(tx, requestId, 'letter-sent', ctx.now(), null, row.contact_method);
    await ctx.audit.record(tx, { actor: { id: null, role: 'system' }, action: 'record.read', record: { type: REQUEST_RECORD, id: requestId }, purpose: 'notification', detail: 'document.letter' });
  });
}
