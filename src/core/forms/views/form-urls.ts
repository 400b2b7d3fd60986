import type { FormDefinition } from '../form-definition.ts';
import { CHECK_ANSWERS } from '../form-flow.ts';

/** URLs of a form's pages (`/forms/<id>/…`). */
export const formUrls = {
  start: (form: FormDefinition): string => `/forms/${form.id}`,
  begin: (form: FormDefinition): string => `/forms/${form.id}/start`,
  step: (form: FormDefinition, stepId: string, changing = false): string =>
    stepId === CHECK_ANSWERS ? `/forms/${form.id}/check` : `/forms/${form.id}/${stepId}${changing ? '?change=1' : ''}`,
  check: (form: FormDefinition): string => `/forms/${form.id}/check`,
  submit: (form: FormDefinition): string => `/forms/${form.id}/submit`,
  confirmation: (form: FormDefinition): string => `/forms/${form.id}/confirmation`,
  resume: (form: FormDefinition): string => `/forms/${form.id}/resume`,
  status: (form: FormDefinition): string => `/forms/${form.id}/status`,
  discard: (form: FormDefinition): string => `/forms/${form.id}/discard`,
};
