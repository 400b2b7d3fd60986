import type { FastifyReply } from 'fastify';

/**
 * Sends a booking's `.ics` as a file download. This is the module's only download: the resident's own
 * appointment (what, when, where — no name, no contact, no reference code), reached only through their own
 * receipt or manage pass (listed in `test/security/no-export.test.ts`).
 */
export function sendCalendarFile(reply: FastifyReply, ics: string): FastifyReply {
  return reply.type('text/calendar; charset=utf-8').header('content-disposition', 'attachment; filename="appointment.ics"').send(ics);
}
