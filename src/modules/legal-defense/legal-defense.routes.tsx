/**
 * The program's staff pages, the provider attorneys' pages, and the partner API.
 *
 * | method | path | access |
 * |---|---|---|
 * | GET | `/staff/legal-defense` | `legal-defense.cases.read` (categories only) |
 * | GET, POST | `/staff/legal-defense/intake` | `legal-defense.cases.intake` (phone screen) |
 * | GET | `/staff/legal-defense/cases/:id` | `legal-defense.cases.read` (decrypts; audited) |
 * | GET | `/staff/legal-defense/cases/:id/restricted` | `legal-defense.restricted.read` (A-number, location; audited) |
 * | POST | `/staff/legal-defense/cases/:id/eligibility`, `…/offer` | `legal-defense.cases.decide` |
 * | GET, POST | `/staff/legal-defense/providers`, POST `…/:id`, `…/:id/attorneys`, `…/:id/parties` | `legal-defense.providers.manage` |
 * | GET | `/staff/legal-defense/assigned`, `…/assigned/:id` | `legal-defense.assigned.work` (own provider's cases only; audited) |
 * | GET | `/staff/legal-defense/assigned/:id/restricted` | `legal-defense.restricted.read` (own provider's cases only; audited) |
 * | POST | `/staff/legal-defense/assigned/:id/accept`, `…/decline`, `…/contact` | `legal-defense.assigned.work` |
 * | POST | `/staff/legal-defense/cases/:id/proceedings`, `…/deadlines/:clock/met`, `…/status`, `…/transfer` | `legal-defense.cases.decide` |
 * | POST | `/staff/legal-defense/assigned/:id/proceedings`, `…/deadlines/:clock/met`, `…/status`, `…/transfer` | `legal-defense.assigned.work` (accepted cases only) |
 * | POST | `/staff/legal-defense/cases/:id/close` / `…/assigned/:id/close` | `legal-defense.cases.decide` (any open case) / `legal-defense.assigned.work` (accepted cases) |
 * | GET | `/legal-defense/outcomes`, `/legal-defense/outcomes.csv` | public (suppressed aggregates) |
 * | POST | `/api/v1/legal-defense/reports` | `legal-defense.api.report` (a partner's scoped bearer token) |
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type FieldError } from '../../core/http/errors.ts';
import { formValues, parseInput } from '../../core/http/validate.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { secretsFor } from '../../core/auth/auth-secrets.ts';
import { registerLegalDefenseApiRoutes } from './legal-defense-api.routes.ts';
import { acceptCase, addParty, addProvider, declineCase, linkAttorney, offerAgain, offerCase, recordFirstContact, updateProvider } from './legal-defense.assignment.ts';
import { closeCase } from './legal-defense.close.ts';
import { meetDeadline, recordProceeding, recordStatus, recordTransfer } from './legal-defense.court.ts';
import { recordEligibility } from './legal-defense.eligibility.ts';
import { buildOutcomes, outcomesCsv } from './legal-defense.outcomes.ts';
import { LEGAL_DEFENSE_PERMISSIONS as P, actingRole } from './legal-defense.policy.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import { isIsoDate } from '../../core/dates.ts';
import { DECLINE_REASONS, caseParamsSchema, eligibilitySchema, normalizeANumber, providerSchema } from './legal-defense.schemas.ts';
import { type CaseScope, type StaffActor, createReport, fileReport, listQueue, parseReport, readCase, readRestricted } from './legal-defense.service.ts';
import { IntakeView } from './views/intake.view.tsx';
import { OutcomesPage } from './views/outcomes.view.tsx';
import { AssignedView, CaseView, ProvidersView, QueueView, RestrictedView } from './views/staff.views.tsx';

const langOnly = z.strictObject({ lang: z.string().max(10).optional() });
const detailQuery = z.strictObject({ done: z.string().regex(/^[a-z-]{1,40}$/).optional(), lang: z.string().max(10).optional() });
const queueQuery = z.strictObject({
  view: z.enum(['waiting', 'assigned']).default('waiting'),
  after: z.string().regex(/^[0-9A-Za-z]{26}$/).optional(),
  lang: z.string().max(10).optional(),
});
const declineBody = z.strictObject({ _csrf: z.string().optional(), reason: z.enum(DECLINE_REASONS, 'legal-defense.error.reason') });
const emptyBody = z.strictObject({ _csrf: z.string().optional() });
const attorneyBody = z.strictObject({ _csrf: z.string().optional(), email: z.string().trim().min(3, 'legal-defense.error.required').max(254) });
const partyBody = z
  .strictObject({
    _csrf: z.string().optional(),
    aNumber: z.string().trim().max(20).optional(),
    givenName: z.string().trim().max(100).optional(),
    familyName: z.string().trim().max(100).optional(),
    dateOfBirth: z.string().trim().max(10).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.aNumber && normalizeANumber(a.aNumber) === null) ctx.addIssue({ code: 'custom', path: ['aNumber'], message: 'legal-defense.error.aNumber' });
    if (a.dateOfBirth && !isIsoDate(a.dateOfBirth)) ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'legal-defense.error.date' });
  });

/** The acting staff member for a permission (the guard has already checked it). */
export function staffActor(req: FastifyRequest, permission: string): StaffActor {
  const staff = req.staff;
  if (!staff) throw new AppError('unauthorized');
  return { userId: staff.userId, role: actingRole(staff.roles, permission), requestId: req.id };
}

