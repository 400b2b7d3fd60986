/**
 * The qualifying criminal activity of INA 101(a)(15)(U)(iii) as data: the 28 named categories (the 26 of
 * Pub. L. 106-386 plus fraud in foreign labor contracting and stalking, as California Penal Code §679.10(c)
 * lists them "pursuant to Section 101(a)(15)(U)(iii)"), the attempt / conspiracy / solicitation modifiers,
 * and "any similar activity", which needs an explanation (reference/immigration-rules.md §1.2).
 *
 * Groups follow the Hennepin County Attorney's three buckets (violent crimes, trafficking crimes, crimes that
 * obstruct law enforcement). `tVisa` marks the categories that describe a severe form of trafficking in
 * persons (sex or labor trafficking: the old I-914 Supplement B Part C checkboxes), which a T-visa
 * declaration is about — our reading of the form, to review with the certifying agency.
 */

export interface QualifyingCrime {
  /** kebab-case code, stable (stored, and named by the jurisdiction profile's routing). */
  code: string;
  group: 'violent' | 'trafficking' | 'obstruction';
  /** A T-visa (I-914 Supp. B) request can rest on it. */
  tVisa: boolean;
}

export const QUALIFYING_CRIMES: readonly QualifyingCrime[] = [
  { code: 'rape', group: 'violent', tVisa: false },
  { code: 'torture', group: 'violent', tVisa: false },
  { code: 'trafficking', group: 'trafficking', tVisa: true },
  { code: 'incest', group: 'violent', tVisa: false },
  { code: 'domestic-violence', group: 'violent', tVisa: false },
  { code: 'sexual-assault', group: 'violent', tVisa: false },
  { code: 'abusive-sexual-contact', group: 'violent', tVisa: false },
  { code: 'prostitution', group: 'trafficking', tVisa: false },
  { code: 'sexual-exploitation', group: 'trafficking', tVisa: false },
  { code: 'female-genital-mutilation', group: 'violent', tVisa: false },
  { code: 'being-held-hostage', group: 'violent', tVisa: false },
  { code: 'peonage', group: 'trafficking', tVisa: true },
  { code: 'involuntary-servitude', group: 'trafficking', tVisa: true },
  { code: 'slave-trade', group: 'trafficking', tVisa: true },
  { code: 'kidnapping', group: 'violent', tVisa: false },
  { code: 'abduction', group: 'violent', tVisa: false },
  { code: 'unlawful-criminal-restraint', group: 'violent', tVisa: false },
  { code: 'false-imprisonment', group: 'violent', tVisa: false },
  { code: 'blackmail', group: 'violent', tVisa: false },
  { code: 'extortion', group: 'violent', tVisa: false },
  { code: 'manslaughter', group: 'violent', tVisa: false },
  { code: 'murder', group: 'violent', tVisa: false },
  { code: 'felonious-assault', group: 'violent', tVisa: false },
  { code: 'witness-tampering', group: 'obstruction', tVisa: false },
  { code: 'obstruction-of-justice', group: 'obstruction', tVisa: false },
  { code: 'perjury', group: 'obstruction', tVisa: false },
  { code: 'fraud-in-foreign-labor-contracting', group: 'trafficking', tVisa: false },
  { code: 'stalking', group: 'violent', tVisa: false },
];

/** "Any similar activity in violation of Federal, State, or local criminal law": needs an explanation. */
export const SIMILAR_ACTIVITY = 'similar-activity';

/** The modifiers that extend every category: "attempt, conspiracy, or solicitation to commit". */
export const CRIME_MODIFIERS = ['attempt', 'conspiracy', 'solicitation'] as const;
export type CrimeModifier = (typeof CRIME_MODIFIERS)[number];

/** Every code a request may name: the 28 categories and "similar activity". */
export const CRIME_CODES: readonly string[] = [...QUALIFYING_CRIMES.map((c) => c.code), SIMILAR_ACTIVITY];

const byCode = new Map(QUALIFYING_CRIMES.map((c) => [c.code, c]));

/** True for one of the 28 named categories (not "similar activity"). */
export function isQualifyingCrime(code: string): boolean {
  return byCode.has(code);
}

/** True when a T-visa declaration can rest on these crimes (a trafficking category, or similar activity explained). */
export function supportsTVisa(codes: readonly string[]): boolean {
  return codes.some((c) => c === SIMILAR_ACTIVITY || byCode.get(c)?.tVisa === true);
}

/** Message key of a crime code. */
export function crimeLabelKey(code: string): string {
  return `u-visa.crime.${code}`;
}
