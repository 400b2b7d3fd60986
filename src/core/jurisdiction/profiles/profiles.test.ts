import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadJurisdiction, validateJurisdiction, type Jurisdiction } from '../jurisdiction.ts';
import type { Sourced } from '../profile.schema.ts';
import { collectFacts, isSourced, listUnverified } from '../sourced.ts';
import { minneapolisProfile } from './minneapolis.ts';
import { testvilleProfile } from './testville.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const mpls = loadJurisdiction('minneapolis');
const testville = loadJurisdiction('testville');
const profiles: Array<[string, Jurisdiction]> = [
  ['minneapolis', mpls],
  ['testville', testville],
];

// The only data allowed outside a Sourced envelope: identity and versioning, not facts about the place.
const METADATA_KEYS = new Set(['schemaVersion', 'id', 'version', 'isTestProfile', 'description', 'year']);

function bareLeaves(node: unknown, at: string, out: string[]): string[] {
  if (isSourced(node)) return out;
  if (Array.isArray(node)) node.forEach((child, i) => bareLeaves(child, `${at}[${i}]`, out));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, child] of Object.entries(node)) {
      if (!METADATA_KEYS.has(key)) bareLeaves(child, at === '' ? key : `${at}.${key}`, out);
    }
  } else out.push(at);
  return out;
}

function factAt(profile: Jurisdiction, wanted: string): Sourced<unknown> {
  const found = collectFacts(profile).find((f) => f.path === wanted);
  if (!found) throw new Error(`no fact at ${wanted}`);
  return found.fact;
}

describe.each(profiles)('%s profile', (_id, profile) => {
  it('validates', () => {
    expect(validateJurisdiction(profile)).toEqual([]);
  });

  it('gives every fact a non-empty source', () => {
    const facts = collectFacts(profile);
    expect(facts.length).toBeGreaterThan(50);
    for (const { path: at, fact } of facts) {
      expect(fact.source.trim(), at).not.toBe('');
      if ('unverified' in fact) expect(fact.unverified, at).toBe(true);
    }
  });

  it('keeps no bare fact outside a Sourced envelope', () => {
    expect(bareLeaves(profile, '', [])).toEqual([]);
  });

  it('publishes guideline tables with a constant per-person step', () => {
    for (const y of profile.povertyGuidelines.years) {
      y.bySize.forEach((row, i) => {
        const prev = y.bySize[i - 1];
        if (prev) expect(row.value - prev.value, `${y.year} size ${i + 1}`).toBe(y.additionalPerson.value);
      });
    }
  });

  it('only names holiday calendars that have holidays', () => {
    const used = new Set(profile.holidays.rules.flatMap((r) => r.value.calendars));
    for (const { path: at, fact } of collectFacts(profile.clocks)) {
      const calendar = (fact.value as { calendar: string }).calendar;
      expect(used.has(calendar as never), `${at} uses calendar "${calendar}"`).toBe(true);
    }
  });
});

