/**
 * "Report a detention": the public door for family, friends, the person themself or their attorney. Few
 * questions are required — who was taken, when and where (a best guess is fine), where they may be held if
 * anyone knows, and a safe contact. Never asked: immigration status, citizenship, country of birth, criminal
 * history or anything about the merits of the case.
 *
 * Step checks give the same errors the phone screen and the API give (the rules are
 * `legal-defense.schemas.ts`'s), so nothing is refused only at the end.
 */
import { z } from 'zod';
import type { FieldError } from '../../core/http/errors.ts';
import { type Answers, type FieldPrivacy, defineForm } from '../../core/forms/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { offerCase } from './legal-defense.assignment.ts';
import { FACILITIES, FACILITY_OTHER } from './legal-defense.facilities.ts';
import { CONTACT_METHODS, LIMITS, LIVES_IN_CITY, OTHER_LANGUAGE, PERSON_LANGUAGES, REPORTER_ROLES, normalizeANumber, normalizePhone } from './legal-defense.schemas.ts';
import { CASE_RETENTION_DAYS, REPORT_FORM_ID, cityDate, createReport, parseReport, statusByReference } from './legal-defense.service.ts';

/** A category that routes the report or matches a provider; kept in plain text. */
const routing = (purposeKey: string): FieldPrivacy => ({ classification: 'private', purposeKey, sensitive: false, encrypt: false });
/** A value that could identify or expose someone: always sealed. */
const personal = (purposeKey: string): FieldPrivacy => ({ classification: 'private', purposeKey, sensitive: true, encrypt: true });

const str = (a: Answers, name: string): string | undefined => {
  const v = a[name];
  return typeof v === 'string' ? v : undefined;
};

/** A date answer after today is refused (the city's "today"). */
function notInFuture(ctx: AppContext, a: Answers, now: Date, field: string): FieldError[] {
  const v = str(a, field);
  return v && v > cityDate(ctx, now) ? [{ field, key: 'legal-defense.error.dateInFuture' }] : [];
}

