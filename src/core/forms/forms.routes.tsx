/**
 * The public pages of every registered form, under `/forms/<id>`:
 *
 * | method | path | page |
 * |---|---|---|
 * | GET | `/forms/<id>` | start page with the privacy statement |
 * | POST | `/forms/<id>/start` | starts a draft, sets the `__Host-form-<id>` cookie |
 * | GET, POST | `/forms/<id>/<step>` | one step; POST saves (or "save and come back later") |
 * | GET | `/forms/<id>/check` | check your answers |
 * | POST | `/forms/<id>/submit` | sends (idempotent per draft) |
 * | GET | `/forms/<id>/confirmation` | reference code and what happens next |
 * | GET, POST | `/forms/<id>/resume` | continue with a resume code, on any device |
 * | GET, POST | `/forms/<id>/status` | check a request by reference code (forms with a status handler) |
 * | POST | `/forms/<id>/discard` | delete my answers |
 *
 * Routes translate HTTP into `forms.service.ts` calls and render views; they never touch the database.
 * Every POST takes `application/x-www-form-urlencoded` only, and refuses inputs the page does not have
 * (422, nothing stored). Codes travel in POST bodies, never in URLs (R28).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeReferenceCode } from '../crypto/random.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import { localDate } from '../jurisdiction/index.ts';
import type { AppContext } from '../modules/context.ts';
import { type RawInput, answerLang, choicesOf, displayAnswer, inputFromAnswers, parseStepInput, unknownInputs } from './form-answers.ts';
import type { AnswerValue, Answers, FormDefinition, StepDefinition } from './form-definition.ts';
import { draftDaysOf, submissionDaysOf } from './form-definition.ts';
import type { ViewContext } from '../views/view-context.ts';
import { CHECK_ANSWERS, firstIncompleteStep, isReachable, nextDestination, previousStep } from './form-flow.ts';
import {
  type DraftLookup,
  type DraftSession,
  discardDraft,
  findDraft,
  issueResumeCode,
  lookupStatus,
  resumeDraft,
  saveStep,
  startDraft,
  submitDraft,
} from './forms.service.ts';
import { CheckPage, type CheckRow } from './views/check-page.tsx';
import { CodeEntryPage } from './views/code-entry-page.tsx';
import { ConfirmationPage } from './views/confirmation-page.tsx';
import { formUrls } from './views/form-urls.ts';
import { SavedPage } from './views/saved-page.tsx';
import { StartPage } from './views/start-page.tsx';
import { StatusResult } from './views/status-result.tsx';
import { StepPage } from './views/step-page.tsx';

const PUBLIC = { access: 'public' as const };
/** Starting, sending, resuming and status lookups share the strict per-IP bucket (guessing codes, flooding drafts). */
const PUBLIC_STRICT = { access: 'public' as const, strictRateLimit: true };

/** The cookie that ties a draft to one browser. `__Host-`: secure, whole site, no subdomain can set it. */
export function draftCookieName(formId: string): string {
  return `__Host-form-${formId}`;
}

interface FormParams {
  formId: string;
  stepId?: string;
}

function formFor(ctx: AppContext, req: FastifyRequest): FormDefinition {
  const { formId } = req.params as FormParams;
  const form = typeof formId === 'string' ? ctx.forms.get(formId) : undefined;
  if (!form) throw new AppError('not_found');
  return form;
}

/** The urlencoded body of a form POST; other content types are refused (415). */
function formInput(req: FastifyRequest): RawInput {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new AppError('unsupported_media_type');
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  return body as RawInput;
}

/** Refuses inputs a page does not have: 422 with a translated message, before anything is stored. */
function refuseUnknown(names: readonly string[]): void {
  if (names.length > 0) {
    throw new AppError('validation', {
      messageKey: 'form.error.unknownField',
      fields: names.slice(0, 10).map((n) => ({ field: n.slice(0, 100), key: 'form.error.unknownField' })),
    });
  }
}

function isChanging(req: FastifyRequest): boolean {
  return (req.query as Record<string, unknown> | undefined)?.change === '1';
}

function setDraftCookie(reply: FastifyReply, form: FormDefinition, token: string): void {
  reply.setCookie(draftCookieName(form.id), token, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'lax',
    maxAge: draftDaysOf(form) * 86_400,
  });
}

function clearDraftCookie(reply: FastifyReply, form: FormDefinition): void {
  reply.clearCookie(draftCookieName(form.id), { path: '/', secure: true, httpOnly: true, sameSite: 'lax' });
}

async function lookup(ctx: AppContext, req: FastifyRequest, form: FormDefinition): Promise<DraftLookup> {
  return findDraft(ctx, form, req.cookies[draftCookieName(form.id)]);
}

