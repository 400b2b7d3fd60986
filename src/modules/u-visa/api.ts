/**
 * What other modules and the platform may use of the U-visa module. Nothing here returns personal data.
 */
export { U_VISA_FORM_ID, U_VISA_RETENTION_DAYS, REQUEST_STATUSES, type RequestStatus } from './u-visa.service.ts';
export { QUALIFYING_CRIMES, CRIME_MODIFIERS, SIMILAR_ACTIVITY } from './u-visa.crimes.ts';
export { U_VISA_PERMISSIONS } from './u-visa.policy.ts';
