/**
 * Start-up checks of a form definition: a broken form (unknown step, duplicate field, missing message key,
 * unencrypted sensitive field, forbidden question) stops the server with one message listing every problem,
 * instead of failing in front of a resident.
 */
import type { z } from 'zod';
import type { AppContext } from '../modules/context.ts';
import { findForbidden } from '../privacy/classification.ts';
import { resolvePath } from './form-flow.ts';
import {
  type ChoiceDefinition,
  FIELD_TYPES,
  type FieldDefinition,
  type FormDefinition,
  PRIVACY_CLASSES,
  maxLengthOf,
} from './form-definition.ts';

/** Step ids that would collide with the engine's own pages under `/forms/<id>/…`. */
export const RESERVED_STEP_IDS: ReadonlySet<string> = new Set([
  'start',
  'check',
  'submit',
  'save',
  'saved',
  'resume',
  'status',
  'confirmation',
  'discard',
]);

const FIELD_NAME = /^[a-z][a-zA-Z0-9]{0,39}$/;

/** kebab-case: lower-case letters and digits in words joined by single dashes (form and step ids). */
export function isKebabCase(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z][a-z0-9-]*$/.test(value) && !value.includes('--') && !value.endsWith('-');
}

/** A message key: dotted words (`office.form.title`), as the catalogs and `parseInput` use them. */
export function isMessageKey(value: unknown): boolean {
  return typeof value === 'string' && /^[a-zA-Z][\w.-]*$/.test(value) && value.includes('.') && !value.includes('..') && !value.endsWith('.');
}

/** Whether a list has items, without narrowing a typed array to `any[]` (as `Array.isArray` does). */
function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}
/** Hard ceiling matching the HTTP layer's per-value limit. */
export const MAX_FIELD_LENGTH = 10_000;

/**
 * The words of a camelCase field name (`countryOfBirth` → "country of birth"), so the classification
 * registry's forbidden-field rules read it like a column name, and `businessName` does not trip "ssn".
 */
function words(name: string): string {
  return name
    .split(/(?=[A-Z])|[_-]/)
    .map((w) => w.toLowerCase())
    .join(' ');
}

interface ZodInternals {
  _zod?: { def?: Record<string, unknown> };
}

/**
 * Collects the constant error messages of a Zod schema (they must be message keys), walking wrappers,
 * pipes, unions, arrays and objects. Messages computed by functions at validation time cannot be seen here.
 */
export function collectZodMessages(schema: z.ZodType): string[] {
  const out = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const def = (node as ZodInternals)._zod?.def;
    if (!def) return;
    const error = def.error;
    if (typeof error === 'function') {
      try {
        // Zod 4 stores a constant message as `() => message` (or `() => ({ message })`); a real error map
        // reads the issue and may throw or return nothing when called without one.
        const v = (error as (issue?: unknown) => unknown)(undefined);
        if (typeof v === 'string') out.add(v);
        else if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') {
          out.add((v as { message: string }).message);
        }
      } catch {
        // A dynamic error map: nothing constant to check.
      }
    }
    for (const key of ['checks', 'options']) {
      const list = def[key];
      if (Array.isArray(list)) list.forEach(visit);
    }
    for (const key of ['innerType', 'in', 'out', 'element', 'left', 'right', 'schema', 'valueType', 'keyType']) visit(def[key]);
    const shape = def.shape;
    if (shape && typeof shape === 'object') Object.values(shape as Record<string, unknown>).forEach(visit);
  };
  visit(schema);
  return [...out];
}

function resolveChoices(field: FieldDefinition, ctx: AppContext | undefined): readonly ChoiceDefinition[] | undefined {
  const source = field.choices;
  if (typeof source === 'function') return ctx ? source(ctx) : undefined;
  return source;
}

/**
 * Returns every problem of a form definition (empty when it is sound).
 * @param options.hasMessage  whether a message key exists in the catalogs
 * @param options.ctx         used to resolve choices that depend on the jurisdiction
 */
