/**
 * The rules of the outside-demand gate (DESIGN §3.6; security-reliability §3.8, R15, R16; immigration-rules
 * §2.1–2.2). Pure functions: no database, no clock of their own, so every rule is tested directly.
 *
 * The one rule that matters most: **only a judicial warrant or a court order can ever unlock a disclosure**,
 * and only when its face passes the staff checklist (issued by a court, signed by a judge who is named, the
 * court and case number named, specific records in scope, not expired). An administrative warrant (I-200,
 * I-205), a detainer (I-247A), an administrative subpoena, an informal request or anything else is recorded
 * and declined with its reason — there is no code path that approves it.
 */

/** What kind of instrument the demand is. */
export const DEMAND_TYPES = [
  'judicial_warrant',
  'court_order',
  'administrative_warrant',
  'detainer',
  'administrative_subpoena',
  'informal_request',
  'other',
] as const;
export type DemandType = (typeof DEMAND_TYPES)[number];

/** The only types that may be approved (NY VTL §201(12)(a) model). */
export const APPROVABLE_TYPES: readonly DemandType[] = ['judicial_warrant', 'court_order'];

/** Form numbers printed on the document; every DHS form marks an administrative instrument. */
export const FORM_NUMBERS = ['none', 'I-200', 'I-205', 'I-247A', 'I-247D', 'I-247N', 'I-247X', 'I-138', 'other'] as const;
export type FormNumber = (typeof FORM_NUMBERS)[number];

/** Forms issued by immigration officers, never by a court (immigration-rules §2.1, checklist item 5). */
export const DHS_FORMS: readonly FormNumber[] = ['I-200', 'I-205', 'I-247A', 'I-247D', 'I-247N', 'I-247X', 'I-138'];

/** How the demand arrived. Informal requests come by phone, email or in person. */
export const CHANNELS = ['in_person', 'phone', 'email', 'mail', 'fax', 'court_service', 'other'] as const;
export type DemandChannel = (typeof CHANNELS)[number];

