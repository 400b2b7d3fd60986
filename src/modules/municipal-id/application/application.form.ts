/**
 * "Apply for a city ID card": the municipal ID's public door, one question per page, in four languages, with
 * no JavaScript needed. It asks only what the card and the enrolment appointment need — never immigration
 * status, citizenship, country of birth, SSN or document numbers, and it takes no uploads: the person says
 * which documents they will *bring*, and staff look at them and hand them back.
 *
 * Every fact comes from the jurisdiction profile (`ctx.jurisdiction.municipalId`): minimum age, days of
 * residence, the point table, fees and waivers; and from the city map (`residency/`): inside the city or not.
 */
import { z } from 'zod';
import type { FieldError } from '../../../core/http/errors.ts';
import { type Answers, type ChoiceDefinition, type FieldPrivacy, type StepPanel, defineForm } from '../../../core/forms/index.ts';
import { localDate, povertyGuideline } from '../../../core/jurisdiction/index.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { checkAddress } from '../residency/residency.service.ts';
import { normalizeAddress, normalizeZip } from '../residency/address-normalize.ts';
import { APPLICATION_FORM_ID, APPLICATION_LIMITS, CONTACT_METHODS, GENDER_DESIGNATIONS, NO_WAIVER } from './application.schemas.ts';
import { createApplication, decisionRetentionDays, statusByReference } from './application.service.ts';
import { NO_FIXED_ADDRESS_DOCUMENT, type PlanTally, ageOn, documentsOf, tallyPlan, variantFor, waiversOf } from './eligibility.ts';

/** A choice or category that routes the application; private, but identifies no one: plain text. */
const routing = (purposeKey: string): FieldPrivacy => ({ classification: 'private', purposeKey, sensitive: false, encrypt: false });
/** A value that could identify or expose the person: always sealed. */
const personal = (purposeKey: string): FieldPrivacy => ({ classification: 'private', purposeKey, sensitive: true, encrypt: true });

/** Document ids with their own translated name; others show the profile's English label. */
const TRANSLATED_DOCUMENTS = new Set([
  'foreign-passport',
  'foreign-passport-expired',
  'foreign-passport-non-machine-readable',
  'us-passport',
  'us-birth-certificate',
  'itin-letter',
  'benefits-card-no-photo',
  'child-birth-certificate',
  'marriage-or-partnership-certificate',
  'consular-id',
  'foreign-national-id',
  'minnesota-license-or-id-with-city-address',
  'utility-bill',
  'residential-lease',
  'bank-statement',
  'pay-stub',
  'shelter-letter',
]);
/** Waiver ids with their own translated name. */
const TRANSLATED_WAIVERS = new Set(['low-income', 'homeless', 'domestic-violence-survivor', 're-entry', 'veteran']);

function today(ctx: AppContext, now: Date): string {
  return localDate(ctx.jurisdiction, now);
}

function documentChoices(ctx: AppContext): ChoiceDefinition[] {
  return documentsOf(ctx.jurisdiction).map((d) => ({
    value: d.id,
    ...(TRANSLATED_DOCUMENTS.has(d.id) ? { labelKey: `municipalId.document.${d.id}` } : { label: d.label, lang: 'en' }),
    hintKey: 'municipalId.document.hint',
    values: { identity: d.identityPoints, residency: d.residencyPoints, photo: d.hasPhoto ? 'yes' : 'no', birthDate: d.showsDateOfBirth ? 'yes' : 'no' },
  }));
}

function waiverChoices(ctx: AppContext): ChoiceDefinition[] {
  return [
    ...waiversOf(ctx.jurisdiction).map((w) => (TRANSLATED_WAIVERS.has(w.id) ? { value: w.id, labelKey: `municipalId.waiver.${w.id}` } : { value: w.id, label: w.label, lang: 'en' })),
    { value: NO_WAIVER, labelKey: 'municipalId.waiver.none' },
  ];
}