function caseId(req: FastifyRequest): string {
  const parsed = caseParamsSchema.safeParse(req.params);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data.id;
}


function validationFields(err: unknown): FieldError[] | null {
  return err instanceof AppError && err.code === 'validation' ? err.fields : null;
}

/** Registers every route of the module. */
export async function registerLegalDefenseRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const tz = ctx.jurisdiction.locale.timezone.value;
  const allows = (req: FastifyRequest, permission: string) => (req.staff ? ctx.permissions.allows(req.staff.roles, permission) : false);
  const providerNames = async () => new Map((await legalDefenseRepo.listProviders(ctx.db.kysely)).map((p) => [p.id, p.name]));
  const income = ctx.jurisdiction.incomeRules.legalDefenseIncomeScreening.value;

  async function showCase(req: FastifyRequest, reply: FastifyReply, id: string, mode: 'program' | 'provider', extra: { errors?: FieldError[]; values?: Record<string, string>; done?: string } = {}, status = 200) {
    const actor = staffActor(req, mode === 'program' ? P.read : P.assigned);
    const detail = await readCase(ctx, actor, id, { kind: mode });
    return reply.page(
      <CaseView
        ctx={reply.viewContext()}
        detail={detail}
        mode={mode}
        timeZone={tz}
        now={ctx.now()}
        incomeScreening={income}
        providers={await providerNames()}
        can={{ decide: allows(req, P.decide), restricted: allows(req, P.restricted) }}
        canCourt={detail.open && (mode === 'program' ? allows(req, P.decide) : detail.status === 'accepted' || detail.status === 'contacted')}
        {...extra}
      />,
      status,
    );
  }

  // Program staff ------------------------------------------------------------------------------------------
  app.get('/staff/legal-defense', { config: { access: { permission: P.read } } }, async (req, reply) => {
    const query = parseInput(queueQuery, req.query);
    const page = await listQueue(ctx, { view: query.view, after: query.after });
    return reply.page(<QueueView ctx={reply.viewContext()} view={query.view} {...page} providers={await providerNames()} timeZone={tz} now={ctx.now()} can={{ intake: allows(req, P.intake), providers: allows(req, P.providers), fund: allows(req, P.fundRead) }} />);
  });

  app.get('/staff/legal-defense/intake', { config: { access: { permission: P.intake } } }, async (req, reply) => {
    parseInput(langOnly, req.query);
    return reply.page(<IntakeView ctx={reply.viewContext()} canRead={allows(req, P.read)} />);
  });

  app.post('/staff/legal-defense/intake', { config: { access: { permission: P.intake } } }, async (req, reply) => {
    const actor = staffActor(req, P.intake);
    const raw = { ...formValues(req.body) };
    const now = ctx.now();
    try {
      const input = parseReport(ctx, raw, now);
      const filed = await fileReport(ctx, (tx) => createReport(ctx, tx, { input, channel: 'phone', filer: { kind: 'staff', actor }, now, offer: offerCase }));
      const row = await legalDefenseRepo.findCase(ctx.db.kysely, filed.caseId);
      return reply.code(201).page(<IntakeView ctx={reply.viewContext()} canRead={allows(req, P.read)} created={{ caseId: filed.caseId, reference: filed.reference, merged: filed.merged, status: row?.status ?? 'reported' }} />, 201);
    } catch (err) {
      const fields = validationFields(err);
      if (fields && fields.length > 0) return reply.page(<IntakeView ctx={reply.viewContext()} canRead={allows(req, P.read)} errors={fields} values={raw} />, 422);
      throw err;
    }
  });

  app.get('/staff/legal-defense/cases/:id', { config: { access: { permission: P.read } } }, async (req, reply) => {
    const query = parseInput(detailQuery, req.query);
    return showCase(req, reply, caseId(req), 'program', { done: query.done });
  });

  /** The restricted page: program staff (with `read`) see any case; an attorney only their provider's. */
  async function restricted(req: FastifyRequest, reply: FastifyReply, scope: CaseScope, back: string) {
    parseInput(langOnly, req.query);
    const detail = await readRestricted(ctx, staffActor(req, P.restricted), caseId(req), scope);
    return reply.page(<RestrictedView ctx={reply.viewContext()} detail={detail} back={back} timeZone={tz} />);
  }
  app.get('/staff/legal-defense/cases/:id/restricted', { config: { access: { permission: P.restricted } } }, async (req, reply) => {
    const id = caseId(req);
    // A partner attorney holds `restricted` but not `read`: through this path they are scoped like on their own pages.
    const scope: CaseScope = allows(req, P.read) ? { kind: 'program' } : { kind: 'provider' };
    return restricted(req, reply, scope, `/staff/legal-defense/cases/${id}`);
  });

  app.post('/staff/legal-defense/cases/:id/eligibility', { config: { access: { permission: P.decide } } }, async (req, reply) => {
    const id = caseId(req);
    try {
      const input = parseInput(eligibilitySchema, req.body);
      await recordEligibility(ctx, staffActor(req, P.decide), id, input);
    } catch (err) {
      const fields = validationFields(err);
      if (fields && fields.length > 0) return showCase(req, reply, id, 'program', { errors: fields, values: formValues(req.body) }, 422);
      throw err;
    }
    return reply.redirect(`/staff/legal-defense/cases/${id}?done=eligibility`, 303);
  });

  app.post('/staff/legal-defense/cases/:id/offer', { config: { access: { permission: P.decide } } }, async (req, reply) => {
    const id = caseId(req);
    parseInput(emptyBody, req.body ?? {});
    const explanation = await offerAgain(ctx, staffActor(req, P.decide), id);
    return reply.redirect(`/staff/legal-defense/cases/${id}?done=${explanation.chosen ? 'offered' : 'no-provider'}`, 303);
  });

  // Providers ----------------------------------------------------------------------------------------------
  const providerId = (req: FastifyRequest) => caseId(req);
  app.get('/staff/legal-defense/providers', { config: { access: { permission: P.providers } } }, async (req, reply) => {
    const query = parseInput(detailQuery, req.query);
    return reply.page(<ProvidersView ctx={reply.viewContext()} providers={await legalDefenseRepo.listProviders(ctx.db.kysely)} done={query.done} />);
  });
  app.post('/staff/legal-defense/providers', { config: { access: { permission: P.providers } } }, async (req, reply) => {
    try {
      await addProvider(ctx, staffActor(req, P.providers), parseInput(providerSchema, req.body));
    } catch (err) {
      const fields = validationFields(err);
      if (fields && fields.length > 0) return reply.page(<ProvidersView ctx={reply.viewContext()} providers={await legalDefenseRepo.listProviders(ctx.db.kysely)} errors={fields} values={formValues(req.body)} />, 422);
      throw err;
    }
    return reply.redirect('/staff/legal-defense/providers?done=provider-added', 303);
  });
  app.post('/staff/legal-defense/providers/:id', { config: { access: { permission: P.providers } } }, async (req, reply) => {
    const id = providerId(req);
    try {
      await updateProvider(ctx, staffActor(req, P.providers), id, parseInput(providerSchema, req.body));
    } catch (err) {
      const fields = validationFields(err);
      if (fields && fields.length > 0) return reply.page(<ProvidersView ctx={reply.viewContext()} providers={await legalDefenseRepo.listProviders(ctx.db.kysely)} errors={fields} />, 422);
      throw err;
    }
    return reply.redirect('/staff/legal-defense/providers?done=provider-saved', 303);
  });
  app.post('/staff/legal-defense/providers/:id/attorneys', { config: { access: { permission: P.providers } } }, async (req, reply) => {
    const id = providerId(req);
    try {
      const body = parseInput(attorneyBody, req.body);
      const user = await ctx.db.kysely.selectFrom('auth_users').select('id').where('email_lookup', '=', secretsFor(ctx).emailLookupKey(body.email)).executeTakeFirst();
      if (!user) throw new AppError('validation', { fields: [{ field: 'email', key: 'legal-defense.error.notAttorney' }] });
      await linkAttorney(ctx, staffActor(req, P.providers), id, user.id);
    } catch (err) {
      const fields = validationFields(err);
      if (fields && fields.length > 0) return reply.page(<ProvidersView ctx={reply.viewContext()} providers={await legalDefenseRepo.listProviders(ctx.db.kysely)} errors={fields} />, 422);
      throw err;
    }
    return reply.redirect('/staff/legal-defense/providers?done=attorney-linked', 303);
  });
  app.post('/staff/legal-defense/providers/:id/parties', { config: { access: { permission: P.providers } } }, async (req, reply) => {
    const id = providerId(req);
    try {
      const body = parseInput(partyBody, req.body);
      await addParty(ctx, staffActor(req, P.providers), id, {
        aNumber: body.aNumber ? (normalizeANumber(body.aNumber) ?? undefined) : undefined,
        givenName: body.givenName || undefined,
        familyName: body.familyName || undefined,
        dateOfBirth: body.dateOfBirth || undefined,
      });
    } catch (err) {
      const fields = validationFields(err);
      if (fields && fields.length > 0) return reply.page(<ProvidersView ctx={reply.viewContext()} providers={await legalDefenseRepo.listProviders(ctx.db.kysely)} errors={fields} />, 422);
      throw err;
    }
    return reply.redirect('/staff/legal-defense/providers?done=party-added', 303);
  });

  // Provider attorneys -------------------------------------------------------------------------------------
  app.get('/staff/legal-defense/assigned', { config: { access: { permission: P.assigned } } }, async (req, reply) => {
    const query = parseInput(detailQuery, req.query);
    const actor = staffActor(req, P.assigned);
    const provider = await legalDefenseRepo.providerOfUser(ctx.db.kysely, actor.userId);
    const items = provider ? await legalDefenseRepo.listForProvider(ctx.db.kysely, provider, 200) : [];
    const clocks = await ctx.clocks.getMany(items.flatMap((r) => (r.contact_clock_id ? [r.contact_clock_id] : [])));
    return reply.page(<AssignedView ctx={reply.viewContext()} items={items} clocks={clocks} now={ctx.now()} linked={provider !== undefined} timeZone={tz} done={query.done} />);
  });
  app.get('/staff/legal-defense/assigned/:id', { config: { access: { permission: P.assigned } } }, async (req, reply) => {
    const query = parseInput(detailQuery, req.query);
    return showCase(req, reply, caseId(req), 'provider', { done: query.done });
  });
  app.get('/staff/legal-defense/assigned/:id/restricted', { config: { access: { permission: P.restricted } } }, async (req, reply) => {
    const id = caseId(req);
    return restricted(req, reply, { kind: 'provider' }, `/staff/legal-defense/assigned/${id}`);
  });
  app.post('/staff/legal-defense/assigned/:id/accept', { config: { access: { permission: P.assigned } } }, async (req, reply) => {
    const id = caseId(req);
    parseInput(emptyBody, req.body ?? {});
    await acceptCase(ctx, staffActor(req, P.assigned), id);
    return reply.redirect(`/staff/legal-defense/assigned/${id}?done=accepted`, 303);
  });
  app.post('/staff/legal-defense/assigned/:id/decline', { config: { access: { permission: P.assigned } } }, async (req, reply) => {
    const id = caseId(req);
    const body = parseInput(declineBody, req.body ?? {});
    await declineCase(ctx, staffActor(req, P.assigned), id, body.reason);
    return reply.redirect('/staff/legal-defense/assigned', 303);
  });
  app.post('/staff/legal-defense/assigned/:id/contact', { config: { access: { permission: P.assigned } } }, async (req, reply) => {
    const id = caseId(req);
    parseInput(emptyBody, req.body ?? {});
    await recordFirstContact(ctx, staffActor(req, P.assigned), id);
    return reply.redirect(`/staff/legal-defense/assigned/${id}?done=contacted`, 303);
  });

  // Court: events and their deadline clocks --------------------------------------------------------------
  const proceedingBody = z.strictObject({ _csrf: z.string().optional(), kind: z.string().max(40), on: z.string().max(10) });
  const statusBody = z.strictObject({
    _csrf: z.string().optional(),
    custody: z.string().max(40),
    relief: z.preprocess((v): unknown => (v === undefined || v === '' ? [] : Array.isArray(v) ? (v as unknown[]) : [v]), z.array(z.string().max(40)).max(10)),
    outcome: z.string().max(40),
  });
  const closeBody = z.strictObject({ _csrf: z.string().optional(), closingReason: z.string().max(40, 'legal-defense.error.closingReason').default(''), closedOn: z.string().max(10, 'legal-defense.error.date').default('') });
  const transferBody = z.strictObject({ _csrf: z.string().optional(), facility: z.string().max(64), facilityOther: z.string().max(200).optional() });
  const clockParams = z.strictObject({ id: z.string().regex(/^[0-9A-Z]{26}$/), clock: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/) });
  for (const [prefix, mode, permission] of [['cases', 'program', P.decide], ['assigned', 'provider', P.assigned]] as const) {
    app.post(`/staff/legal-defense/${prefix}/:id/proceedings`, { config: { access: { permission } } }, async (req, reply) => {
      const id = caseId(req);
      try {
        const body = parseInput(proceedingBody, req.body ?? {});
        await recordProceeding(ctx, staffActor(req, permission), id, { kind: body.kind, on: body.on }, mode);
      } catch (err) {
        const fields = validationFields(err);
        if (fields && fields.length > 0) return showCase(req, reply, id, mode, { errors: fields, values: formValues(req.body) }, 422);
        throw err;
      }
      return reply.redirect(`/staff/legal-defense/${prefix}/${id}?done=proceeding`, 303);
    });
    app.post(`/staff/legal-defense/${prefix}/:id/status`, { config: { access: { permission } } }, async (req, reply) => {
      const id = caseId(req);
      try {
        const body = parseInput(statusBody, req.body ?? {});
        await recordStatus(ctx, staffActor(req, permission), id, body, mode);
      } catch (err) {
        const fields = validationFields(err);
        if (fields && fields.length > 0) return showCase(req, reply, id, mode, { errors: fields, values: formValues(req.body) }, 422);
        throw err;
      }
      return reply.redirect(`/staff/legal-defense/${prefix}/${id}?done=status`, 303);
    });
    // Every role holding the page's permission also holds legal-defense.restricted.read (the location is restricted).
    app.post(`/staff/legal-defense/${prefix}/:id/transfer`, { config: { access: { permission } } }, async (req, reply) => {
      const id = caseId(req);
      try {
        const body = parseInput(transferBody, req.body ?? {});
        await recordTransfer(ctx, staffActor(req, permission), id, body, mode);
      } catch (err) {
        const fields = validationFields(err);
        if (fields && fields.length > 0) return showCase(req, reply, id, mode, { errors: fields, values: formValues(req.body) }, 422);
        throw err;
      }
      return reply.redirect(`/staff/legal-defense/${prefix}/${id}?done=transferred`, 303);
    });
    // Closing: the case leaves the attorney's scope, so the attorney goes back to their list.
    app.post(`/staff/legal-defense/${prefix}/:id/close`, { config: { access: { permission } } }, async (req, reply) => {
      const id = caseId(req);
      try {
        const body = parseInput(closeBody, req.body ?? {});
        await closeCase(ctx, staffActor(req, permission), id, { reason: body.closingReason, on: body.closedOn }, mode);
      } catch (err) {
        const fields = validationFields(err);
        if (fields && fields.length > 0) return showCase(req, reply, id, mode, { errors: fields, values: formValues(req.body) }, 422);
        throw err;
      }
      return reply.redirect(mode === 'program' ? `/staff/legal-defense/cases/${id}?done=closed` : '/staff/legal-defense/assigned?done=closed', 303);
    });
    app.post(`/staff/legal-defense/${prefix}/:id/deadlines/:clock/met`, { config: { access: { permission } } }, async (req, reply) => {
      const parsed = clockParams.safeParse(req.params);
      if (!parsed.success) throw new AppError('not_found');
      parseInput(emptyBody, req.body ?? {});
      await meetDeadline(ctx, staffActor(req, permission), parsed.data.id, parsed.data.clock, mode);
      return reply.redirect(`/staff/legal-defense/${prefix}/${parsed.data.id}?done=deadline-met`, 303);
    });
  }

  // Public outcome figures (suppressed aggregates; no one signed in needed) --------------------------------
  app.get('/legal-defense/outcomes', { config: { access: 'public' } }, async (req, reply) => {
    parseInput(langOnly, req.query);
    return reply.page(<OutcomesPage ctx={reply.viewContext()} figures={await buildOutcomes(ctx)} city={ctx.jurisdiction.place.cityName.value} />);
  });
  app.get('/legal-defense/outcomes.csv', { config: { access: 'public' } }, async (req, reply) => {
    parseInput(langOnly, req.query);
    const csv = outcomesCsv(await buildOutcomes(ctx));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="legal-defense-outcomes.csv"').send(`\uFEFF${csv}`);
  });

  await registerLegalDefenseApiRoutes(app, ctx);
}
