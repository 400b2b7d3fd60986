/**
 * The items a certifying official answers on Form I-918 Supplement B (U nonimmigrant status certification)
 * and Form I-914 Supplement B (declaration for trafficking victim), as data.
 *
 * Parts and items follow reference/immigration-rules.md §1.3–1.4: Part 1 (victim) and Part 2 (certifying
 * official and agency) of the 04/01/24 I-918 edition are verified; the later parts follow the commonly
 * described structure of the earlier edition (criminal acts, helpfulness, family members implicated,
 * certification, additional information), and the I-914 parts the older edition's A–D. Check both against
 * the current USCIS editions before relying on the item numbers.
 *
 * USCIS rejects a Supplement B with a blank required field (since 30 Jun 2020): every item here is
 * required unless `optional`, and each offers the answers USCIS accepts instead of a blank ("N/A", "None",
 * "Unknown"). An item that applies only after a certain answer (`when`) is answered "N/A" otherwise.
 */
import { CRIME_CODES, CRIME_MODIFIERS } from '../u-visa.crimes.ts';

/** The answers USCIS accepts instead of leaving an item blank. */
export const STOCK_ANSWERS = ['N/A', 'None', 'Unknown'] as const;
export type StockAnswer = (typeof STOCK_ANSWERS)[number];

export type SupplementForm = 'I-918B' | 'I-914B';

export interface SupplementField {
  /** camelCase; the input name and the answer key. */
  id: string;
  /** The part of the form (its heading: `u-visa.suppb.part.<form>.<part>`). */
  part: string;
  type: 'text' | 'textarea' | 'date' | 'choice' | 'multi';
  /** Values of a choice or multi item (labels `u-visa.suppb.option.<value>`, crimes `u-visa.crime.<code>`). */
  options?: readonly string[];
  /** Stock answers offered for the item. */
  offer: readonly StockAnswer[];
  /** May stay blank (the form marks it optional). */
  optional?: boolean;
  /** Set by the system, not typed (the signature date). */
  system?: boolean;
  /** The item applies only when this holds; otherwise its answer is "N/A". */
  when?: (answers: Readonly<Record<string, string>>) => boolean;
  /** Maximum length of a typed answer. */
  maxLength: number;
}

const YES_NO = ['yes', 'no'] as const;
const notHead = (a: Readonly<Record<string, string>>) => a.officialRole !== undefined && a.officialRole !== 'head' && a.officialRole !== 'judge';
const listIncludes = (field: string, value: string) => (a: Readonly<Record<string, string>>) => (a[field] ?? '').split(',').includes(value);

const victimPart = (part: string): SupplementField[] => [
  { id: 'victimFamilyName', part, type: 'text', offer: [], maxLength: 100 },
  { id: 'victimGivenName', part, type: 'text', offer: [], maxLength: 100 },
  { id: 'victimMiddleName', part, type: 'text', offer: ['N/A', 'None'], maxLength: 100 },
  { id: 'victimOtherNames', part, type: 'text', offer: ['None', 'Unknown', 'N/A'], maxLength: 200 },
  { id: 'victimDateOfBirth', part, type: 'date', offer: [], maxLength: 10 },
  { id: 'victimANumber', part, type: 'text', offer: ['None', 'Unknown'], maxLength: 20 },
  { id: 'victimGender', part, type: 'choice', options: ['male', 'female', 'another'], offer: [], maxLength: 20 },
];

const contact = (part: string): SupplementField[] => [
  { id: 'agencyAddress', part, type: 'textarea', offer: [], maxLength: 300 },
  { id: 'agencyPhone', part, type: 'text', offer: [], maxLength: 30 },
  { id: 'agencyEmail', part, type: 'text', offer: ['None'], maxLength: 254 },
];

const certification = (part: string): SupplementField[] => [
  { id: 'signatoryName', part, type: 'text', offer: [], maxLength: 100 },
  { id: 'signatureDate', part, type: 'date', offer: [], system: true, maxLength: 10 },
];