function languageChoices(ctx: AppContext): ChoiceDefinition[] {
  return ctx.jurisdiction.locale.languages.value.map((l) => ({ value: l.code, label: l.nativeName, lang: l.code }));
}

/**
 * A number text messages can reach: ten digits of the North American plan (with or without the leading 1),
 * or `+` and a country code with 8–15 digits in all.
 */
export function isTextablePhone(value: string): boolean {
  const compact = value.replace(/[\s().-]/g, '');
  if (/^\+\d{8,15}$/.test(compact)) return true;
  return /^1?\d{10}$/.test(compact);
}

const documentsOfAnswers = (a: Answers): string[] => (Array.isArray(a.documents) ? [...(a.documents as readonly string[])] : []);

/** The tally of the plan in the answers (what the panel shows and the check enforces). */
function tallyOf(ctx: AppContext, a: Answers): PlanTally {
  return tallyPlan(ctx.jurisdiction, documentsOfAnswers(a), { noFixedAddress: a.housing === 'none' });
}

/** The live tally under the document question: points so far against the rules, each requirement met or not. */
function planPanel(ctx: AppContext, a: Answers): StepPanel {
  const t = tallyOf(ctx, a);
  const items: StepPanel['items'][number][] = [
    { key: 'municipalId.plan.identity', values: { points: t.identity, needed: t.need.identity }, met: t.identity >= t.need.identity },
    { key: 'municipalId.plan.residency', values: { points: t.residency, needed: t.need.residency }, met: t.residency >= t.need.residency },
    { key: 'municipalId.plan.total', values: { points: t.total, needed: t.need.total }, met: t.total >= t.need.total },
  ];
  if (t.need.photo) items.push({ key: 'municipalId.plan.photo', met: t.photo });
  if (t.need.birthDate) items.push({ key: 'municipalId.plan.birthDate', met: t.birthDate });
  if (t.letter !== null) items.push({ key: 'municipalId.plan.letter', met: t.letter });
  items.push({ key: t.missing.length === 0 ? 'municipalId.plan.complete' : 'municipalId.plan.incomplete' });
  return { titleKey: 'municipalId.plan.title', items };
}

/** One error per requirement still missing, with how many points. */
function planErrors(ctx: AppContext, a: Answers): FieldError[] {
  return tallyOf(ctx, a).missing.map((gap) => {
    switch (gap.kind) {
      case 'identity':
        return { field: 'documents', key: 'municipalId.plan.error.identity', values: { points: gap.points } };
      case 'residency':
        return { field: 'documents', key: 'municipalId.plan.error.residency', values: { points: gap.points } };
      case 'total':
        return { field: 'documents', key: 'municipalId.plan.error.total', values: { points: gap.points } };
      case 'photo':
        return { field: 'documents', key: 'municipalId.plan.error.photo' };
      case 'birth-date':
        return { field: 'documents', key: 'municipalId.plan.error.birthDate' };
      case 'letter':
        return { field: 'documents', key: 'municipalId.plan.error.letter' };
    }
  });
}

/** What the card costs this person, and what a waiver would make it (shown on the fee question). */
function feePanel(ctx: AppContext, a: Answers, now: Date): StepPanel {
  const age = typeof a.birthDate === 'string' ? ageOn(a.birthDate, today(ctx, now)) : undefined;
  const variant = age === undefined ? undefined : variantFor(ctx.jurisdiction, age);
  const dollars = (variant?.feeCents ?? 0) / 100;
  const items: StepPanel['items'][number][] = [
    variant && variant.feeCents === 0
      ? { key: 'municipalId.fee.free', values: { variant: variant.id } }
      : { key: 'municipalId.fee.amount', values: { fee: dollars, variant: variant?.id ?? 'adult' } },
    { key: 'municipalId.fee.proof' },
  ];
  // What "low income" means, from the profile's ceiling and poverty guidelines (when it offers that waiver).
  const percent = ctx.jurisdiction.municipalId.feeWaiverMaxPercentFpg.value;
  if (percent !== null && waiversOf(ctx.jurisdiction).some((w) => w.id === 'low-income')) {
    items.push({
      key: 'municipalId.fee.lowIncome',
      values: { percent, one: povertyGuideline(ctx.jurisdiction, 1, { percent }), four: povertyGuideline(ctx.jurisdiction, 4, { percent }) },
    });
  }
  return { titleKey: 'municipalId.fee.title', items };
}

