/**
 * The municipal ID staff desk and the public figures.
 *
 * | method | path | permission |
 * |---|---|---|
 * | GET | `/staff/municipal-id` | `municipal-id.enrol`: today's appointments, what waits, search |
 * | GET | `/staff/municipal-id/search?q=` | `municipal-id.enrol`: reference code or card number → the record |
 * | GET | `/staff/municipal-id/approvals` | `municipal-id.approve` |
 * | GET | `/staff/municipal-id/print-queue` | `municipal-id.print` |
 * | GET | `/staff/municipal-id/reports` | `municipal-id.reports` |
 * | GET | `/municipal-id/figures` | public: cards per month and ward, suppressed, with a chart |
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../../../core/http/validate.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { MUNICIPAL_ID_PERMISSIONS as P } from '../enrolment/enrolment.policy.ts';
import { actorOf, allows, keysetSchema } from './desk-http.ts';
import { approvalsPage, deskCounts, printQueuePage, publicFigures, search, staffReport, todaysDesk } from './staff.service.ts';
import { DeskHomeView, SearchForm } from './views/desk-home.view.tsx';
import { FiguresView } from './views/figures.view.tsx';
import { ApprovalsView, PrintQueueView } from './views/queue.view.tsx';
import { ReportsView } from './views/reports.view.tsx';
import { DESK, DeskCrumbs } from './views/desk-format.tsx';
import { Alert } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';

const lang = z.string().max(10).optional();
const homeQuerySchema = z.strictObject({ forgotten: z.literal('1').optional(), lang });
const listQuerySchema = z.strictObject({ after: keysetSchema.optional(), lang });
const printQueueQuerySchema = z.strictObject({ after: keysetSchema.optional(), status: z.enum(['queued', 'printed']).default('queued'), lang });
const searchQuerySchema = z.strictObject({ q: z.string().max(60, 'municipalId.desk.search.error').default(''), lang });
const plainQuerySchema = z.strictObject({ lang });

/** Registers the desk's lists, search and reports, and the public figures page. */
export async function registerStaffRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get(DESK, { config: { access: { permission: P.enrol } } }, async (req, reply) => {
    const query = parseInput(homeQuerySchema, req.query);
    const [day, counts] = await Promise.all([todaysDesk(ctx, actorOf(req, P.enrol)), deskCounts(ctx)]);
    const view = reply.viewContext();
    return reply.page(
      <DeskHomeView
        ctx={view}
        jurisdiction={ctx.jurisdiction}
        day={day}
        counts={counts}
        can={{ approve: allows(ctx, req, P.approve), print: allows(ctx, req, P.print), reports: allows(ctx, req, P.reports) }}
        forgotten={query.forgotten === '1'}
      />,
    );
  });

  app.get(`${DESK}/search`, { config: { access: { permission: P.enrol } } }, async (req, reply) => {
    const query = parseInput(searchQuerySchema, req.query);
    const found = query.q.trim() === '' ? null : await search(ctx, actorOf(req, P.enrol), query.q);
    if (found) return reply.redirect(`${DESK}/${found.kind === 'card' ? 'cards' : 'applications'}/${found.id}`, 303);
    const view = reply.viewContext();
    const title = view.t('municipalId.desk.search.title');
    return reply.page(
      <Layout ctx={view} title={title} breadcrumbs={<DeskCrumbs ctx={view} here={title} />}>
        <h1>{title}</h1>
        <SearchForm ctx={view} value={query.q} error={view.t(query.q.trim() === '' ? 'municipalId.desk.search.empty' : 'municipalId.desk.search.notFound')} />
        <Alert type="info">{view.t('municipalId.desk.search.howto')}</Alert>
      </Layout>,
      query.q.trim() === '' ? 422 : 404,
    );
  });

  app.get(`${DESK}/approvals`, { config: { access: { permission: P.approve } } }, async (req, reply) => {
    const query = parseInput(listQuerySchema, req.query);
    const page = await approvalsPage(ctx, actorOf(req, P.approve), query.after);
    return reply.page(<ApprovalsView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} page={page} paged={query.after !== undefined} />);
  });

  app.get(`${DESK}/print-queue`, { config: { access: { permission: P.print } } }, async (req, reply) => {
    const query = parseInput(printQueueQuerySchema, req.query);
    const page = await printQueuePage(ctx, actorOf(req, P.print), query.status, query.after);
    return reply.page(<PrintQueueView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} status={query.status} page={page} paged={query.after !== undefined} />);
  });

  app.get(`${DESK}/reports`, { config: { access: { permission: P.reports } } }, async (req, reply) => {
    parseInput(plainQuerySchema, req.query);
    const report = await staffReport(ctx, actorOf(req, P.reports));
    return reply.page(<ReportsView ctx={reply.viewContext()} report={report} />);
  });

  app.get('/municipal-id/figures', { config: { access: 'public' } }, async (req, reply) => {
    parseInput(plainQuerySchema, req.query);
    return reply.page(<FiguresView ctx={reply.viewContext()} figures={await publicFigures(ctx)} />);
  });
}
