/**
 * Facts set by U.S. federal law or federal agencies, shared by every U.S. profile: immigration-court
 * clocks, HHS poverty guidelines, USCIS fee and filing-window rules.
 *
 * They live here once so that a correction (a new guideline year, a fee change) reaches every city. A
 * profile may still replace any of them with its own fact.
 */
import type { ClockRule, PovertyGuidelineYear, Sourced } from '../profile.schema.ts';
import { fact, unverified } from '../sourced.ts';

const IMM = 'reference/immigration-rules.md';

/** Immigration-court and federal-form clocks (calendar days unless the rule says otherwise). */
export const federalImmigrationClocks = {
  uVisaCertificationSignatureValidity: unverified<ClockRule>(
    { amount: 6, unit: 'months', startsAt: 'certifying official signs Form I-918 Supplement B', dueOnNonBusinessDay: 'keep', calendar: 'federal', kind: 'legal-deadline' },
    `8 CFR 214.14(c)(2)(i) (regulation text not retrieved); ${IMM} §1.3`,
    'USCIS must receive the I-918 within 6 months of the signature. Widely stated but UNVERIFIED in the research; use it as a warning clock.',
  ),
  biaAppeal: fact<ClockRule>(
    { amount: 30, unit: 'days', startsAt: 'immigration judge decision stated orally, or written decision mailed or served', dueOnNonBusinessDay: 'keep', calendar: 'federal', kind: 'legal-deadline' },
    `8 CFR 1240.15; 8 CFR 1003.38 (law.cornell.edu/cfr/text/8/1240.15); ${IMM} §4.1`,
    'Filed when the BIA RECEIVES the EOIR-26, not when it is mailed. Whether a weekend/holiday last day rolls over is UNVERIFIED, so the clock keeps the earlier date (conservative).',
  ),
  motionToReopen: unverified<ClockRule>(
    { amount: 90, unit: 'days', startsAt: 'final administrative order', dueOnNonBusinessDay: 'keep', calendar: 'federal', kind: 'legal-deadline' },
    `INA 240(c)(7); 8 CFR 1003.23(b)(1) (IJ) / 1003.2(c)(2) (BIA), via hoppocklawfirm.com (secondary); ${IMM} §4.1`,
    'Secondary source only; the cited regulation text was not retrieved. Exceptions exist (changed country conditions, in-absentia notice).',
  ),
  motionToReconsider: unverified<ClockRule>(
    { amount: 30, unit: 'days', startsAt: 'final administrative order', dueOnNonBusinessDay: 'keep', calendar: 'federal', kind: 'legal-deadline' },
    `INA 240(c)(6)(B); ${IMM} §4.1 and §6 item 9`,
    'UNVERIFIED: secondary sources conflict (one says 90 days). 30 is the shorter, safer reading.',
  ),
  petitionForReview: fact<ClockRule>(
    { amount: 30, unit: 'days', startsAt: 'final order of removal', dueOnNonBusinessDay: 'keep', calendar: 'federal', kind: 'legal-deadline' },
    `8 U.S.C. 1252(b)(1) (Pub. L. 104-208 text on wikisource); Salgado v. Garland (4th Cir. 2023); ${IMM} §4.1`,
    'Jurisdictional: a late petition is dismissed. Filing does not stay removal.',
  ),
  asylumOneYear: fact<ClockRule>(
    { amount: 1, unit: 'years', startsAt: 'last arrival in the United States', dueOnNonBusinessDay: 'next-business-day', calendar: 'federal', kind: 'legal-deadline' },
    `INA 208(a)(2)(B); 8 CFR 1208.4(a)(2)(ii) (law.cornell.edu/cfr/text/8/1208.4); ${IMM} §4.1–4.2`,
    'Or 1 April 1997 if later. Changed or extraordinary circumstances can excuse a late filing; withholding and CAT have no deadline.',
  ),
  uVisaDerivativeAgeOut: unverified<ClockRule>(
    {
      amount: 21,
      unit: 'years',
      startsAt: 'date of birth of the victim or of a qualifying family member (a child under 21)',
      lastDay: 'day-before',
      dueOnNonBusinessDay: 'keep',
      calendar: 'federal',
      kind: 'legal-deadline',
      reminders: [
        { amount: 90, unit: 'days' },
        { amount: 30, unit: 'days' },
        { amount: 14, unit: 'days' },
      ],
    },
    `I-918 Supp. B instructions: indirect victims include "unmarried children under 21" (${IMM} §1.1); age-out alert modelled on the East Chicago, IN code (14 days before a victim or child turns 21; reference/anchors-software.md §8.3)`,
    'Under 21 is confirmed; which date fixes the age (INA 214(p)(7) protects the age at filing of the principal petition) was not retrieved. The last day is the day before the 21st birthday; a 29 February birthday counts from 28 February. The 90/30/14-day alerts are our choice.',
  ),
  detainerMaximumHold: unverified<ClockRule>(
    { amount: 48, unit: 'hours', startsAt: 'time the person would otherwise have been released', skipNonBusinessDays: true, dueOnNonBusinessDay: 'keep', calendar: 'federal', kind: 'legal-deadline' },
    `8 CFR 287.7(d) (avvo.com copy of the text); ICE I-247A guidance; ${IMM} §2.1`,
    'The regulation excludes Saturdays, Sundays and holidays; whether that still applies under the 2017 I-247A wording is UNVERIFIED. A city that does not honour detainers never starts this clock; it only logs receipt.',
  ),
} satisfies Record<string, Sourced<ClockRule>>;

