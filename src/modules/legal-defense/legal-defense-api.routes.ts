/**
 * The partner API: a community hotline's or an attorney's system sends a detention report with a scoped
 * bearer token (`Authorization: Bearer sct_…`, scope `legal-defense.api.report`; see docs/api-tokens.md).
 * Same rules and translated errors as the public form (`Accept-Language` or `?lang=`).
 *
 * A checked report is accepted at once (`202`, with its id and the reporter's reference code) and filed moments
 * later — merged into the person's open case or opened as a case, and offered to a provider — by the intake
 * queue (legal-defense.intake.ts), so that hotlines are answered at once even in a surge.
 * `GET /api/v1/legal-defense/reports/{reportId}` says where it stands: `received` until filed, then the case's
 * status and its first-contact clock.
 *
 * `Idempotency-Key` (optional, recommended): a retry with the same key and the same body answers with the first
 * report's status (200, `Idempotent-Replayed: true`) and sends nothing again; the same key with another body is
 * refused (422). Keys are kept two days, as keyed blind indexes only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { randomId } from '../../core/crypto/random.ts';
import { type Executor, type Tx, inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { intakeKey, intakeRunner, queueReport } from './legal-defense.intake.ts';
import { LEGAL_DEFENSE_PERMISSIONS, actingRole } from './legal-defense.policy.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import { reportBodySchema } from './legal-defense.schemas.ts';
import { CASE_RECORD, type StaffActor, isUniqueViolation, parseReport } from './legal-defense.service.ts';

const STATUSES = ['received', 'reported', 'eligible', 'offered', 'accepted', 'contacted', 'ineligible', 'closed'] as const;

const acceptedSchema = z.object({
  reportId: z.string(),
  reference: z.string().describe("The reporter's reference code for the public status page; given once, here"),
  status: z.literal('received'),
  statusUrl: z.string().describe('Where to ask how the report stands'),
});

const statusSchema = z.object({
  reportId: z.string(),
  status: z.enum(STATUSES).describe('`received` until the report is filed; then the status of its case'),
  caseId: z.string().optional().describe('The case the report was filed into (once filed)'),
  merged: z.boolean().optional().describe('True when the report joined an open case about the same person'),
  contactDueAt: z.string().nullable().describe('When the first attorney contact is due (the report-to-contact clock), once filed'),
});
type Status = z.infer<typeof statusSchema>;

const paramsSchema = z.object({ reportId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/) });

/** A key a client may send: 1–200 visible ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

function actor(req: FastifyRequest): StaffActor {
  const staff = req.staff;
  if (!staff) throw new AppError('unauthorized');
  return { userId: staff.userId, role: actingRole(staff.roles, LEGAL_DEFENSE_PERMISSIONS.report), requestId: req.id };
}

/** A canonical text of a JSON body (keys sorted), so the same report sent twice has the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Where a report the account sent stands, or `undefined` when it sent no such report. */
async function statusOf(ctx: AppContext, db: Executor, principalId: string, reportId: string): Promise<Status | undefined> {
  const queued = await legalDefenseRepo.findIntake(db, reportId);
  if (queued) return queued.filed_by === principalId ? { reportId, status: 'received', contactDueAt: null } : undefined;
  const report = await legalDefenseRepo.findReport(db, reportId);
  if (!report || report.filed_by !== principalId || report.channel !== 'api') return undefined;
  const row = await legalDefenseRepo.findCase(db, report.case_id);
  if (!row) return undefined;
  const clock = row.contact_clock_id ? await ctx.clocks.get(row.contact_clock_id, db) : undefined;
  return { reportId, status: row.status as Status['status'], caseId: row.id, merged: report.merged === 1, contactDueAt: clock ? clock.dueAt.toISOString() : null };
}

