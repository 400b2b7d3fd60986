/**
 * Staff pages of the application part. The public side is the guided form `municipal-id`, served by the
 * forms engine at `/forms/municipal-id` (see `application.form.ts`), and the booking pages
 * (`booking.routes.tsx`).
 *
 * | method | path | permission |
 * |---|---|---|
 * | GET | `/staff/municipal-id/locations` | `municipal-id.location.place` |
 * | GET | `/staff/municipal-id/locations/:id` | `municipal-id.location.place` (decrypts the address; audited) |
 * | POST | `/staff/municipal-id/locations/:id` | `municipal-id.location.place` |
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type FieldError } from '../../../core/http/errors.ts';
import { parseInput, wholeNumber } from '../../../core/http/validate.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { cityMapOrUndefined, precinctChoices } from '../residency/residency.service.ts';
import { isValidLonLat } from '../residency/geo.ts';
import { APPLICATION_PERMISSIONS, actingRole } from './application.policy.ts';
import { type PlacementInput, applicationParamsSchema, placementFormSchema } from './application.schemas.ts';
import { type ApplicationActor, listPlacementQueue, placeLocation, readForPlacement } from './application.service.ts';
import { PLACEMENT_BASE, PlacementQueueView, PlacementView } from './views/placement.view.tsx';

const PLACE = { access: { permission: APPLICATION_PERMISSIONS.placeLocation } };
const queueQuerySchema = z.strictObject({ page: wholeNumber('form.error.invalid', 1, 100_000).default(1), lang: z.string().max(10).optional() });
const detailQuerySchema = z.strictObject({ saved: z.literal('1').optional(), lang: z.string().max(10).optional() });

function actor(req: FastifyRequest): ApplicationActor {
  const staff = req.staff;
  if (!staff) throw new AppError('unauthorized');
  return { userId: staff.userId, role: actingRole(staff.roles, APPLICATION_PERMISSIONS.placeLocation), requestId: req.id };
}

/** An application id from the path; anything that is not one of our ids is simply not found. */
function applicationId(req: FastifyRequest): string {
  const parsed = applicationParamsSchema.safeParse(req.params);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data.id;
}

/** Decimal degrees as staff type them ("-93.2655", "−93,2655"). */
function degrees(text: string | undefined): number {
  const s = (text ?? '').trim().replace(/\u2212/g, '-').replace(',', '.');
  // Two plain patterns rather than one with an optional group (the security linter distrusts those).
  return /^-?\d{1,3}$/.test(s) || /^-?\d{1,3}\.\d{1,9}$/.test(s) ? Number(s) : Number.NaN;
}

/** The placement form, read into a service input or field errors. */
function placementInput(body: z.output<typeof placementFormSchema>): PlacementInput | FieldError[] {
  if (body.method === 'precinct') {
    return body.precinct ? { kind: 'precinct', precinctId: body.precinct } : [{ field: 'precinct', key: 'municipalId.place.error.precinct' }];
  }
  const point = { lon: degrees(body.lon), lat: degrees(body.lat) };
  if (!isValidLonLat(point)) return [{ field: 'lon', key: 'municipalId.place.error.coordinates' }];
  return { kind: 'point', ...point };
}

/** Registers the staff pages for placing addresses by hand. */
export async function registerApplicationRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get(PLACEMENT_BASE, { config: PLACE }, async (req, reply) => {
    const query = parseInput(queueQuerySchema, req.query);
    const page = await listPlacementQueue(ctx, query.page);
    if (query.page > page.pages) throw new AppError('not_found');
    return reply.page(<PlacementQueueView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} page={page} />);
  });

  app.get(`${PLACEMENT_BASE}/:id`, { config: PLACE }, async (req, reply) => {
    const id = applicationId(req);
    const query = parseInput(detailQuerySchema, req.query);
    const view = await readForPlacement(ctx, actor(req), id);
    return reply.page(
      <PlacementView ctx={reply.viewContext()} map={cityMapOrUndefined(ctx)} view={view} precincts={precinctChoices(ctx)} values={{}} errors={[]} saved={query.saved === '1'} />,
    );
  });

  app.post(`${PLACEMENT_BASE}/:id`, { config: PLACE }, async (req, reply) => {
    const id = applicationId(req);
    const body = parseInput(placementFormSchema, req.body ?? {});
    const input = placementInput(body);
    const who = actor(req);
    const values = { method: body.method, lon: body.lon ?? '', lat: body.lat ?? '', precinct: body.precinct ?? '' };
    const again = async (errors: FieldError[]) => {
      const view = await readForPlacement(ctx, who, id);
      const point = input && !Array.isArray(input) && input.kind === 'point' ? { lon: input.lon, lat: input.lat } : undefined;
      return reply.page(
        <PlacementView ctx={reply.viewContext()} map={cityMapOrUndefined(ctx)} view={view} precincts={precinctChoices(ctx)} values={values} errors={errors} saved={false} point={point} />,
        422,
      );
    };
    if (Array.isArray(input)) return again(input);
    try {
      await placeLocation(ctx, who, id, input);
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation' && err.fields?.length) return again(err.fields);
      throw err;
    }
    return reply.redirect(`${PLACEMENT_BASE}/${id}?saved=1`, 303);
  });
}
