/**
 * "Ask the Office for help": the Office's public door. It asks only what is needed to route the request and
 * answer the person in their language — never immigration status, address, date of birth or legal name.
 */
import { type FieldPrivacy, defineForm } from '../../core/forms/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { CONTACT_METHODS, OFFICE_LIMITS, OFFICE_TOPICS } from './office.schemas.ts';
import { OFFICE_FORM_ID, OFFICE_RETENTION_DAYS, createRequest, statusByReference } from './office.service.ts';

/** A category that routes the request; private data, but not identifying, so kept in plain text. */
const routing = (purposeKey: string): FieldPrivacy => ({ classification: 'private', purposeKey, sensitive: false, encrypt: false });
/** A value that could identify or expose the person: always sealed. */
const personal = (purposeKey: string): FieldPrivacy => ({ classification: 'private', purposeKey, sensitive: true, encrypt: true });

/** The languages the city offers (from the jurisdiction profile), each named in itself, plus "another language". */
function languageChoices(ctx: AppContext) {
  return [
    ...ctx.jurisdiction.locale.languages.value.map((l) => ({ value: l.code, label: l.nativeName, lang: l.code })),
    { value: 'other', labelKey: 'office.form.language.other' },
  ];
}

export const officeHelpForm = defineForm({
  id: OFFICE_FORM_ID,
  version: 1,
  titleKey: 'office.form.title',
  introKey: 'office.form.intro',
  purposeKey: 'office.form.purpose',
  retention: { draftDays: 7, submissionDays: OFFICE_RETENTION_DAYS, from: 'closing', basisKey: 'office.form.retentionBasis' },
  declarationKey: 'office.form.declaration',
  whatNextKey: 'office.form.whatNext',
  steps: [
    {
      id: 'topic',
      fields: [
        {
          name: 'topic',
          type: 'radio',
          labelKey: 'office.form.topic.label',
          hintKey: 'office.form.topic.hint',
          summaryKey: 'office.form.topic.summary',
          requiredKey: 'office.form.topic.required',
          choices: OFFICE_TOPICS.map((t) => ({ value: t, labelKey: `office.topic.${t}`, hintKey: `office.topic.${t}.hint` })),
          privacy: routing('office.purpose.topic'),
        },
      ],
    },
    {
      id: 'description',
      fields: [
        {
          name: 'description',
          type: 'textarea',
          labelKey: 'office.form.description.label',
          hintKey: 'office.form.description.hint',
          summaryKey: 'office.form.description.summary',
          optional: true,
          maxLength: OFFICE_LIMITS.description,
          privacy: personal('office.purpose.description'),
        },
      ],
    },
    {
      id: 'language',
      fields: [
        {
          name: 'language',
          type: 'radio',
          labelKey: 'office.form.language.label',
          summaryKey: 'office.form.language.summary',
          requiredKey: 'office.form.language.required',
          choices: languageChoices,
          privacy: routing('office.purpose.language'),
        },
      ],
    },
    {
      id: 'other-language',
      when: (a) => a.language === 'other',
      fields: [
        {
          name: 'languageOther',
          type: 'text',
          labelKey: 'office.form.languageOther.label',
          hintKey: 'office.form.languageOther.hint',
          requiredKey: 'office.form.languageOther.required',
          maxLength: OFFICE_LIMITS.languageOther,
          autocomplete: 'language',
          privacy: personal('office.purpose.language'),
        },
      ],
    },
    {
      id: 'contact',
      fields: [
        {
          name: 'contactMethod',
          type: 'radio',
          labelKey: 'office.form.contact.label',
          hintKey: 'office.form.contact.hint',
          summaryKey: 'office.form.contact.summary',
          requiredKey: 'office.form.contact.required',
          choices: CONTACT_METHODS.map((m) => ({ value: m, labelKey: `office.contact.${m}`, hintKey: `office.contact.${m}.hint` })),
          privacy: routing('office.purpose.contactMethod'),
        },
      ],
    },
    {
      id: 'phone',
      when: (a) => a.contactMethod === 'phone' || a.contactMethod === 'text',
      fields: [
        {
          name: 'phone',
          type: 'tel',
          labelKey: 'office.form.phone.label',
          hintKey: 'office.form.phone.hint',
          requiredKey: 'office.form.phone.required',
          maxLength: OFFICE_LIMITS.phone,
          autocomplete: 'tel',
          privacy: personal('office.purpose.contact'),
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
          labelKey: 'office.form.email.label',
          hintKey: 'office.form.email.hint',
          requiredKey: 'office.form.email.required',
          maxLength: OFFICE_LIMITS.email,
          autocomplete: 'email',
          privacy: personal('office.purpose.contact'),
        },
      ],
    },
    {
      id: 'name',
      fields: [
        {
          name: 'name',
          type: 'text',
          labelKey: 'office.form.name.label',
          hintKey: 'office.form.name.hint',
          summaryKey: 'office.form.name.summary',
          optional: true,
          maxLength: OFFICE_LIMITS.name,
          autocomplete: 'nickname',
          privacy: personal('office.purpose.name'),
        },
      ],
    },
  ],
  async onSubmit(ctx, answers, submit) {
    await createRequest(ctx, submit.tx, { answers, reference: submit.reference, now: submit.now });
  },
  status: statusByReference,
});
