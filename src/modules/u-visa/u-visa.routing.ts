/**
 * Which city department certifies a request. The departments and what each certifies are data in the
 * jurisdiction profile (`uVisa.certifyingAgencies`): Minneapolis sends U and T requests to the Police
 * Department when it investigated the crime, and U requests for misdemeanor domestic assault, stalking or
 * witness tampering prosecuted by the City Attorney's Office to that office. A request sent to the wrong
 * department is returned, so a request no rule fits is left unrouted for staff to route by hand.
 */
import type { Jurisdiction } from '../../core/jurisdiction/index.ts';
import type { VisaType } from './u-visa.schemas.ts';

/** A certifying department as the profile lists it. */
export type CertifyingAgency = Jurisdiction['uVisa']['certifyingAgencies']['value'][number];

/** The profile's certifying departments. */
export function certifyingAgencies(jurisdiction: Jurisdiction): readonly CertifyingAgency[] {
  return jurisdiction.uVisa.certifyingAgencies.value;
}

/** True when the department certifies this visa type for these crimes. */
export function agencyCertifies(agency: CertifyingAgency, visaType: VisaType, crimes: readonly string[]): boolean {
  if (!agency.visaTypes.includes(visaType)) return false;
  return agency.crimes === undefined || crimes.some((c) => agency.crimes?.includes(c));
}

/**
 * The department a request goes to: the one that investigated or prosecuted the crime (`agency`), if it
 * certifies this visa type and these crimes; otherwise `null` (staff route it, or return it to the requester).
 */
export function routeRequest(jurisdiction: Jurisdiction, request: { agency: string; visaType: VisaType; crimes: readonly string[] }): string | null {
  const agency = certifyingAgencies(jurisdiction).find((a) => a.id === request.agency);
  return agency && agencyCertifies(agency, request.visaType, request.crimes) ? agency.id : null;
}