describe('Minneapolis facts', () => {
  it('offers English, Spanish, Somali and Hmong under their own names', () => {
    expect(mpls.locale.languages.value.map((l) => [l.code, l.nativeName])).toEqual([
      ['en', 'English'],
      ['es', 'Español'],
      ['so', 'Soomaali'],
      ['hmn', 'Hmoob'],
    ]);
    expect(mpls.locale.defaultLanguage.value).toBe('en');
    expect(mpls.locale.timezone.value).toBe('America/Chicago');
  });

  it('encodes the statutory clocks', () => {
    const c = mpls.clocks;
    const amount = (s: Sourced<{ amount: number; unit: string }> | undefined): string => (s ? `${s.value.amount} ${s.value.unit}` : 'missing');
    expect(amount(c.uVisaCertification)).toBe('30 days');
    expect(amount(c.uVisaCertificationExpedited)).toBe('7 days');
    expect(amount(c.uVisaCertificationStateMaximum)).toBe('90 days');
    expect(amount(c.uVisaCertificationStateMaximumExpedited)).toBe('14 days');
    expect(amount(c.biaAppeal)).toBe('30 days');
    expect(amount(c.petitionForReview)).toBe('30 days');
    expect(amount(c.motionToReopen)).toBe('90 days');
    expect(amount(c.asylumOneYear)).toBe('1 years');
    expect(amount(c.legalDefenseProviderAccept)).toBe('4 hours');
    expect(amount(c.legalDefenseFirstAttorneyContact)).toBe('24 hours');
    expect(c.asylumOneYear.value.dueOnNonBusinessDay).toBe('next-business-day');
    // Rollover for BIA appeals is UNVERIFIED, so the clock keeps the earlier date.
    expect(c.biaAppeal.value.dueOnNonBusinessDay).toBe('keep');
    expect(amount(c.uVisaDerivativeAgeOut)).toBe('21 years');
    expect(c.uVisaDerivativeAgeOut?.value.lastDay).toBe('day-before');
  });

  it('lets only the city U-visa rules be delayed for good cause, and no rule pause', () => {
    const c = mpls.clocks;
    expect(c.uVisaCertification.value.goodCauseReasons).toEqual(['offsite-records', 'other-good-cause']);
    expect(c.uVisaCertificationExpedited.value.goodCauseReasons).toEqual(['offsite-records', 'other-good-cause']);
    // The state statute has no good-cause exception, so a city delay can never pass its 90/14 days.
    expect(c.uVisaCertificationStateMaximum?.value.goodCauseReasons).toBeUndefined();
    expect(c.uVisaCertificationStateMaximumExpedited?.value.goodCauseReasons).toBeUndefined();
    for (const { path: at, fact } of collectFacts(c)) expect((fact.value as { pauseReasons?: unknown }).pauseReasons, at).toBeUndefined();
  });

  it('encodes the municipal ID design parameters and the IDNYC point rules', () => {
    const id = mpls.municipalId;
    expect([id.minimumAge.value, id.residencyDays.value, id.validityYears.value]).toEqual([13, 30, 4]);
    expect(id.pointRules.value).toMatchObject({ minTotalPoints: 4, minIdentityPoints: 3, minResidencyPoints: 1 });
    expect(id.retainSourceDocuments.value).toBe(false);
    expect(id.variants.map((v) => v.value.id)).toEqual(['youth', 'adult', 'senior']);
  });

  it('turns off legal-defense income and merits screening, and non-citizen voting', () => {
    expect(mpls.incomeRules.legalDefenseIncomeScreening.value).toBe(false);
    expect(mpls.incomeRules.legalDefenseMeritsScreening.value).toBe(false);
    expect(mpls.municipalVoting.noncitizenVotingAllowedByLaw.value).toBe(false);
  });

  it('flags what reference/ marks UNVERIFIED, and our own estimates', () => {
    const flagged = [
      'clocks.motionToReconsider', // secondary sources conflict
      'clocks.motionToReopen', // cites unverified text
      'clocks.uVisaCertificationSignatureValidity', // 8 CFR 214.14(c)(2)(i) not retrieved
      'clocks.detainerMaximumHold', // weekend exclusion under I-247A
      'clocks.legalDefenseProviderAccept', // our estimate
      'clocks.legalDefenseFirstAttorneyContact', // our estimate
      'clockConventions.statuteDaysAreCalendarDays',
      'municipalId.programStatus', // launch UNVERIFIED
      'municipalId.dataClassifiedNonPublicByStatute', // HF 2374 enactment UNVERIFIED
      'municipalId.variants[1]', // fees are our estimate
      'povertyGuidelines.years[1].bySize[1]', // 2025 rows 2, 3, 5–8 are derived
      'povertyGuidelines.years[1].additionalPerson',
      'povertyGuidelines.years[2].bySize[0]', // 2026 table not retrieved
      'clinics.naturalizationEarlyFilingDays',
    ];
    for (const at of flagged) expect(factAt(mpls, at).unverified, at).toBe(true);
    const residencyDocs = mpls.municipalId.documents.filter((d) => d.value.residencyPoints > 0 && d.value.identityPoints === 0);
    expect(residencyDocs.length).toBeGreaterThan(0);
    for (const d of residencyDocs) expect(d.unverified, d.value.id).toBe(true); // IDNYC residency points not retrieved
    for (const h of mpls.holidays.rules) expect(h.unverified, h.value.id).toBe(true); // holidays are not in reference/
  });

  it('does not flag what reference/ marks VERIFIED', () => {
    const confirmed = [
      'clocks.uVisaCertification',
      'clocks.uVisaCertificationExpedited',
      'clocks.uVisaCertificationStateMaximum',
      'clocks.uVisaCertificationStateMaximumExpedited',
      'clocks.biaAppeal',
      'clocks.petitionForReview',
      'clocks.asylumOneYear',
      'municipalId.minimumAge',
      'municipalId.residencyDays',
      'municipalId.validityYears',
      'povertyGuidelines.years[1].bySize[0]', // 2025, one person
      'povertyGuidelines.years[1].bySize[3]', // 2025, four people
      'povertyGuidelines.years[2].effectiveDate', // 2026 effective 13 Jan 2026
      'labor.sickTime',
      'municipalVoting.noncitizenVotingAllowedByLaw',
    ];
    for (const at of confirmed) expect(factAt(mpls, at).unverified, at).toBeUndefined();
    const passport = mpls.municipalId.documents.find((d) => d.value.id === 'foreign-passport');
    expect(passport?.unverified).toBeUndefined();
  });

  it('points at geodata files that exist in the repository', () => {
    for (const file of [mpls.geography.cityBoundary.value, mpls.geography.precincts?.value]) {
      expect(file).toBeDefined();
      if (!file) continue;
      const inRepo = path.join(REPO_ROOT, file.path);
      expect(existsSync(inRepo), file.path).toBe(true);
      const geo = JSON.parse(readFileSync(inRepo, 'utf8')) as { type: string; features: unknown[] };
      expect(geo.type).toBe('FeatureCollection');
      expect(geo.features.length).toBeGreaterThan(0);
    }
  });
});