export const legalDefenseReportForm = defineForm({
  id: REPORT_FORM_ID,
  version: 2,
  titleKey: 'legal-defense.form.title',
  introKey: 'legal-defense.form.intro',
  purposeKey: 'legal-defense.form.purpose',
  messageValues: (ctx) => ({ city: ctx.jurisdiction.place.cityName.value, hours: ctx.jurisdiction.clocks.legalDefenseFirstAttorneyContact.value.amount }),
  retention: { draftDays: 2, submissionDays: CASE_RETENTION_DAYS, from: 'closing', basisKey: 'legal-defense.form.retentionBasis' },
  whatNextKey: 'legal-defense.form.whatNext',
  steps: [
    {
      id: 'reporter',
      fields: [
        {
          name: 'reporterRole',
          type: 'radio',
          labelKey: 'legal-defense.form.reporterRole.label',
          summaryKey: 'legal-defense.form.reporterRole.summary',
          requiredKey: 'legal-defense.error.reporterRole',
          choices: REPORTER_ROLES.map((r) => ({ value: r, labelKey: `legal-defense.reporterRole.${r}` })),
          privacy: routing('legal-defense.purpose.reporterRole'),
        },
      ],
    },
    {
      id: 'who',
      titleKey: 'legal-defense.form.who.title',
      fields: [
        { name: 'givenName', type: 'text', labelKey: 'legal-defense.form.givenName.label', maxLength: LIMITS.name, privacy: personal('legal-defense.purpose.person') },
        { name: 'familyName', type: 'text', labelKey: 'legal-defense.form.familyName.label', maxLength: LIMITS.name, privacy: personal('legal-defense.purpose.person') },
        { name: 'otherNames', type: 'text', labelKey: 'legal-defense.form.otherNames.label', hintKey: 'legal-defense.form.otherNames.hint', optional: true, maxLength: LIMITS.otherNames, privacy: personal('legal-defense.purpose.person') },
      ],
    },
    {
      id: 'birth',
      fields: [{ name: 'dateOfBirth', type: 'date', labelKey: 'legal-defense.form.dateOfBirth.label', hintKey: 'legal-defense.form.dateOfBirth.hint', optional: true, privacy: personal('legal-defense.purpose.person') }],
      check: (ctx, a, { now }) => notInFuture(ctx, a, now, 'dateOfBirth'),
    },
    {
      id: 'when-where',
      titleKey: 'legal-defense.form.whenWhere.title',
      fields: [
        { name: 'detainedOn', type: 'date', labelKey: 'legal-defense.form.detainedOn.label', hintKey: 'legal-defense.form.detainedOn.hint', requiredKey: 'legal-defense.error.detainedOn', privacy: personal('legal-defense.purpose.detention') },
        { name: 'detainedPlace', type: 'text', labelKey: 'legal-defense.form.detainedPlace.label', hintKey: 'legal-defense.form.detainedPlace.hint', maxLength: LIMITS.place, privacy: personal('legal-defense.purpose.detention') },
      ],
      check: (ctx, a, { now }) => {
        const errors = notInFuture(ctx, a, now, 'detainedOn');
        const born = str(a, 'dateOfBirth');
        const taken = str(a, 'detainedOn');
        if (errors.length === 0 && born && taken && taken < born) errors.push({ field: 'detainedOn', key: 'legal-defense.error.beforeBirth' });
        return errors;
      },
    },
    {
      id: 'facility',
      fields: [
        {
          name: 'facility',
          type: 'radio',
          labelKey: 'legal-defense.form.facility.label',
          hintKey: 'legal-defense.form.facility.hint',
          summaryKey: 'legal-defense.form.facility.summary',
          requiredKey: 'legal-defense.error.facility',
          // Facility names are proper names (not translated).
          choices: [...FACILITIES.map((f) => ({ value: f.id, label: f.name, lang: 'en' })), ...FACILITY_OTHER.map((o) => ({ value: o, labelKey: `legal-defense.facility.${o}` }))],
          privacy: personal('legal-defense.purpose.detention'),
        },
      ],
    },
    {
      id: 'facility-other',
      when: (a) => a.facility === 'other',
      fields: [{ name: 'facilityOther', type: 'text', labelKey: 'legal-defense.form.facilityOther.label', maxLength: LIMITS.facilityOther, privacy: personal('legal-defense.purpose.detention') }],
    },
    {
      id: 'a-number',
      fields: [
        {
          name: 'aNumber',
          type: 'text',
          labelKey: 'legal-defense.form.aNumber.label',
          hintKey: 'legal-defense.form.aNumber.hint',
          optional: true,
          maxLength: 20,
          rule: z.string().refine((v) => normalizeANumber(v) !== null, 'legal-defense.error.aNumber'),
          privacy: { ...personal('legal-defense.purpose.aNumber'), legalNeedKey: 'legal-defense.legalNeed.aNumber' },
        },
      ],
    },
    {
      id: 'language',
      fields: [
        {
          name: 'personLanguage',
          type: 'radio',
          labelKey: 'legal-defense.form.personLanguage.label',
          hintKey: 'legal-defense.form.personLanguage.hint',
          optional: true,
          choices: [...PERSON_LANGUAGES.map((l) => ({ value: l.code, label: l.name, lang: l.code })), { value: OTHER_LANGUAGE, labelKey: 'legal-defense.language.other' }],
          privacy: routing('legal-defense.purpose.language'),
        },
      ],
    },
    {
      id: 'residence',
      fields: [
        {
          name: 'livesInCity',
          type: 'radio',
          labelKey: 'legal-defense.form.livesInCity.label',
          hintKey: 'legal-defense.form.livesInCity.hint',
          summaryKey: 'legal-defense.form.livesInCity.summary',
          requiredKey: 'legal-defense.error.livesInCity',
          choices: LIVES_IN_CITY.map((v) => ({ value: v, labelKey: `legal-defense.livesInCity.${v}` })),
          privacy: routing('legal-defense.purpose.residency'),
        },
      ],
    },
    {
      id: 'address',
      titleKey: 'legal-defense.form.address.title',
      when: (a) => a.livesInCity === 'yes',
      fields: [
        { name: 'street', type: 'text', labelKey: 'legal-defense.form.street.label', hintKey: 'legal-defense.form.street.hint', optional: true, maxLength: LIMITS.street, autocomplete: 'off', privacy: personal('legal-defense.purpose.address') },
        {
          name: 'zip',
          type: 'text',
          labelKey: 'legal-defense.form.zip.label',
          optional: true,
          maxLength: LIMITS.zip,
          autocomplete: 'off',
          rule: z.string().regex(/^\d{5}$|^\d{5}-\d{4}$/, 'legal-defense.error.zip'),
          privacy: personal('legal-defense.purpose.address'),
        },
      ],
    },
    {
      id: 'contact',
      titleKey: 'legal-defense.form.contact.title',
      fields: [
        { name: 'contactName', type: 'text', labelKey: 'legal-defense.form.contactName.label', hintKey: 'legal-defense.form.contactName.hint', maxLength: LIMITS.contactName, autocomplete: 'name', privacy: personal('legal-defense.purpose.contact') },
        { name: 'contactRelationship', type: 'text', labelKey: 'legal-defense.form.contactRelationship.label', optional: true, maxLength: LIMITS.relationship, privacy: personal('legal-defense.purpose.contact') },
      ],
    },
    {
      id: 'contact-method',
      fields: [
        {
          name: 'contactMethod',
          type: 'radio',
          labelKey: 'legal-defense.form.contactMethod.label',
          hintKey: 'legal-defense.form.contactMethod.hint',
          summaryKey: 'legal-defense.form.contactMethod.summary',
          requiredKey: 'legal-defense.error.contactMethod',
          choices: CONTACT_METHODS.map((m) => ({ value: m, labelKey: `legal-defense.contactMethod.${m}` })),
          privacy: routing('legal-defense.purpose.contact'),
        },
      ],
    },
    {
      id: 'contact-phone',
      when: (a) => a.contactMethod === 'phone' || a.contactMethod === 'sms',
      fields: [
        {
          name: 'contactPhone',
          type: 'tel',
          labelKey: 'legal-defense.form.contactPhone.label',
          maxLength: LIMITS.phone,
          autocomplete: 'tel',
          rule: z.string().refine((v) => normalizePhone(v) !== null, 'legal-defense.error.phone'),
          privacy: personal('legal-defense.purpose.contact'),
        },
      ],
    },
    {
      id: 'contact-email',
      when: (a) => a.contactMethod === 'email',
      fields: [{ name: 'contactEmail', type: 'email', labelKey: 'legal-defense.form.contactEmail.label', maxLength: LIMITS.email, autocomplete: 'email', privacy: personal('legal-defense.purpose.contact') }],
    },
    {
      id: 'contact-consent',
      when: (a) => a.contactMethod === 'sms' || a.contactMethod === 'email',
      fields: [
        {
          name: 'contactConsent',
          type: 'radio',
          labelKey: 'legal-defense.form.contactConsent.label',
          hintKey: 'legal-defense.form.contactConsent.hint',
          summaryKey: 'legal-defense.form.contactConsent.summary',
          requiredKey: 'legal-defense.error.contactConsent',
          choices: [
            { value: 'yes', labelKey: 'legal-defense.contactConsent.yes' },
            { value: 'updates', labelKey: 'legal-defense.contactConsent.updates' },
            { value: 'no', labelKey: 'legal-defense.contactConsent.no' },
          ],
          privacy: routing('legal-defense.purpose.consent'),
        },
      ],
    },
  ],
  async onSubmit(ctx, answers, submit) {
    // The same rules as the phone screen and the API; the language is the one the form was filled in.
    const input = parseReport(ctx, { ...answers, language: submit.locale }, submit.now);
    await createReport(ctx, submit.tx, { input, channel: 'public-form', filer: { kind: 'resident' }, now: submit.now, reference: submit.reference, offer: offerCase });
  },
  status: statusByReference,
});