/** Where a person without a usable draft goes: the confirmation (already sent) or the start page. */
function redirectWithoutDraft(reply: FastifyReply, form: FormDefinition, found: DraftLookup): FastifyReply {
  return reply.redirect(found.kind === 'sent' ? formUrls.confirmation(form) : formUrls.start(form), 303);
}

function currentStepHref(session: DraftSession): string {
  const next = firstIncompleteStep(session.path, session.state);
  return formUrls.step(session.form, next?.id ?? CHECK_ANSWERS);
}

/** One input code field read strictly (the resume and status pages). */
function codeInput(req: FastifyRequest): string {
  const input = formInput(req);
  refuseUnknown(Object.keys(input).filter((k) => k !== '_csrf' && k !== 'code'));
  const code = input.code;
  if (code !== undefined && typeof code !== 'string') throw new AppError('bad_request');
  return (code ?? '').slice(0, 40);
}

const CODE_ERROR: FieldError = { field: 'code', key: 'forms.code.invalid' };

/** The stored answers with a page's parsed values laid over them (a blank optional value removes the answer). */
function withValues(answers: Answers, values: Readonly<Record<string, AnswerValue | undefined>>): Answers {
  const merged: Record<string, AnswerValue> = { ...answers };
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

/** The page's view context, with the form's `messageValues` available to every message it renders. */
function formView(ctx: AppContext, form: FormDefinition, reply: FastifyReply): ViewContext {
  const view = reply.viewContext();
  if (!form.messageValues) return view;
  const values = form.messageValues(ctx);
  return { ...view, t: (key, v) => view.t(key, v ? { ...values, ...v } : values) };
}

/** A step's own cross-field check (`StepDefinition.check`), when it has one. */
async function runStepCheck(ctx: AppContext, req: FastifyRequest, step: StepDefinition, answers: Answers): Promise<FieldError[]> {
  if (!step.check) return [];
  return [...(await step.check(ctx, answers, { now: ctx.now(), locale: req.locale }))];
}

/** Registers the public pages of every form in `ctx.forms`. */
export async function registerFormRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Start page.
  app.get('/forms/:formId', { config: PUBLIC }, async (req, reply) => {
    const form = formFor(ctx, req);
    const found = await lookup(ctx, req, form);
    const deleted = (req.query as Record<string, unknown>).deleted === '1';
    return reply.page(
      <StartPage ctx={formView(ctx, form, reply)} form={form} retentionDays={submissionDaysOf(form, ctx)} continueHref={found.kind === 'draft' ? currentStepHref(found.session) : undefined} deleted={deleted} />,
    );
  });

  // Start a draft (or continue the one this browser has).
  app.post('/forms/:formId/start', { config: PUBLIC_STRICT }, async (req, reply) => {
    const form = formFor(ctx, req);
    refuseUnknown(Object.keys(formInput(req)).filter((k) => k !== '_csrf'));
    const found = await lookup(ctx, req, form);
    if (found.kind === 'draft') return reply.redirect(currentStepHref(found.session), 303);
    const { token, session } = await startDraft(ctx, form);
    setDraftCookie(reply, form, token);
    return reply.redirect(currentStepHref(session), 303);
  });

  // Check your answers.
  app.get('/forms/:formId/check', { config: PUBLIC }, async (req, reply) => {
    const form = formFor(ctx, req);
    const found = await lookup(ctx, req, form);
    if (found.kind !== 'draft') return redirectWithoutDraft(reply, form, found);
    const { session } = found;
    const missing = firstIncompleteStep(session.path, session.state);
    if (missing) return reply.redirect(formUrls.step(form, missing.id), 303);
    const view = formView(ctx, form, reply);
    const rows: CheckRow[] = session.path.flatMap((step) =>
      step.fields.map((field) => ({
        question: view.t(field.summaryKey ?? field.labelKey),
        answer: displayAnswer(field, session.state.answers[field.name], choicesOf(field, ctx), view.t, req.locale),
        lang: answerLang(field, session.state.answers[field.name], choicesOf(field, ctx)),
        changeHref: formUrls.step(form, step.id, true),
      })),
    );
    const last = session.path[session.path.length - 1];
    return reply.page(<CheckPage ctx={view} form={form} rows={rows} backHref={last ? formUrls.step(form, last.id) : formUrls.start(form)} />);
  });

  // Send.
  app.post('/forms/:formId/submit', { config: PUBLIC_STRICT }, async (req, reply) => {
    const form = formFor(ctx, req);
    refuseUnknown(Object.keys(formInput(req)).filter((k) => k !== '_csrf'));
    const found = await lookup(ctx, req, form);
    if (found.kind !== 'draft') return redirectWithoutDraft(reply, form, found);
    const outcome = await submitDraft(ctx, found.session, req.locale);
    if (outcome.kind === 'incomplete') return reply.redirect(formUrls.step(form, outcome.stepId), 303);
    if (outcome.kind === 'refused') {
      const step = form.steps.find((s) => s.id === outcome.stepId) as StepDefinition;
      const { answers } = found.session.state;
      return renderStep(req, reply, found.session, step.id, inputFromAnswers(step, answers), answers, outcome.errors, true, 422);
    }
    return reply.redirect(formUrls.confirmation(form), 303);
  });

  // Confirmation (reloadable for an hour: the receipt is kept with the draft row).
  app.get('/forms/:formId/confirmation', { config: PUBLIC }, async (req, reply) => {
    const form = formFor(ctx, req);
    const found = await lookup(ctx, req, form);
    if (found.kind === 'draft') return reply.redirect(formUrls.check(form), 303);
    if (found.kind === 'none') return reply.redirect(formUrls.start(form), 303);
    return reply.page(<ConfirmationPage ctx={formView(ctx, form, reply)} form={form} reference={found.reference} />);
  });

  // Delete my answers.
  app.post('/forms/:formId/discard', { config: PUBLIC }, async (req, reply) => {
    const form = formFor(ctx, req);
    refuseUnknown(Object.keys(formInput(req)).filter((k) => k !== '_csrf'));
    const found = await lookup(ctx, req, form);
    if (found.kind === 'draft') await discardDraft(ctx, found.session.id);
    clearDraftCookie(reply, form);
    return reply.redirect(`${formUrls.start(form)}?deleted=1`, 303);
  });

  // Continue with a resume code.
  const resumePage = (reply: FastifyReply, form: FormDefinition, value: string, errors: FieldError[]) =>
    reply.page(
      <CodeEntryPage
        ctx={formView(ctx, form, reply)}
        titleKey="forms.resume.title"
        introKey="forms.resume.intro"
        labelKey="forms.resume.label"
        hintKey="forms.resume.hint"
        buttonKey="forms.resume.button"
        action={formUrls.resume(form)}
        backHref={formUrls.start(form)}
        value={value}
        errors={errors}
      />,
      errors.length > 0 ? 422 : 200,
    );
  app.get('/forms/:formId/resume', { config: PUBLIC }, async (req, reply) => resumePage(reply, formFor(ctx, req), '', []));
  app.post('/forms/:formId/resume', { config: PUBLIC_STRICT }, async (req, reply) => {
    const form = formFor(ctx, req);
    const code = codeInput(req);
    if (!code.trim()) return resumePage(reply, form, code, [{ field: 'code', key: 'forms.code.required' }]);
    const resumed = await resumeDraft(ctx, form, code);
    if (!resumed) {
      const invalid = normalizeReferenceCode(code) === null;
      return resumePage(reply, form, code, [invalid ? CODE_ERROR : { field: 'code', key: 'forms.resume.notFound' }]);
    }
    setDraftCookie(reply, form, resumed.token);
    return reply.redirect(currentStepHref(resumed.session), 303);
  });

  // Check a request's status by reference code.
  const statusPage = (reply: FastifyReply, form: FormDefinition, value: string, errors: FieldError[], result?: ReturnType<typeof StatusResult>) =>
    reply.page(
      <CodeEntryPage
        ctx={formView(ctx, form, reply)}
        titleKey="forms.status.title"
        introKey="forms.status.intro"
        labelKey="forms.status.label"
        hintKey="forms.status.hint"
        buttonKey="forms.status.button"
        action={formUrls.status(form)}
        backHref={formUrls.start(form)}
        value={value}
        errors={errors}
        result={result}
      />,
      errors.length > 0 ? 422 : 200,
    );
  const statusForm = (req: FastifyRequest): FormDefinition => {
    const form = formFor(ctx, req);
    if (!form.status) throw new AppError('not_found');
    return form;
  };
  app.get('/forms/:formId/status', { config: PUBLIC }, async (req, reply) => statusPage(reply, statusForm(req), '', []));
  app.post('/forms/:formId/status', { config: PUBLIC_STRICT }, async (req, reply) => {
    const form = statusForm(req);
    const code = codeInput(req);
    if (!code.trim()) return statusPage(reply, form, code, [{ field: 'code', key: 'forms.code.required' }]);
    const outcome = await lookupStatus(ctx, form, code);
    if (outcome.kind === 'invalid-code') return statusPage(reply, form, code, [CODE_ERROR]);
    if (outcome.kind === 'not-found') return statusPage(reply, form, code, [{ field: 'code', key: 'forms.status.notFound' }]);
    const view = formView(ctx, form, reply);
    const local = (iso: string) => localDate(ctx.jurisdiction, new Date(iso));
    return statusPage(
      reply,
      form,
      code,
      [],
      <StatusResult ctx={view} status={outcome.status} receivedDate={local(outcome.status.receivedAt)} updatedDate={local(outcome.status.updatedAt)} />,
    );
  });

  // One step: show it.
  app.get('/forms/:formId/:stepId', { config: PUBLIC }, async (req, reply) => {
    const form = formFor(ctx, req);
    const step = form.steps.find((s) => s.id === (req.params as FormParams).stepId);
    if (!step) throw new AppError('not_found');
    const found = await lookup(ctx, req, form);
    if (found.kind !== 'draft') return redirectWithoutDraft(reply, form, found);
    const { session } = found;
    if (!isReachable(session.path, session.state, step.id)) return reply.redirect(currentStepHref(session), 303);
    return renderStep(req, reply, session, step.id, inputFromAnswers(step, session.state.answers), session.state.answers, [], isChanging(req), 200);
  });

  // One step: answer it, or save for later.
  app.post('/forms/:formId/:stepId', { config: PUBLIC }, async (req, reply) => {
    const form = formFor(ctx, req);
    const step = form.steps.find((s) => s.id === (req.params as FormParams).stepId);
    if (!step) throw new AppError('not_found');
    const input = formInput(req);
    refuseUnknown(unknownInputs(step, input));
    const action = input._action;
    if (action !== undefined && action !== 'save') throw new AppError('bad_request');
    const found = await lookup(ctx, req, form);
    if (found.kind !== 'draft') return redirectWithoutDraft(reply, form, found);
    const { session } = found;
    if (!isReachable(session.path, session.state, step.id)) return reply.redirect(currentStepHref(session), 303);
    const changing = isChanging(req);
    const parsed = parseStepInput(ctx, step, input);
    const answers = withValues(session.state.answers, parsed.values);
    // The step's cross-field check runs only on a page whose fields are each valid.
    if (parsed.errors.length === 0) parsed.errors.push(...(await runStepCheck(ctx, req, step, answers)));

    if (action === 'save') {
      // Keep what is valid on this page (fields with errors are not in `values`); the person fixes the rest
      // when they come back, so the step is done only if the whole page was valid.
      const saved = await saveStep(ctx, session, step.id, parsed.values, { complete: parsed.errors.length === 0 });
      if (!saved) return reply.redirect(formUrls.confirmation(form), 303);
      const issued = await issueResumeCode(ctx, saved);
      if (!issued) return reply.redirect(formUrls.confirmation(form), 303);
      const view = formView(ctx, form, reply);
      return reply.page(
        <SavedPage
          ctx={view}
          form={form}
          code={issued.code}
          untilDate={localDate(ctx.jurisdiction, new Date(issued.expiresAt))}
          address={`${ctx.config.baseUrl}${formUrls.resume(form)}`}
          continueHref={formUrls.step(form, step.id, changing)}
          partial={parsed.errors.length > 0}
        />,
      );
    }

    if (parsed.errors.length > 0) {
      // Nothing is stored; the page comes back with the person's input and the errors.
      const values: Record<string, string | readonly string[]> = { ...input };
      delete values._csrf;
      delete values._action;
      return renderStep(req, reply, session, step.id, values, answers, parsed.errors, changing, 422);
    }
    const saved = await saveStep(ctx, session, step.id, parsed.values, { complete: true });
    if (!saved) return reply.redirect(formUrls.confirmation(form), 303);
    const destination = nextDestination(saved.path, saved.state, step.id, changing);
    return reply.redirect(formUrls.step(form, destination, changing && destination !== CHECK_ANSWERS), 303);
  });

  function renderStep(
    req: FastifyRequest,
    reply: FastifyReply,
    session: DraftSession,
    stepId: string,
    values: Readonly<Record<string, string | readonly string[]>>,
    answers: Answers,
    errors: FieldError[],
    changing: boolean,
    status: number,
  ): Promise<FastifyReply> {
    const { form, path } = session;
    const index = path.findIndex((s) => s.id === stepId);
    const step = path[index];
    if (!step) throw new AppError('not_found');
    const previous = previousStep(path, stepId);
    const backHref = changing ? formUrls.check(form) : previous ? formUrls.step(form, previous.id) : formUrls.start(form);
    const fields = new Map(step.fields.map((f) => [f.name, f]));
    return reply.page(
      <StepPage
        ctx={formView(ctx, form, reply)}
        form={form}
        step={step}
        choices={(name) => {
          const f = fields.get(name);
          return f ? choicesOf(f, ctx) : [];
        }}
        values={values}
        errors={errors}
        position={{ current: index + 1, total: path.length }}
        panel={step.panel?.(ctx, answers, { now: ctx.now(), locale: req.locale })}
        backHref={backHref}
        action={formUrls.step(form, stepId, changing)}
      />,
      status,
    );
  }
}
