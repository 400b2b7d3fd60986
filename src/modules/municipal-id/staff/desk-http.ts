/**
 * What the municipal ID staff routes share: the acting staff member for the audit log, path ids, keyset
 * positions from the query string, and the PDF reply.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isRandomId } from '../../../core/crypto/random.ts';
import { AppError } from '../../../core/http/errors.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import type { ApplicationActor } from '../application/application.service.ts';
import type { Keyset } from '../card/card.repo.ts';
import { ChromiumMissingError } from '../../../core/pdf/pdf-printer.ts';
import { actingRole } from '../enrolment/enrolment.policy.ts';

/** The acting staff member for a permission (the guard has already checked it). */
export function actorOf(req: FastifyRequest, permission: string): ApplicationActor & { userId: string } {
  const staff = req.staff;
  if (!staff) throw new AppError('unauthorized');
  return { userId: staff.userId, role: actingRole(staff.roles, permission), requestId: req.id };
}

/** Whether the signed-in staff member holds a permission. */
export function allows(ctx: AppContext, req: FastifyRequest, permission: string): boolean {
  return req.staff ? ctx.permissions.allows(req.staff.roles, permission) : false;
}

/** The `:id` of the path; anything that is not one of our ids is simply not found. */
export function pathId(req: FastifyRequest): string {
  const id = (req.params as { id?: unknown }).id;
  if (typeof id !== 'string' || !isRandomId(id)) throw new AppError('not_found');
  return id;
}

/** A timestamp as the records store them (`Date#toISOString`), and nothing else. */
function isStoredTimestamp(value: string): boolean {
  if (value.length !== 24) return false;
  const at = new Date(value);
  return !Number.isNaN(at.getTime()) && at.toISOString() === value;
}

/** A keyset position `<created_at>~<id>` from the query (`after`), validated. */
export const keysetSchema = z
  .string()
  .max(80)
  .refine((v) => {
    const [at, id] = v.split('~');
    return v.split('~').length === 2 && isStoredTimestamp(at ?? '') && isRandomId(id ?? '');
  }, 'municipalId.desk.error.page')
  .transform((v): Keyset => {
    const [createdAt, id] = v.split('~') as [string, string];
    return { createdAt, id };
  });

/** Replies with a PDF shown in the browser (not a download: nothing leaves as a file on its own). */
export function sendPdf(reply: FastifyReply, pdf: Buffer): FastifyReply {
  return reply.type('application/pdf').header('x-content-type-options', 'nosniff').send(pdf);
}

/** Replies with the holder photo (never cached). */
export function sendJpeg(reply: FastifyReply, jpeg: Buffer): FastifyReply {
  return reply.type('image/jpeg').send(jpeg);
}

/** Chromium missing → a clear, translated 503 instead of a crash. */
export async function withPrinter<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ChromiumMissingError) throw new AppError('unavailable', { messageKey: 'municipalId.print.error.chromium', cause: err });
    throw err;
  }
}
