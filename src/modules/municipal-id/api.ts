/**
 * What other modules may use of the municipal ID module: the residency check (is an address inside the city),
 * so a program that serves "city residents" decides residency the same way the ID does. It returns a
 * placement only — the address is not kept by this module, and the caller decides whether to keep anything.
 */
export { type AddressCheck, checkAddress, defaultGeocoder } from './residency/residency.service.ts';
export type { AddressQuery, Geocoder, MatchQuality } from './residency/geocoder.ts';
