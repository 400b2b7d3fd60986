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

/**
 * The answers to start from: what the request and the case facts already say, with stock answers where the
 * request says there is nothing (no middle name: "N/A"; no A-number: "None"). The official reviews and
 * completes the rest; nothing is invented.
 */
export function draftSupplement(jurisdiction: Jurisdiction, request: RequestDetail, official: { name: string }): SupplementAnswers {
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
    similarActivity: request.crimes.similarActivity,
    crimeDates: dates,
    statutes: facts.statutes,
    crimeLocation: facts.crimeLocation,
    crimeDescription: facts.description,
    injuries: facts.injuries,
    helpfulnessDescription: request.helpfulnessAccount,
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
    if (v !== undefined && v !== '') out[f.id] = v;
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
