/**
 * Where detained people from the city are held: the configurable list intake offers (a code per place), with
 * "not known" and "somewhere else" always available. A report naming a code not on this list is refused, so a
 * typo in a partner's system never files a person under a place that does not exist.
 *
 * Seed list for Minneapolis from the research on county jails holding people for ICE (Freeborn and Kandiyohi
 * active in 2025; Sherburne reported both ways; people are first held at the Whipple Federal Building and the
 * Hennepin County jail before transfer). The program confirms it with its providers; a city edits this list.
 */
export interface Facility {
  /** kebab-case code stored (sealed) with the case. */
  id: string;
  /** Proper name (not translated). */
  name: string;
  kind: 'ice-office' | 'county-jail' | 'ice-processing';
  /** Two-letter state, to group transfers out of state. */
  state: string;
}

export const FACILITIES: readonly Facility[] = [
  { id: 'whipple-federal-building', name: 'Bishop Henry Whipple Federal Building (ICE, Fort Snelling)', kind: 'ice-office', state: 'MN' },
  { id: 'hennepin-county-jail', name: 'Hennepin County Jail (Minneapolis)', kind: 'county-jail', state: 'MN' },
  { id: 'sherburne-county-jail', name: 'Sherburne County Jail (Elk River)', kind: 'county-jail', state: 'MN' },
  { id: 'freeborn-county-adc', name: 'Freeborn County Adult Detention Center (Albert Lea)', kind: 'county-jail', state: 'MN' },
  { id: 'kandiyohi-county-jail', name: 'Kandiyohi County Jail (Willmar)', kind: 'county-jail', state: 'MN' },
];

/** Answers besides a listed place: not known yet, or a place not on the list (described in words). */
export const FACILITY_OTHER = ['unknown', 'other'] as const;

/** True for a listed facility code or one of {@link FACILITY_OTHER}. */
export function isFacilityChoice(code: string): boolean {
  return FACILITIES.some((f) => f.id === code) || (FACILITY_OTHER as readonly string[]).includes(code);
}

/** The facility's name, or undefined for `unknown`/`other`. */
export function facilityName(code: string): string | undefined {
  return FACILITIES.find((f) => f.id === code)?.name;
}