export async function registerLegalDefenseApiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Reports still queued when the app stops are filed by the next start's runner or job.
  app.addHook('onClose', async () => intakeRunner(ctx).close());

  app.post(
    '/api/v1/legal-defense/reports',
    {
      config: {
        access: { permission: LEGAL_DEFENSE_PERMISSIONS.report },
        openapi: {
          summary: 'Report a detention',
          description:
            'For community hotlines and attorneys, with a bearer token holding the scope `legal-defense.api.report`. A checked report is accepted at once (202) and filed moments later: reports about the same person (A-number, or name and date of birth) merge into one case, and an eligible case is offered to a provider. Ask `GET /api/v1/legal-defense/reports/{reportId}` how it stands. Send an `Idempotency-Key` header: a retry with the same key and body answers with the first report, nothing sent again. Immigration status is never asked; the A-number is optional. Errors are translated (Accept-Language).',
          tags: ['legal-defense'],
          body: reportBodySchema,
          responses: {
            202: { description: 'Accepted: the report id, the reference code to give the reporter, and where to ask how it stands', schema: acceptedSchema },
            200: { description: 'A retry with the same Idempotency-Key: how the first report stands, nothing sent again', schema: statusSchema },
          },
        },
      },
    },
    async (req, reply) => {
      if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) throw new AppError('validation', { messageKey: 'legal-defense.error.body' });
      const who = actor(req);
      const rawKey = req.headers['idempotency-key'];
      if (rawKey !== undefined && (typeof rawKey !== 'string' || !IDEMPOTENCY_KEY.test(rawKey))) {
        throw new AppError('bad_request', { messageKey: 'legal-defense.error.idempotencyKey' });
      }
      const keyIndex = rawKey ? ctx.vault.blindIndex('legal_defense_idempotency.key_index', rawKey, { normalize: 'exact' }) : null;
      const bodyIndex = ctx.vault.blindIndex('legal_defense_idempotency.body_index', canonical(req.body), { normalize: 'exact' });
      // The first report sent with this key, if there is one: read in the accepting transaction (where one accepted
      // a moment ago is already visible on SQLite, whose transactions run one after another), or after a PostgreSQL
      // unique violation, once the other transaction has committed.
      const earlier = async (db: Executor): Promise<string | null> => {
        if (!keyIndex) return null;
        const first = await legalDefenseRepo.findIdempotent(db, who.userId, keyIndex);
        if (!first) return null;
        if (first.body_index !== bodyIndex) throw new AppError('validation', { messageKey: 'legal-defense.error.idempotencyMismatch' });
        return first.report_id;
      };
      const replayed = async (reportId: string) => {
        const status = await statusOf(ctx, ctx.db.kysely, who.userId, reportId);
        if (!status) throw new AppError('gone');
        return reply.code(200).header('idempotent-replayed', 'true').send(status);
      };
      const before = await earlier(ctx.db.kysely);
      if (before) return replayed(before);
      const now = ctx.now();
      const input = parseReport(ctx, req.body, now);
      const key = await intakeKey(ctx);
      const accept = async (tx: Tx): Promise<{ replay: string } | { reportId: string; reference: string }> => {
        const first = await earlier(tx);
        if (first) return { replay: first };
        const queued = await queueReport(ctx, tx, { input, filer: who, now, key });
        if (keyIndex) {
          await legalDefenseRepo.insertIdempotent(tx, { id: randomId(), principal_id: who.userId, key_index: keyIndex, body_index: bodyIndex, report_id: queued.reportId, created_at: now.toISOString() });
        }
        return queued;
      };
      let accepted: Awaited<ReturnType<typeof accept>>;
      try {
        accepted = await inTransaction(ctx.db, accept);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // The same key sent twice at once (PostgreSQL): the second transaction lost the race and wrote nothing.
        const first = await earlier(ctx.db.kysely);
        if (!first) throw err;
        return replayed(first);
      }
      if ('replay' in accepted) return replayed(accepted.replay);
      // Answered at once, unless filing is behind: then once a queued report is filed (legal-defense.intake.ts).
      await intakeRunner(ctx).accepted();
      const statusUrl = `/api/v1/legal-defense/reports/${accepted.reportId}`;
      return reply.code(202).header('location', statusUrl).send({ reportId: accepted.reportId, reference: accepted.reference, status: 'received', statusUrl });
    },
  );

  app.get(
    '/api/v1/legal-defense/reports/:reportId',
    {
      config: {
        access: { permission: LEGAL_DEFENSE_PERMISSIONS.report },
        openapi: {
          summary: 'How a report this account sent stands',
          tags: ['legal-defense'],
          responses: { 200: { description: '`received` until filed; then the case, its status and the first-contact clock (no personal data)', schema: statusSchema } },
        },
      },
    },
    async (req) => {
      const parsed = paramsSchema.safeParse(req.params);
      if (!parsed.success) throw new AppError('not_found');
      const who = actor(req);
      // Only the account that sent it may ask; any other id is simply not found.
      return inTransaction(ctx.db, async (tx) => {
        const status = await statusOf(ctx, tx, who.userId, parsed.data.reportId);
        if (!status) throw new AppError('not_found');
        if (status.caseId) {
          await ctx.audit.record(tx, { actor: { id: who.userId, role: who.role }, action: 'record.read', record: { type: CASE_RECORD, id: status.caseId }, purpose: 'intake', requestId: who.requestId, detail: 'channel.api' });
        }
        return status;
      });
    },
  );
}
