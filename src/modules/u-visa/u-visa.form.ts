/**
 * "Ask the city to certify a U or T visa": the public door for victims and their representatives (attorney,
 * family member, advocate). It asks what the City's certification process asks (the request letter's
 * fields), one question per page — and never immigration status. The expedite must be raised here, with
 * the request (Minn. Stat. §611A.95 subd. 2(b)), with the type and date of its proof (never the document).
 *
 * Step checks give the same errors the API and staff entry give (the rules are `u-visa.schemas.ts`'s), so
 * nothing is refused only at the end.
 */
import { z } from 'zod';
import type { FieldError } from '../../core/http/errors.ts';
import { type Answers, type FieldPrivacy, defineForm } from '../../core/forms/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { CRIME_CODES, CRIME_MODIFIERS, SIMILAR_ACTIVITY, crimeLabelKey, supportsTVisa } from './u-visa.crimes.ts';
import { certifyingAgencies } from './u-visa.routing.ts';
import {
  CONTACT_METHODS,
  EXPEDITE_CHOICES,
  GENDERS,
  LIMITS,
  OTHER_AGENCIES,
  PROOF_TYPES,
  RELEASE_TYPES,
  REQUESTER_ROLES,
  VISA_TYPES,
  normalizeANumber,
  normalizePhone,
} from './u-visa.schemas.ts';
import { U_VISA_FORM_ID, U_VISA_RETENTION_DAYS, cityDate, createRequest, parseRequest, statusByReference } from './u-visa.service.ts';

/** A category that routes the request or sets its clock; kept in plain text. */
const routing = (purposeKey: string): FieldPrivacy => ({ classification: 'private', purposeKey, sensitive: false, encrypt: false });
/** A value that could identify or expose the person: always sealed. */
const personal = (purposeKey: string): FieldPrivacy => ({ classification: 'private', purposeKey, sensitive: true, encrypt: true });

const representative = (a: Answers) => a.requesterRole !== undefined && a.requesterRole !== 'victim';
const str = (a: Answers, name: string): string | undefined => {
  const v = a[name];
  return typeof v === 'string' ? v : undefined;
};

/** A date answer after today is refused (the city's "today"). */
function notInFuture(ctx: AppContext, a: Answers, now: Date, field: string): FieldError[] {
  const v = str(a, field);
  return v && v > cityDate(ctx, now) ? [{ field, key: 'u-visa.error.dateInFuture' }] : [];
}

