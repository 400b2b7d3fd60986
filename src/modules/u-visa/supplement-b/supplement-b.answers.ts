/**
 * Supplement B answers: the draft the certifying official starts from (filled from the request and the case
 * facts staff recorded), and the answers a staff form posts, checked item by item.
 */
import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';
import type { RequestDetail, SupplementAnswers } from '../u-visa.service.ts';
import { type SupplementForm, STOCK_ANSWERS, supplementFields, supplementFormFor, withBranchAnswers } from './supplement-b.fields.ts';

/** `2026-03-05` → `03/05/2026`, the date format the USCIS forms print. */
export function uscisDate(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}` : iso;
}

/** What a draft is made from: the request as opened (its sealed parts decrypted), with its saved answers. */
export type DraftSource = Pick<
  RequestDetail,
  'reference' | 'visaType' | 'department' | 'language' | 'victim' | 'aNumber' | 'crimes' | 'casePart' | 'helpfulnessAccount' | 'supplement'
>;

/**
 * The items the request would fill with the requester's own words (free text, not names or numbers). The
 * answer sheet is in English, as USCIS forms are: these are prefilled only from a request written in English.
 * For a request in another language the official writes them in English, with the requester's text beside
 * the item as a reference ({@link requesterWords}).
 */
export const REQUESTER_NARRATIVE_ITEMS = ['helpfulnessDescription', 'similarActivity'] as const;
export type RequesterNarrativeItem = (typeof REQUESTER_NARRATIVE_ITEMS)[number];

/** The requester's own text for each narrative item, with the language it is written in. */
function narrativeOf(request: DraftSource): Record<RequesterNarrativeItem, string | undefined> {
  return { helpfulnessDescription: request.helpfulnessAccount, similarActivity: request.crimes.similarActivity };
}

/**
 * The requester's words that were not prefilled because the request is not in English: shown on the
 * Supplement B page beside their item (marked with the request's language) for the official to write the
 * answer in English. Empty for a request in English.
 */
export function requesterWords(request: DraftSource): Partial<Record<RequesterNarrativeItem, { text: string; lang: string }>> {
  if (request.language === 'en') return {};
  const out: Partial<Record<RequesterNarrativeItem, { text: string; lang: string }>> = {};
  for (const [item, text] of Object.entries(narrativeOf(request)) as Array<[RequesterNarrativeItem, string | undefined]>) {
    if (text !== undefined && text.trim() !== '') out[item] = { text, lang: request.language };
  }
  return out;
}

/**
 * The answers to start from: what the request and the case facts already say, with stock answers where the
 * request says there is nothing (no middle name: "N/A"; no A-number: "None"), and the official's saved
 * answers over them. The official reviews and completes the rest; nothing is invented. This is what the
 * Supplement B page shows and what signing checks and stores: a prefilled answer counts as given.
 *
 * The requester's own words prefill an item only when the request is in English ({@link REQUESTER_NARRATIVE_ITEMS}).
 * `official.name` (the certifying official's name and the signatory's) is left out when not known.
 */
export function draftSupplement(jurisdiction: Jurisdiction, request: DraftSource, official: { name?: string | undefined }): SupplementAnswers {
  const form = supplementFormFor(request.visaType);
  const facts = request.casePart.facts ?? {};
  const department = jurisdiction.uVisa.certifyingAgencies.value.find((a) => a.id === request.department);
  const dates = facts.crimeDateFrom
    ? facts.crimeDateTo && facts.crimeDateTo !== facts.crimeDateFrom
      ? `${uscisDate(facts.crimeDateFrom)} – ${uscisDate(facts.crimeDateTo)}`
      : uscisDate(facts.crimeDateFrom)
    : request.casePart.crimeDate
      ? uscisDate(request.casePart.crimeDate)
      : undefined;
  const narrative = request.language === 'en' ? narrativeOf(request) : { helpfulnessDescription: undefined, similarActivity: undefined };
  const a: Record<string, string | undefined> = {
    trackingNumber: request.reference,
    victimFamilyName: request.victim.familyName,
    victimGivenName: request.victim.givenName,
    victimMiddleName: request.victim.middleName ?? 'N/A',
    victimOtherNames: request.victim.otherNames ?? 'None',
    victimDateOfBirth: request.victim.dateOfBirth,
    victimANumber: request.aNumber ?? 'None',
    victimGender: request.victim.gender,
    officialName: official.name,
    signatoryName: official.name,
    agencyName: department?.name,
    agencyCaseNumber: facts.agencyCaseNumber ?? request.casePart.caseNumber,
    courtFileNumber: request.casePart.courtFileNumber,
    crimes: request.crimes.codes.join(','),
    crimeModifiers: request.crimes.modifiers.length > 0 ? request.crimes.modifiers.join(',') : 'None',
    similarActivity: narrative.similarActivity,
    crimeDates: dates,
    statutes: facts.statutes,
    crimeLocation: facts.crimeLocation,
    crimeDescription: facts.description,
    injuries: facts.injuries,
    helpfulnessDescription: narrative.helpfulnessDescription,
    investigationStatus: facts.investigationStatus,
    caseStatus: facts.investigationStatus,
    familyImplicated: facts.familyImplicated,
    familyImplicatedDetails: facts.familyImplicatedDetails,
    agencyType: 'local',
    agencyCategory: department ? 'law-enforcement' : undefined,
  };
  const out: SupplementAnswers = {};
  for (const f of supplementFields(form)) {
    const v = a[f.id];
    if (f.system || v === undefined || v.trim() === '') continue;
    out[f.id] = v;
  }
  return withBranchAnswers(form, { ...out, ...(request.supplement ?? {}) });
}

/** A field error of a posted Supplement B form. */
export interface AnswerError {
  field: string;
  key: string;
}

/**
 * Reads the answers a staff form posted: one value per item (a multi item's ticked values joined by
 * commas), trimmed; a stock answer chosen from the offered ones replaces what was typed. Unknown names are
 * refused. Returns the answers (blanks allowed: the draft is saved; signing checks completeness).
 */
export function readPostedAnswers(form: SupplementForm, body: Readonly<Record<string, unknown>>): { answers: SupplementAnswers; errors: AnswerError[] } {
  const fields = supplementFields(form);
  const known = new Set(['_csrf', 'revision', 'intent', 'lang', ...fields.flatMap((f) => [f.id, `${f.id}__stock`])]);
  const errors: AnswerError[] = [];
  for (const k of Object.keys(body)) if (!known.has(k)) errors.push({ field: k, key: 'u-visa.error.unknownField' });
  const answers: SupplementAnswers = {};
  for (const f of fields) {
    if (f.system) continue;
    const raw = body[f.id];
    const stock = body[`${f.id}__stock`];
    let value: string;
    // A repeated name is a list only for a multi item; for any other it is not something our page sends.
    if (Array.isArray(stock) || (Array.isArray(raw) && f.type !== 'multi')) {
      errors.push({ field: f.id, key: 'u-visa.error.invalidAnswer' });
      continue;
    }
    if (typeof stock === 'string' && stock !== '') {
      if (!(STOCK_ANSWERS as readonly string[]).includes(stock) || !f.offer.includes(stock as (typeof STOCK_ANSWERS)[number])) {
        errors.push({ field: f.id, key: 'u-visa.error.invalidAnswer' });
        continue;
      }
      value = stock;
    } else if (Array.isArray(raw)) {
      value = raw.filter((x): x is string => typeof x === 'string').join(',');
    } else {
      value = typeof raw === 'string' ? raw : '';
    }
    value = value.replace(/\r\n/g, '\n').trim();
    if (value.length > f.maxLength) errors.push({ field: f.id, key: 'u-visa.error.tooLong' });
    if (value !== '') answers[f.id] = value;
  }
  return { answers: withBranchAnswers(form, answers), errors };
}
