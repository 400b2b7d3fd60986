import type { AppContext } from '../../src/core/modules/context.ts';
import { certify, saveSupplement } from '../../src/modules/u-visa/u-visa.decisions.ts';
import { type StaffActor, readRequest } from '../../src/modules/u-visa/u-visa.service.ts';
import { draftSupplement } from '../../src/modules/u-visa/supplement-b/supplement-b.answers.ts';
import { createApiToken } from '../../src/core/auth/api-tokens.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import type { TestApp } from '../helpers/app.ts';
import { type StaffBrowser, signInAs } from '../helpers/staff.ts';
import { expect } from 'vitest';
import { I918B_FIELDS } from '../../src/modules/u-visa/supplement-b/supplement-b.fields.ts';

/** A complete, valid request body (the API's JSON / the staff form's fields). */
export function validRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    visaType: 'U',
    requesterRole: 'attorney',
    requesterName: 'Ana Abogada',
    requesterOrganisation: 'Centro Legal',
    releaseType: 'attorney-notice-of-appearance',
    releaseDate: '2026-10-01',
    crimes: ['domestic-violence', 'felonious-assault'],
    crimeModifiers: [],
    agency: 'mpd',
    caseNumber: 'CCN 26-123456',
    crimeDate: '2026-06-14',
    victimFamilyName: 'García López',
    victimGivenName: 'María',
    victimDateOfBirth: '1991-02-03',
    victimGender: 'female',
    helpfulness: 'Llamó al 911, dio una declaración e identificó al agresor.',
    expedite: 'no',
    language: 'es',
    contactMethod: 'email',
    email: 'ana.abogada@example.org',
    ...overrides,
  };
}

/** A partner attorney's account with a token scoped to filing U-visa requests. */
export async function attorneyToken(t: TestApp): Promise<{ browser: StaffBrowser; token: string; tokenId: string }> {
  const browser = await signInAs(t, 'partner-attorney');
  const { id, token } = await createApiToken(t.ctx, { userId: browser.userId, label: 'Centro Legal case system', scopes: ['u-visa.api.file'], days: 90, actor: OPERATOR });
  return { browser, token, tokenId: id };
}

/** Files through the API with a bearer token (no cookies: as a partner's server does). */
export async function apiFile(t: TestApp, token: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/u-visa/requests',
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
  });
}

