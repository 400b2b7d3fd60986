/**
 * A guided public form is data: steps, fields with Zod rules, branching, and each field's privacy
 * classification. Modules declare forms with {@link defineForm} and list them in their module definition
 * (`SanctuaryModule.forms`); the forms engine validates every form at start-up, renders it one question per
 * page, keeps a draft, and calls the form's `onSubmit` in the same transaction that closes the draft.
 *
 * See `docs/forms.md` for a worked example.
 */
import type { z } from 'zod';
import type { Tx } from '../db/transaction.ts';
import type { FieldError } from '../http/errors.ts';
import type { Locale } from '../i18n/locales.ts';
import type { AppContext } from '../modules/context.ts';
import { DATA_CLASSES, type DataClass } from '../privacy/classification.ts';

/** Minnesota Government Data Practices Act classifications (Minn. Stat. §13.02), as the classification registry names them. */
export const PRIVACY_CLASSES = DATA_CLASSES;
export type PrivacyClass = DataClass;

/**
 * What a field is, why it is asked, and how it must be kept. The privacy registry reads this to build the
 * data inventory; the forms engine refuses a form whose sensitive fields are not encrypted.
 */
export interface FieldPrivacy {
  classification: PrivacyClass;
  /** Message key explaining why the field is asked (shown in the data inventory). */
  purposeKey: string;
  /** Reveals something about a person that could harm them if disclosed (contact details, free text, names). */
  sensitive: boolean;
  /** Stored only sealed (application-level encryption) wherever the answer is kept. */
  encrypt: boolean;
  /**
   * Message key stating the written legal need for a field that DESIGN §3.1 otherwise forbids (immigration
   * status, citizenship, A-number, country of birth, SSN…). Without it such a field is refused.
   */
  legalNeedKey?: string;
}

