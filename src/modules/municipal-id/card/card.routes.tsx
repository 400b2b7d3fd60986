/**
 * The card pages of the staff desk.
 *
 * | method | path | permission |
 * |---|---|---|
 * | GET | `/staff/municipal-id/cards/:id` | `municipal-id.print` (decrypts; audited) |
 * | GET | `/staff/municipal-id/cards/:id/photo` | `municipal-id.print` (decrypts; audited) |
 * | GET | `/staff/municipal-id/cards/:id/card.pdf` | `municipal-id.print` (decrypts; audited): CR80, front and back |
 * | POST | `/staff/municipal-id/cards/:id/printed` | `municipal-id.print` |
 * | POST | `/staff/municipal-id/cards/:id/handed-over` | `municipal-id.print` |
 * | POST | `/staff/municipal-id/cards/:id/reprint` | `municipal-id.print` |
 * | POST | `/staff/municipal-id/cards/:id/replace` | `municipal-id.approve` |
 * | POST | `/staff/municipal-id/cards/:id/renew` | `municipal-id.approve` |
 * | POST | `/staff/municipal-id/cards/:id/revoke` | `municipal-id.approve` |
 * | POST | `/staff/municipal-id/holders/:id/forget` | `municipal-id.forget` |
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../core/http/errors.ts';
import { parseInput } from '../../../core/http/validate.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { MUNICIPAL_ID_PERMISSIONS as P } from '../enrolment/enrolment.policy.ts';
import { actorOf, allows, pathId, sendJpeg, sendPdf, withPrinter } from '../staff/desk-http.ts';
import { DESK } from '../staff/views/desk-format.tsx';
import { cardPageQuerySchema, csrfOnlySchema, forgetFormSchema, replaceFormSchema, revokeFormSchema } from './card.schemas.ts';
import { cardPdf, cardPhoto, forgetHolder, markHandedOver, markPrinted, readCard, renew, replace, reprint, revoke } from './card.service.ts';
import { CardDetailView } from './views/card-detail.view.tsx';

/** Registers the card routes. */
export async function registerCardRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const base = `${DESK}/cards/:id`;
  const can = (req: FastifyRequest) => ({ print: allows(ctx, req, P.print), approve: allows(ctx, req, P.approve), forget: allows(ctx, req, P.forget) });

  const page = async (req: FastifyRequest, reply: FastifyReply, id: string, options: { saved?: string; errors?: AppError } = {}) => {
    const card = await readCard(ctx, actorOf(req, P.print), id);
    const status = options.errors ? 422 : 200;
    return reply.page(
      <CardDetailView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} card={card} can={can(req)} saved={options.saved} errors={options.errors?.fields} />,
      status,
    );
  };

  app.get(base, { config: { access: { permission: P.print } } }, async (req, reply) => {
    const query = parseInput(cardPageQuerySchema, req.query);
    return page(req, reply, pathId(req), { saved: query.saved });
  });

  app.get(`${base}/photo`, { config: { access: { permission: P.print } } }, async (req, reply) => sendJpeg(reply, await cardPhoto(ctx, actorOf(req, P.print), pathId(req))));

  app.get(`${base}/card.pdf`, { config: { access: { permission: P.print } } }, async (req, reply) =>
    sendPdf(reply, await withPrinter(() => cardPdf(ctx, actorOf(req, P.print), pathId(req)))),
  );

  /** A POST that changes one card, then shows it with a confirmation. */
  const action = (
    path: string,
    permission: string,
    saved: string,
    run: (req: FastifyRequest, id: string) => Promise<string | undefined>,
  ) =>
    app.post(`${base}/${path}`, { config: { access: { permission } } }, async (req, reply) => {
      const id = pathId(req);
      let target: string | undefined;
      try {
        target = await run(req, id);
      } catch (err) {
        if (err instanceof AppError && err.code === 'validation') return page(req, reply, id, { errors: err });
        throw err;
      }
      return reply.redirect(`${DESK}/cards/${target ?? id}?saved=${saved}`, 303);
    });

  action('printed', P.print, 'printed', async (req, id) => {
    parseInput(csrfOnlySchema, req.body ?? {});
    await markPrinted(ctx, actorOf(req, P.print), id);
    return undefined;
  });
  action('handed-over', P.print, 'handed-over', async (req, id) => {
    parseInput(csrfOnlySchema, req.body ?? {});
    await markHandedOver(ctx, actorOf(req, P.print), id);
    return undefined;
  });
  action('reprint', P.print, 'reprint', async (req, id) => {
    parseInput(csrfOnlySchema, req.body ?? {});
    await reprint(ctx, actorOf(req, P.print), id);
    return undefined;
  });
  action('replace', P.approve, 'replaced', async (req, id) => {
    const body = parseInput(replaceFormSchema, req.body ?? {});
    return replace(ctx, actorOf(req, P.approve), id, body.reason);
  });
  action('renew', P.approve, 'renewed', async (req, id) => {
    parseInput(csrfOnlySchema, req.body ?? {});
    return renew(ctx, actorOf(req, P.approve), id);
  });
  action('revoke', P.approve, 'revoked', async (req, id) => {
    const body = parseInput(revokeFormSchema, req.body ?? {});
    await revoke(ctx, actorOf(req, P.approve), id, body.revokeReason);
    return undefined;
  });

  app.post(`${DESK}/holders/:id/forget`, { config: { access: { permission: P.forget } } }, async (req, reply) => {
    const id = pathId(req);
    parseInput(forgetFormSchema, req.body ?? {});
    await forgetHolder(ctx, actorOf(req, P.forget), id);
    return reply.redirect(`${DESK}?forgotten=1`, 303);
  });
}
