/**
 * Input schemas of the Office module: the answers of the "Ask the Office for help" form (checked again when
 * the form is sent, after the forms engine's own checks), and the staff pages' query and body.
 */
import { z } from 'zod';
import { isRandomId } from '../../core/crypto/random.ts';
import { wholeNumber } from '../../core/http/validate.ts';

/** What a resident can ask help with. Kept in plain text: staff filter the queue by it (a category, not a person). */
export const OFFICE_TOPICS = ['id', 'lawyer', 'work', 'housing', 'crime-victim', 'other'] as const;
export type OfficeTopic = (typeof OFFICE_TOPICS)[number];

/** How the person wants to be contacted; `none` means they will come to the office. */
export const CONTACT_METHODS = ['phone', 'text', 'email', 'none'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export const REQUEST_STATUSES = ['received', 'in-progress', 'closed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Limits of the free-text answers (the form's `maxLength`s). */
export const OFFICE_LIMITS = { description: 1000, languageOther: 60, phone: 30, email: 254, name: 100 } as const;

/** The answers of the Office form as the module stores them. */
export const officeAnswersSchema = z
  .strictObject({
    topic: z.enum(OFFICE_TOPICS),
    description: z.string().min(1).max(OFFICE_LIMITS.description).optional(),
    // A BCP 47 code from the jurisdiction profile (`es`, `zh-Hant`), or `other`.
    language: z.string().max(35).regex(/^[a-z]{2,3}[A-Za-z0-9-]*$/),
    languageOther: z.string().min(1).max(OFFICE_LIMITS.languageOther).optional(),
    contactMethod: z.enum(CONTACT_METHODS),
    phone: z.string().min(1).max(OFFICE_LIMITS.phone).optional(),
    email: z.string().min(3).max(OFFICE_LIMITS.email).optional(),
    name: z.string().min(1).max(OFFICE_LIMITS.name).optional(),
  })
  .superRefine((a, issue) => {
    // The branches of the form: exactly the chosen channel's value, and the other language only with "other".
    const needsPhone = a.contactMethod === 'phone' || a.contactMethod === 'text';
    if (needsPhone !== (a.phone !== undefined)) issue.addIssue({ code: 'custom', path: ['phone'], message: 'form.error.invalid' });
    if ((a.contactMethod === 'email') !== (a.email !== undefined)) issue.addIssue({ code: 'custom', path: ['email'], message: 'form.error.invalid' });
    if ((a.language === 'other') !== (a.languageOther !== undefined)) {
      issue.addIssue({ code: 'custom', path: ['languageOther'], message: 'form.error.invalid' });
    }
  });
export type OfficeAnswers = z.output<typeof officeAnswersSchema>;

/** An empty filter (the "all" option of a select) means no filter. */
const optionalFilter = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.enum(values).optional());

/** Query of the staff request queue. `lang` is the site-wide language switch. */
export const requestListQuerySchema = z.strictObject({
  page: wholeNumber('form.error.invalid', 1, 100_000).default(1),
  topic: optionalFilter(OFFICE_TOPICS),
  status: optionalFilter(REQUEST_STATUSES),
  updated: z.literal('1').optional(),
  lang: z.string().max(10).optional(),
});
export type RequestListQuery = z.output<typeof requestListQuerySchema>;

/** Path parameters of one request. */
export const requestParamsSchema = z.strictObject({
  id: z.string().refine(isRandomId),
});

/** Body of the status change. */
export const statusChangeSchema = z.strictObject({
  _csrf: z.string(),
  status: z.enum(REQUEST_STATUSES, 'office.staff.status.invalid'),
});
