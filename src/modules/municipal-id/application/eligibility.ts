/**
 * The rules of the jurisdiction's municipal ID, applied: age on a day, the card variant (and fee) for an age,
 * and the tally of a document plan against the point rules (identity and residency points, a document with a
 * photo, one with the date of birth). Every number comes from `ctx.jurisdiction.municipalId`; nothing here is
 * Minneapolis-specific.
 */
import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';

/** The municipal-ID part of a profile. */
type MunicipalId = Jurisdiction['municipalId'];
/** One document of the point table. */
export type IdDocument = MunicipalId['documents'][number]['value'];
/** One card variant (age band with its fee). */
export type IdVariant = MunicipalId['variants'][number]['value'];

/** The document a person without a fixed address brings to show residence (when the profile lists it). */
export const NO_FIXED_ADDRESS_DOCUMENT = 'shelter-letter';

/** Whole years between a `YYYY-MM-DD` birth date and a `YYYY-MM-DD` day (a 29 February birthday counts on 1 March). */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age--;
  return age;
}

/** The card variant for an age (the profile's bands tile every age from the minimum up). */
export function variantFor(jurisdiction: Jurisdiction, age: number): IdVariant | undefined {
  return jurisdiction.municipalId.variants
    .map((v) => v.value)
    .find((v) => age >= v.minAge && (v.maxAge === null || age <= v.maxAge));
}

/** The documents of the point table, in the profile's order. */
export function documentsOf(jurisdiction: Jurisdiction): IdDocument[] {
  return jurisdiction.municipalId.documents.map((d) => d.value);
}

/** The waiver categories the jurisdiction offers. */
export function waiversOf(jurisdiction: Jurisdiction): Array<{ id: string; label: string }> {
  return jurisdiction.municipalId.feeWaivers.value.map((w) => ({ id: w.id, label: w.label }));
}

/** What a document plan adds up to, and what is still missing. */
export interface PlanTally {
  identity: number;
  residency: number;
  total: number;
  photo: boolean;
  birthDate: boolean;
  /** Whether the no-fixed-address letter is in the plan; `null` when it is not required. */
  letter: boolean | null;
  need: { identity: number; residency: number; total: number; photo: boolean; birthDate: boolean };
  /** Requirements still missing, in the order the panel lists them. */
  missing: PlanGap[];
}

export type PlanGap =
  | { kind: 'identity'; points: number }
  | { kind: 'residency'; points: number }
  | { kind: 'total'; points: number }
  | { kind: 'photo' }
  | { kind: 'birth-date' }
  | { kind: 'letter' };

/**
 * Adds up a plan. Unknown document ids count for nothing (a stale draft after the table changed). With
 * `noFixedAddress`, the shelter or agency letter must be in the plan when the profile offers one.
 */
export function tallyPlan(jurisdiction: Jurisdiction, documentIds: readonly string[], options: { noFixedAddress: boolean }): PlanTally {
  const rules = jurisdiction.municipalId.pointRules.value;
  const table = new Map(documentsOf(jurisdiction).map((d) => [d.id, d]));
  const chosen = [...new Set(documentIds)].map((id) => table.get(id)).filter((d): d is IdDocument => d !== undefined);
  const identity = chosen.reduce((n, d) => n + d.identityPoints, 0);
  const residency = chosen.reduce((n, d) => n + d.residencyPoints, 0);
  const total = identity + residency;
  const photo = chosen.some((d) => d.hasPhoto);
  const birthDate = chosen.some((d) => d.showsDateOfBirth);
  const letterRequired = options.noFixedAddress && table.has(NO_FIXED_ADDRESS_DOCUMENT);
  const letter = letterRequired ? chosen.some((d) => d.id === NO_FIXED_ADDRESS_DOCUMENT) : null;
  const need = {
    identity: rules.minIdentityPoints,
    residency: rules.minResidencyPoints,
    total: rules.minTotalPoints,
    photo: rules.requirePhotoDocument,
    birthDate: rules.requireDateOfBirthDocument,
  };
  const missing: PlanGap[] = [];
  if (identity < need.identity) missing.push({ kind: 'identity', points: need.identity - identity });
  if (residency < need.residency) missing.push({ kind: 'residency', points: need.residency - residency });
  if (total < need.total) missing.push({ kind: 'total', points: need.total - total });
  if (need.photo && !photo) missing.push({ kind: 'photo' });
  if (need.birthDate && !birthDate) missing.push({ kind: 'birth-date' });
  if (letter === false) missing.push({ kind: 'letter' });
  return { identity, residency, total, photo, birthDate, letter, need, missing };
}
