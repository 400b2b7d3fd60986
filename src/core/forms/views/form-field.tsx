import type { FieldError } from '../../http/errors.ts';
import { type Choice, FormGroup } from '../../views/components.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import type { ChoiceDefinition, FieldDefinition } from '../form-definition.ts';
import { maxLengthOf } from '../form-definition.ts';

/** Translates a field's choices for display. */
export function choiceLabels(ctx: ViewContext, choices: readonly ChoiceDefinition[]): Choice[] {
  return choices.map((c) => ({
    value: c.value,
    label: c.labelKey ? ctx.t(c.labelKey, c.values) : (c.label ?? c.value),
    ...(c.lang && !c.labelKey ? { lang: c.lang } : {}),
    ...(c.hintKey ? { hint: ctx.t(c.hintKey, c.values) } : {}),
  }));
}

/** Three inputs for a date people know (day, month, year), as USWDS's memorable date. */
function DateParts(props: {
  ctx: ViewContext;
  field: FieldDefinition;
  values: Readonly<Record<string, string | readonly string[]>>;
  error?: string;
  asHeading: boolean;
}) {
  const { ctx, field } = props;
  const id = `field-${field.name}`;
  const hint = field.hintKey ? ctx.t(field.hintKey) : undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const value = (part: string): string => {
    const v = props.values[`${field.name}-${part}`];
    return typeof v === 'string' ? v : '';
  };
  const parts = [
    { part: 'day', max: 2, cls: 'usa-form-group--day' },
    { part: 'month', max: 2, cls: 'usa-form-group--month' },
    { part: 'year', max: 4, cls: 'usa-form-group--year' },
  ];
  const label = ctx.t(field.labelKey);
  return (
    <div class={`usa-form-group${props.error ? ' usa-form-group--error' : ''}`}>
      <fieldset class="usa-fieldset" id={id} tabindex={-1} aria-describedby={describedBy}>
        {props.asHeading ? (
          <legend class="usa-legend usa-legend--large">
            <h1 class="sanctuary-question">{label}</h1>
          </legend>
        ) : (
          <legend class="usa-legend">{label}</legend>
        )}
        {hint ? (
          <div class="usa-hint" id={hintId}>
            {hint}
          </div>
        ) : null}
        {props.error ? (
          <span class="usa-error-message" id={errorId} role="alert">
            {props.error}
          </span>
        ) : null}
        <div class="usa-memorable-date">
          {parts.map((p) => (
            <div class={`usa-form-group ${p.cls}`}>
              <label class="usa-label" for={`${id}-${p.part}`}>
                {ctx.t(`forms.date.${p.part}`)}
              </label>
              <input
                class={`usa-input${props.error ? ' usa-input--error' : ''}`}
                id={`${id}-${p.part}`}
                name={`${field.name}-${p.part}`}
                type="text"
                inputmode="numeric"
                maxlength={p.max}
                value={value(p.part)}
                autocomplete={field.autocomplete ? `${field.autocomplete}-${p.part}` : undefined}
                aria-invalid={props.error ? 'true' : undefined}
              />
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/**
 * Renders one field of a step: its label (as the page's `<h1>` when it is the only question), hint, error
 * and input, filled with `values` (the raw input of this page, or the stored answers).
 */
export function FormField(props: {
  ctx: ViewContext;
  field: FieldDefinition;
  choices: readonly ChoiceDefinition[];
  values: Readonly<Record<string, string | readonly string[]>>;
  error?: FieldError;
  asHeading: boolean;
}) {
  const { ctx, field } = props;
  const error = props.error ? ctx.t(props.error.key, props.error.values) : undefined;
  if (field.type === 'date' && field.dateStyle !== 'single') {
    return <DateParts ctx={ctx} field={field} values={props.values} error={error} asHeading={props.asHeading} />;
  }
  const raw = props.values[field.name];
  const choices = choiceLabels(ctx, props.choices);
  const selectChoices = field.type === 'select' ? [{ value: '', label: ctx.t('forms.select.placeholder') }, ...choices] : choices;
  const type = field.type === 'number' ? 'text' : field.type;
  return (
    <FormGroup
      name={field.name}
      label={ctx.t(field.labelKey)}
      hint={field.hintKey ? ctx.t(field.hintKey) : undefined}
      error={error}
      type={type}
      value={raw}
      choices={field.type === 'radio' || field.type === 'checkbox' || field.type === 'select' ? selectChoices : undefined}
      autocomplete={field.autocomplete}
      inputMode={field.type === 'number' ? 'numeric' : field.type === 'tel' ? 'tel' : field.type === 'email' ? 'email' : undefined}
      maxLength={maxLengthOf(field)}
      asHeading={props.asHeading}
    />
  );
}
