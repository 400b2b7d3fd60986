import type { Executor } from '../../core/db/transaction.ts';
import { isLocale } from '../../core/i18n/locales.ts';
import type { AppContext } from '../../core/modules/context.ts';
import type { DisclosureSource, DisclosureValue } from '../../core/privacy/demands.sources.ts';
import { facilityName } from './legal-defense.facilities.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import { type ContactPart, type DetentionPart, LEGAL_DEFENSE_PROGRAM, type PersonPart, at, shortReference } from './legal-defense.service.ts';

/**
 * How the demand gate reaches one detention-defense case — only after a judicial warrant or court order has been
 * approved by counsel and a second person; the gate writes the audit entry (purpose `legal-process`). The package
 * holds what the case record says: the person as reported, the A-number, where and when they were taken, the safe
 * contact, eligibility, the provider, custody, relief, outcome, the court events and the closing. Never blind
 * indexes, keys, the offers' internal reasons, another case, or anything from another program; the reports are
 * summed up by who made them (their words are the same facts, as each reporter gave them).
 */
export const legalDefenseCaseSource: DisclosureSource = {
  program: LEGAL_DEFENSE_PROGRAM,
  recordType: 'case',
  labelKey: 'legal-defense.disclosure.case',
  async exists(db: Executor, recordId: string) {
    return (await legalDefenseRepo.findCase(db, recordId)) !== undefined;
  },
  async load(ctx, db, recordId) {
    const row = await legalDefenseRepo.findCase(db, recordId);
    if (!row) return null;
    const parts = await ctx.vault.useSubject(recordId, (c) => ({
      person: c.openJson<PersonPart>(row.person_sealed, at('person_sealed', recordId)),
      aNumber: row.a_number_sealed ? c.open(row.a_number_sealed, at('a_number_sealed', recordId)) : null,
      detention: c.openJson<DetentionPart>(row.detention_sealed, at('detention_sealed', recordId)),
      contact: c.openJson<ContactPart>(row.contact_sealed, at('contact_sealed', recordId)),
    }));
    const provider = row.provider_id ? await legalDefenseRepo.findProvider(db, row.provider_id) : undefined;
    const reports = await legalDefenseRepo.reportsOf(db, recordId);
    const proceedings = await db.selectFrom('legal_defense_proceedings').select(['kind', 'on_date']).where('case_id', '=', recordId).orderBy('on_date').orderBy('id').execute();
    const { detention, person, contact } = parts;
    const record: Record<string, DisclosureValue> = {
      reference: shortReference(row.id),
      status: row.status,
      firstReportAt: row.created_at,
      reportCount: row.report_count,
      reportedBy: reports.map((r) => r.reporter_role).join(','),
      givenName: person.givenName,
      familyName: person.familyName,
      otherNames: person.otherNames ?? null,
      dateOfBirth: person.dateOfBirth ?? null,
      aNumber: parts.aNumber,
      detainedOn: detention.detainedOn,
      detainedPlace: detention.detainedPlace,
      heldAt: detention.facility === 'other' ? (detention.facilityOther ?? null) : (facilityName(detention.facility) ?? null),
      personLanguage: row.person_language,
      contactName: contact.name,
      contactRelationship: contact.relationship ?? null,
      contactMethod: contact.method,
      contactPhone: contact.phone ?? null,
      contactEmail: contact.email ?? null,
      residencyBasis: row.residency_basis,
      disposition: row.disposition,
      dispositionReason: row.disposition_reason,
      provider: provider?.name ?? null,
      firstAttorneyContactAt: row.first_contact_at,
      custody: row.custody,
      reliefSought: row.relief_sought ? (JSON.parse(row.relief_sought) as string[]).join(',') : null,
      outcome: row.outcome,
      courtEvents: proceedings.map((p) => `${p.on_date} ${p.kind}`).join('; ') || null,
      closingReason: row.closing_reason,
      closedOn: row.closed_on,
      closedAt: row.closed_at,
    };
    return record;
  },
  /** The notice goes to the safe contact the reporter gave (the way the program reaches the person's family). */
  async contact(ctx: AppContext, db: Executor, recordId: string) {
    const row = await legalDefenseRepo.findCase(db, recordId);
    if (!row) return null;
    const contact = await ctx.vault.useSubject(recordId, (c) => c.openJson<ContactPart>(row.contact_sealed, at('contact_sealed', recordId)));
    // Only channels we can write to: a phone number given for calls is reached by staff, who record the notice.
    const to = contact.method === 'sms' ? contact.phone : contact.method === 'email' ? contact.email : undefined;
    if (!to) return null;
    return { channel: contact.method === 'email' ? 'email' : 'sms', to, locale: isLocale(row.contact_language) ? row.contact_language : 'en', subjectId: row.id };
  },
};
