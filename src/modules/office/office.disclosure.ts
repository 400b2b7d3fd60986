import type { Executor } from '../../core/db/transaction.ts';
import { isLocale } from '../../core/i18n/locales.ts';
import type { AppContext } from '../../core/modules/context.ts';
import type { DisclosureSource, DisclosureValue } from '../../core/privacy/demands.sources.ts';
import { officeRepo } from './office.repo.ts';
import { OFFICE_PROGRAM } from './office.service.ts';

const TABLE = 'office_requests';

async function openColumn(ctx: AppContext, id: string, sealed: string | null, column: string): Promise<string | null> {
  return sealed === null ? null : ctx.vault.open(id, sealed, { table: TABLE, column, rowId: id });
}

/**
 * How the demand gate reaches one Office request — only after a judicial warrant or court order has been
 * approved by counsel and a second person; the gate writes the audit entry. The package holds what the
 * person told us and the request's dates, nothing derived.
 */
export const officeRequestSource: DisclosureSource = {
  program: OFFICE_PROGRAM,
  recordType: 'request',
  labelKey: 'office.disclosure.request',
  async exists(db: Executor, recordId: string) {
    return (await officeRepo.findById(db, recordId)) !== undefined;
  },
  async load(ctx, db, recordId) {
    const row = await officeRepo.findById(db, recordId);
    if (!row) return null;
    const record: Record<string, DisclosureValue> = {
      topic: row.topic,
      language: row.language,
      languageOther: await openColumn(ctx, row.id, row.language_other_sealed, 'language_other_sealed'),
      contactMethod: row.contact_method,
      contact: await openColumn(ctx, row.id, row.contact_sealed, 'contact_sealed'),
      name: await openColumn(ctx, row.id, row.name_sealed, 'name_sealed'),
      description: await openColumn(ctx, row.id, row.description_sealed, 'description_sealed'),
      status: row.status,
      receivedAt: row.created_at,
      closedAt: row.closed_at,
    };
    return record;
  },
  async contact(ctx, db, recordId) {
    const row = await officeRepo.findById(db, recordId);
    // Only channels we can write to: a phone number given for calls is reached by staff, who record the notice.
    if (!row || !row.contact_sealed || (row.contact_method !== 'email' && row.contact_method !== 'text')) return null;
    const to = await openColumn(ctx, row.id, row.contact_sealed, 'contact_sealed');
    if (!to) return null;
    return {
      channel: row.contact_method === 'email' ? 'email' : 'sms',
      to,
      locale: isLocale(row.language) ? row.language : 'en',
      subjectId: row.id,
    };
  },
};
