/**
 * `core/forms`: guided multi-step public forms (one question per page, check answers, confirmation,
 * save and resume). Modules import from here. See `docs/forms.md`.
 */
export {
  DEFAULT_DRAFT_DAYS,
  DEFAULT_MAX_LENGTH,
  FIELD_TYPES,
  PRIVACY_CLASSES,
  defineForm,
  draftDaysOf,
  fieldsOf,
  maxLengthOf,
  submissionDaysOf,
  type AnswerValue,
  type Answers,
  type ChoiceDefinition,
  type ChoiceSource,
  type FieldDefinition,
  type FieldPrivacy,
  type FieldType,
  type FormDefinition,
  type FormStatus,
  type PrivacyClass,
  type RetentionDefinition,
  type StepContext,
  type StepDefinition,
  type StepPanel,
  type SubmitContext,
} from './form-definition.ts';
export { FormDefinitionError, FormRegistry } from './form-registry.ts';
export { RESERVED_STEP_IDS, validateFormDefinition } from './form-validation.ts';
export { referenceCodeIndex } from './form-lookup.ts';
export { purgeExpiredDrafts } from './forms.service.ts';
export { registerFormRoutes, draftCookieName } from './forms.routes.tsx';
export { formsMigrations } from './forms.migrations.ts';
export { formsCatalogs } from './forms.catalogs.ts';