/** Counts rows of the module's tables (to prove a refused request wrote nothing). */
export async function counts(ctx: AppContext): Promise<Record<string, number>> {
  const n = async (table: 'u_visa_requests' | 'u_visa_actions' | 'clocks' | 'subjects') =>
    Number((await ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { requests: await n('u_visa_requests'), actions: await n('u_visa_actions'), clocks: await n('clocks'), subjects: await n('subjects') };
}

/** What the API returns for a request. */
export interface ApiStatus {
  id: string;
  reference?: string;
  status: string;
  visaType: string;
  expedited: boolean;
  department: string | null;
  receivedAt: string;
  dueDate: string | null;
  daysLeft: number | null;
  decision: string | null;
  decidedAt: string | null;
  signedOn: string | null;
}

/** What the API returns for an error. */
export interface ApiError {
  error: { code: string; message: string; fields: Array<{ field: string; code: string; message: string }> };
}

/** The typed JSON of a response. */
export function body<T>(res: { json<U = unknown>(): U }): T {
  return res.json<T>();
}

/** The field errors of an API error response. */
export function fieldErrors(res: { json<U = unknown>(): U }): ApiError['error']['fields'] {
  return res.json<ApiError>().error.fields;
}

/**
 * What the official writes, in English, for the victim's helpfulness: the requests here are in Spanish, so
 * the requester's own account ("Llamó al 911…") is not prefilled into the English Supplement B.
 */
export const HELPFULNESS_EN = 'Called 911, gave a statement to the officers and identified the assailant.';

/** The official's answers that complete Supplement B, on top of the draft. */
export const COMPLETE = {
  officialRole: 'head',
  officialTitle: 'Chief of Police',
  agencyAddress: '350 S 5th St, Minneapolis, MN 55415',
  agencyPhone: '612 673 3000',
  agencyEmail: 'None',
  courtFileNumber: 'N/A',
  crimeDates: '06/14/2026',
  statutes: 'Minn. Stat. 609.2242',
  crimeLocation: 'Minneapolis, Minnesota',
  crimeDescription: 'Assault at home.',
  injuries: 'None',
  possessesInformation: 'yes',
  helpful: 'yes',
  notRefused: 'yes',
  helpfulnessDescription: HELPFULNESS_EN,
  investigationStatus: 'completed',
  familyImplicated: 'no',
  additionalInformation: 'None',
};

export async function certifyRequest(t: TestApp, actor: StaffActor, id: string): Promise<void> {
  const detail = await readRequest(t.ctx, actor, id);
  await saveSupplement(t.ctx, actor, id, { ...draftSupplement(t.ctx.jurisdiction, detail, { name: 'Dana Ruiz' }), ...COMPLETE });
  await certify(t.ctx, actor, id, { revision: (await readRequest(t.ctx, actor, id)).revision });
}


/** What the certifying official adds to the prefilled Supplement B. */
export const OFFICIAL_ANSWERS: Record<string, string> = {
  officialRole: 'designated',
  officialTitle: 'Lieutenant, Family Violence Unit',
  headName: 'Chief of Police',
  headTitle: 'Chief of Police',
  agencyAddress: '350 S 5th St, Minneapolis, MN 55415',
  agencyPhone: '612 673 3000',
  agencyEmail__stock: 'None',
  courtFileNumber__stock: 'N/A',
  crimeDates: '06/14/2026',
  statutes: 'Minn. Stat. 609.2242 (domestic assault); 609.222 (assault in the second degree)',
  crimeLocation: 'Minneapolis, Minnesota',
  crimeDescription: 'The victim was assaulted at home by her partner, who was arrested at the scene.',
  injuries: 'Bruising to the arms and face, documented by the responding officers.',
  possessesInformation: 'yes',
  helpful: 'yes',
  notRefused: 'yes',
  helpfulnessDescription: HELPFULNESS_EN,
  investigationStatus: 'ongoing',
  familyImplicated: 'no',
  additionalInformation__stock: 'None',
};

/** The Supplement B form as the page shows it, with the official's answers merged in. */
export async function fillSupplement(official: StaffBrowser, id: string, overrides: Record<string, string | string[]> = {}) {
  const page = await official.get(`/staff/u-visa/requests/${id}/supplement`);
  expect(page.statusCode).toBe(200);
  const form: Record<string, string | string[]> = {};
  // The values the page prefilled (inputs and textareas), as a browser would send them back.
  for (const m of page.body.matchAll(/<input class="usa-input[^"]*" id="field-(\w+)" name="\w+" type="(?:text|date)" value="([^"]*)"/g)) form[m[1] as string] = unescape(m[2] as string);
  for (const m of page.body.matchAll(/<textarea class="usa-textarea[^"]*" id="field-(\w+)"[^>]*>([^<]*)<\/textarea>/g)) form[m[1] as string] = unescape(m[2] as string);
  for (const m of page.body.matchAll(/type="(?:radio|checkbox)" id="field-(\w+)-\d+" name="(\w+)" value="([^"]*)" checked=""/g)) {
    const name = m[2] as string;
    const prev = form[name];
    form[name] = name.endsWith('__stock') || I918B_FIELDS.find((f) => f.id === name)?.type === 'choice' ? (m[3] as string) : [...(Array.isArray(prev) ? prev : []), m[3] as string];
  }
  return official.post(`/staff/u-visa/requests/${id}/supplement`, { ...form, ...OFFICIAL_ANSWERS, ...overrides });
}

function unescape(s: string): string {
  return s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

