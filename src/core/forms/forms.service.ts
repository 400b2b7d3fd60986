/**
 * The use cases of a guided form: start, answer a step, save for later and resume, send, discard, purge,
 * and check a request's status. No HTTP types: the routes translate requests into these calls.
 */
import { normalizeReferenceCode, randomId, randomToken, referenceCode } from '../crypto/random.ts';
import { inTransaction } from '../db/transaction.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import type { Locale } from '../i18n/locales.ts';
import type { AppContext } from '../modules/context.ts';
import { forgetDrafts, openDraft, sealDraft } from './draft-crypto.ts';
import { recheckStep } from './form-answers.ts';
import type { AnswerValue, FormDefinition, FormStatus, StepDefinition } from './form-definition.ts';
import { draftDaysOf } from './form-definition.ts';
import { type FormDraftRow, formDraftsRepo } from './form-drafts.repo.ts';
import { type DraftState, firstIncompleteStep, resolvePath } from './form-flow.ts';
import { draftTokenHash, resumeCodeIndex } from './form-lookup.ts';

const DAY_MS = 86_400_000;
/** How long the confirmation page can be reloaded after sending (the receipt row is purged afterwards). */
export const RECEIPT_MS = 60 * 60 * 1000;
const PURGE_BATCH = 1000;

/** An open draft with the person's current path through the form. */
export interface DraftSession {
  id: string;
  form: FormDefinition;
  state: DraftState;
  path: StepDefinition[];
  expiresAt: string;
}

/** What a browser's draft cookie leads to. */
export type DraftLookup = { kind: 'none' } | { kind: 'draft'; session: DraftSession } | { kind: 'sent'; reference: string };

function addMs(now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString();
}

function sessionOf(form: FormDefinition, row: FormDraftRow, state: DraftState): DraftSession {
  const resolved = resolvePath(form, state);
  return { id: row.id, form, state: resolved.state, path: resolved.path, expiresAt: row.expires_at };
}

/** Finds the draft (or the receipt of a sent form) bound to a browser token. Expired or unreadable drafts count as none. */
export async function findDraft(ctx: AppContext, form: FormDefinition, token: string | undefined): Promise<DraftLookup> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return { kind: 'none' };
  const exec = ctx.db.kysely;
  const row = await formDraftsRepo.findByToken(exec, form.id, draftTokenHash(token));
  if (!row || row.expires_at <= ctx.now().toISOString()) return { kind: 'none' };
  let content;
  try {
    content = await openDraft(ctx, { draftId: row.id, formId: form.id }, row.sealed, exec);
  } catch (err) {
    ctx.log.warn({ draftId: row.id, err: { type: (err as Error).name } }, 'form draft did not open');
    return { kind: 'none' };
  }
  if (row.submitted_at) return content.reference ? { kind: 'sent', reference: content.reference } : { kind: 'none' };
  return { kind: 'draft', session: sessionOf(form, row, { answers: content.answers, done: content.done }) };
}