const FPG_2024 = 'PolicyEngine/policyengine-us policyengine_us/parameters/gov/hhs/fpg.yaml (2024: first person 15,060, each additional 5,380)';
const FPG_2025 = `HHS 2025 poverty guidelines, FR Doc 2025-01377 (factually.co; glama.ai); ${IMM} §3.4`;
const FPG_2026 = 'HHS 2026 poverty guidelines, 91 FR 1797, FR Doc 2026-00755, as reported by legalclarity.org/what-is-the-u-s-poverty-line-limits-by-family-size (secondary)';

function derivedRows(first: number, additional: number, source: string, note: string, isVerified: boolean): Sourced<number>[] {
  return Array.from({ length: 8 }, (_, i) => {
    const amount = first + additional * i;
    return isVerified ? fact(amount, source, note) : unverified(amount, source, note);
  });
}

/** HHS poverty guidelines for the 48 contiguous states and D.C. */
export const povertyGuidelinesContiguousUs: PovertyGuidelineYear[] = [
  {
    year: 2024,
    effectiveDate: unverified('2024-01-17', '89 FR 2961, 17 Jan 2024 (publication date; regulations.justia.com)', 'Publication date; the notice\'s stated effective date was not retrieved.'),
    bySize: derivedRows(15_060, 5_380, FPG_2024, 'Derived as first person + additional × (size − 1); HHS uses a constant increment (PolicyEngine fpg.yaml comment).', true),
    additionalPerson: fact(5_380, FPG_2024),
  },
  {
    year: 2025,
    effectiveDate: unverified('2025-01-17', `FR Doc 2025-01377, published 17 Jan 2025; ${IMM} §3.4`, 'Publication date; the notice\'s stated effective date was not retrieved.'),
    bySize: derivedRows(15_650, 5_500, FPG_2025, 'Derived from the 1- and 4-person rows with the constant increment; confirm against FR Doc 2025-01377.', false).map((row, i) =>
      // Only the 1- and 4-person rows were read in a source; the research lists the rest as derived.
      i === 0 || i === 3 ? fact(row.value, FPG_2025) : row,
    ),
    additionalPerson: unverified(5_500, FPG_2025, 'Derived: (32,150 − 15,650) / 3. Listed as UNVERIFIED in reference/immigration-rules.md §6 item 8.'),
  },
  {
    year: 2026,
    effectiveDate: fact('2026-01-13', `91 FR 1797–1798 (15 Jan 2026), FR Doc 2026-00755 (govinfo.gov); ${IMM} §3.4`),
    bySize: derivedRows(
      15_960,
      5_680,
      FPG_2026,
      'reference/immigration-rules.md §3.4: table not retrieved, 1-person 15,960 seen only in a secondary note; do not rely on it until copied from the FR notice.',
      false,
    ),
    additionalPerson: unverified(5_680, FPG_2026, 'Secondary source; consistent with 15,960 + 3 × 5,680 = 33,000 for four people.'),
  },
];

const USCIS_FEES = `USCIS fee rule effective 1 Apr 2024 (usimm.pikapod.net; wanewamericans.org; nyvisalawyer.com, secondary and consistent); ${IMM} §3.4`;

/** USCIS numbers the legal-clinic screeners use. */
export const uscisClinicFacts = {
  n400FeeCents: fact(
    { paper: 76_000, online: 71_000, reduced: 38_000 },
    USCIS_FEES,
    'One 2025 article quotes $760 online / $805 paper; treat that as unconfirmed. Fee waiver or reduced fee means a paper N-400.',
  ),
  naturalizationEarlyFilingDays: unverified(
    90,
    `INA 334(a); 8 CFR 334.2(b) (text not retrieved; forums.immigration.com, secondary); ${IMM} §3.1`,
    'May file up to 90 days before completing continuous residence. Physical-presence counting with early filing is disputed: flag for attorney review.',
  ),
  dacaRenewalWindowDaysBeforeExpiry: unverified(
    { earliest: 150, latest: 120 },
    `USCIS news alert 5 Jun 2015 as quoted by h1bvisalawyerblog.com and grawesq.com (secondary); ${IMM} §3.5`,
    'The window is VERIFIED (secondary), but current DACA program status and fees are under litigation: UNVERIFIED. Check uscis.gov before each season.',
  ),
  greenCardRenewalMonthsBeforeExpiry: fact(6, `USCIS I-90 page (secondary copies: nasirilaw.com); ${IMM} §3.5`),
  conditionalResidenceFilingDaysBeforeExpiry: fact(90, `INA 216(d)(2) (immigrationgt.com; immigrationnavigator.com, secondary); ${IMM} §3.5`),
};

/** USCIS income ceilings, as a percentage of the poverty guideline. */
export const uscisIncomeRules = {
  uscisFeeWaiverMaxPercentFpg: fact(150, `USCIS I-912 fee-waiver fact sheet (secondary copies); ${IMM} §3.4`, 'Also waived for a means-tested benefit or extreme financial hardship.'),
  uscisReducedFeeMaxPercentFpg: fact(
    400,
    USCIS_FEES,
    'USCIS page says "less than 400%", the fee-rule summary "at or below": send exactly 400% to attorney review.',
  ),
};
