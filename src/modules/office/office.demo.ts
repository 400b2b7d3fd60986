/**
 * Demo data: a handful of sample requests in different states, entered through the same service as the
 * public form (sealed, audited). The reference codes are thrown away: demo requests are for staff screens.
 */
import { referenceCode } from '../../core/crypto/random.ts';
import { inTransaction } from '../../core/db/transaction.ts';
import type { AppContext } from '../../core/modules/context.ts';
import type { OfficeAnswers, RequestStatus } from './office.schemas.ts';
import { changeStatus, createRequest } from './office.service.ts';

const SAMPLES: Array<{ answers: OfficeAnswers; status: RequestStatus; hoursAgo: number }> = [
  { answers: { topic: 'lawyer', language: 'es', contactMethod: 'phone', phone: '612 555 0142', name: 'Rosa', description: 'Mi hermano fue detenido ayer en el trabajo. No sabemos a dónde lo llevaron.' }, status: 'in-progress', hoursAgo: 3 },
  { answers: { topic: 'id', language: 'so', contactMethod: 'text', phone: '612 555 0199', description: 'Waxaan rabaa kaarka aqoonsiga magaalada.' }, status: 'received', hoursAgo: 5 },
  { answers: { topic: 'housing', language: 'en', contactMethod: 'email', email: 'sample.tenant@example.org', name: 'Sam', description: 'My landlord said he will call immigration if I complain about the heat.' }, status: 'received', hoursAgo: 26 },
  { answers: { topic: 'work', language: 'hmn', contactMethod: 'none', description: 'Kuv tus tswv haujlwm tsis them kuv nyiaj ob lub lis piam lawm.' }, status: 'received', hoursAgo: 50 },
  { answers: { topic: 'crime-victim', language: 'other', languageOther: 'Karen', contactMethod: 'phone', phone: '651 555 0117' }, status: 'in-progress', hoursAgo: 75 },
  { answers: { topic: 'other', language: 'en', contactMethod: 'email', email: 'demo.person@example.org', name: 'Ahmed', description: 'Where can I take English classes near Cedar-Riverside?' }, status: 'closed', hoursAgo: 240 },
];

/** Seeds the sample requests. */
export async function seedOfficeDemo(ctx: AppContext): Promise<void> {
  for (const sample of SAMPLES) {
    const at = new Date(ctx.now().getTime() - sample.hoursAgo * 3_600_000);
    const id = await inTransaction(ctx.db, (tx) => createRequest(ctx, tx, { answers: sample.answers, reference: referenceCode(), now: at }));
    if (sample.status !== 'received') await changeStatus(ctx, { userId: null, role: 'system' }, id, sample.status);
  }
}
