/**
 * Demo data: the profile's known providers (capacity and languages are examples), the demo partner attorney
 * linked to the second one, and three reports entered through the same service as the public form (sealed,
 * clocked, audited, offered to a provider). Reference codes are thrown away.
 */
import { demoEmail } from '../../core/auth/demo-staff.ts';
import { secretsFor } from '../../core/auth/auth-secrets.ts';
import { randomId } from '../../core/crypto/random.ts';
import { inTransaction } from '../../core/db/transaction.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { offerCase } from './legal-defense.assignment.ts';
import { legalDefenseRepo } from './legal-defense.repo.ts';
import { cityDate, createReport, parseReport } from './legal-defense.service.ts';

const LANGUAGES: readonly string[][] = [['en', 'es'], ['en', 'es', 'so'], ['en', 'so', 'om', 'am'], ['en', 'hmn', 'kar'], ['en', 'es']];

const SAMPLES: ReadonlyArray<Record<string, string>> = [
  { reporterRole: 'family', givenName: 'Rosa', familyName: 'Quispe', dateOfBirth: '1988-03-02', detainedPlace: 'Lake Street and Bloomington Avenue', facility: 'whipple-federal-building', personLanguage: 'es', livesInCity: 'yes', contactName: 'Luis Quispe', contactRelationship: 'hermano', contactMethod: 'sms', contactPhone: '612 555 0101', language: 'es' },
  { reporterRole: 'friend', givenName: 'Abdi', familyName: 'Warsame', detainedPlace: 'Near Cedar-Riverside', facility: 'unknown', personLanguage: 'so', livesInCity: 'yes', contactName: 'Faadumo Warsame', contactMethod: 'phone', contactPhone: '612 555 0102', language: 'so' },
  { reporterRole: 'community-group', givenName: 'Pa', familyName: 'Lor', dateOfBirth: '1979-11-20', detainedPlace: 'A workplace in north Minneapolis', facility: 'sherburne-county-jail', aNumber: 'A-200-300-400', personLanguage: 'hmn', livesInCity: 'unknown', contactName: 'Community hotline', contactMethod: 'email', contactEmail: 'hotline@example.org', language: 'hmn' },
];

export async function legalDefenseSeedDemo(ctx: AppContext): Promise<void> {
  // Seeding again (`sanctuary demo seed --force`) renews the staff accounts; the providers, their attorney link
  // and the sample reports are made once.
  if (await ctx.db.kysely.selectFrom('legal_defense_providers').select('id').limit(1).executeTakeFirst()) return;
  const now = ctx.now();
  const providers = ctx.jurisdiction.legalDefense.knownProviders.value;
  const ids: string[] = [];
  await inTransaction(ctx.db, async (tx) => {
    for (const [i, name] of providers.entries()) {
      const id = randomId();
      ids.push(id);
      await legalDefenseRepo.insertProvider(tx, { id, name, active: 1, available: 1, capacity: 40, open_cases: 0, languages: JSON.stringify(LANGUAGES[i % LANGUAGES.length]), last_assigned_at: null, created_at: now.toISOString(), updated_at: now.toISOString() });
    }
  });
  for (const [i, sample] of SAMPLES.entries()) {
    const when = new Date(now.getTime() - (i + 1) * 3 * 3_600_000);
    const input = parseReport(ctx, { ...sample, detainedOn: cityDate(ctx, when) }, when);
    await inTransaction(ctx.db, (tx) => createReport(ctx, tx, { input, channel: i === 2 ? 'api' : 'phone', filer: { kind: 'system' }, now: when, offer: offerCase }));
  }
  // The demo partner attorney works for the second provider (linked after the sample offers, which mail nobody).
  const attorney = await ctx.db.kysely.selectFrom('auth_users').select('id').where('email_lookup', '=', secretsFor(ctx).emailLookupKey(demoEmail('partner-attorney'))).executeTakeFirst();
  if (attorney && ids[1]) await legalDefenseRepo.insertAttorney(ctx.db.kysely, { id: randomId(), provider_id: ids[1], user_id: attorney.id, active: 1, created_at: now.toISOString() });
}
