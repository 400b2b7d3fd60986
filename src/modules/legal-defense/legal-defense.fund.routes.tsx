/**
 * The fund's pages for program staff and for providers' attorneys.
 *
 * | method | path | access |
 * |---|---|---|
 * | GET | `/staff/legal-defense/fund` (`?window=` days of the burn rate) | `legal-defense.fund.read` |
 * | POST | `/staff/legal-defense/fund/sources` | `legal-defense.fund.manage` |
 * | GET | `/staff/legal-defense/fund/sources/:id` | `legal-defense.fund.read` |
 * | POST | `/staff/legal-defense/fund/sources/:id/contracts`, `…/sources/:id/amend` | `legal-defense.fund.manage` |
 * | GET | `/staff/legal-defense/fund/contracts/:id` | `legal-defense.fund.read` |
 * | POST | `/staff/legal-defense/fund/contracts/:id/amend` | `legal-defense.fund.manage` |
 * | POST | `/staff/legal-defense/fund/contracts/:id/invoices` | `legal-defense.fund.manage` (prepares a draft on the provider's behalf) |
 * | GET | `/staff/legal-defense/fund/invoices`, `…/invoices/:id` | `legal-defense.fund.read` (an invoice's page is an audited read) |
 * | POST | `/staff/legal-defense/fund/invoices/:id/submit`, `…/discard`, `…/lines/:line/remove`, `…/approve`, `…/reject`, `…/pay` | `legal-defense.fund.manage` |
 * | GET | `/staff/legal-defense/fund/cases/:id` | `legal-defense.fund.read` (a case's time entries; audited) |
 * | POST | `/staff/legal-defense/fund/cases/:id/time`, `/staff/legal-defense/fund/time/:id/delete` | `legal-defense.fund.manage` |
 * | GET | `/staff/legal-defense/fund/report`, `…/report.csv` (one source, or every source without `?source=`) | `legal-defense.fund.read` (aggregates, suppressed; a download is audited) |
 * | GET | `/staff/legal-defense/billing` | `legal-defense.fund.bill` (the attorney's provider only) |
 * | GET, POST | `/staff/legal-defense/billing/cases/:id`, POST `…/cases/:id/time`, `…/time/:id/delete` | `legal-defense.fund.bill` (own provider's accepted cases; audited) |
 * | POST | `/staff/legal-defense/billing/invoices` | `legal-defense.fund.bill` |
 * | GET | `/staff/legal-defense/billing/invoices/:id` | `legal-defense.fund.bill` (own provider's; audited) |
 * | POST | `/staff/legal-defense/billing/invoices/:id/submit`, `…/discard`, `…/lines/:line/remove` | `legal-defense.fund.bill` |
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../../core/http/errors.ts';
import { formValues, parseInput } from '../../core/http/validate.ts';
import { staffActor } from './legal-defense.routes.tsx';
import type { AppContext } from '../../core/modules/context.ts';
import {
  addContract,
  addSource,
  amendContract,
  amendSource,
  approveInvoice,
  buildInvoice,
  contractDetail,
  deleteTime,
  discardInvoice,
  fieldErrors,
  fiscalYearsOf,
  fundOverview,
  funderReport,
  funderReportCsv,
  listInvoices,
  listSources,
  payInvoice,
  providerBilling,
  providerList,
  readCaseTime,
  readInvoice,
  recordReportExport,
  recordTime,
  rejectInvoice,
  removeLine,
  sourceDetail,
  sourcesInFiscalYear,
  submitInvoice,
} from './legal-defense.fund.ts';
import { burnQuery, contractAmendSchema, contractSchema, doneQuery, emptySchema, idParams, invoiceSchema, lineParams, listQuery, paySchema, rejectSchema, reportQuery, sourceAmendSchema, sourceSchema, timeEntrySchema } from './legal-defense.fund.schemas.ts';
import { LEGAL_DEFENSE_PERMISSIONS as P } from './legal-defense.policy.ts';
import { cityDate } from './legal-defense.service.ts';
import { BillingView, CaseTimeView, ContractView, FundOverviewView, FunderReportView, InvoiceView, InvoicesView, SourceView } from './views/fund.views.tsx';

const PROGRAM = '/staff/legal-defense/fund';
const PROVIDER = '/staff/legal-defense/billing';


function idOf(req: FastifyRequest): string {
  const parsed = idParams.safeParse(req.params);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data.id;
}


/** Registers the fund's routes. */
export async function registerLegalDefenseFundRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const currency = ctx.jurisdiction.locale.currency.value;
  const allows = (req: FastifyRequest, permission: string) => (req.staff ? ctx.permissions.allows(req.staff.roles, permission) : false);
  const today = () => cityDate(ctx, ctx.now());

  /** Runs a change; a 422 re-renders the page it came from with the errors, anything else propagates. */
  async function orRender(reply: FastifyReply, change: () => Promise<string>, render: (errors: FieldError[]) => Promise<FastifyReply>): Promise<FastifyReply> {
    let target: string;
    try {
      target = await change();
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields) return render(fields);
      throw err;
    }
    return reply.redirect(target, 303);
  }

  // The program: overview, sources, contracts ------------------------------------------------------------
  async function overviewPage(req: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[]; values?: Record<string, string>; done?: string; windowDays?: number } = {}, status = 200) {
    const overview = await fundOverview(ctx, { windowDays: extra.windowDays });
    return reply.page(<FundOverviewView ctx={reply.viewContext()} overview={overview} currency={currency} canManage={allows(req, P.fundManage)} errors={extra.errors} values={extra.values} done={extra.done} />, status);
  }
  app.get(PROGRAM, { config: { access: { permission: P.fundRead } } }, async (req, reply) => {
    const q = parseInput(burnQuery, req.query);
    return overviewPage(req, reply, { windowDays: q.window, done: q.done });
  });
  app.post(`${PROGRAM}/sources`, { config: { access: { permission: P.fundManage } } }, async (req, reply) =>
    orRender(
      reply,
      async () => `${PROGRAM}/sources/${await addSource(ctx, staffActor(req, P.fundManage), parseInput(sourceSchema, req.body))}?done=source-added`,
      (errors) => overviewPage(req, reply, { errors, values: formValues(req.body) }, 422),
    ),
  );

  async function sourcePage(req: FastifyRequest, reply: FastifyReply, id: string, extra: { errors?: FieldError[]; values?: Record<string, string>; done?: string; windowDays?: number } = {}, status = 200) {
    const detail = await sourceDetail(ctx, id, { windowDays: extra.windowDays });
    return reply.page(<SourceView ctx={reply.viewContext()} detail={detail} providers={await providerList(ctx)} currency={currency} canManage={allows(req, P.fundManage)} errors={extra.errors} values={extra.values} done={extra.done} />, status);
  }
  app.get(`${PROGRAM}/sources/:id`, { config: { access: { permission: P.fundRead } } }, async (req, reply) => {
    const q = parseInput(burnQuery, req.query);
    return sourcePage(req, reply, idOf(req), { windowDays: q.window, done: q.done });
  });
  app.post(`${PROGRAM}/sources/:id/contracts`, { config: { access: { permission: P.fundManage } } }, async (req, reply) => {
    const id = idOf(req);
    return orRender(
      reply,
      async () => `${PROGRAM}/contracts/${await addContract(ctx, staffActor(req, P.fundManage), id, parseInput(contractSchema, req.body))}?done=contract-added`,
      (errors) => sourcePage(req, reply, id, { errors, values: formValues(req.body) }, 422),
    );
  });

  app.post(`${PROGRAM}/sources/:id/amend`, { config: { access: { permission: P.fundManage } } }, async (req, reply) => {
    const id = idOf(req);
    return orRender(
      reply,
      async () => `${PROGRAM}/sources/${await amendSource(ctx, staffActor(req, P.fundManage), id, parseInput(sourceAmendSchema, req.body))}?done=source-amended#amendments`,
      (errors) => sourcePage(req, reply, id, { errors, values: formValues(req.body) }, 422),
    );
  });

  async function contractPage(req: FastifyRequest, reply: FastifyReply, id: string, extra: { errors?: FieldError[]; values?: Record<string, string>; done?: string; windowDays?: number } = {}, status = 200) {
    const detail = await contractDetail(ctx, id, { windowDays: extra.windowDays });
    return reply.page(<ContractView ctx={reply.viewContext()} detail={detail} currency={currency} canManage={allows(req, P.fundManage)} errors={extra.errors} values={extra.values} done={extra.done} />, status);
  }
  app.get(`${PROGRAM}/contracts/:id`, { config: { access: { permission: P.fundRead } } }, async (req, reply) => {
    const q = parseInput(burnQuery, req.query);
    return contractPage(req, reply, idOf(req), { windowDays: q.window, done: q.done });
  });
  app.post(`${PROGRAM}/contracts/:id/amend`, { config: { access: { permission: P.fundManage } } }, async (req, reply) => {
    const id = idOf(req);
    return orRender(
      reply,
      async () => `${PROGRAM}/contracts/${await amendContract(ctx, staffActor(req, P.fundManage), id, parseInput(contractAmendSchema, req.body))}?done=contract-amended#amendments`,
      (errors) => contractPage(req, reply, id, { errors, values: formValues(req.body) }, 422),
    );
  });
  app.post(`${PROGRAM}/contracts/:id/invoices`, { config: { access: { permission: P.fundManage } } }, async (req, reply) => {
    const id = idOf(req);
    return orRender(
      reply,
      async () => {
        const input = parseInput(invoiceSchema, { ...formValues(req.body), contractId: id });
        return `${PROGRAM}/invoices/${await buildInvoice(ctx, staffActor(req, P.fundManage), 'program', input)}?done=invoice-built`;
      },
      (errors) => contractPage(req, reply, id, { errors, values: formValues(req.body) }, 422),
    );
  });

  // Invoices (both sides) ----------------------------------------------------------------------------------
  app.get(`${PROGRAM}/invoices`, { config: { access: { permission: P.fundRead } } }, async (req, reply) => {
    const q = parseInput(listQuery, req.query);
    const invoices = await listInvoices(ctx, { status: q.status });
    const providers = new Map((await providerList(ctx)).map((p) => [p.id, p.name]));
    return reply.page(<InvoicesView ctx={reply.viewContext()} invoices={invoices} status={q.status} providers={providers} currency={currency} />);
  });

  for (const [base, scope, permission] of [
    [PROGRAM, 'program', P.fundManage],
    [PROVIDER, 'provider', P.fundBill],
  ] as const) {
    const readPermission = scope === 'program' ? P.fundRead : P.fundBill;
    const invoicePage = async (req: FastifyRequest, reply: FastifyReply, id: string, extra: { errors?: FieldError[]; values?: Record<string, string>; done?: string } = {}, status = 200) => {
      const detail = await readInvoice(ctx, staffActor(req, readPermission), scope, id);
      const manage = scope === 'program' ? allows(req, P.fundManage) : true;
      return reply.page(
        <InvoiceView ctx={reply.viewContext()} detail={detail} mode={scope} currency={currency} today={today()} canDecide={scope === 'program' && manage} canEdit={manage} errors={extra.errors} values={extra.values} done={extra.done} />,
        status,
      );
    };
    app.get(`${base}/invoices/:id`, { config: { access: { permission: readPermission } } }, async (req, reply) => {
      const q = parseInput(doneQuery, req.query);
      return invoicePage(req, reply, idOf(req), { done: q.done });
    });
    app.post(`${base}/invoices/:id/submit`, { config: { access: { permission } } }, async (req, reply) => {
      const id = idOf(req);
      parseInput(emptySchema, req.body ?? {});
      await submitInvoice(ctx, staffActor(req, permission), scope, id);
      return reply.redirect(`${base}/invoices/${id}?done=invoice-submitted`, 303);
    });
    app.post(`${base}/invoices/:id/discard`, { config: { access: { permission } } }, async (req, reply) => {
      const id = idOf(req);
      parseInput(emptySchema, req.body ?? {});
      await discardInvoice(ctx, staffActor(req, permission), scope, id);
      return reply.redirect(`${scope === 'program' ? PROGRAM : PROVIDER}?done=invoice-discarded`, 303);
    });
    app.post(`${base}/invoices/:id/lines/:line/remove`, { config: { access: { permission } } }, async (req, reply) => {
      const parsed = lineParams.safeParse(req.params);
      if (!parsed.success) throw new AppError('not_found');
      parseInput(emptySchema, req.body ?? {});
      await removeLine(ctx, staffActor(req, permission), scope, parsed.data.id, parsed.data.line);
      return reply.redirect(`${base}/invoices/${parsed.data.id}?done=line-removed`, 303);
    });

    // Time on a case
    const timePage = async (req: FastifyRequest, reply: FastifyReply, caseId: string, extra: { errors?: FieldError[]; values?: Record<string, string>; done?: string } = {}, status = 200) => {
      const time = await readCaseTime(ctx, staffActor(req, readPermission), scope, caseId);
      const canEdit = scope === 'program' ? allows(req, P.fundManage) : true;
      return reply.page(<CaseTimeView ctx={reply.viewContext()} time={time} mode={scope} today={today()} canEdit={canEdit} errors={extra.errors} values={extra.values} done={extra.done} />, status);
    };
    app.get(`${base}/cases/:id`, { config: { access: { permission: readPermission } } }, async (req, reply) => {
      const q = parseInput(doneQuery, req.query);
      return timePage(req, reply, idOf(req), { done: q.done });
    });
    app.post(`${base}/cases/:id/time`, { config: { access: { permission } } }, async (req, reply) => {
      const caseId = idOf(req);
      return orRender(
        reply,
        async () => {
          const body = parseInput(timeEntrySchema, req.body ?? {});
          await recordTime(ctx, staffActor(req, permission), scope, caseId, { workedOn: body.workedOn, minutes: body.duration, activity: body.activity });
          return `${base}/cases/${caseId}?done=time-added`;
        },
        (errors) => timePage(req, reply, caseId, { errors, values: formValues(req.body) }, 422),
      );
    });
    app.post(`${base}/time/:id/delete`, { config: { access: { permission } } }, async (req, reply) => {
      const entryId = idOf(req);
      parseInput(emptySchema, req.body ?? {});
      const caseId = await deleteTime(ctx, staffActor(req, permission), scope, entryId);
      return reply.redirect(`${base}/cases/${caseId}?done=time-deleted`, 303);
    });
  }

  // Program staff's decisions ------------------------------------------------------------------------------
  async function decisionPage(req: FastifyRequest, reply: FastifyReply, id: string, errors: FieldError[]) {
    const detail = await readInvoice(ctx, staffActor(req, P.fundRead), 'program', id);
    return reply.page(<InvoiceView ctx={reply.viewContext()} detail={detail} mode="program" currency={currency} today={today()} canDecide canEdit errors={errors} values={formValues(req.body)} />, 422);
  }
  app.post(`${PROGRAM}/invoices/:id/approve`, { config: { access: { permission: P.fundManage } } }, async (req, reply) => {
    const id = idOf(req);
    return orRender(
      reply,
      async () => {
        parseInput(emptySchema, req.body ?? {});
        await approveInvoice(ctx, staffActor(req, P.fundManage), id);
        return `${PROGRAM}/invoices/${id}?done=invoice-approved`;
      },
      (errors) => decisionPage(req, reply, id, errors),
    );
  });
  app.post(`${PROGRAM}/invoices/:id/reject`, { config: { access: { permission: P.fundManage } } }, async (req, reply) => {
    const id = idOf(req);
    return orRender(
      reply,
      async () => {
        const body = parseInput(rejectSchema, req.body ?? {});
        await rejectInvoice(ctx, staffActor(req, P.fundManage), id, body.reason);
        return `${PROGRAM}/invoices/${id}?done=invoice-rejected`;
      },
      (errors) => decisionPage(req, reply, id, errors),
    );
  });
  app.post(`${PROGRAM}/invoices/:id/pay`, { config: { access: { permission: P.fundManage } } }, async (req, reply) => {
    const id = idOf(req);
    return orRender(
      reply,
      async () => {
        await payInvoice(ctx, staffActor(req, P.fundManage), id, parseInput(paySchema, req.body ?? {}));
        return `${PROGRAM}/invoices/${id}?done=invoice-paid`;
      },
      (errors) => decisionPage(req, reply, id, errors),
    );
  });

  // The funder report --------------------------------------------------------------------------------------
  app.get(`${PROGRAM}/report`, { config: { access: { permission: P.fundRead } } }, async (req, reply) => {
    const sources = await listSources(ctx);
    const years = fiscalYearsOf(ctx, sources);
    let query: { source?: string; fy?: number; from?: string; to?: string } = {};
    try {
      query = parseInput(reportQuery, req.query);
      const sourceId = query.source ?? (sources.length === 1 ? sources[0]?.id : undefined);
      const report = sourceId ? await funderReport(ctx, { sourceId, from: query.from, to: query.to, fiscalYear: query.fy }) : null;
      return reply.page(<FunderReportView ctx={reply.viewContext()} sources={sources} years={years} report={report} currency={currency} query={query} />);
    } catch (err) {
      const fields = fieldErrors(err);
      if (!fields) throw err;
      return reply.page(<FunderReportView ctx={reply.viewContext()} sources={sources} years={years} report={null} currency={currency} errors={fields} query={formValues(req.query)} />, 422);
    }
  });
  // One source (`?source=`, with the period or fiscal year), every source with days in a fiscal year (`?fy=`, each
  // over those days), or every source over its own period.
  app.get(`${PROGRAM}/report.csv`, { config: { access: { permission: P.fundRead } } }, async (req, reply) => {
    const query = parseInput(reportQuery, req.query);
    const all = query.source ? [] : await listSources(ctx);
    const ids = query.source ? [query.source] : (query.fy !== undefined ? sourcesInFiscalYear(ctx, all, query.fy) : all).map((s) => s.id);
    const reports = [];
    for (const id of ids) reports.push(await funderReport(ctx, query.source ? { sourceId: id, from: query.from, to: query.to, fiscalYear: query.fy } : { sourceId: id, fiscalYear: query.fy }));
    const actor = staffActor(req, P.fundRead);
    for (const r of reports) await recordReportExport(ctx, actor, r.source.id);
    const csv = funderReportCsv(reports, { total: req.t('legal-defense.fund.total'), kind: (k) => req.t(`legal-defense.fund.kind.${k}`), activity: (a) => req.t(`legal-defense.fund.activity.${a}`) });
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="legal-defense-funder-report.csv"').send(`\uFEFF${csv}`);
  });

  // The provider's billing page ----------------------------------------------------------------------------
  async function billingPage(req: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[]; values?: Record<string, string>; done?: string } = {}, status = 200) {
    const billing = await providerBilling(ctx, staffActor(req, P.fundBill));
    return reply.page(<BillingView ctx={reply.viewContext()} billing={billing} currency={currency} errors={extra.errors} values={extra.values} done={extra.done} />, status);
  }
  app.get(PROVIDER, { config: { access: { permission: P.fundBill } } }, async (req, reply) => {
    const q = parseInput(doneQuery, req.query);
    return billingPage(req, reply, { done: q.done });
  });
  app.post(`${PROVIDER}/invoices`, { config: { access: { permission: P.fundBill } } }, async (req, reply) =>
    orRender(
      reply,
      async () => `${PROVIDER}/invoices/${await buildInvoice(ctx, staffActor(req, P.fundBill), 'provider', parseInput(invoiceSchema, req.body ?? {}))}?done=invoice-built`,
      (errors) => billingPage(req, reply, { errors, values: formValues(req.body) }, 422),
    ),
  );
}
