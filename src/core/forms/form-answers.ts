/**
 * Turning what a browser sent for one step into answers: normalisation, required/length/format checks,
 * the field's own Zod rule, and field errors whose messages are message keys. No HTTP types here.
 */
import { z } from 'zod';
import { dateProblem } from '../dates.ts';
import type { FieldError } from '../http/errors.ts';
import type { Locale } from '../i18n/locales.ts';
import type { Translate } from '../i18n/messages.ts';
import type { AppContext } from '../modules/context.ts';
import type { AnswerValue, Answers, ChoiceDefinition, FieldDefinition, StepDefinition } from './form-definition.ts';
import { maxLengthOf } from './form-definition.ts';
import { isMessageKey } from './form-validation.ts';

/** A parsed urlencoded body: one string, or several for a repeated name. */
export type RawInput = Readonly<Record<string, string | readonly string[]>>;

/** Inputs every form page may send besides its fields. */
export const CONTROL_INPUTS: ReadonlySet<string> = new Set(['_csrf', '_action']);

const DATE_PARTS = ['day', 'month', 'year'] as const;

/** The HTML input names of a field: `<name>`, or `<name>-day`, `<name>-month`, `<name>-year` for a date in parts. */
export function inputNamesOf(field: FieldDefinition): string[] {
  if (field.type === 'date' && field.dateStyle !== 'single') return DATE_PARTS.map((p) => `${field.name}-${p}`);
  return [field.name];
}

/** Names in the input that the step does not ask for (mass assignment, tampering, a stale page). */
export function unknownInputs(step: StepDefinition, input: RawInput): string[] {
  const allowed = new Set<string>(CONTROL_INPUTS);
  for (const f of step.fields) for (const n of inputNamesOf(f)) allowed.add(n);
  return Object.keys(input).filter((k) => !allowed.has(k));
}

/** The choices of a field, resolved against the jurisdiction when they depend on it. */
export function choicesOf(field: FieldDefinition, ctx: AppContext): readonly ChoiceDefinition[] {
  const source = field.choices;
  if (!source) return [];
  return typeof source === 'function' ? source(ctx) : source;
}

type Check = { value: AnswerValue | undefined } | { error: FieldError };

function fail(field: FieldDefinition, key: string, values?: Record<string, string | number>): Check {
  return { error: { field: field.name, key, values } };
}

function single(raw: string | readonly string[] | undefined): string | undefined | null {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return raw;
  // A repeated name for a one-value field: not something our pages send.
  return null;
}

/** A real day in the years every module accepts (core/dates.ts): so a later check never refuses what a step took. */
function checkDate(field: FieldDefinition, value: string): Check {
  const problem = dateProblem(value);
  return problem === null ? { value } : fail(field, problem === 'year' ? 'forms.error.dateYear' : 'forms.error.date');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Normalises free text: Unicode NFC; newlines kept (as \n) only in textareas; outer spaces trimmed. */
function normalizeText(value: string, multiline: boolean): string {
  const nfc = value.normalize('NFC');
  return multiline ? nfc.replace(/\r\n?/g, '\n').trim() : nfc.replace(/\s+/g, ' ').trim();
}

function applyRule(field: FieldDefinition, value: AnswerValue): Check {
  if (!field.rule) return { value };
  const result = field.rule.safeParse(value);
  if (result.success) return { value: result.data as AnswerValue };
  const message = result.error.issues[0]?.message ?? '';
  return fail(field, isMessageKey(message) ? message : 'form.error.invalid');
}

/** Checks the type-level format of a non-empty normalised value. */
function checkFormat(field: FieldDefinition, value: string, choices: readonly ChoiceDefinition[]): Check {
  switch (field.type) {
    case 'email':
      // The same rule as the modules' request schemas (Zod's), so an address a step took is never refused at submission.
      return z.email().safeParse(value).success ? { value } : fail(field, 'forms.error.email');
    case 'tel': {
      const digits = value.replace(/\D/g, '');
      return /^\+?[\d\s().-]+$/.test(value) && digits.length >= 7 && digits.length <= 15 ? { value } : fail(field, 'forms.error.tel');
    }
    case 'number': {
      // Whole or decimal (point or comma); two plain patterns rather than one with a nested optional group.
      if (!/^-?\d{1,15}$/.test(value) && !/^-?\d{1,15}[.,]\d{1,6}$/.test(value)) return fail(field, 'forms.error.number');
      return { value: Number(value.replace(',', '.')) };
    }
    case 'date':
      return checkDate(field, value);
    case 'radio':
    case 'select':
      return choices.some((c) => c.value === value) ? { value } : fail(field, 'form.error.invalid');
    default:
      return { value };
  }
}

function parseDateParts(field: FieldDefinition, input: RawInput): Check | 'blank' {
  const parts = DATE_PARTS.map((p) => single(input[`${field.name}-${p}`]));
  if (parts.some((p) => p === null)) return fail(field, 'form.error.invalid');
  const [day, month, year] = parts.map((p) => (p ?? '').normalize('NFKC').trim()) as [string, string, string];
  if (!day && !month && !year) return 'blank';
  if (!day || !month || !year) return fail(field, 'forms.error.dateIncomplete');
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return fail(field, 'forms.error.date');
  return checkDate(field, `${pad(Number(year), 4)}-${pad(Number(month), 2)}-${pad(Number(day), 2)}`);
}

/**
 * Validates one field's submitted input. Returns the answer to store (`undefined` for a blank optional
 * field) or a field error.
 */
export function parseField(field: FieldDefinition, input: RawInput, choices: readonly ChoiceDefinition[]): Check {
  const required = (): Check => (field.optional ? { value: undefined } : fail(field, field.requiredKey ?? 'form.error.required'));
  const max = maxLengthOf(field);

  if (field.type === 'date' && field.dateStyle !== 'single') {
    const parsed = parseDateParts(field, input);
    if (parsed === 'blank') return required();
    if ('error' in parsed) return parsed;
    return applyRule(field, parsed.value as string);
  }

  if (field.type === 'checkbox') {
    const raw = input[field.name];
    const list = raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...raw];
    const picked = [...new Set(list.filter((v) => v !== ''))];
    if (picked.length === 0) return field.optional ? { value: undefined } : required();
    if (picked.some((v) => v.length > max || !choices.some((c) => c.value === v))) return fail(field, 'form.error.invalid');
    // Keep the order of the choices, not of the request.
    const ordered = choices.map((c) => c.value).filter((v) => picked.includes(v));
    return applyRule(field, ordered);
  }

  const raw = single(input[field.name]);
  if (raw === null) return fail(field, 'form.error.invalid');
  const value = normalizeText(raw ?? '', field.type === 'textarea');
  if (value === '') return required();
  if (value.length > max) return fail(field, 'forms.error.tooLong', { max });
  const formatted = checkFormat(field, value, choices);
  if ('error' in formatted) return formatted;
  return applyRule(field, formatted.value as AnswerValue);
}

