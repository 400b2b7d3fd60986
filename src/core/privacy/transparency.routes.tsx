import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../modules/context.ts';
import { buildTransparencyReport, transparencyCsv } from './transparency.service.ts';
import { TransparencyPage } from './views/transparency.view.tsx';

/**
 * The public transparency report on outside demands (DESIGN §3.6 "counts are published"; §3.8): a page with
 * an SVG chart and tables, and the same figures as CSV. Aggregates only, every cell suppressed.
 */
export async function registerTransparencyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/transparency/demands', { config: { access: 'public' } }, async (_req, reply) => {
    const report = await buildTransparencyReport(ctx.db, ctx.now());
    return reply.page(<TransparencyPage ctx={reply.viewContext()} report={report} />);
  });

  app.get('/transparency/demands.csv', { config: { access: 'public' } }, async (req, reply) => {
    const report = await buildTransparencyReport(ctx.db, ctx.now());
    const csv = transparencyCsv(report, {
      type: (type) => req.t(`demands.type.${type}`),
      outcome: (outcome) => req.t(`transparency.outcome.${outcome}`),
      total: req.t('transparency.table.total'),
    });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="demands-transparency.csv"')
      .send(`\uFEFF${csv}`);
  });
}
