/**
 * The partner API: a community hotline's or an attorney's system files a detention report with a scoped
 * bearer token (`Authorization: Bearer sct_…`, scope `legal-defense.api.report`; see docs/api-tokens.md).
 * Same rules and translated errors as the public form (`Accept-Language` or `?lang=`).
 *
 * `Idempotency-Key` (optional, recommended): a retry with the same key and the same body returns the first
 * result (200, `Idempotent-Replayed: true`) and files nothing; the same key with another body is refused
 * (422). Keys are kept two days, as keyed blind indexes only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Executor, type Tx, inTransaction } from '../../core/db/transaction.ts';
import { AppError } from '../../core/http/errors.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { randomId } from '../../core/crypto/random.ts';
import { offerCase } from './legal-defense.assignment.ts';
import { LEGAL_DEFENSE_PERMISSIONS, actingRole } from './legal-defense.policy.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import { reportBodySchema } from './legal-defense.schemas.ts';
import { type FiledReport, type StaffActor, createReport, isUniqueViolation, parseReport } from './legal-defense.service.ts';

const resultSchema = z.object({
  caseId: z.string(),
  reportId: z.string(),
  reference: z.string().optional().describe("The reporter's reference code for the public status page; returned once, when filed"),
  merged: z.boolean().describe('True when the report joined an open case about the same person'),
  status: z.enum(['reported', 'eligible', 'offered', 'accepted', 'contacted', 'ineligible', 'closed']),
  contactDueAt: z.string().nullable().describe('When the first attorney contact is due (the report-to-contact clock)'),
});
type Result = z.infer<typeof resultSchema>;

/** An earlier filing with the same Idempotency-Key and body. */
interface Replay {
  replay: true;
  caseId: string;
  reportId: string;
  merged: boolean;
}

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

async function resultOf(ctx: AppContext, caseId: string, reportId: string, merged: boolean, reference?: string): Promise<Result> {
  const row = await legalDefenseRepo.findCase(ctx.db.kysely, caseId);
  if (!row) throw new AppError('gone');
  const clock = row.contact_clock_id ? await ctx.clocks.get(row.contact_clock_id) : undefined;
  return { caseId, reportId, ...(reference ? { reference } : {}), merged, status: row.status as Result['status'], contactDueAt: clock ? clock.dueAt.toISOString() : null };
}

export async function registerLegalDefenseApiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post(
    '/api/v1/legal-defense/reports',
    {
      config: {
        access: { permission: LEGAL_DEFENSE_PERMISSIONS.report },
        openapi: {
          summary: 'Report a detention',
          description:
            'For community hotlines and attorneys, with a bearer token holding the scope `legal-defense.api.report`. Reports about the same person (A-number, or name and date of birth) merge into one case. Send an `Idempotency-Key` header: a retry with the same key and body returns the first result. Immigration status is never asked; the A-number is optional. Errors are translated (Accept-Language).',
          tags: ['legal-defense'],
          body: reportBodySchema,
          responses: {
            201: { description: 'Filed: the case, whether it merged, and the reference code to give the reporter', schema: resultSchema },
            200: { description: 'A retry with the same Idempotency-Key: the first result, nothing filed again', schema: resultSchema },
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
      // The first result for this key, if there is one: read in the filing transaction (where a report filed a
      // moment ago with the same key is already visible on SQLite, whose transactions run one after another), or
      // after a PostgreSQL unique violation, once the other transaction has committed.
      const earlier = async (db: Executor): Promise<Replay | null> => {
        if (!keyIndex) return null;
        const first = await legalDefenseRepo.findIdempotent(db, who.userId, keyIndex);
        if (!first) return null;
        if (first.body_index !== bodyIndex) throw new AppError('validation', { messageKey: 'legal-defense.error.idempotencyMismatch' });
        const report = await db.selectFrom('legal_defense_reports').select('merged').where('id', '=', first.report_id).executeTakeFirst();
        return { replay: true, caseId: first.case_id, reportId: first.report_id, merged: report?.merged === 1 };
      };
      const replayed = async (r: Replay) => reply.code(200).header('idempotent-replayed', 'true').send(await resultOf(ctx, r.caseId, r.reportId, r.merged));
      const before = await earlier(ctx.db.kysely);
      if (before) return replayed(before);
      const now = ctx.now();
      const input = parseReport(ctx, req.body, now);
      const file = async (tx: Tx): Promise<FiledReport | Replay> => {
        const first = await earlier(tx);
        if (first) return first;
        const result = await createReport(ctx, tx, { input, channel: 'api', filer: { kind: 'api', actor: who }, now, offer: offerCase });
        if (keyIndex) {
          await legalDefenseRepo.insertIdempotent(tx, { id: randomId(), principal_id: who.userId, key_index: keyIndex, body_index: bodyIndex, report_id: result.reportId, case_id: result.caseId, created_at: now.toISOString() });
        }
        return result;
      };
      let filed: FiledReport | Replay;
      try {
        filed = await inTransaction(ctx.db, file);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // The same key sent twice at once (PostgreSQL): the second transaction lost the race and wrote nothing;
        // answer with the first. Or a report about the same new person at the same moment: file again, merging.
        const first = await earlier(ctx.db.kysely);
        if (first) return replayed(first);
        filed = await inTransaction(ctx.db, file);
      }
      if ('replay' in filed) return replayed(filed);
      return reply.code(201).send(await resultOf(ctx, filed.caseId, filed.reportId, filed.merged, filed.reference));
    },
  );
}
