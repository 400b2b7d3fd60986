/**
 * Public verification of municipal ID cards and the issuer's published keys (DESIGN §5 stable contracts).
 *
 * | method | path | what |
 * |---|---|---|
 * | GET | `/.well-known/jwks.json` | the issuer's public keys (SMART Health Cards JWKS, `crlVersion` per key) |
 * | GET | `/.well-known/crl/<kid>.json` | a key's revocation list `{ kid, method: 'rid', ctr, rids }` |
 * | GET | `/verify` | the verify page: paste the QR text, upload a photo, or scan with the camera (JavaScript) |
 * | POST | `/verify` | check pasted text → the result page |
 * | POST | `/verify/image` | check an uploaded PNG/JPEG → the result page (a photo that cannot be read: 4xx) |
 * | POST | `/api/v1/verify` | `{ "qr": "shc:/…" }` or `{ "jws": "…" }` → `{ status, reason, message, card? }` |
 * | GET | `/assets/vendor/jsqr.js` | the jsQR decoder for the camera scanner, from our own origin |
 *
 * All public. Nothing a verifier sends is logged, stored or audited: requests are logged by route pattern only
 * (core), and verifications are only counted (per day, channel and outcome).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../core/http/errors.ts';
import { parseInput } from '../../../core/http/validate.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { decodeQrImage, IMAGE_LIMITS, qrImageProblem } from '../credential/credential.qr.ts';
import { REASONS, VERIFICATION_STATUSES, type VerificationResult, invalid, reasonMessageKey } from '../credential/credential.reasons.ts';
import { issuerVerifier, publishedCrl, publishedJwks } from '../credential/credential.service.ts';
import { MultipartError, multipartBoundary, parseMultipart } from './multipart.ts';
import { VerificationCounter } from './verify.counter.ts';
import { VerifyFormView, VerifyResultView } from './verify.view.tsx';

/** Longest text accepted from the paste field or the API (a card's QR text is under 2,400 characters). */
export const MAX_TEXT_CHARS = 8192;

const textFormSchema = z.strictObject({
  _csrf: z.string().optional(),
  text: z.string().max(MAX_TEXT_CHARS, 'municipalId.verify.error.textTooLong').optional(),
});

/** The API's request body: exactly one of `qr` or `jws`. */
export const verifyApiBodySchema = z
  .strictObject({
    qr: z.string().min(1, 'municipalId.verify.error.textRequired').max(MAX_TEXT_CHARS, 'municipalId.verify.error.textTooLong').optional(),
    jws: z.string().min(1, 'municipalId.verify.error.textRequired').max(MAX_TEXT_CHARS, 'municipalId.verify.error.textTooLong').optional(),
  })
  .refine((b) => (b.qr === undefined) !== (b.jws === undefined), { message: 'municipalId.verify.error.apiInput', path: ['qr'] });

const cardSchema = z.object({ number: z.string(), name: z.string(), dateOfBirth: z.string(), expiresOn: z.string() });
const verifyApiResponseSchema = z.object({
  status: z.enum(VERIFICATION_STATUSES),
  reason: z.enum(REASONS),
  message: z.string().describe('The reason, translated for the request language'),
  card: cardSchema.optional().describe('Only when the signature verified: exactly what is printed on the card'),
});

const kidFileSchema = z.string().regex(/^[A-Za-z0-9_-]{43}\.json$/);

const require = createRequire(import.meta.url);

/** Where the multipart reader puts the uploaded files on the body (a symbol: not a form field). */
const UPLOAD = Symbol('upload');

/** Answers in JSON with CORS open to every origin, as the SMART Health Cards spec asks of the key set and CRLs. */
function publicJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply
    .header('access-control-allow-origin', '*')
    .header('cross-origin-resource-policy', 'cross-origin')
    .type('application/json; charset=utf-8')
    .send(body);
}

