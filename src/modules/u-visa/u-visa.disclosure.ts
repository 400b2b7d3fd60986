import type { Executor } from '../../core/db/transaction.ts';
import { isLocale } from '../../core/i18n/locales.ts';
import type { AppContext } from '../../core/modules/context.ts';
import type { DisclosureSource, DisclosureValue } from '../../core/privacy/demands.sources.ts';
import { uVisaRepo } from './u-visa.repo.ts';
import { U_VISA_PROGRAM, openRequestRow } from './u-visa.service.ts';

/**
 * How the demand gate reaches one certification request — only after a judicial warrant or court order has
 * been approved by counsel and a second person; the gate writes the audit entry. The package holds what the
 * request says and how it was decided; nothing from another program, no keys, no blind indexes.
 */
export const uVisaRequestSource: DisclosureSource = {
  program: U_VISA_PROGRAM,
  recordType: 'request',
  labelKey: 'u-visa.disclosure.request',
  async exists(db: Executor, recordId: string) {
    return (await uVisaRepo.findById(db, recordId)) !== undefined;
  },
  async load(ctx, db, recordId) {
    const row = await uVisaRepo.findById(db, recordId);
    if (!row) return null;
    const p = await openRequestRow(ctx, row);
    const record: Record<string, DisclosureValue> = {
      visaType: row.visa_type,
      requesterRole: row.requester_role,
      requesterName: p.requester.name,
      requesterOrganisation: p.requester.organisation ?? null,
      victimFamilyName: p.victim.familyName,
      victimGivenName: p.victim.givenName,
      victimMiddleName: p.victim.middleName ?? null,
      victimOtherNames: p.victim.otherNames ?? null,
      victimDateOfBirth: p.victim.dateOfBirth,
      aNumber: p.aNumber,
      crimes: p.crimes.codes.join(','),
      crimeModifiers: p.crimes.modifiers.join(','),
      similarActivity: p.crimes.similarActivity ?? null,
      agency: row.agency,
      caseNumber: p.casePart.caseNumber ?? p.casePart.facts?.agencyCaseNumber ?? null,
      courtFileNumber: p.casePart.courtFileNumber ?? null,
      crimeDate: p.casePart.crimeDate ?? p.casePart.facts?.crimeDateFrom ?? null,
      helpfulness: p.helpfulnessAccount,
      expedited: row.expedited === 1,
      department: row.department,
      status: row.status,
      decision: row.decision,
      receivedAt: row.received_at,
      decidedAt: row.decided_at,
      signedOn: row.signed_on,
    };
    return record;
  },
  async contact(ctx: AppContext, db: Executor, recordId: string) {
    const row = await uVisaRepo.findById(db, recordId);
    if (!row || row.contact_method === 'phone') return null;
    const p = await openRequestRow(ctx, row);
    const to = row.contact_method === 'email' ? p.requester.email : p.requester.phone;
    if (!to) return null;
    return { channel: row.contact_method === 'email' ? 'email' : 'sms', to, locale: isLocale(row.language) ? row.language : 'en', subjectId: row.id };
  },
};
