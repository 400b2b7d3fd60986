import type { AppContext } from '../modules/context.ts';
import type { FormDefinition } from './form-definition.ts';
import { validateFormDefinition } from './form-validation.ts';

/** Thrown at start-up when a form definition is broken; lists every problem at once. */
export class FormDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid form definitions:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'FormDefinitionError';
  }
}

/**
 * Every guided form of the platform, by id. Built once in `app.ts` from the modules' `forms`; the forms
 * routes serve them at `/forms/<id>` and the privacy registry reads their field classifications.
 */
export class FormRegistry {
  private readonly byId = new Map<string, { form: FormDefinition; owner: string }>();

  /**
   * Validates and registers forms. Throws {@link FormDefinitionError} listing every problem of every form
   * (unknown message keys, duplicate ids or fields, unencrypted sensitive fields, …).
   */
  registerAll(entries: ReadonlyArray<{ owner: string; forms: readonly FormDefinition[] }>, ctx: AppContext): void {
    const problems: string[] = [];
    for (const { owner, forms } of entries) {
      for (const form of forms) {
        if (this.byId.has(form.id)) {
          problems.push(`form "${form.id}" (${owner}) is declared twice`);
          continue;
        }
        const found = validateFormDefinition(form, { hasMessage: (k) => ctx.messages.has(k), ctx });
        problems.push(...found.map((p) => `${p} (${owner})`));
        if (found.length === 0) this.byId.set(form.id, { form, owner });
      }
    }
    if (problems.length > 0) throw new FormDefinitionError(problems);
  }

  get(id: string): FormDefinition | undefined {
    return this.byId.get(id)?.form;
  }

  /** Every form with the module that owns it (for the privacy registry and the data inventory). */
  list(): Array<{ form: FormDefinition; owner: string }> {
    return [...this.byId.values()];
  }
}
