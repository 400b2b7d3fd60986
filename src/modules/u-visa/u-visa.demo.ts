/**
 * Demo data: sample certification requests entered through the same service as the public form (sealed,
 * clocked, audited) — one expedited, the others on the 30-day clock, received over the last days. The
 * reference codes are thrown away: demo requests are for the staff queue.
 */
import type { AppContext } from '../../core/modules/context.ts';
import { fileRequest } from './u-visa.service.ts';

const BASE = {
  requesterRole: 'victim',
  agency: 'mpd',
  victimGender: 'female',
  expedite: 'no',
  contactMethod: 'email',
  crimeModifiers: [],
} as const;

const SAMPLES: Array<{ raw: Record<string, unknown>; daysAgo: number }> = [
  {
    daysAgo: 2,
    raw: {
      ...BASE,
      requesterRole: 'attorney',
      requesterName: 'Demo Attorney',
      requesterOrganisation: 'Demo Legal Services',
      releaseType: 'attorney-notice-of-appearance',
      releaseDate: 'days-ago:20',
      visaType: 'U',
      crimes: ['domestic-violence', 'felonious-assault'],
      victimGivenName: 'María',
      victimFamilyName: 'Demo',
      victimDateOfBirth: '1990-04-12',
      helpfulness: 'She called 911, gave a statement to the officers and identified the suspect.',
      expedite: 'victim',
      expediteProofType: 'notice-to-appear',
      expediteProofDate: 'days-ago:45',
      language: 'es',
      email: 'demo.attorney@example.org',
    },
  },
  {
    daysAgo: 6,
    raw: {
      ...BASE,
      visaType: 'U',
      crimes: ['stalking'],
      agency: 'city-attorney',
      victimGivenName: 'Hodan',
      victimFamilyName: 'Sample',
      victimDateOfBirth: '2006-09-30',
      helpfulness: 'She kept the messages and testified at the hearing.',
      language: 'so',
      email: 'hodan.sample@example.org',
    },
  },
  {
    daysAgo: 12,
    raw: {
      ...BASE,
      visaType: 'T',
      crimes: ['involuntary-servitude'],
      victimGender: 'male',
      victimGivenName: 'Tou',
      victimFamilyName: 'Example',
      victimDateOfBirth: '1985-02-20',
      helpfulness: 'He told investigators about the farm where he was held and who ran it.',
      language: 'hmn',
      contactMethod: 'sms',
      phone: '612 555 0123',
    },
  },
];

/** Seeds the sample requests (only when the profile has the departments they name). */
export async function uVisaSeedDemo(ctx: AppContext): Promise<void> {
  const agencies = new Set(ctx.jurisdiction.uVisa.certifyingAgencies.value.map((a) => a.id));
  for (const sample of SAMPLES) {
    const now = new Date(ctx.now().getTime() - sample.daysAgo * 86_400_000);
    // Dates written `days-ago:N` are counted back from the request, so the demo never names a future date.
    const raw = Object.fromEntries(
      Object.entries({ ...sample.raw, agency: agencies.has(String(sample.raw.agency)) ? sample.raw.agency : 'unknown' }).map(([k, v]) => [
        k,
        typeof v === 'string' && v.startsWith('days-ago:') ? new Date(now.getTime() - Number(v.slice(9)) * 86_400_000).toISOString().slice(0, 10) : v,
      ]),
    );
    await fileRequest(ctx, { raw, channel: 'staff', filer: { kind: 'system' }, now });
  }
}
