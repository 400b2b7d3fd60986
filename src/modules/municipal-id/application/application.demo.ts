/**
 * Demo applications for the enrolment desk (demo databases only, through `seedDemo`): made by the same
 * service as the public form's send — sealed under their own vault subject, blind-indexed, audited — so the
 * desk's application page has real records to open, and the security tests sweep it with real ids.
 */
import { inTransaction } from '../../../core/db/transaction.ts';
import { referenceCode } from '../../../core/crypto/random.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { NO_WAIVER } from './application.schemas.ts';
import { createApplication } from './application.service.ts';

/** Invented residents (no real person): one with a street address, one with no fixed address. */
const APPLICANTS = [
  { name: 'Faadumo Cabdullaahi Xasan', birthDate: '1991-06-14', housing: 'address', street: '350 South Fifth Street', zip: '55415', contact: { contactMethod: 'text', phone: '612 555 0142' }, language: 'so', locale: 'so' },
  { name: 'Tswb Xyooj', birthDate: '1968-02-03', housing: 'none', contact: { contactMethod: 'email', email: 'tswb@example.org' }, language: 'hmn', locale: 'hmn' },
] as const;

/** Seeds the demo applications (status: received), each with its own reference code. */
export async function seedApplicationDemo(ctx: AppContext): Promise<string[]> {
  const documents = ctx.jurisdiction.municipalId.documents;
  const identity = documents.find((d) => d.value.identityPoints > 0)?.value.id;
  const residency = documents.find((d) => d.value.residencyPoints > 0)?.value.id;
  const plan = [...new Set([identity, residency].filter((d): d is string => d !== undefined))];
  const ids: string[] = [];
  for (const a of APPLICANTS) {
    const answers = {
      livesInCity: 'yes',
      residencyDays: 'enough',
      name: a.name,
      birthDate: a.birthDate,
      housing: a.housing,
      ...(a.housing === 'address' ? { street: a.street, zip: a.zip } : {}),
      documents: plan,
      language: a.language,
      ...a.contact,
      feeWaiver: NO_WAIVER,
    };
    ids.push(await inTransaction(ctx.db, (tx) => createApplication(ctx, tx, { answers, reference: referenceCode(), now: ctx.now(), locale: a.locale })));
  }
  return ids;
}
