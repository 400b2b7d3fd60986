/**
 * What other modules and the platform's scheduler may use of the Office module. Nothing here returns
 * personal data.
 */
export { OFFICE_FORM_ID, OFFICE_RETENTION_DAYS } from './office.service.ts';
export { OFFICE_TOPICS, REQUEST_STATUSES, type OfficeTopic, type RequestStatus } from './office.schemas.ts';