/** Who issued the demand, by kind (the name is recorded separately). */
export const AGENCY_KINDS = [
  'ice',
  'cbp',
  'uscis',
  'dhs_other',
  'fbi',
  'other_federal',
  'state',
  'county',
  'local_police',
  'court',
  'private_party',
  'other',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

/** Where a person's notice stands. */
export const NOTICE_STATUSES = ['pending', 'deferred', 'sent', 'given', 'not_possible'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** How the person was told. `email`/`sms` go through the notification queue; the others are recorded by staff. */
export const NOTICE_METHODS = ['email', 'sms', 'phone', 'in_person', 'mail', 'other'] as const;
export type NoticeMethod = (typeof NOTICE_METHODS)[number];

/** Where a demand stands. */
export const DEMAND_STATUSES = ['pending_review', 'approved', 'declined', 'disclosed'] as const;
export type DemandStatus = (typeof DEMAND_STATUSES)[number];

/** On whom it was served. */
export const SERVED_ON = ['front_desk', 'program_staff', 'counsel', 'city_clerk', 'records_office', 'other'] as const;
export type ServedOn = (typeof SERVED_ON)[number];

/** Answers to a checklist question; `unknown` never satisfies a requirement. */
export const TRI_STATE = ['yes', 'no', 'unknown'] as const;
export type TriState = (typeof TRI_STATE)[number];

/** Why a demand was declined. The first group follows from the type; the second from the checklist; the last from counsel. */
export const DECLINE_REASONS = [
  'administrative_warrant_not_judicial',
  'detainer_not_court_order',
  'administrative_subpoena_not_court_ordered',
  'informal_request_no_legal_process',
  'other_not_judicial',
  'dhs_form_not_judicial',
  'not_issued_by_court',
  'not_signed_by_judge',
  'no_court_named',
  'no_case_number',
  'scope_not_specific',
  'expired',
  'not_authentic',
  'outside_jurisdiction',
  'overbroad',
  'no_responsive_records',
  'withdrawn',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** Reasons counsel may choose when declining a judicial instrument (the others are computed). */
export const COUNSEL_DECLINE_REASONS: readonly DeclineReason[] = [
  'not_authentic',
  'outside_jurisdiction',
  'overbroad',
  'no_responsive_records',
  'withdrawn',
  'not_issued_by_court',
  'not_signed_by_judge',
  'no_court_named',
  'no_case_number',
  'scope_not_specific',
  'expired',
  'dhs_form_not_judicial',
];

/** The reason a non-judicial type is declined, whatever its checklist says. */
export const TYPE_DECLINE_REASON: Readonly<Record<Exclude<DemandType, 'judicial_warrant' | 'court_order'>, DeclineReason>> = {
  administrative_warrant: 'administrative_warrant_not_judicial',
  detainer: 'detainer_not_court_order',
  administrative_subpoena: 'administrative_subpoena_not_court_ordered',
  informal_request: 'informal_request_no_legal_process',
  other: 'other_not_judicial',
};

/** The face of the document, as staff recorded it with the checklist. */
export interface DemandChecklist {
  type: DemandType;
  formNumber: FormNumber;
  issuedByCourt: TriState;
  signedByJudge: TriState;
  judgeName: string | null;
  courtName: string | null;
  caseNumber: string | null;
  /** `YYYY-MM-DD`. */
  issuedOn: string | null;
  expiresOn: string | null;
  /** How many specific records (program + record id) the demand names. */
  scopeRecords: number;
}

/** What the gate concludes about a demand. */
export interface DemandEvaluation {
  /** True only for a judicial warrant or court order whose checklist passes. */
  approvable: boolean;
  /** Every reason that stands in the way, most fundamental first; empty when approvable. */
  reasons: DeclineReason[];
}

function blank(s: string | null | undefined): boolean {
  return s === null || s === undefined || s.trim() === '';
}

/** True for the two instrument types that can ever be approved. */
export function isApprovableType(type: DemandType): boolean {
  return APPROVABLE_TYPES.includes(type);
}

/**
 * Evaluates a demand against the rules. `today` is the current date (`YYYY-MM-DD`, in the city's time zone)
 * for the expiry check.
 */
export function evaluateDemand(c: DemandChecklist, today: string): DemandEvaluation {
  const reasons: DeclineReason[] = [];
  if (!isApprovableType(c.type)) {
    reasons.push(TYPE_DECLINE_REASON[c.type as keyof typeof TYPE_DECLINE_REASON]);
    return { approvable: false, reasons };
  }
  // A "warrant" carrying a DHS form number is an administrative instrument, whatever it calls itself.
  if (DHS_FORMS.includes(c.formNumber)) reasons.push('dhs_form_not_judicial');
  if (c.issuedByCourt !== 'yes') reasons.push('not_issued_by_court');
  if (c.signedByJudge !== 'yes' || blank(c.judgeName)) reasons.push('not_signed_by_judge');
  if (blank(c.courtName)) reasons.push('no_court_named');
  if (blank(c.caseNumber)) reasons.push('no_case_number');
  if (c.scopeRecords < 1) reasons.push('scope_not_specific');
  if (c.expiresOn !== null && c.expiresOn < today) reasons.push('expired');
  return { approvable: reasons.length === 0, reasons };
}

/** Roles as the approval rule sees them. */
export interface Approver {
  userId: string;
  /** Roles held when approving. */
  roles: readonly string[];
}

/** Result of the two-person rule. */
export type ApprovalState =
  | { complete: true }
  | { complete: false; missing: 'counsel' | 'second_person' | 'both' };

/**
 * The two-person rule: approvals by at least two different people, at least one of them counsel. Duplicate
 * approvals by one person count once.
 */
export function approvalState(approvals: readonly Approver[]): ApprovalState {
  const people = new Map<string, readonly string[]>();
  for (const a of approvals) people.set(a.userId, [...(people.get(a.userId) ?? []), ...a.roles]);
  const hasCounsel = [...people.values()].some((roles) => roles.includes('counsel'));
  const enough = people.size >= 2;
  if (hasCounsel && enough) return { complete: true };
  if (!hasCounsel && !enough) return { complete: false, missing: 'both' };
  return { complete: false, missing: hasCounsel ? 'second_person' : 'counsel' };
}

/** Days the approved disclosure stays available to download. */
export const DISCLOSURE_VALID_DAYS = 7;
/**
 * The notice clock when the jurisdiction profile has none (N.Y. VTL §201(12)(a): three days). The running app
 * uses the profile's `clocks.outsideDemandSubjectNotice`.
 */
export const DEFAULT_NOTICE_CLOCK: NoticeClock = { amount: 3, unit: 'days', dueOnNonBusinessDay: 'keep' };

/** The parts of a jurisdiction clock rule the notice deadline uses. */
export interface NoticeClock {
  amount: number;
  unit: 'hours' | 'days' | 'business-days' | 'months' | 'years';
  dueOnNonBusinessDay: 'keep' | 'next-business-day' | 'previous-business-day';
}

/** The city's calendar: local dates and business days (from the jurisdiction profile). */
export interface BusinessCalendar {
  localDate(instant: Date): string;
  isBusinessDay(isoDate: string): boolean;
}

const DAY_MS = 86_400_000;

/**
 * When an approved disclosure stops being available: seven days after approval, or the end of the
 * instrument's own expiry date if that is earlier.
 */
export function disclosureExpiry(approvedAt: Date, expiresOn: string | null): Date {
  const byPolicy = new Date(approvedAt.getTime() + DISCLOSURE_VALID_DAYS * DAY_MS);
  if (expiresOn === null) return byPolicy;
  const endOfExpiryDay = new Date(`${expiresOn}T23:59:59.999Z`);
  return endOfExpiryDay < byPolicy ? endOfExpiryDay : byPolicy;
}

/**
 * When the person must have been told: the clock applied to the time the demand was received. Business days
 * and the rule for a deadline that falls on a weekend or holiday follow the city's calendar.
 */
export function noticeDueAt(receivedAt: Date, clock: NoticeClock = DEFAULT_NOTICE_CLOCK, calendar?: BusinessCalendar): Date {
  const t = receivedAt.getTime();
  let due: Date;
  switch (clock.unit) {
    case 'hours':
      due = new Date(t + clock.amount * 3_600_000);
      break;
    case 'days':
      due = new Date(t + clock.amount * DAY_MS);
      break;
    case 'months':
    case 'years': {
      due = new Date(receivedAt);
      if (clock.unit === 'months') due.setUTCMonth(due.getUTCMonth() + clock.amount);
      else due.setUTCFullYear(due.getUTCFullYear() + clock.amount);
      break;
    }
    case 'business-days': {
      if (!calendar) throw new Error('noticeDueAt: a business-day clock needs the city calendar');
      due = new Date(t);
      for (let left = clock.amount; left > 0; ) {
        due = new Date(due.getTime() + DAY_MS);
        if (calendar.isBusinessDay(calendar.localDate(due))) left--;
      }
      break;
    }
  }
  if (clock.dueOnNonBusinessDay !== 'keep' && calendar) {
    const step = clock.dueOnNonBusinessDay === 'next-business-day' ? DAY_MS : -DAY_MS;
    for (let guard = 0; guard < 30 && !calendar.isBusinessDay(calendar.localDate(due)); guard++) due = new Date(due.getTime() + step);
  }
  return due;
}

/** Calendar quarter of an ISO timestamp, e.g. `2026-Q4`. */
export function quarterOf(iso: string): string {
  const year = iso.slice(0, 4);
  const month = Number.parseInt(iso.slice(5, 7), 10);
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}