/** Starts a new draft. Returns the browser token to put in the form's cookie (only its hash is stored). */
export async function startDraft(ctx: AppContext, form: FormDefinition): Promise<{ token: string; session: DraftSession }> {
  const now = ctx.now();
  const token = randomToken(32);
  const id = randomId();
  const state: DraftState = { answers: {}, done: [] };
  const expiresAt = addMs(now, draftDaysOf(form) * DAY_MS);
  await inTransaction(ctx.db, async (tx) => {
    const sealed = await sealDraft(ctx, { draftId: id, formId: form.id }, state, tx);
    await formDraftsRepo.insert(tx, {
      id,
      form_id: form.id,
      form_version: form.version,
      token_hash: draftTokenHash(token),
      resume_index: null,
      sealed,
      submitted_at: null,
      expires_at: expiresAt,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
  });
  return { token, session: { id, form, state, path: resolvePath(form, state).path, expiresAt } };
}

/**
 * Stores the answers of one step (`undefined` clears a blank optional answer) and, when the page was sent
 * without errors, marks the step done. Answers of steps that leave the path are dropped. Each save keeps the
 * draft for another `draftDays`. Returns `null` when the draft was sent or deleted meanwhile.
 */
export async function saveStep(
  ctx: AppContext,
  session: DraftSession,
  stepId: string,
  values: Readonly<Record<string, AnswerValue | undefined>>,
  options: { complete: boolean },
): Promise<DraftSession | null> {
  const { form } = session;
  const answers: Record<string, AnswerValue> = { ...session.state.answers };
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete answers[name];
    else answers[name] = value;
  }
  const done = options.complete && !session.state.done.includes(stepId) ? [...session.state.done, stepId] : session.state.done;
  const resolved = resolvePath(form, { answers, done });
  const now = ctx.now();
  const expiresAt = addMs(now, draftDaysOf(form) * DAY_MS);
  const saved = await inTransaction(ctx.db, async (tx) => {
    const sealed = await sealDraft(ctx, { draftId: session.id, formId: form.id }, resolved.state, tx);
    return formDraftsRepo.updateContent(tx, session.id, {
      sealed,
      form_version: form.version,
      expires_at: expiresAt,
      updated_at: now.toISOString(),
    });
  });
  if (!saved) return null;
  return { id: session.id, form, state: resolved.state, path: resolved.path, expiresAt };
}

/**
 * "Save and come back later": issues a new resume code for the draft (any earlier code stops working) and
 * returns it — it is shown once and never stored, only its keyed index.
 */
export async function issueResumeCode(ctx: AppContext, session: DraftSession): Promise<{ code: string; expiresAt: string } | null> {
  const now = ctx.now().toISOString();
  // 45 random bits: a clash with another live draft's code is practically impossible, but retry if it happens.
  for (let attempt = 0; attempt < 3; attempt++) {
    const code = referenceCode();
    const index = resumeCodeIndex(ctx, session.form.id, code);
    try {
      const ok = await formDraftsRepo.setResumeIndex(ctx.db.kysely, session.id, index, now);
      return ok ? { code, expiresAt: session.expiresAt } : null;
    } catch (err) {
      if (attempt === 2) throw err;
    }
  }
  return null;
}

/**
 * Restores a saved draft on this browser from its resume code. The draft moves to a new browser token (the
 * old browser no longer opens it) and the code is used up. `null` when no unsent, unexpired draft matches.
 */
export async function resumeDraft(ctx: AppContext, form: FormDefinition, code: string): Promise<{ token: string; session: DraftSession } | null> {
  if (!normalizeReferenceCode(code)) return null;
  const index = resumeCodeIndex(ctx, form.id, code);
  const now = ctx.now();
  const row = await formDraftsRepo.findResumable(ctx.db.kysely, form.id, index, now.toISOString());
  if (!row) return null;
  let content;
  try {
    content = await openDraft(ctx, { draftId: row.id, formId: form.id }, row.sealed, ctx.db.kysely);
  } catch {
    return null;
  }
  const token = randomToken(32);
  const ok = await formDraftsRepo.rebind(ctx.db.kysely, row.id, draftTokenHash(token), now.toISOString());
  if (!ok) return null;
  return { token, session: sessionOf(form, row, { answers: content.answers, done: content.done }) };
}

/** The outcome of sending a draft. */
export type SubmitOutcome =
  | { kind: 'sent'; reference: string }
  | { kind: 'already-sent' }
  | { kind: 'incomplete'; stepId: string }
  /** The form's `onSubmit` refused answers the steps took: the step with the first of them, and its errors. */
  | { kind: 'refused'; stepId: string; errors: FieldError[] };

/**
 * Sends a draft: re-checks every answer on the path, then — in ONE transaction — replaces the draft with its
 * receipt (only if it was not sent already) and calls the form's `onSubmit`. If `onSubmit` throws, nothing
 * is kept and the draft stays as it was; a second submission of the same draft (refresh, back button, double
 * click) finds it sent and creates nothing.
 */
export async function submitDraft(ctx: AppContext, session: DraftSession, locale: Locale): Promise<SubmitOutcome> {
  const { form } = session;
  const { path, state } = resolvePath(form, session.state);
  const missing = firstIncompleteStep(path, state);
  if (missing) return { kind: 'incomplete', stepId: missing.id };
  for (const step of path) {
    if (recheckStep(ctx, step, state.answers)) return { kind: 'incomplete', stepId: step.id };
  }
  // Cross-field checks again: the clock has moved, the database may have changed since the step was answered.
  for (const step of path) {
    if (step.check && (await step.check(ctx, state.answers, { now: ctx.now(), locale })).length > 0) return { kind: 'incomplete', stepId: step.id };
  }
  const reference = referenceCode();
  const now = ctx.now();
  let sent: boolean;
  try {
    sent = await inTransaction(ctx.db, async (tx) => {
      const receipt = await sealDraft(ctx, { draftId: session.id, formId: form.id }, { answers: {}, done: [], reference }, tx);
      const claimed = await formDraftsRepo.markSubmitted(tx, session.id, {
        sealed: receipt,
        submitted_at: now.toISOString(),
        expires_at: addMs(now, RECEIPT_MS),
      });
      if (!claimed) return false;
      await form.onSubmit(ctx, state.answers, { reference, locale, tx, draftId: session.id, now });
      return true;
    });
  } catch (err) {
    // The module's own rules refused an answer its steps took (they should agree; this is the safety net): send
    // the person back to that question with the error marked, instead of a page they cannot get past.
    const refused = err instanceof AppError && err.code === 'validation' ? refusedStep(path, err.fields) : undefined;
    if (refused) return { kind: 'refused', ...refused };
    throw err;
  }
  return sent ? { kind: 'sent', reference } : { kind: 'already-sent' };
}

/** The first step on the path that asks one of the refused fields, with the errors of its fields. */
function refusedStep(path: readonly StepDefinition[], fields: readonly FieldError[]): { stepId: string; errors: FieldError[] } | undefined {
  for (const step of path) {
    const names = new Set(step.fields.map((f) => f.name));
    const errors = fields.filter((f) => names.has(f.field));
    if (errors.length > 0) return { stepId: step.id, errors };
  }
  return undefined;
}

/** "Delete my answers": removes the draft now instead of waiting for it to expire. */
export async function discardDraft(ctx: AppContext, draftId: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    await forgetDrafts(ctx, [draftId], tx);
    await formDraftsRepo.delete(tx, draftId);
  });
}

