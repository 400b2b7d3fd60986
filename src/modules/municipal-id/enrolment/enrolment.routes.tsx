/**
 * The enrolment desk's pages for one application.
 *
 * | method | path | permission |
 * |---|---|---|
 * | GET | `/staff/municipal-id/applications/:id` | `municipal-id.enrol` (decrypts; audited) |
 * | POST | `/staff/municipal-id/applications/:id/enrolment` | `municipal-id.enrol` |
 * | POST | `/staff/municipal-id/applications/:id/photo` | `municipal-id.enrol` (multipart: the holder photo, nothing else) |
 * | GET | `/staff/municipal-id/applications/:id/photo` | `municipal-id.enrol` (decrypts; audited) |
 * | POST | `/staff/municipal-id/applications/:id/decision` | `municipal-id.approve` |
 * | GET | `/staff/municipal-id/applications/:id/letter.pdf` | `municipal-id.approve` (decrypts; audited) |
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../../../core/http/errors.ts';
import { parseInput } from '../../../core/http/validate.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { DESK } from '../staff/views/desk-format.tsx';
import { actorOf, allows, pathId, sendJpeg, sendPdf, withPrinter } from '../staff/desk-http.ts';
import { MultipartError, multipartBoundary, parseMultipart } from '../verify/multipart.ts';
import { decisionLetterPdf } from './decision-letter.ts';
import { MUNICIPAL_ID_PERMISSIONS as P } from './enrolment.policy.ts';
import { decisionFormSchema, enrolmentFormSchema, enrolmentPageQuerySchema } from './enrolment.schemas.ts';
import { type Decision, decideApplication, enrolmentPhoto, openForEnrolment, recordEnrolment, savePhoto } from './enrolment.service.ts';
import { PHOTO_LIMITS } from './photo.ts';
import { EnrolmentPage, type EnrolmentFormName, type EnrolmentFormState } from './views/enrolment.view.tsx';

/** Where the multipart reader puts the uploaded files (a symbol: not a form field). */
const UPLOAD = Symbol('upload');

/** Room for the form fields and part headers around the photo. */
const MULTIPART_OVERHEAD = 64 * 1024;

