/**
 * The certifying queue and the request pages (staff), the public figures, and the attorney API.
 *
 * | method | path | access |
 * |---|---|---|
 * | GET | `/staff/u-visa` | `u-visa.requests.read` (categories only) |
 * | GET, POST | `/staff/u-visa/new` | `u-visa.requests.create` |
 * | GET, POST | `/staff/u-visa/search` | `u-visa.requests.search` (audited) |
 * | GET | `/staff/u-visa/requests/:id` | `u-visa.requests.read` (decrypts; audited) |
 * | GET, POST | `/staff/u-visa/requests/:id/facts`, `…/supplement` | `u-visa.requests.prepare` (audited) |
 * | POST | `…/route`, `…/helpfulness`, `…/info-request`, `…/info-received`, `…/good-cause`, `…/family`, `…/reconsider`, `…/withdraw` | `u-visa.requests.prepare` |
 * | POST | `…/certify`, `…/deny` | `u-visa.requests.decide` |
 * | POST | `…/review` | `u-visa.requests.review` |
 * | GET | `…/supplement-b.pdf`, `…/letter.pdf` | `u-visa.requests.read` (audited) |
 * | GET | `/u-visa/figures`, `/u-visa/figures.csv` | public (suppressed aggregates) |
 * | POST | `/api/v1/u-visa/requests` | `u-visa.api.file` (a partner's scoped bearer token) |
 * | GET | `/api/v1/u-visa/requests/:id` | `u-visa.api.file` (status of a request the token's owner filed) |
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type FieldError } from '../../core/http/errors.ts';
import { formListValues, formValues, parseInput, wholeNumber } from '../../core/http/validate.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { draftSupplement, readPostedAnswers, requesterWords } from './supplement-b/supplement-b.answers.ts';
import { supplementFormFor } from './supplement-b/supplement-b.fields.ts';
import { registerUVisaApiRoutes } from './u-visa-api.routes.ts';
import {
  addFamilyMember,
  assessHelpfulness,
  certify,
  delayForGoodCause,
  informationReceived,
  proposeDenial,
  reconsider,
  recordCaseFacts,
  requestInformation,
  reviewDenial,
  routeTo,
  saveSupplement,
  searchByANumber,
  withdraw,
} from './u-visa.decisions.ts';
import { documentPdf } from './u-visa.documents.tsx';
import { CSV_HEADER, buildFigures, figuresCsv } from './u-visa.figures.ts';
import { U_VISA_PERMISSIONS, actingRole } from './u-visa.policy.ts';
import { VISA_TYPES, requestParamsSchema } from './u-visa.schemas.ts';
import { type RequestDetail, type StaffActor, fileRequest, listQueue, readRequest } from './u-visa.service.ts';
import { type DetailForm, DetailView } from './views/detail.view.tsx';
import { EntryView } from './views/entry.view.tsx';
import { FiguresPage } from './views/figures.view.tsx';
import { QueueView } from './views/queue.view.tsx';
import { FactsView, SearchView, SupplementView } from './views/work.views.tsx';

const optionalFilter = <T extends readonly [string, ...string[]]>(values: T) => z.preprocess((v) => (v === '' ? undefined : v), z.enum(values).optional());
const cursor = z.string().min(3).max(200).regex(/^[0-9A-Za-z|:.\-TZ]+$/).optional();

const queueQuerySchema = z.strictObject({
  view: z.enum(['open', 'closed']).default('open'),
  department: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[a-z0-9-]{1,60}$/).optional()),
  visaType: optionalFilter(VISA_TYPES),
  after: cursor,
  before: cursor,
  lang: z.string().max(10).optional(),
});
const detailQuerySchema = z.strictObject({ done: z.string().regex(/^[a-z-]{1,40}$/).optional(), lang: z.string().max(10).optional() });
const langOnly = z.strictObject({ lang: z.string().max(10).optional() });
const revisionBody = z.strictObject({ _csrf: z.string().optional(), revision: wholeNumber('form.error.invalid', 0, Number.MAX_SAFE_INTEGER) });
const emptyBody = z.strictObject({ _csrf: z.string().optional() });

/** The acting staff member for a permission (the guard has already checked it). */
export function staffActor(req: FastifyRequest, permission: string): StaffActor {
  const staff = req.staff;
  if (!staff) throw new AppError('unauthorized');
  return { userId: staff.userId, role: actingRole(staff.roles, permission), requestId: req.id };
}