/**
 * Deletes every draft and receipt whose time is up (`expires_at <= now`), in batches, each batch in its own
 * transaction with `forgetDrafts`. Returns how many rows were deleted. The jobs scheduler runs it daily.
 */
export async function purgeExpiredDrafts(ctx: AppContext, now: Date = ctx.now()): Promise<number> {
  const cutoff = now.toISOString();
  let total = 0;
  for (;;) {
    const deleted = await inTransaction(ctx.db, async (tx) => {
      const ids = await formDraftsRepo.expiredIds(tx, cutoff, PURGE_BATCH);
      if (ids.length === 0) return 0;
      await forgetDrafts(ctx, ids, tx);
      return formDraftsRepo.deleteByIds(tx, ids);
    });
    total += deleted;
    if (deleted < PURGE_BATCH) return total;
  }
}

/** The result of a status lookup. */
export type StatusOutcome = { kind: 'invalid-code' } | { kind: 'not-found' } | { kind: 'found'; status: FormStatus };

/** "Check your request": asks the form's module for the status of the request with this reference code. */
export async function lookupStatus(ctx: AppContext, form: FormDefinition, code: string): Promise<StatusOutcome> {
  const canonical = normalizeReferenceCode(code);
  if (!canonical) return { kind: 'invalid-code' };
  const status = form.status ? await form.status(ctx, canonical) : null;
  return status ? { kind: 'found', status } : { kind: 'not-found' };
}