/** Registers the verify page, the API, the well-known documents and the scanner's decoder. */
export async function registerVerifyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const counter = new VerificationCounter(ctx.db, () => ctx.now());
  app.addHook('onClose', async () => {
    await counter.close().catch(() => undefined);
  });
  const verifier = issuerVerifier(ctx);

  const check = async (input: string | { qr: string } | { jws: string }, channel: 'web' | 'api'): Promise<VerificationResult> => {
    const result = await verifier.verify(input);
    counter.count(channel, result.status);
    return result;
  };

  app.get('/.well-known/jwks.json', { config: { access: 'public' } }, async (_req, reply) => publicJson(reply, await publishedJwks(ctx)));

  app.get('/.well-known/crl/:file', { config: { access: 'public' } }, async (req, reply) => {
    const file = kidFileSchema.safeParse((req.params as { file?: unknown }).file);
    if (!file.success) throw new AppError('not_found');
    const crl = await publishedCrl(ctx, file.data.slice(0, -'.json'.length));
    if (!crl) throw new AppError('not_found');
    return publicJson(reply, crl);
  });

  app.get('/verify', { config: { access: 'public' } }, async (_req, reply) => reply.page(<VerifyFormView ctx={reply.viewContext()} />));

  app.post('/verify', { config: { access: 'public' } }, async (req, reply) => {
    const body = parseInput(textFormSchema, req.body ?? {});
    // People paste with a line break or spaces around the text: those are not part of any QR code.
    const text = (body.text ?? '').trim();
    if (text === '') {
      return reply.page(<VerifyFormView ctx={reply.viewContext()} errors={[{ field: 'text', key: 'municipalId.verify.error.textRequired' }]} />, 422);
    }
    const result = await check(text, 'web');
    return reply.page(<VerifyResultView ctx={reply.viewContext()} result={result} />);
  });

  // The photo upload has its own scope: a multipart body reader and a body limit sized for one image.
  await app.register(async (upload) => {
    if (upload.hasContentTypeParser('multipart/form-data')) upload.removeContentTypeParser('multipart/form-data');
    upload.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: IMAGE_LIMITS.bytes + 64 * 1024 }, (req, body, done) => {
      const boundary = multipartBoundary(req.headers['content-type']);
      if (!boundary) {
        done(new AppError('bad_request', { messageKey: 'municipalId.verify.error.upload' }), undefined);
        return;
      }
      try {
        const form = parseMultipart(body as Buffer, boundary);
        // The CSRF check reads `_csrf` from the body; the file travels beside it.
        done(null, { ...form.fields, [UPLOAD]: form.files });
      } catch (err) {
        done(new AppError('bad_request', { messageKey: err instanceof MultipartError ? err.messageKey : 'municipalId.verify.error.upload' }), undefined);
      }
    });

    upload.post(
      '/verify/image',
      { config: { access: 'public', rateLimit: { max: 30, timeWindow: 60_000 } }, bodyLimit: IMAGE_LIMITS.bytes + 64 * 1024 },
      async (req: FastifyRequest, reply) => {
        const body = (req.body ?? {}) as Record<string | symbol, unknown>;
        const files = (body[UPLOAD] ?? {}) as Record<string, { data: Buffer } | undefined>;
        const unknownField = Object.keys(body).find((k) => k !== '_csrf');
        if (unknownField || Object.keys(files).some((k) => k !== 'image')) throw new AppError('bad_request', { messageKey: 'municipalId.verify.error.upload' });
        const image = files.image;
        const refuse = (key: string, status = 422) => reply.page(<VerifyFormView ctx={reply.viewContext()} errors={[{ field: 'image', key }]} />, status);
        if (!image || image.data.length === 0) return refuse('municipalId.verify.error.imageRequired');
        const decoded = decodeQrImage(image.data);
        if (!decoded.ok) return refuse(reasonMessageKey(decoded.reason), decoded.reason === 'image_too_large' ? 413 : 422);
        const problem = qrImageProblem(decoded.qr);
        const result = problem ? invalid(problem) : await check(decoded.qr.text, 'web');
        if (problem) counter.count('web', 'invalid');
        return reply.page(<VerifyResultView ctx={reply.viewContext()} result={result} />);
      },
    );
  });

  app.post(
    '/api/v1/verify',
    {
      config: {
        access: 'public',
        csrf: false,
        openapi: {
          summary: 'Verify a municipal ID card credential',
          description:
            'Checks the QR code text (`shc:/…`) or the compact JWS of a municipal ID card against the issuer’s keys and ' +
            'revocation lists. Answers `valid`, `expired`, `revoked` or `invalid` with a reason code (stable; see ' +
            'docs/municipal-id-credential.md) and its translation; `card` (number, name, date of birth, expiry) only ' +
            'when the signature verified. Nothing sent is stored or logged. Call it without cookies.',
          tags: ['municipal-id'],
          body: verifyApiBodySchema,
          responses: { 200: { description: 'The verification result', schema: verifyApiResponseSchema } },
        },
      },
    },
    async (req, reply) => {
      const body = parseInput(verifyApiBodySchema, req.body ?? {});
      const result = await check(body.qr !== undefined ? { qr: body.qr } : { jws: body.jws ?? '' }, 'api');
      return reply.send({ status: result.status, reason: result.reason, message: req.t(reasonMessageKey(result.reason)), ...(result.card ? { card: result.card } : {}) });
    },
  );

  const jsqrSource = fs.readFileSync(require.resolve('jsqr'), 'utf8');
  app.get('/assets/vendor/jsqr.js', { config: { access: 'public' } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=86400').type('text/javascript; charset=utf-8').send(jsqrSource),
  );
}