/** Form I-918 Supplement B. */
export const I918B_FIELDS: readonly SupplementField[] = [
  { id: 'trackingNumber', part: 'header', type: 'text', offer: ['N/A'], optional: true, maxLength: 60 },
  ...victimPart('1'),
  { id: 'officialRole', part: '2', type: 'choice', options: ['head', 'designated', 'judge'], offer: [], maxLength: 20 },
  { id: 'officialName', part: '2', type: 'text', offer: [], maxLength: 100 },
  { id: 'agencyName', part: '2', type: 'text', offer: [], maxLength: 150 },
  { id: 'officialTitle', part: '2', type: 'text', offer: [], maxLength: 150 },
  { id: 'headName', part: '2', type: 'text', offer: ['N/A'], when: notHead, maxLength: 100 },
  { id: 'headTitle', part: '2', type: 'text', offer: ['N/A'], when: notHead, maxLength: 150 },
  ...contact('2'),
  { id: 'agencyCaseNumber', part: '2', type: 'text', offer: ['Unknown', 'N/A'], maxLength: 60 },
  { id: 'courtFileNumber', part: '2', type: 'text', offer: ['N/A', 'Unknown'], maxLength: 60 },
  { id: 'crimes', part: '3', type: 'multi', options: CRIME_CODES, offer: [], maxLength: 1000 },
  { id: 'crimeModifiers', part: '3', type: 'multi', options: CRIME_MODIFIERS, offer: ['None'], maxLength: 100 },
  { id: 'similarActivity', part: '3', type: 'textarea', offer: ['N/A'], when: listIncludes('crimes', 'similar-activity'), maxLength: 1000 },
  { id: 'crimeDates', part: '3', type: 'text', offer: ['Unknown'], maxLength: 100 },
  { id: 'statutes', part: '3', type: 'textarea', offer: ['Unknown'], maxLength: 500 },
  { id: 'crimeLocation', part: '3', type: 'text', offer: ['Unknown'], maxLength: 200 },
  { id: 'crimeDescription', part: '3', type: 'textarea', offer: [], maxLength: 4000 },
  { id: 'injuries', part: '3', type: 'textarea', offer: ['None', 'Unknown'], maxLength: 2000 },
  { id: 'possessesInformation', part: '4', type: 'choice', options: YES_NO, offer: [], maxLength: 10 },
  { id: 'helpful', part: '4', type: 'choice', options: YES_NO, offer: [], maxLength: 10 },
  { id: 'notRefused', part: '4', type: 'choice', options: YES_NO, offer: [], maxLength: 10 },
  { id: 'helpfulnessDescription', part: '4', type: 'textarea', offer: [], maxLength: 4000 },
  { id: 'investigationStatus', part: '4', type: 'choice', options: ['ongoing', 'completed', 'none'], offer: [], maxLength: 20 },
  { id: 'familyImplicated', part: '5', type: 'choice', options: ['yes', 'no', 'unknown'], offer: [], maxLength: 10 },
  { id: 'familyImplicatedDetails', part: '5', type: 'textarea', offer: ['N/A'], when: (a) => a.familyImplicated === 'yes', maxLength: 2000 },
  ...certification('6'),
  { id: 'additionalInformation', part: '7', type: 'textarea', offer: ['None'], maxLength: 4000 },
];