export const FIELD_TYPES = ['text', 'textarea', 'email', 'tel', 'date', 'radio', 'checkbox', 'select', 'number'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One option of a radio, checkbox or select field. */
export interface ChoiceDefinition {
  value: string;
  /** Message key of the option's label. */
  labelKey?: string;
  /**
   * A label that is not translated because it is a name in its own language (e.g. "Español" in a language
   * list). Use `labelKey` for everything else.
   */
  label?: string;
  /** The language of `label` (BCP 47), so screen readers pronounce it right (WCAG 3.1.2). */
  lang?: string;
  hintKey?: string;
  /** ICU values for this choice's label and hint (e.g. the points a document is worth, from the jurisdiction). */
  values?: Readonly<Record<string, string | number>>;
}

/** Choices may depend on the jurisdiction (e.g. the languages a city offers). */
export type ChoiceSource = readonly ChoiceDefinition[] | ((ctx: AppContext) => readonly ChoiceDefinition[]);

/** A stored answer: text, a number (when a rule transforms to one), a flag, or the ticked boxes of a checkbox. */
export type AnswerValue = string | number | boolean | readonly string[];
/** Answers of a form, by field name. Only answers of steps on the person's path are kept. */
export type Answers = Readonly<Record<string, AnswerValue>>;

export interface FieldDefinition {
  /** camelCase, unique within the form; it is the input name and the answer key. */
  name: string;
  type: FieldType;
  labelKey: string;
  hintKey?: string;
  /** Label on the "check your answers" page when it should differ from the question. */
  summaryKey?: string;
  /** Required for radio, checkbox and select. */
  choices?: ChoiceSource;
  /**
   * Extra validation of the normalised answer (a trimmed string; a `YYYY-MM-DD` string for dates; the list
   * of ticked values for checkboxes). Messages must be message keys: `z.string().regex(/…/, 'x.error.y')`.
   * The rule's output is what is stored, so it may normalise (e.g. strip spaces from a phone number).
   */
  rule?: z.ZodType;
  /** The person may leave it blank. */
  optional?: boolean;
  /** Message key shown when a required field is blank (default `form.error.required`). */
  requiredKey?: string;
  /** HTML autocomplete token (WCAG 1.3.5), e.g. `email`, `tel`, `nickname`. */
  autocomplete?: string;
  /** Maximum characters (every field has one; defaults depend on the type, see `DEFAULT_MAX_LENGTH`). */
  maxLength?: number;
  /** `date` only: three inputs day/month/year (default, for dates people know, e.g. birthdays) or one date picker. */
  dateStyle?: 'parts' | 'single';
  privacy: FieldPrivacy;
}

/** What a step's `check` and `panel` know besides the answers. */
export interface StepContext {
  /** The clock of the request (tests move it). */
  now: Date;
  /** The language the page is shown in. */
  locale: Locale;
}

/**
 * A short note the engine renders under a step's question, recomputed from the answers every time the page
 * is shown (after an error too, with what the person just sent): a running tally, what is still missing.
 */
export interface StepPanel {
  /** Message key of the panel's heading. */
  titleKey: string;
  /**
   * Lines, each a message key with its values. `met: true` / `false` marks a requirement as done or still
   * missing (said in words for screen readers, not by colour); without `met` the line is plain information.
   */
  items: ReadonlyArray<{ key: string; values?: Readonly<Record<string, string | number>>; met?: boolean }>;
}

export interface StepDefinition {
  /** kebab-case, unique within the form; part of the step's URL. */
  id: string;
  /** Page heading when the step has several fields; a single-field step uses the field's label. */
  titleKey?: string;
  fields: readonly FieldDefinition[];
  /** The step is shown only when this returns true; a skipped step's answers are dropped. */
  when?: (answers: Answers) => boolean;
  /**
   * Where to go after this step, overriding the order of `steps`: a step id, or `'check'` for the
   * check-your-answers page. Return `undefined` to continue in order.
   */
  next?: (answers: Answers) => string | undefined;
  /**
   * Checks that need more than the field itself: other answers, the clock or the database (an age from a date
   * of birth, an address inside the city, enough document points). Runs after every field of the page passed
   * its own checks, with the answers so far plus this page's; returns field errors (message keys, with values).
   * With errors the page comes back (422) and nothing is stored. Run again, on every step, before sending.
   */
  check?(ctx: AppContext, answers: Answers, step: StepContext): Promise<readonly FieldError[]> | readonly FieldError[];
  /** A panel under the question (see {@link StepPanel}), from the answers so far plus what the page shows. */
  panel?(ctx: AppContext, answers: Answers, step: StepContext): StepPanel | undefined;
}

/** How long answers are kept, and why (shown on the first page, DESIGN §3.10). */
export interface RetentionDefinition {
  /** Unsent drafts are deleted this many days after they were last saved (default 7). */
  draftDays?: number;
  /**
   * Sent answers are kept this many days (counted from `from`): a number, or a function of the context when
   * the jurisdiction or the configuration sets it (the statement on the first page must tell the truth).
   */
  submissionDays: number | ((ctx: AppContext) => number);
  /** When the `submissionDays` start: when the form is sent (default) or when staff close the request. */
  from?: 'submission' | 'closing';
  /** Message key: why they are kept that long (a sentence starting with "because"). */
  basisKey: string;
}

/** What a status lookup by reference code returns: a translated status, never personal data. */
export interface FormStatus {
  /** Message key of the status label. */
  statusKey: string;
  /** Message key of a sentence explaining the status. */
  detailKey?: string;
  /** ISO timestamp of when the request was received. */
  receivedAt: string;
  /** ISO timestamp of the last change. */
  updatedAt: string;
}

export interface SubmitContext {
  /** The reference code the person sees (`XXXX-XXXX-XX`). Store only `referenceCodeIndex(ctx, formId, reference)`. */
  reference: string;
  /** The language the form was filled in. */
  locale: Locale;
  /** The transaction that also closes the draft: write everything through it, so nothing is half-written. */
  tx: Tx;
  /** Id of the draft being submitted (stable across retries; usable as an idempotency key). */
  draftId: string;
  now: Date;
}

export interface FormDefinition {
  /** kebab-case; the form lives at `/forms/<id>`. */
  id: string;
  /** Bump when steps or fields change incompatibly; older drafts keep only answers that still fit. */
  version: number;
  titleKey: string;
  /** Message key: one or two sentences on what the form is for (first page). */
  introKey?: string;
  /**
   * ICU values available to every message on the form's pages (title, purpose, questions, hints, choices,
   * errors, panels): facts of the jurisdiction such as `{ city: 'Minneapolis', minimumAge: 13 }`, so catalogs
   * say them without hard-coding them.
   */
  messageValues?(ctx: AppContext): Readonly<Record<string, string | number>>;
  /** Message key: why we ask (shown in the privacy statement on the first page). */
  purposeKey: string;
  retention: RetentionDefinition;
  steps: readonly StepDefinition[];
  /** Message key of the declaration above the send button. */
  declarationKey?: string;
  /** Message key of the "what happens next" text on the confirmation page. */
  whatNextKey: string;
  /**
   * A next step the person can take right away on the confirmation page (e.g. book an appointment): a button
   * that POSTs the reference code (as `code`, never in a URL) to `action`, a path of the module's own routes.
   */
  confirmationAction?: {
    /** Message key of the button. */
    labelKey: string;
    /** Message key of a sentence above the button. */
    textKey?: string;
    /** A site path (`/municipal-id/appointment`). */
    action: string;
  };
  /** Called once per draft, inside the transaction that closes it. Throw to abort (nothing is kept). */
  onSubmit(ctx: AppContext, answers: Answers, submit: SubmitContext): Promise<void>;
  /** Optional status lookup by reference code ("check your request"). `null` when no record matches. */
  status?(ctx: AppContext, reference: string): Promise<FormStatus | null>;
}

/** Default `maxLength` by field type (characters). */
export const DEFAULT_MAX_LENGTH: Readonly<Record<FieldType, number>> = {
  text: 200,
  textarea: 2000,
  email: 254,
  tel: 30,
  date: 10,
  radio: 100,
  checkbox: 100,
  select: 100,
  number: 20,
};

/** Default number of days an unsent draft is kept. */
export const DEFAULT_DRAFT_DAYS = 7;

/**
 * Declares a form. Returns the definition unchanged (typed); the forms registry validates it at start-up
 * against the message catalogs.
 */
export function defineForm(definition: FormDefinition): FormDefinition {
  return definition;
}

/** The `maxLength` that applies to a field. */
export function maxLengthOf(field: FieldDefinition): number {
  return field.maxLength ?? DEFAULT_MAX_LENGTH[field.type];
}

/** How many days sent answers are kept, resolved against the context when the form computes it. */
export function submissionDaysOf(form: FormDefinition, ctx: AppContext): number {
  const days = form.retention.submissionDays;
  return typeof days === 'function' ? days(ctx) : days;
}

/** The draft lifetime of a form in days. */
export function draftDaysOf(form: FormDefinition): number {
  return form.retention.draftDays ?? DEFAULT_DRAFT_DAYS;
}

/** Every field of a form, in order. */
export function fieldsOf(form: FormDefinition): FieldDefinition[] {
  return form.steps.flatMap((s) => s.fields);
}