/** The result of reading one step: answers to store (blank optional fields are `undefined`) and errors. */
export interface StepInput {
  values: Record<string, AnswerValue | undefined>;
  errors: FieldError[];
}

/** Reads every field of a step from the submitted input. */
export function parseStepInput(ctx: AppContext, step: StepDefinition, input: RawInput): StepInput {
  const values: Record<string, AnswerValue | undefined> = {};
  const errors: FieldError[] = [];
  for (const field of step.fields) {
    const result = parseField(field, input, choicesOf(field, ctx));
    if ('error' in result) errors.push(result.error);
    else values[field.name] = result.value;
  }
  return { values, errors };
}

/** The stored answers of a step as the raw input its page would send (to fill the inputs in again). */
export function inputFromAnswers(step: StepDefinition, answers: Answers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const field of step.fields) {
    const v = answers[field.name];
    if (v === undefined) continue;
    if (field.type === 'date' && field.dateStyle !== 'single' && typeof v === 'string') {
      const [y = '', m = '', d = ''] = v.split('-');
      out[`${field.name}-day`] = String(Number(d));
      out[`${field.name}-month`] = String(Number(m));
      out[`${field.name}-year`] = y;
    } else if (Array.isArray(v)) {
      out[field.name] = [...(v as readonly string[])];
    } else {
      out[field.name] = String(v);
    }
  }
  return out;
}

/**
 * Re-checks stored answers of a step (before sending: a draft may predate a form change). Returns the
 * first field error, if any.
 */
export function recheckStep(ctx: AppContext, step: StepDefinition, answers: Answers): FieldError | undefined {
  const input = inputFromAnswers(step, answers);
  return parseStepInput(ctx, step, input).errors[0];
}

function choiceLabel(choice: ChoiceDefinition | undefined, value: string, t: Translate): string {
  if (!choice) return value;
  return choice.labelKey ? t(choice.labelKey, choice.values) : (choice.label ?? value);
}

/** Formats a `YYYY-MM-DD` date for the reader's language (Hmong falls back to English month names). */
export function formatDate(value: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return value;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale === 'hmn' ? 'en' : locale, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}

/** The language of an answer's text when it is a choice labelled in its own language (e.g. "Español"). */
export function answerLang(field: FieldDefinition, value: AnswerValue | undefined, choices: readonly ChoiceDefinition[]): string | undefined {
  if ((field.type !== 'radio' && field.type !== 'select') || typeof value !== 'string') return undefined;
  const choice = choices.find((c) => c.value === value);
  return choice && !choice.labelKey ? choice.lang : undefined;
}

/** An answer as text for the "check your answers" page; `undefined` when not answered. */
export function displayAnswer(
  field: FieldDefinition,
  value: AnswerValue | undefined,
  choices: readonly ChoiceDefinition[],
  t: Translate,
  locale: Locale,
): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) {
    return (value as readonly string[]).map((v) => choiceLabel(choices.find((c) => c.value === v), v, t)).join(', ');
  }
  if (field.type === 'radio' || field.type === 'select') return choiceLabel(choices.find((c) => c.value === value), String(value), t);
  if (field.type === 'date') return formatDate(String(value), locale);
  return String(value);
}