function requestId(req: FastifyRequest): string {
  const parsed = requestParamsSchema.safeParse(req.params);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data.id;
}


function validationFields(err: unknown): FieldError[] | null {
  return err instanceof AppError && err.code === 'validation' ? err.fields : null;
}

/** Registers every route of the module. */
export async function registerUVisaRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const allows = (req: FastifyRequest, permission: string) => (req.staff ? ctx.permissions.allows(req.staff.roles, permission) : false);
  const can = (req: FastifyRequest) => ({
    prepare: allows(req, U_VISA_PERMISSIONS.prepare),
    decide: allows(req, U_VISA_PERMISSIONS.decide),
    review: allows(req, U_VISA_PERMISSIONS.review),
  });

  /** Shows the request again with a form's errors (422), after an action was refused. */
  async function detailWithErrors(req: FastifyRequest, reply: FastifyReply, id: string, form: DetailForm, errors: FieldError[]) {
    const request: RequestDetail = await readRequest(ctx, staffActor(req, U_VISA_PERMISSIONS.read), id);
    return reply.page(<DetailView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} request={request} can={can(req)} form={form} errors={errors} values={formValues(req.body)} />, 422);
  }

  /** A POST action on one request: done → back to the request; field errors → the request with them. */
  function action(path: string, permission: string, form: DetailForm, run: (req: FastifyRequest, actor: StaffActor, id: string) => Promise<unknown>) {
    app.post(`/staff/u-visa/requests/:id/${path}`, { config: { access: { permission } } }, async (req, reply) => {
      const id = requestId(req);
      try {
        await run(req, staffActor(req, permission), id);
      } catch (err) {
        const fields = validationFields(err);
        if (fields && fields.length > 0) return detailWithErrors(req, reply, id, form, fields);
        throw err;
      }
      return reply.redirect(`/staff/u-visa/requests/${id}?done=${path}`, 303);
    });
  }

  // The queue --------------------------------------------------------------------------------------------
  app.get('/staff/u-visa', { config: { access: { permission: U_VISA_PERMISSIONS.read } } }, async (req, reply) => {
    const query = parseInput(queueQuerySchema, req.query);
    if (query.department && !ctx.jurisdiction.uVisa.certifyingAgencies.value.some((d) => d.id === query.department)) throw new AppError('not_found');
    const page = await listQueue(ctx, query);
    return reply.page(
      <QueueView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} query={query} page={page} canCreate={allows(req, U_VISA_PERMISSIONS.create)} canSearch={allows(req, U_VISA_PERMISSIONS.search)} />,
    );
  });

  // Staff entry --------------------------------------------------------------------------------------------
  app.get('/staff/u-visa/new', { config: { access: { permission: U_VISA_PERMISSIONS.create } } }, async (req, reply) => {
    parseInput(langOnly, req.query);
    return reply.page(<EntryView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} />);
  });

  app.post('/staff/u-visa/new', { config: { access: { permission: U_VISA_PERMISSIONS.create } } }, async (req, reply) => {
    const body = { ...((req.body ?? {}) as Record<string, unknown>) };
    delete body._csrf;
    try {
      const created = await fileRequest(ctx, { raw: body, channel: 'staff', filer: { kind: 'staff', actor: staffActor(req, U_VISA_PERMISSIONS.create) } });
      return reply.page(<EntryView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} created={created} />, 201);
    } catch (err) {
      const fields = validationFields(err);
      if (!fields) throw err;
      return reply.page(<EntryView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} errors={fields} values={formListValues(body)} />, 422);
    }
  });

  // Search by A-number ------------------------------------------------------------------------------------
  app.get('/staff/u-visa/search', { config: { access: { permission: U_VISA_PERMISSIONS.search } } }, async (req, reply) => {
    parseInput(langOnly, req.query);
    return reply.page(<SearchView ctx={reply.viewContext()} />);
  });

  app.post('/staff/u-visa/search', { config: { access: { permission: U_VISA_PERMISSIONS.search } } }, async (req, reply) => {
    const body = parseInput(z.strictObject({ _csrf: z.string().optional(), aNumber: z.string().max(40) }), req.body ?? {});
    try {
      const results = await searchByANumber(ctx, staffActor(req, U_VISA_PERMISSIONS.search), body.aNumber);
      return reply.page(<SearchView ctx={reply.viewContext()} results={results} />);
    } catch (err) {
      const fields = validationFields(err);
      if (!fields) throw err;
      return reply.page(<SearchView ctx={reply.viewContext()} errors={fields} />, 422);
    }
  });

  // One request ---------------------------------------------------------------------------------------------
  app.get('/staff/u-visa/requests/:id', { config: { access: { permission: U_VISA_PERMISSIONS.read } } }, async (req, reply) => {
    const id = requestId(req);
    const query = parseInput(detailQuerySchema, req.query);
    const request = await readRequest(ctx, staffActor(req, U_VISA_PERMISSIONS.read), id);
    return reply.page(<DetailView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} request={request} can={can(req)} flash={query.done} />);
  });

  app.get('/staff/u-visa/requests/:id/facts', { config: { access: { permission: U_VISA_PERMISSIONS.prepare } } }, async (req, reply) => {
    const id = requestId(req);
    parseInput(langOnly, req.query);
    const request = await readRequest(ctx, staffActor(req, U_VISA_PERMISSIONS.prepare), id);
    return reply.page(<FactsView ctx={reply.viewContext()} id={id} reference={request.reference} facts={request.casePart.facts ?? {}} />);
  });

  app.post('/staff/u-visa/requests/:id/facts', { config: { access: { permission: U_VISA_PERMISSIONS.prepare } } }, async (req, reply) => {
    const id = requestId(req);
    const actor = staffActor(req, U_VISA_PERMISSIONS.prepare);
    try {
      await recordCaseFacts(ctx, actor, id, req.body ?? {});
    } catch (err) {
      const fields = validationFields(err);
      if (!fields) throw err;
      const request = await readRequest(ctx, actor, id);
      return reply.page(<FactsView ctx={reply.viewContext()} id={id} reference={request.reference} facts={formValues(req.body)} errors={fields} />, 422);
    }
    return reply.redirect(`/staff/u-visa/requests/${id}?done=facts`, 303);
  });

  app.get('/staff/u-visa/requests/:id/supplement', { config: { access: { permission: U_VISA_PERMISSIONS.prepare } } }, async (req, reply) => {
    const id = requestId(req);
    const query = parseInput(detailQuerySchema, req.query);
    const request = await readRequest(ctx, staffActor(req, U_VISA_PERMISSIONS.prepare), id);
    const answers = draftSupplement(ctx.jurisdiction, request, { name: req.staff?.displayName ?? '' });
    return reply.page(
      <SupplementView
        ctx={reply.viewContext()}
        id={id}
        reference={request.reference}
        form={supplementFormFor(request.visaType)}
        answers={answers}
        requesterWords={requesterWords(request)}
        revision={request.revision}
        canSign={allows(req, U_VISA_PERMISSIONS.decide) && ['received', 'info-requested', 'reconsideration'].includes(request.status)}
        saved={query.done === 'saved'}
      />,
    );
  });

  app.post('/staff/u-visa/requests/:id/supplement', { config: { access: { permission: U_VISA_PERMISSIONS.prepare } } }, async (req, reply) => {
    const id = requestId(req);
    const actor = staffActor(req, U_VISA_PERMISSIONS.prepare);
    const row = await readRequest(ctx, actor, id);
    const form = supplementFormFor(row.visaType);
    const { answers, errors } = readPostedAnswers(form, (req.body ?? {}) as Record<string, unknown>);
    let problems: FieldError[] = errors;
    if (problems.length === 0) {
      try {
        await saveSupplement(ctx, actor, id, answers);
      } catch (err) {
        const fields = validationFields(err);
        if (!fields) throw err;
        problems = fields;
      }
    }
    if (problems.length > 0) {
      return reply.page(
        <SupplementView
          ctx={reply.viewContext()}
          id={id}
          reference={row.reference}
          form={form}
          answers={answers}
          requesterWords={requesterWords(row)}
          revision={row.revision}
          canSign={allows(req, U_VISA_PERMISSIONS.decide)}
          errors={problems}
        />,
        422,
      );
    }
    return reply.redirect(`/staff/u-visa/requests/${id}/supplement?done=saved`, 303);
  });

  action('route', U_VISA_PERMISSIONS.prepare, 'route', async (req, actor, id) => {
    const body = parseInput(z.strictObject({ _csrf: z.string().optional(), department: z.string().max(60) }), req.body ?? {});
    await routeTo(ctx, actor, id, body.department);
  });
  action('helpfulness', U_VISA_PERMISSIONS.prepare, 'helpfulness', (req, actor, id) => assessHelpfulness(ctx, actor, id, req.body ?? {}));
  action('info-request', U_VISA_PERMISSIONS.prepare, 'info', (req, actor, id) => requestInformation(ctx, actor, id, req.body ?? {}));
  action('info-received', U_VISA_PERMISSIONS.prepare, 'info', async (req, actor, id) => {
    parseInput(emptyBody, req.body ?? {});
    await informationReceived(ctx, actor, id);
  });
  action('good-cause', U_VISA_PERMISSIONS.prepare, 'goodCause', (req, actor, id) => delayForGoodCause(ctx, actor, id, req.body ?? {}));
  action('family', U_VISA_PERMISSIONS.prepare, 'family', (req, actor, id) => addFamilyMember(ctx, actor, id, req.body ?? {}));
  action('reconsider', U_VISA_PERMISSIONS.prepare, 'reconsider', (req, actor, id) => reconsider(ctx, actor, id, req.body ?? {}));
  action('withdraw', U_VISA_PERMISSIONS.prepare, 'withdraw', async (req, actor, id) => {
    parseInput(emptyBody, req.body ?? {});
    await withdraw(ctx, actor, id);
  });
  action('certify', U_VISA_PERMISSIONS.decide, 'certify', async (req, actor, id) => {
    const body = parseInput(revisionBody, req.body ?? {});
    await certify(ctx, actor, id, { revision: body.revision, officialName: req.staff?.displayName });
  });
  action('deny', U_VISA_PERMISSIONS.decide, 'deny', (req, actor, id) => proposeDenial(ctx, actor, id, req.body ?? {}));
  action('review', U_VISA_PERMISSIONS.review, 'review', (req, actor, id) => reviewDenial(ctx, actor, id, req.body ?? {}));

  for (const kind of ['supplement-b', 'letter'] as const) {
    app.get(`/staff/u-visa/requests/:id/${kind}.pdf`, { config: { access: { permission: U_VISA_PERMISSIONS.read } } }, async (req, reply) => {
      const id = requestId(req);
      parseInput(langOnly, req.query);
      // One request's document, shown inline like a page (never a bulk file); the read is audited.
      const { pdf } = await documentPdf(ctx, staffActor(req, U_VISA_PERMISSIONS.read), id, kind);
      return reply.type('application/pdf').header('x-content-type-options', 'nosniff').send(pdf);
    });
  }

  // Public figures -----------------------------------------------------------------------------------------
  app.get('/u-visa/figures', { config: { access: 'public' } }, async (req, reply) => {
    parseInput(langOnly, req.query);
    const figures = await buildFigures(ctx);
    const clocks = ctx.jurisdiction.clocks;
    return reply.page(
      <FiguresPage
        ctx={reply.viewContext()}
        figures={figures}
        city={ctx.jurisdiction.place.cityName.value}
        cityDays={{ standard: clocks.uVisaCertification.value.amount, expedited: clocks.uVisaCertificationExpedited.value.amount }}
      />,
    );
  });

  app.get('/u-visa/figures.csv', { config: { access: 'public' } }, async (req, reply) => {
    parseInput(langOnly, req.query);
    const csv = figuresCsv(await buildFigures(ctx), CSV_HEADER);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="u-visa-figures.csv"').send(`\uFEFF${csv}`);
  });

  await registerUVisaApiRoutes(app, ctx);
}