/** Form I-914 Supplement B. */
export const I914B_FIELDS: readonly SupplementField[] = [
  { id: 'trackingNumber', part: 'header', type: 'text', offer: ['N/A'], optional: true, maxLength: 60 },
  ...victimPart('A'),
  { id: 'officialName', part: 'B', type: 'text', offer: [], maxLength: 100 },
  { id: 'officialTitle', part: 'B', type: 'text', offer: [], maxLength: 150 },
  { id: 'agencyName', part: 'B', type: 'text', offer: [], maxLength: 150 },
  { id: 'agencyType', part: 'B', type: 'choice', options: ['federal', 'state', 'local', 'tribal'], offer: [], maxLength: 20 },
  { id: 'agencyCategory', part: 'B', type: 'choice', options: ['law-enforcement', 'prosecutor', 'judge', 'other-agency'], offer: [], maxLength: 20 },
  { id: 'caseStatus', part: 'B', type: 'choice', options: ['ongoing', 'completed', 'none'], offer: [], maxLength: 20 },
  { id: 'agencyCaseNumber', part: 'B', type: 'text', offer: ['Unknown', 'N/A'], maxLength: 60 },
  { id: 'fbiOrSidNumber', part: 'B', type: 'text', offer: ['None', 'Unknown', 'N/A'], maxLength: 60 },
  ...contact('B'),
  { id: 'traffickingTypes', part: 'C', type: 'multi', options: ['sex-trafficking-force', 'sex-trafficking-minor', 'labor-trafficking'], offer: [], maxLength: 200 },
  { id: 'victimCooperated', part: 'C', type: 'choice', options: ['yes', 'no', 'no-request'], offer: [], maxLength: 20 },
  { id: 'crimeDates', part: 'C', type: 'text', offer: ['Unknown'], maxLength: 100 },
  { id: 'statutes', part: 'C', type: 'textarea', offer: ['Unknown'], maxLength: 500 },
  { id: 'crimeLocation', part: 'C', type: 'text', offer: ['Unknown'], maxLength: 200 },
  { id: 'crimeDescription', part: 'C', type: 'textarea', offer: [], maxLength: 4000 },
  ...certification('D'),
  { id: 'additionalInformation', part: 'E', type: 'textarea', offer: ['None'], maxLength: 4000 },
];

/** The fields of one form. */
export function supplementFields(form: SupplementForm): readonly SupplementField[] {
  return form === 'I-918B' ? I918B_FIELDS : I914B_FIELDS;
}

/** The form a request's visa type needs. */
export function supplementFormFor(visaType: 'U' | 'T'): SupplementForm {
  return visaType === 'U' ? 'I-918B' : 'I-914B';
}

/** The parts of a form, in order. */
export function supplementParts(form: SupplementForm): string[] {
  return [...new Set(supplementFields(form).map((f) => f.part))];
}

/** A problem with one item: blank where an answer is required, or not one of its options. */
export interface SupplementProblem {
  field: string;
  key: 'u-visa.error.blankAtSigning' | 'u-visa.error.invalidAnswer';
}

/** True when a stored answer counts as given (not blank, not only spaces). */
export function isAnswered(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

/**
 * Every problem that would make USCIS reject the form: a required item left blank, or an answer that is not
 * one of its options (nor a stock answer where one is offered). The system items (the signature date) are
 * checked after signing sets them. Items whose `when` does not hold must say "N/A".
 */
export function supplementProblems(form: SupplementForm, answers: Readonly<Record<string, string>>, options: { includeSystem?: boolean } = {}): SupplementProblem[] {
  const out: SupplementProblem[] = [];
  for (const f of supplementFields(form)) {
    if (f.system && !options.includeSystem) continue;
    const value = answers[f.id];
    if (!isAnswered(value)) {
      if (!f.optional) out.push({ field: f.id, key: 'u-visa.error.blankAtSigning' });
      continue;
    }
    const v = (value as string).trim();
    if ((STOCK_ANSWERS as readonly string[]).includes(v)) {
      if (!f.offer.includes(v as StockAnswer) && !(f.when && !f.when(answers) && v === 'N/A')) out.push({ field: f.id, key: 'u-visa.error.invalidAnswer' });
      continue;
    }
    if (f.type === 'choice' && !f.options?.includes(v)) out.push({ field: f.id, key: 'u-visa.error.invalidAnswer' });
    if (f.type === 'multi' && v.split(',').some((x) => !f.options?.includes(x))) out.push({ field: f.id, key: 'u-visa.error.invalidAnswer' });
    if (f.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) out.push({ field: f.id, key: 'u-visa.error.invalidAnswer' });
    if (v.length > f.maxLength) out.push({ field: f.id, key: 'u-visa.error.invalidAnswer' });
  }
  return out;
}

/** Answers with every item whose `when` does not hold set to "N/A" (so nothing is left blank by a branch). */
export function withBranchAnswers(form: SupplementForm, answers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...answers };
  for (const f of supplementFields(form)) if (f.when && !f.when(out)) out[f.id] = 'N/A';
  return out;
}