export function validateFormDefinition(
  form: FormDefinition,
  options: { hasMessage: (key: string) => boolean; ctx?: AppContext },
): string[] {
  const problems: string[] = [];
  const where = `form "${String(form.id)}"`;
  const key = (k: string | undefined, what: string, required = true): void => {
    if (k === undefined) {
      if (required) problems.push(`${where}: ${what} is missing`);
      return;
    }
    if (!isMessageKey(k)) problems.push(`${where}: ${what} "${k}" is not a message key`);
    else if (!options.hasMessage(k)) problems.push(`${where}: ${what} "${k}" is not in the message catalogs`);
  };

  if (!isKebabCase(form.id)) problems.push(`${where}: id must be kebab-case`);
  if (!Number.isInteger(form.version) || form.version < 1) problems.push(`${where}: version must be a positive integer`);
  key(form.titleKey, 'titleKey');
  key(form.introKey, 'introKey', false);
  key(form.purposeKey, 'purposeKey');
  key(form.declarationKey, 'declarationKey', false);
  key(form.whatNextKey, 'whatNextKey');
  key(form.retention?.basisKey, 'retention.basisKey');
  if (form.confirmationAction) {
    key(form.confirmationAction.labelKey, 'confirmationAction.labelKey');
    key(form.confirmationAction.textKey, 'confirmationAction.textKey', false);
    // A site path only: the reference code is a bearer secret and must not be posted to another origin.
    if (!/^\/[a-z0-9][a-z0-9/-]*$/.test(form.confirmationAction.action)) problems.push(`${where}: confirmationAction.action must be a path on this site`);
  }
  const { draftDays, submissionDays } = form.retention ?? {};
  if (draftDays !== undefined && (!Number.isInteger(draftDays) || draftDays < 1 || draftDays > 90)) {
    problems.push(`${where}: retention.draftDays must be a whole number of days from 1 to 90`);
  }
  const days = typeof submissionDays === 'function' && options.ctx ? submissionDays(options.ctx) : submissionDays;
  if (typeof days === 'function') {
    // Computed from the context, which a check without one cannot see.
  } else if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) {
    problems.push(`${where}: retention.submissionDays must be a positive whole number of days`);
  }
  if (typeof form.onSubmit !== 'function') problems.push(`${where}: onSubmit is missing`);
  if (form.messageValues !== undefined && typeof form.messageValues !== 'function') problems.push(`${where}: messageValues must be a function`);
  if (!hasItems(form.steps)) {
    problems.push(`${where}: has no steps`);
    return problems;
  }

  const stepIds = new Set<string>();
  for (const step of form.steps) {
    const at = `step "${step.id}"`;
    if (!isKebabCase(step.id)) problems.push(`${where}: ${at} id must be kebab-case`);
    if (RESERVED_STEP_IDS.has(step.id)) problems.push(`${where}: ${at} id is reserved by the forms engine`);
    if (stepIds.has(step.id)) problems.push(`${where}: ${at} is declared twice`);
    stepIds.add(step.id);
    if (!hasItems(step.fields)) problems.push(`${where}: ${at} has no fields`);
    if (step.check !== undefined && typeof step.check !== 'function') problems.push(`${where}: ${at} check must be a function`);
    if (step.panel !== undefined && typeof step.panel !== 'function') problems.push(`${where}: ${at} panel must be a function`);
    if (step.fields.length > 1) key(step.titleKey, `${at} titleKey (required with several fields)`);
    else key(step.titleKey, `${at} titleKey`, false);
  }

  const names = new Set<string>();
  for (const step of form.steps) {
    for (const field of step.fields) {
      const at = `field "${field.name}"`;
      if (!FIELD_NAME.test(field.name)) problems.push(`${where}: ${at} name must be camelCase (a-z, A-Z, 0-9), at most 40 characters`);
      if (names.has(field.name)) problems.push(`${where}: ${at} is declared twice`);
      names.add(field.name);
      if (!(FIELD_TYPES as readonly string[]).includes(field.type)) problems.push(`${where}: ${at} has unknown type "${String(field.type)}"`);
      key(field.labelKey, `${at} labelKey`);
      key(field.hintKey, `${at} hintKey`, false);
      key(field.summaryKey, `${at} summaryKey`, false);
      key(field.requiredKey, `${at} requiredKey`, false);
      const max = maxLengthOf(field);
      if (!Number.isInteger(max) || max < 1 || max > MAX_FIELD_LENGTH) {
        problems.push(`${where}: ${at} maxLength must be from 1 to ${MAX_FIELD_LENGTH}`);
      }
      if (field.dateStyle !== undefined && field.type !== 'date') problems.push(`${where}: ${at} dateStyle applies to date fields only`);

      const needsChoices = field.type === 'radio' || field.type === 'checkbox' || field.type === 'select';
      const choices = resolveChoices(field, options.ctx);
      if (needsChoices && field.choices === undefined) problems.push(`${where}: ${at} (${field.type}) needs choices`);
      if (!needsChoices && field.choices !== undefined) problems.push(`${where}: ${at} (${field.type}) cannot have choices`);
      if (needsChoices && choices) {
        if (choices.length === 0) problems.push(`${where}: ${at} has an empty list of choices`);
        const values = new Set<string>();
        for (const c of choices) {
          if (typeof c.value !== 'string' || c.value.length === 0 || c.value.length > maxLengthOf(field)) {
            problems.push(`${where}: ${at} has a choice with an empty or too long value`);
          }
          if (values.has(c.value)) problems.push(`${where}: ${at} choice "${c.value}" is declared twice`);
          values.add(c.value);
          if (c.labelKey === undefined && c.label === undefined) problems.push(`${where}: ${at} choice "${c.value}" has no label`);
          key(c.labelKey, `${at} choice "${c.value}" labelKey`, false);
          key(c.hintKey, `${at} choice "${c.value}" hintKey`, false);
        }
      }
      if (field.rule) {
        for (const m of collectZodMessages(field.rule)) key(m, `${at} rule message`);
      }

      const p = field.privacy;
      if (!p) {
        problems.push(`${where}: ${at} has no privacy classification`);
        continue;
      }
      if (!(PRIVACY_CLASSES as readonly string[]).includes(p.classification)) {
        problems.push(`${where}: ${at} privacy classification "${String(p.classification)}" is not one of ${PRIVACY_CLASSES.join(', ')}`);
      }
      key(p.purposeKey, `${at} privacy.purposeKey`);
      if (typeof p.sensitive !== 'boolean' || typeof p.encrypt !== 'boolean') {
        problems.push(`${where}: ${at} privacy.sensitive and privacy.encrypt must be true or false`);
      }
      if (p.sensitive && !p.encrypt) problems.push(`${where}: ${at} is sensitive, so it must be encrypted (privacy.encrypt: true)`);
      const forbidden = findForbidden(words(field.name));
      if (forbidden.length > 0 && p.legalNeedKey === undefined) {
        problems.push(`${where}: ${at} asks for data DESIGN §3.1 forbids (${forbidden.join(', ')}); declare privacy.legalNeedKey with the written legal need`);
      }
      key(p.legalNeedKey, `${at} privacy.legalNeedKey`, false);
    }
  }
  // `when` and `next` are functions, so their targets cannot be listed; walking the form with no answers at
  // least catches a `next` that names an unknown step or loops on the first path.
  if (problems.length === 0) {
    try {
      resolvePath(form, { answers: {}, done: [] });
    } catch (err) {
      problems.push(`${where}: the steps cannot be walked with no answers yet: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return problems;
}