export const uVisaRequestForm = defineForm({
  id: U_VISA_FORM_ID,
  version: 1,
  titleKey: 'u-visa.form.title',
  introKey: 'u-visa.form.intro',
  purposeKey: 'u-visa.form.purpose',
  messageValues: (ctx) => ({ city: ctx.jurisdiction.place.cityName.value }),
  retention: { draftDays: 7, submissionDays: U_VISA_RETENTION_DAYS, from: 'closing', basisKey: 'u-visa.form.retentionBasis' },
  declarationKey: 'u-visa.form.declaration',
  whatNextKey: 'u-visa.form.whatNext',
  steps: [
    {
      id: 'requester-role',
      fields: [
        {
          name: 'requesterRole',
          type: 'radio',
          labelKey: 'u-visa.form.requesterRole.label',
          hintKey: 'u-visa.form.requesterRole.hint',
          summaryKey: 'u-visa.form.requesterRole.summary',
          requiredKey: 'u-visa.error.requesterRole',
          choices: REQUESTER_ROLES.map((r) => ({ value: r, labelKey: `u-visa.requesterRole.${r}` })),
          privacy: routing('u-visa.purpose.requesterRole'),
        },
      ],
    },
    {
      id: 'representative',
      titleKey: 'u-visa.form.representative.title',
      when: representative,
      fields: [
        { name: 'requesterName', type: 'text', labelKey: 'u-visa.form.requesterName.label', maxLength: LIMITS.name, autocomplete: 'name', privacy: personal('u-visa.purpose.requesterName') },
        {
          name: 'requesterOrganisation',
          type: 'text',
          labelKey: 'u-visa.form.requesterOrganisation.label',
          optional: true,
          maxLength: LIMITS.organisation,
          autocomplete: 'organization',
          privacy: personal('u-visa.purpose.requesterName'),
        },
      ],
    },
    {
      id: 'release',
      titleKey: 'u-visa.form.release.title',
      when: representative,
      fields: [
        {
          name: 'releaseType',
          type: 'radio',
          labelKey: 'u-visa.form.releaseType.label',
          hintKey: 'u-visa.form.releaseType.hint',
          requiredKey: 'u-visa.error.releaseMissing',
          choices: RELEASE_TYPES.map((r) => ({ value: r, labelKey: `u-visa.releaseType.${r}` })),
          privacy: routing('u-visa.purpose.release'),
        },
        { name: 'releaseDate', type: 'date', labelKey: 'u-visa.form.releaseDate.label', hintKey: 'u-visa.form.date.hint', requiredKey: 'u-visa.error.releaseMissing', privacy: routing('u-visa.purpose.release') },
      ],
      check: (ctx, a, { now }) => notInFuture(ctx, a, now, 'releaseDate'),
    },
    {
      id: 'visa-type',
      fields: [
        {
          name: 'visaType',
          type: 'radio',
          labelKey: 'u-visa.form.visaType.label',
          summaryKey: 'u-visa.form.visaType.summary',
          requiredKey: 'u-visa.error.visaType',
          choices: VISA_TYPES.map((v) => ({ value: v, labelKey: `u-visa.visaType.${v}`, hintKey: `u-visa.visaType.${v}.hint` })),
          privacy: routing('u-visa.purpose.visaType'),
        },
      ],
    },
    {
      id: 'crimes',
      fields: [
        {
          name: 'crimes',
          type: 'checkbox',
          labelKey: 'u-visa.form.crimes.label',
          hintKey: 'u-visa.form.crimes.hint',
          summaryKey: 'u-visa.form.crimes.summary',
          requiredKey: 'u-visa.error.crimesRequired',
          maxLength: 2000,
          choices: CRIME_CODES.map((c) => ({ value: c, labelKey: crimeLabelKey(c), ...(c === SIMILAR_ACTIVITY ? { hintKey: 'u-visa.crime.similar-activity.hint' } : {}) })),
          privacy: personal('u-visa.purpose.crimes'),
        },
      ],
      check: (_ctx, a) => {
        const crimes = Array.isArray(a.crimes) ? (a.crimes as readonly string[]) : [];
        return a.visaType === 'T' && crimes.length > 0 && !supportsTVisa(crimes) ? [{ field: 'crimes', key: 'u-visa.error.tVisaCrime' }] : [];
      },
    },
    {
      id: 'crime-form',
      fields: [
        {
          name: 'crimeModifiers',
          type: 'checkbox',
          labelKey: 'u-visa.form.crimeModifiers.label',
          hintKey: 'u-visa.form.crimeModifiers.hint',
          optional: true,
          choices: CRIME_MODIFIERS.map((m) => ({ value: m, labelKey: `u-visa.crimeModifier.${m}` })),
          privacy: personal('u-visa.purpose.crimes'),
        },
      ],
    },
    {
      id: 'similar-activity',
      when: (a) => Array.isArray(a.crimes) && (a.crimes as readonly string[]).includes(SIMILAR_ACTIVITY),
      fields: [
        {
          name: 'similarActivity',
          type: 'textarea',
          labelKey: 'u-visa.form.similarActivity.label',
          hintKey: 'u-visa.form.similarActivity.hint',
          requiredKey: 'u-visa.error.similarActivityRequired',
          maxLength: LIMITS.similarActivity,
          privacy: personal('u-visa.purpose.crimes'),
        },
      ],
    },
    {
      id: 'agency',
      fields: [
        {
          name: 'agency',
          type: 'radio',
          labelKey: 'u-visa.form.agency.label',
          hintKey: 'u-visa.form.agency.hint',
          summaryKey: 'u-visa.form.agency.summary',
          requiredKey: 'u-visa.error.agency',
          // The departments are proper names from the jurisdiction profile (English names of city offices).
          choices: (ctx) => [
            ...certifyingAgencies(ctx.jurisdiction).map((a) => ({ value: a.id, label: a.name, lang: 'en' })),
            ...OTHER_AGENCIES.map((o) => ({ value: o, labelKey: `u-visa.agency.${o}` })),
          ],
          privacy: routing('u-visa.purpose.agency'),
        },
      ],
    },
    {
      id: 'agency-other',
      when: (a) => a.agency === 'other',
      fields: [
        { name: 'agencyOther', type: 'text', labelKey: 'u-visa.form.agencyOther.label', maxLength: LIMITS.agencyOther, privacy: personal('u-visa.purpose.agency') },
      ],
    },
    {
      id: 'case',
      titleKey: 'u-visa.form.case.title',
      fields: [
        { name: 'caseNumber', type: 'text', labelKey: 'u-visa.form.caseNumber.label', hintKey: 'u-visa.form.caseNumber.hint', optional: true, maxLength: LIMITS.caseNumber, privacy: personal('u-visa.purpose.case') },
        { name: 'courtFileNumber', type: 'text', labelKey: 'u-visa.form.courtFileNumber.label', optional: true, maxLength: LIMITS.caseNumber, privacy: personal('u-visa.purpose.case') },
        { name: 'crimeDate', type: 'date', labelKey: 'u-visa.form.crimeDate.label', hintKey: 'u-visa.form.date.hint', optional: true, privacy: personal('u-visa.purpose.case') },
      ],
      check: (ctx, a, { now }) => notInFuture(ctx, a, now, 'crimeDate'),
    },
    {
      id: 'victim-name',
      titleKey: 'u-visa.form.victimName.title',
      fields: [
        { name: 'victimGivenName', type: 'text', labelKey: 'u-visa.form.victimGivenName.label', maxLength: LIMITS.name, privacy: personal('u-visa.purpose.victim') },
        { name: 'victimMiddleName', type: 'text', labelKey: 'u-visa.form.victimMiddleName.label', optional: true, maxLength: LIMITS.name, privacy: personal('u-visa.purpose.victim') },
        { name: 'victimFamilyName', type: 'text', labelKey: 'u-visa.form.victimFamilyName.label', maxLength: LIMITS.name, privacy: personal('u-visa.purpose.victim') },
        {
          name: 'victimOtherNames',
          type: 'text',
          labelKey: 'u-visa.form.victimOtherNames.label',
          hintKey: 'u-visa.form.victimOtherNames.hint',
          optional: true,
          maxLength: LIMITS.otherNames,
          privacy: personal('u-visa.purpose.victim'),
        },
      ],
    },
    {
      id: 'victim-birth',
      fields: [{ name: 'victimDateOfBirth', type: 'date', labelKey: 'u-visa.form.victimDateOfBirth.label', hintKey: 'u-visa.form.date.hint', privacy: personal('u-visa.purpose.victim') }],
      check: (ctx, a, { now }) => {
        const errors = notInFuture(ctx, a, now, 'victimDateOfBirth');
        const born = str(a, 'victimDateOfBirth');
        const crime = str(a, 'crimeDate');
        if (errors.length === 0 && born && crime && crime < born) errors.push({ field: 'victimDateOfBirth', key: 'u-visa.error.crimeBeforeBirth' });
        // The release step came first: a date of birth after it is the same mistake the request schema refuses.
        const released = str(a, 'releaseDate');
        if (errors.length === 0 && born && released && released < born) errors.push({ field: 'victimDateOfBirth', key: 'u-visa.error.datesOutOfOrder' });
        return errors;
      },
    },
    {
      id: 'victim-gender',
      fields: [
        {
          name: 'victimGender',
          type: 'radio',
          labelKey: 'u-visa.form.victimGender.label',
          hintKey: 'u-visa.form.victimGender.hint',
          requiredKey: 'u-visa.error.gender',
          choices: GENDERS.map((g) => ({ value: g, labelKey: `u-visa.gender.${g}` })),
          privacy: personal('u-visa.purpose.victim'),
        },
      ],
    },
    {
      id: 'a-number',
      fields: [
        {
          name: 'aNumber',
          type: 'text',
          labelKey: 'u-visa.form.aNumber.label',
          hintKey: 'u-visa.form.aNumber.hint',
          optional: true,
          maxLength: 20,
          rule: z.string().refine((v) => normalizeANumber(v) !== null, 'u-visa.error.aNumber'),
          privacy: { ...personal('u-visa.purpose.aNumber'), legalNeedKey: 'u-visa.legalNeed.aNumber' },
        },
      ],
    },
    {
      id: 'helpfulness',
      fields: [
        {
          name: 'helpfulness',
          type: 'textarea',
          labelKey: 'u-visa.form.helpfulness.label',
          hintKey: 'u-visa.form.helpfulness.hint',
          summaryKey: 'u-visa.form.helpfulness.summary',
          maxLength: LIMITS.helpfulness,
          privacy: personal('u-visa.purpose.helpfulness'),
        },
      ],
    },
    {
      id: 'expedite',
      fields: [
        {
          name: 'expedite',
          type: 'radio',
          labelKey: 'u-visa.form.expedite.label',
          hintKey: 'u-visa.form.expedite.hint',
          summaryKey: 'u-visa.form.expedite.summary',
          requiredKey: 'u-visa.error.expedite',
          choices: EXPEDITE_CHOICES.map((e) => ({ value: e, labelKey: `u-visa.expedite.${e}` })),
          privacy: personal('u-visa.purpose.expedite'),
        },
      ],
    },
    {
      id: 'expedite-proof',
      titleKey: 'u-visa.form.expediteProof.title',
      when: (a) => a.expedite === 'victim' || a.expedite === 'family-member',
      fields: [
        {
          name: 'expediteProofType',
          type: 'radio',
          labelKey: 'u-visa.form.expediteProofType.label',
          hintKey: 'u-visa.form.expediteProofType.hint',
          requiredKey: 'u-visa.error.proofMissing',
          choices: PROOF_TYPES.map((p) => ({ value: p, labelKey: `u-visa.proofType.${p}` })),
          privacy: personal('u-visa.purpose.expedite'),
        },
        { name: 'expediteProofDate', type: 'date', labelKey: 'u-visa.form.expediteProofDate.label', hintKey: 'u-visa.form.date.hint', requiredKey: 'u-visa.error.proofMissing', privacy: personal('u-visa.purpose.expedite') },
      ],
      check: (ctx, a, { now }) => notInFuture(ctx, a, now, 'expediteProofDate'),
    },
    {
      id: 'contact',
      fields: [
        {
          name: 'contactMethod',
          type: 'radio',
          labelKey: 'u-visa.form.contactMethod.label',
          hintKey: 'u-visa.form.contactMethod.hint',
          summaryKey: 'u-visa.form.contactMethod.summary',
          requiredKey: 'u-visa.error.contactMethod',
          choices: CONTACT_METHODS.map((m) => ({ value: m, labelKey: `u-visa.contactMethod.${m}` })),
          privacy: routing('u-visa.purpose.contact'),
        },
      ],
    },
    {
      id: 'email',
      when: (a) => a.contactMethod === 'email',
      fields: [{ name: 'email', type: 'email', labelKey: 'u-visa.form.email.label', maxLength: LIMITS.email, autocomplete: 'email', privacy: personal('u-visa.purpose.contact') }],
    },
    {
      id: 'phone',
      when: (a) => a.contactMethod === 'sms' || a.contactMethod === 'phone',
      fields: [
        {
          name: 'phone',
          type: 'tel',
          labelKey: 'u-visa.form.phone.label',
          hintKey: 'u-visa.form.phone.hint',
          maxLength: LIMITS.phone,
          autocomplete: 'tel',
          rule: z.string().refine((v) => normalizePhone(v) !== null, 'u-visa.error.phone'),
          privacy: personal('u-visa.purpose.contact'),
        },
      ],
    },
  ],
  async onSubmit(ctx, answers, submit) {
    // The same rules as the API and staff entry; the language is the one the form was filled in.
    const input = parseRequest(ctx, { ...answers, language: submit.locale }, submit.now);
    await createRequest(ctx, submit.tx, { input, channel: 'public-form', filer: { kind: 'resident' }, now: submit.now, reference: submit.reference });
  },
  status: statusByReference,
});
