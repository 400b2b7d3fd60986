/**
 * The public pages that book an application's enrolment appointment. The confirmation page of the form posts
 * the reference code here; a person can also come back later and type it. Codes travel in POST bodies only.
 *
 * | method | path | page |
 * |---|---|---|
 * | GET | `/municipal-id/appointment` | enter the reference code |
 * | POST | `/municipal-id/appointment` | the application's appointment, or the places and days to choose from |
 * | POST | `/municipal-id/appointment/times` | the free times of the chosen place and day |
 * | POST | `/municipal-id/appointment/book` | books it (409 with the times again when the slot was just taken) |
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isRandomId, normalizeReferenceCode } from '../../../core/crypto/random.ts';
import { CodeEntryPage } from '../../../core/forms/views/code-entry-page.tsx';
import { AppError, type FieldError } from '../../../core/http/errors.ts';
import { parseInput } from '../../../core/http/validate.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { availableDays, availableTimes, bookEnrolment, bookingState } from './booking.service.ts';
import { BOOKING_BASE, BookedView, BookingClosedView, ChooseDayView, ChooseTimeView, ExistingBookingView } from './views/booking.view.tsx';

const PUBLIC = { access: 'public' as const };
/** Every POST names an application by its code: the strict per-IP bucket against guessing. */
const PUBLIC_STRICT = { access: 'public' as const, strictRateLimit: true };

const codeField = z.string().max(40);
const dayField = z.string().max(80).optional();
const codeSchema = z.strictObject({ _csrf: z.string(), code: codeField.optional() });
const timesSchema = z.strictObject({ _csrf: z.string(), code: codeField, day: dayField });
const bookSchema = z.strictObject({ _csrf: z.string(), code: codeField, day: z.string().max(80), start: z.string().max(40).optional() });

/** A `<siteId>~<YYYY-MM-DD>` day choice, or `undefined` when it is not one. */
function parseDay(value: string | undefined): { siteId: string; date: string } | undefined {
  const [siteId, date, ...rest] = (value ?? '').split('~');
  if (rest.length > 0 || !siteId || !date || !isRandomId(siteId) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  return { siteId, date };
}

/** Registers the booking pages. */
export async function registerBookingRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const codePage = (reply: FastifyReply, value: string, errors: FieldError[]) =>
    reply.page(
      <CodeEntryPage
        ctx={reply.viewContext()}
        titleKey="municipalId.book.codeTitle"
        introKey="municipalId.book.codeIntro"
        labelKey="municipalId.book.codeLabel"
        hintKey="municipalId.book.codeHint"
        buttonKey="municipalId.book.codeButton"
        action={BOOKING_BASE}
        backHref="/forms/municipal-id"
        value={value}
        errors={errors}
      />,
      errors.length > 0 ? 422 : 200,
    );

  /** The canonical code, or the code page again with the reason. */
  const canonicalCode = async (reply: FastifyReply, raw: string | undefined): Promise<string | FastifyReply> => {
    const typed = (raw ?? '').trim();
    if (!typed) return codePage(reply, '', [{ field: 'code', key: 'municipalId.book.codeRequired' }]);
    return normalizeReferenceCode(typed) ?? (await codePage(reply, typed, [{ field: 'code', key: 'municipalId.book.codeInvalid' }]));
  };

  const dayPage = async (reply: FastifyReply, code: string, errors: FieldError[] = [], value?: string) =>
    reply.page(<ChooseDayView ctx={reply.viewContext()} code={code} sites={await availableDays(ctx)} errors={errors} value={value} />, errors.length > 0 ? 422 : 200);

  // Only the language switch in the query: a code in a URL would end up in logs and browser history (R28).
  app.get(BOOKING_BASE, { config: PUBLIC }, async (req, reply) => {
    parseInput(z.strictObject({ lang: z.string().max(10).optional() }), req.query);
    return codePage(reply, '', []);
  });

  app.post(BOOKING_BASE, { config: PUBLIC_STRICT }, async (req, reply) => {
    const body = codeSchema.safeParse(req.body ?? {});
    if (!body.success) throw new AppError('bad_request');
    const code = await canonicalCode(reply, body.data.code);
    if (typeof code !== 'string') return code;
    const state = await bookingState(ctx, code);
    switch (state.kind) {
      case 'not-found':
        return codePage(reply, body.data.code ?? '', [{ field: 'code', key: 'municipalId.book.notFound' }]);
      case 'closed':
        return reply.page(<BookingClosedView ctx={reply.viewContext()} statusKey={`municipalId.status.${state.application.status}`} />);
      case 'booked':
        return reply.page(<ExistingBookingView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} booking={state.booking} />);
      case 'open':
        return dayPage(reply, code);
    }
  });

  app.post(`${BOOKING_BASE}/times`, { config: PUBLIC_STRICT }, async (req, reply) => {
    const body = timesSchema.safeParse(req.body ?? {});
    if (!body.success) throw new AppError('bad_request');
    const code = await canonicalCode(reply, body.data.code);
    if (typeof code !== 'string') return code;
    const day = parseDay(body.data.day);
    if (!day) return dayPage(reply, code, [{ field: 'day', key: 'municipalId.book.dayRequired' }]);
    const site = await availableTimes(ctx, day.siteId, day.date);
    // Taken meanwhile (or never offered): choose again.
    if (!site || site.days.length === 0) return dayPage(reply, code, [{ field: 'day', key: 'municipalId.book.full' }]);
    return reply.page(<ChooseTimeView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} code={code} day={body.data.day ?? ''} site={site} errors={[]} />);
  });

  app.post(`${BOOKING_BASE}/book`, { config: PUBLIC_STRICT }, async (req, reply) => {
    const body = bookSchema.safeParse(req.body ?? {});
    if (!body.success) throw new AppError('bad_request');
    const code = await canonicalCode(reply, body.data.code);
    if (typeof code !== 'string') return code;
    const day = parseDay(body.data.day);
    if (!day) return dayPage(reply, code, [{ field: 'day', key: 'municipalId.book.dayRequired' }]);
    const timesAgain = async (error: FieldError, status: number) => {
      const site = await availableTimes(ctx, day.siteId, day.date);
      if (!site || site.days.length === 0) return dayPage(reply, code, [{ field: 'day', key: 'municipalId.book.full' }]);
      return reply.page(<ChooseTimeView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} code={code} day={body.data.day} site={site} errors={[error]} />, status);
    };
    const start = body.data.start ?? '';
    if (!start || Number.isNaN(new Date(start).getTime())) return timesAgain({ field: 'start', key: 'municipalId.book.timeRequired' }, 422);
    try {
      const { result } = await bookEnrolment(ctx, code, { siteId: day.siteId, start });
      return reply.page(<BookedView ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} result={result} />);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'not_found' && err.messageKey === undefined) {
        // An unknown application (or site): start again from the code.
        return codePage(reply, code, [{ field: 'code', key: 'municipalId.book.notFound' }]);
      }
      if (err.code === 'conflict' && err.messageKey === 'municipalId.error.wrongStatus') throw err;
      if (err.code === 'conflict') return timesAgain({ field: 'start', key: 'municipalId.book.full' }, 409);
      if (err.code === 'validation') return timesAgain({ field: 'start', key: 'municipalId.book.timeRequired' }, 422);
      throw err;
    }
  });
}