export const applicationForm = defineForm({
  id: APPLICATION_FORM_ID,
  version: 1,
  titleKey: 'municipalId.apply.title',
  introKey: 'municipalId.apply.intro',
  purposeKey: 'municipalId.apply.purpose',
  retention: { draftDays: 7, submissionDays: (ctx) => decisionRetentionDays(ctx), from: 'closing', basisKey: 'municipalId.apply.retentionBasis' },
  declarationKey: 'municipalId.apply.declaration',
  whatNextKey: 'municipalId.apply.whatNext',
  confirmationAction: { labelKey: 'municipalId.apply.bookButton', textKey: 'municipalId.apply.bookText', action: '/municipal-id/appointment' },
  messageValues: (ctx) => ({
    city: ctx.jurisdiction.place.cityName.value,
    minimumAge: ctx.jurisdiction.municipalId.minimumAge.value,
    residencyDays: ctx.jurisdiction.municipalId.residencyDays.value,
    validityYears: ctx.jurisdiction.municipalId.validityYears.value,
    office: ctx.jurisdiction.municipalId.administeringOffice.value,
    // Minnesota: until a statute makes municipal-ID data non-public, the form must say it may be public.
    dataPublic: ctx.jurisdiction.municipalId.dataClassifiedNonPublicByStatute.value ? 'no' : 'yes',
  }),
  steps: [
    {
      id: 'lives-in-city',
      fields: [
        {
          name: 'livesInCity',
          type: 'radio',
          labelKey: 'municipalId.apply.livesInCity.label',
          hintKey: 'municipalId.apply.livesInCity.hint',
          summaryKey: 'municipalId.apply.livesInCity.summary',
          requiredKey: 'municipalId.apply.livesInCity.required',
          choices: [
            { value: 'yes', labelKey: 'municipalId.apply.yes' },
            { value: 'no', labelKey: 'municipalId.apply.no' },
          ],
          rule: z.literal('yes', 'municipalId.apply.error.notResident'),
          privacy: routing('municipalId.purpose.eligibility'),
        },
      ],
      panel: () => ({
        titleKey: 'municipalId.eligibility.title',
        items: [{ key: 'municipalId.eligibility.resident' }, { key: 'municipalId.eligibility.age' }, { key: 'municipalId.eligibility.days' }],
      }),
    },
    {
      id: 'residency-days',
      fields: [
        {
          name: 'residencyDays',
          type: 'radio',
          labelKey: 'municipalId.apply.residencyDays.label',
          summaryKey: 'municipalId.apply.residencyDays.summary',
          requiredKey: 'municipalId.apply.residencyDays.required',
          choices: [
            { value: 'enough', labelKey: 'municipalId.apply.residencyDays.enough' },
            { value: 'not-yet', labelKey: 'municipalId.apply.residencyDays.notYet' },
          ],
          rule: z.literal('enough', 'municipalId.apply.error.tooRecent'),
          privacy: routing('municipalId.purpose.eligibility'),
        },
      ],
    },
    {
      id: 'name',
      fields: [
        {
          name: 'name',
          type: 'text',
          labelKey: 'municipalId.apply.name.label',
          hintKey: 'municipalId.apply.name.hint',
          summaryKey: 'municipalId.apply.name.summary',
          requiredKey: 'municipalId.apply.name.required',
          maxLength: APPLICATION_LIMITS.name,
          autocomplete: 'name',
          // Any script; at least one letter (a name, not only digits or punctuation).
          rule: z.string().regex(/\p{L}/u, 'municipalId.apply.error.name'),
          privacy: personal('municipalId.purpose.name'),
        },
      ],
    },
    {
      id: 'birth-date',
      fields: [
        {
          name: 'birthDate',
          type: 'date',
          labelKey: 'municipalId.apply.birthDate.label',
          hintKey: 'municipalId.apply.birthDate.hint',
          summaryKey: 'municipalId.apply.birthDate.summary',
          requiredKey: 'municipalId.apply.birthDate.required',
          autocomplete: 'bday',
          privacy: personal('municipalId.purpose.birthDate'),
        },
      ],
      // The day is the city's today; the minimum age is the profile's.
      check(ctx, a, { now }) {
        const birth = String(a.birthDate);
        const day = today(ctx, now);
        if (birth > day) return [{ field: 'birthDate', key: 'municipalId.apply.error.birthDateFuture' }];
        if (ageOn(birth, day) < ctx.jurisdiction.municipalId.minimumAge.value) return [{ field: 'birthDate', key: 'municipalId.apply.error.tooYoung' }];
        return [];
      },
    },
    {
      id: 'housing',
      fields: [
        {
          name: 'housing',
          type: 'radio',
          labelKey: 'municipalId.apply.housing.label',
          summaryKey: 'municipalId.apply.housing.summary',
          requiredKey: 'municipalId.apply.housing.required',
          choices: [
            { value: 'address', labelKey: 'municipalId.apply.housing.address' },
            { value: 'none', labelKey: 'municipalId.apply.housing.none', hintKey: 'municipalId.apply.housing.none.hint' },
          ],
          privacy: routing('municipalId.purpose.housing'),
        },
      ],
    },
    {
      id: 'address',
      titleKey: 'municipalId.apply.address.title',
      when: (a) => a.housing === 'address',
      fields: [
        {
          name: 'street',
          type: 'text',
          labelKey: 'municipalId.apply.street.label',
          hintKey: 'municipalId.apply.street.hint',
          requiredKey: 'municipalId.apply.street.required',
          maxLength: APPLICATION_LIMITS.street,
          autocomplete: 'address-line1',
          rule: z.string().refine((s) => normalizeAddress(s) !== null, 'municipalId.apply.error.street'),
          privacy: personal('municipalId.purpose.address'),
        },
        {
          name: 'unit',
          type: 'text',
          labelKey: 'municipalId.apply.unit.label',
          optional: true,
          maxLength: APPLICATION_LIMITS.unit,
          autocomplete: 'address-line2',
          privacy: personal('municipalId.purpose.address'),
        },
        {
          name: 'zip',
          type: 'text',
          labelKey: 'municipalId.apply.zip.label',
          requiredKey: 'municipalId.apply.zip.required',
          maxLength: APPLICATION_LIMITS.zip,
          autocomplete: 'postal-code',
          rule: z.string().refine((s) => normalizeZip(s) !== '', 'municipalId.apply.error.zip').transform((s) => normalizeZip(s)),
          privacy: personal('municipalId.purpose.address'),
        },
      ],
      // Inside the city? Decided on this server from the county's address points and the city map. An
      // address the software cannot find, or one on the city's edge, is accepted: staff check it at enrolment.
      async check(ctx, a) {
        const found = await checkAddress(ctx, { line: String(a.street), unit: typeof a.unit === 'string' ? a.unit : undefined, zip: String(a.zip) });
        return found.kind === 'outside' ? [{ field: 'street', key: 'municipalId.apply.error.outsideCity' }] : [];
      },
    },
    {
      id: 'documents',
      fields: [
        {
          name: 'documents',
          type: 'checkbox',
          labelKey: 'municipalId.apply.documents.label',
          hintKey: 'municipalId.apply.documents.hint',
          summaryKey: 'municipalId.apply.documents.summary',
          requiredKey: 'municipalId.apply.documents.required',
          choices: documentChoices,
          // Which kinds of document a person has can hint at where they come from: sealed like a name.
          privacy: personal('municipalId.purpose.documents'),
        },
      ],
      check: (ctx, a) => planErrors(ctx, a),
      panel: (ctx, a) => planPanel(ctx, a),
    },
    {
      id: 'gender',
      fields: [
        {
          name: 'gender',
          type: 'radio',
          labelKey: 'municipalId.apply.gender.label',
          hintKey: 'municipalId.apply.gender.hint',
          summaryKey: 'municipalId.apply.gender.summary',
          optional: true,
          choices: GENDER_DESIGNATIONS.map((g) => ({ value: g, labelKey: `municipalId.gender.${g}` })),
          privacy: personal('municipalId.purpose.designations'),
        },
      ],
    },
    {
      id: 'veteran',
      fields: [
        {
          name: 'veteran',
          type: 'radio',
          labelKey: 'municipalId.apply.veteran.label',
          hintKey: 'municipalId.apply.veteran.hint',
          summaryKey: 'municipalId.apply.veteran.summary',
          optional: true,
          choices: [
            { value: 'yes', labelKey: 'municipalId.apply.veteran.yes' },
            { value: 'no', labelKey: 'municipalId.apply.veteran.no' },
          ],
          privacy: personal('municipalId.purpose.designations'),
        },
      ],
    },
    {
      id: 'language',
      fields: [
        {
          name: 'language',
          type: 'radio',
          labelKey: 'municipalId.apply.language.label',
          summaryKey: 'municipalId.apply.language.summary',
          requiredKey: 'municipalId.apply.language.required',
          choices: languageChoices,
          privacy: routing('municipalId.purpose.language'),
        },
      ],
    },
    {
      id: 'contact',
      fields: [
        {
          name: 'contactMethod',
          type: 'radio',
          labelKey: 'municipalId.apply.contact.label',
          hintKey: 'municipalId.apply.contact.hint',
          summaryKey: 'municipalId.apply.contact.summary',
          requiredKey: 'municipalId.apply.contact.required',
          choices: CONTACT_METHODS.map((m) => ({ value: m, labelKey: `municipalId.contact.${m}` })),
          privacy: routing('municipalId.purpose.contactMethod'),
        },
      ],
    },
    {
      id: 'phone',
      when: (a) => a.contactMethod === 'text',
      fields: [
        {
          name: 'phone',
          type: 'tel',
          labelKey: 'municipalId.apply.phone.label',
          hintKey: 'municipalId.apply.phone.hint',
          requiredKey: 'municipalId.apply.phone.required',
          maxLength: APPLICATION_LIMITS.phone,
          autocomplete: 'tel',
          rule: z.string().refine(isTextablePhone, 'municipalId.apply.error.phone'),
          privacy: personal('municipalId.purpose.contact'),
        },
      ],
    },
    {
      id: 'email',
      when: (a) => a.contactMethod === 'email',
      fields: [
        {
          name: 'email',
          type: 'email',
          labelKey: 'municipalId.apply.email.label',
          hintKey: 'municipalId.apply.email.hint',
          requiredKey: 'municipalId.apply.email.required',
          maxLength: APPLICATION_LIMITS.email,
          autocomplete: 'email',
          privacy: personal('municipalId.purpose.contact'),
        },
      ],
    },
    {
      id: 'fee',
      fields: [
        {
          name: 'feeWaiver',
          type: 'radio',
          labelKey: 'municipalId.apply.fee.label',
          hintKey: 'municipalId.apply.fee.hint',
          summaryKey: 'municipalId.apply.fee.summary',
          requiredKey: 'municipalId.apply.fee.required',
          choices: waiverChoices,
          // A waiver category (homelessness, surviving violence, re-entry) says a lot about a person: sealed.
          privacy: personal('municipalId.purpose.feeWaiver'),
        },
      ],
      panel: (ctx, a, { now }) => feePanel(ctx, a, now),
    },
  ],
  async onSubmit(ctx, answers, submit) {
    await createApplication(ctx, submit.tx, { answers, reference: submit.reference, now: submit.now, locale: submit.locale });
  },
  status: statusByReference,
});

/** The document the no-fixed-address path needs (re-exported for the views and tests). */
export { NO_FIXED_ADDRESS_DOCUMENT };