describe('Testville proves nothing is hard-coded', () => {
  it('is marked as a test profile and every local fact is flagged fictional', () => {
    expect(testville.isTestProfile).toBe(true);
    expect(testville.description).toMatch(/^TEST PROFILE/);
    const fictional = collectFacts(testville).filter((f) => f.fact.source.startsWith('Fictional'));
    expect(fictional.length).toBeGreaterThan(40);
    for (const f of fictional) expect(f.fact.unverified, f.path).toBe(true);
  });

  it('differs from Minneapolis where it matters', () => {
    expect(testville.locale.languages.value.map((l) => l.code)).toEqual(['en', 'es']);
    expect(testville.locale.defaultLanguage.value).toBe('es');
    expect(testville.locale.timezone.value).not.toBe(mpls.locale.timezone.value);
    expect(testville.municipalId.minimumAge.value).not.toBe(mpls.municipalId.minimumAge.value);
    expect(testville.municipalId.variants.map((v) => v.value.feeCents)).not.toEqual(mpls.municipalId.variants.map((v) => v.value.feeCents));
    expect(testville.clocks.uVisaCertification.value).not.toEqual(mpls.clocks.uVisaCertification.value);
    expect(testville.clocks.uVisaCertificationStateMaximum).toBeUndefined();
    expect(testville.incomeRules.legalDefenseIncomeScreening.value).toBe(true);
    expect(testville.tenants.screeningLookbackYears).toBeUndefined();
  });

  it('is the raw data the registry loads', () => {
    expect(validateJurisdiction(testvilleProfile)).toEqual([]);
    expect(validateJurisdiction(minneapolisProfile)).toEqual([]);
  });
});

describe('docs/jurisdiction.md', () => {
  const docsPath = path.join(REPO_ROOT, 'docs', 'jurisdiction.md');

  it('lists every unverified Minneapolis value in its table', () => {
    const docs = readFileSync(docsPath, 'utf8');
    // Index positions change as lists grow; the table names paths with [*] wildcards.
    const patterns = new Set(listUnverified(mpls).map((f) => f.path.replace(/\[\d+\]/g, '[*]')));
    for (const p of patterns) expect(docs, `docs/jurisdiction.md is missing \`${p}\``).toContain(`\`${p}\``);
  });
});