/** Registers the enrolment desk's routes. */
export async function registerEnrolmentRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const base = `${DESK}/applications/:id`;

  /** Renders the page again with the refused form's errors (422), or rethrows anything else. */
  const refuse = async (req: FastifyRequest, reply: FastifyReply, id: string, form: EnrolmentFormName, err: unknown, state: EnrolmentFormState) => {
    if (!(err instanceof AppError) || err.code !== 'validation') throw err;
    const view = await openForEnrolment(ctx, actorOf(req, P.enrol), id);
    const errors: FieldError[] = err.fields.length > 0 ? err.fields : [{ field: form === 'photo' ? 'photo' : 'decision', key: err.messageKey ?? 'form.error.invalid' }];
    return reply.page(
      <EnrolmentPage ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} view={view} can={{ approve: allows(ctx, req, P.approve) }} errors={errors} form={form} state={state} />,
      422,
    );
  };

  app.get(base, { config: { access: { permission: P.enrol } } }, async (req, reply) => {
    const id = pathId(req);
    const query = parseInput(enrolmentPageQuerySchema, req.query);
    const view = await openForEnrolment(ctx, actorOf(req, P.enrol), id);
    return reply.page(<EnrolmentPage ctx={reply.viewContext()} jurisdiction={ctx.jurisdiction} view={view} can={{ approve: allows(ctx, req, P.approve) }} saved={query.saved} />);
  });

  app.post(`${base}/enrolment`, { config: { access: { permission: P.enrol } } }, async (req, reply) => {
    const id = pathId(req);
    let state: EnrolmentFormState = {};
    try {
      const body = parseInput(enrolmentFormSchema, req.body ?? {});
      state = { documents: body.documents, identityConfirmed: body.identityConfirmed === 'yes', documentNumberType: body.documentNumberType, feeWaiver: body.feeWaiver };
      if (body.documentNumber !== undefined && body.documentNumberType === undefined) {
        throw new AppError('validation', { fields: [{ field: 'documentNumberType', key: 'municipalId.enrol.error.numberType' }] });
      }
      await recordEnrolment(ctx, actorOf(req, P.enrol), id, {
        identityConfirmed: body.identityConfirmed === 'yes',
        documents: body.documents,
        ...(body.documentNumber !== undefined && body.documentNumberType !== undefined ? { documentNumber: { type: body.documentNumberType, number: body.documentNumber } } : {}),
        ...(body.feeWaiver ? { feeWaiverVerified: body.feeWaiver === 'verified' } : {}),
      });
    } catch (err) {
      return refuse(req, reply, id, 'check', err, state);
    }
    return reply.redirect(`${DESK}/applications/${id}?saved=check#check`, 303);
  });

  // The photo upload has its own scope: a multipart reader and a body limit sized for one photo. It accepts
  // exactly one file, `photo`, which is re-encoded before anything is kept; nothing else in a body is stored.
  await app.register(async (upload) => {
    if (upload.hasContentTypeParser('multipart/form-data')) upload.removeContentTypeParser('multipart/form-data');
    upload.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: PHOTO_LIMITS.bytes + MULTIPART_OVERHEAD }, (req, body, done) => {
      const boundary = multipartBoundary(req.headers['content-type']);
      if (!boundary) {
        done(new AppError('bad_request', { messageKey: 'municipalId.enrol.photo.error.upload' }), undefined);
        return;
      }
      try {
        const form = parseMultipart(body as Buffer, boundary);
        done(null, { ...form.fields, [UPLOAD]: form.files });
      } catch (err) {
        done(new AppError('bad_request', { messageKey: 'municipalId.enrol.photo.error.upload', cause: err instanceof MultipartError ? err : undefined }), undefined);
      }
    });

    upload.post(`${base}/photo`, { config: { access: { permission: P.enrol } }, bodyLimit: PHOTO_LIMITS.bytes + MULTIPART_OVERHEAD }, async (req, reply) => {
      const id = pathId(req);
      const body = (req.body ?? {}) as Record<string | symbol, unknown>;
      if (typeof body !== 'object' || Array.isArray(body)) throw new AppError('bad_request', { messageKey: 'municipalId.enrol.photo.error.upload' });
      const files = (body[UPLOAD] ?? {}) as Record<string, { data: Buffer } | undefined>;
      if (Object.keys(body).some((k) => k !== '_csrf') || Object.keys(files).some((k) => k !== 'photo')) {
        throw new AppError('bad_request', { messageKey: 'municipalId.enrol.photo.error.upload' });
      }
      try {
        const photo = files.photo;
        if (!photo || photo.data.length === 0) throw new AppError('validation', { fields: [{ field: 'photo', key: 'municipalId.enrol.photo.error.empty' }] });
        await savePhoto(ctx, actorOf(req, P.enrol), id, photo.data);
      } catch (err) {
        return refuse(req, reply, id, 'photo', err, {});
      }
      return reply.redirect(`${DESK}/applications/${id}?saved=photo#photo`, 303);
    });
  });

  app.get(`${base}/photo`, { config: { access: { permission: P.enrol } } }, async (req, reply) => {
    const id = pathId(req);
    return sendJpeg(reply, await enrolmentPhoto(ctx, actorOf(req, P.enrol), id));
  });

  app.post(`${base}/decision`, { config: { access: { permission: P.approve } } }, async (req, reply) => {
    const id = pathId(req);
    let state: EnrolmentFormState = {};
    let form: EnrolmentFormName = 'approve';
    try {
      const body = parseInput(decisionFormSchema, req.body ?? {});
      const decision: Decision = body.decision;
      form = decision === 'approved' ? 'approve' : 'deny';
      state = { reason: body.reason };
      if (!body.reason) throw new AppError('validation', { fields: [{ field: 'reason', key: 'municipalId.decision.error.reason' }] });
      await decideApplication(ctx, actorOf(req, P.approve), id, {
        decision,
        reason: body.reason,
        note: decision === 'approved' ? body.approveNote : body.denyNote,
        duplicatesChecked: body.duplicatesChecked === 'yes',
      });
    } catch (err) {
      return refuse(req, reply, id, form, err, state);
    }
    return reply.redirect(`${DESK}/applications/${id}?saved=decision#decision`, 303);
  });

  app.get(`${base}/letter.pdf`, { config: { access: { permission: P.approve } } }, async (req, reply) => {
    const id = pathId(req);
    return sendPdf(reply, await withPrinter(() => decisionLetterPdf(ctx, actorOf(req, P.approve), id)));
  });
}
