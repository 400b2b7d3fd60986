/**
 * National figures that put the program's own outcomes in context: what counsel changes for detained people
 * elsewhere (New York's NYIFUP, the Vera SAFE Network, the American Immigration Council's national study). They
 * are shown on the public outcomes page with their sources, never mixed into the city's figures: the studies
 * count differently (their "successful outcome" is relief or termination allowing the person to remain, over
 * completed cases), so they are context, not a comparison.
 *
 * Each is a sourced fact (`core/jurisdiction/sourced.ts`): `unverified` where the research found the number only
 * in a secondary summary, as reference/immigration-rules.md §5 marks it. They are national (not this city's), so
 * they live with the module, not in a jurisdiction profile.
 */
import type { Sourced } from '../../core/jurisdiction/index.ts';
import { fact, unverified } from '../../core/jurisdiction/index.ts';

const REF = 'reference/immigration-rules.md §5';

/** A share with counsel and without, 0–1. */
export interface WithAndWithout {
  withCounsel: number;
  withoutCounsel: number;
}

/** One national figure: the message that states it (its ICU arguments are the percentages) and its sources. */
export interface Baseline {
  id: string;
  /** Message key; arguments `with` and `without` (whole percentages), or `share` for a single figure. */
  messageKey: string;
  figure: Sourced<WithAndWithout | { share: number }>;
  /** Where a reader checks it (the pages the research read). */
  links: ReadonlyArray<{ href: string; title: string }>;
}

export const BASELINES: readonly Baseline[] = [
  {
    id: 'nyifup',
    messageKey: 'legal-defense.outcomes.baseline.nyifup',
    figure: fact<WithAndWithout>(
      { withCounsel: 0.48, withoutCounsel: 0.04 },
      `Stave, Markowitz et al., Evaluation of the New York Immigrant Family Unity Project (Vera Institute of Justice, Nov 2017); ${REF}`,
      'Successful outcomes (the person may remain) for detained people with NYIFUP counsel, against 4% for detained people without counsel before the program. Vera\'s exact definition of "successful outcome" was read only in secondary sources: confirm it in the evaluation before comparing.',
    ),
    links: [
      { href: 'https://www.vera.org/pieces/state-and-local-governments-provide-representation-for-immigrants', title: 'Vera Institute of Justice' },
      { href: 'http://www.civilrighttocounsel.org/major_developments/1183', title: 'National Coalition for a Civil Right to Counsel' },
    ],
  },
  {
    id: 'safe',
    messageKey: 'legal-defense.outcomes.baseline.safe',
    figure: fact<WithAndWithout>(
      { withCounsel: 0.38, withoutCounsel: 0.03 },
      `Vera Institute of Justice, SAFE Network first year; ${REF}`,
      'Completed SAFE-represented cases with a successful outcome (the client may remain in the U.S.), against about 3% of unrepresented cases nationwide.',
    ),
    links: [{ href: 'https://www.vera.org/embracing-human-dignity/promoting-safety-trust-and-justice-in-a-more-diverse-america', title: 'Vera Institute of Justice' }],
  },
  {
    id: 'aic-represented',
    messageKey: 'legal-defense.outcomes.baseline.aicRepresented',
    figure: fact<{ share: number }>(
      { share: 0.14 },
      `Eagly & Shafer, Access to Counsel in Immigration Court (American Immigration Council, Sept 2016), 1.2 million cases 2007–2012; ${REF}`,
      'Share of detained people in immigration court who had a lawyer.',
    ),
    links: [{ href: 'https://www.americanimmigrationcouncil.org/research/access-counsel-immigration-court', title: 'American Immigration Council' }],
  },
  {
    id: 'aic-release',
    messageKey: 'legal-defense.outcomes.baseline.aicRelease',
    figure: unverified<WithAndWithout>(
      { withCounsel: 0.44, withoutCounsel: 0.11 },
      `Eagly & Shafer (AIC, 2016), as summarised at iv-law.blogspot.com (secondary); ${REF}`,
      'Detained people released after a custody hearing, with and without counsel. Read in a secondary summary only: check the study.',
    ),
    links: [
      { href: 'https://iv-law.blogspot.com/2016/09', title: 'iv-law.blogspot.com' },
      { href: 'https://www.americanimmigrationcouncil.org/research/access-counsel-immigration-court', title: 'American Immigration Council' },
    ],
  },
  {
    id: 'aic-relief',
    messageKey: 'legal-defense.outcomes.baseline.aicRelief',
    figure: unverified<WithAndWithout>(
      { withCounsel: 0.49, withoutCounsel: 0.23 },
      `Eagly & Shafer (AIC, 2016), as summarised at iv-law.blogspot.com (secondary); ${REF}`,
      'Detained people who sought relief and obtained it, with and without counsel. Read in a secondary summary only: check the study.',
    ),
    links: [
      { href: 'https://iv-law.blogspot.com/2016/09', title: 'iv-law.blogspot.com' },
      { href: 'https://www.americanimmigrationcouncil.org/research/access-counsel-immigration-court', title: 'American Immigration Council' },
    ],
  },
];

/** The ICU arguments of a baseline's message: whole percentages. */
export function baselineValues(b: Baseline): Record<string, number> {
  const v = b.figure.value;
  if ('share' in v) return { share: Math.round(v.share * 100) };
  return { with: Math.round(v.withCounsel * 100), without: Math.round(v.withoutCounsel * 100) };
}
