import type { FieldError } from '../../http/errors.ts';
import { BackLink, CsrfField, ErrorSummary } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import type { ChoiceDefinition, FormDefinition, StepDefinition, StepPanel } from '../form-definition.ts';
import { FormField } from './form-field.tsx';

/**
 * One step of a form: back link, error summary, "Question N of M", the question as the page heading, the
 * inputs, "Continue" and "Save and come back later". Posts to itself; works without JavaScript.
 */
export function StepPage(props: {
  ctx: ViewContext;
  form: FormDefinition;
  step: StepDefinition;
  choices: (fieldName: string) => readonly ChoiceDefinition[];
  values: Readonly<Record<string, string | readonly string[]>>;
  errors: readonly FieldError[];
  position: { current: number; total: number };
  backHref: string;
  action: string;
  /** The step's panel (`StepDefinition.panel`), if it has one. */
  panel?: StepPanel;
}) {
  const { ctx, form, step, errors } = props;
  const t = ctx.t;
  const single = step.fields.length === 1;
  const first = step.fields[0];
  const heading = step.titleKey ? t(step.titleKey) : first ? t(first.labelKey) : t(form.titleKey);
  const title = errors.length > 0 ? t('forms.errorTitle', { title: heading }) : heading;
  return (
    <Layout ctx={ctx} title={title}>
      <BackLink href={props.backHref} label={t('forms.back')} />
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action={props.action} novalidate class="usa-form usa-form--large sanctuary-step">
            <CsrfField ctx={ctx} />
            <p class="usa-hint sanctuary-question-counter">
              {t('forms.step.counter', { current: props.position.current, total: props.position.total })}
            </p>
            {single && !step.titleKey ? null : <h1 class="sanctuary-question">{heading}</h1>}
            {step.fields.map((field) => (
              <FormField
                ctx={ctx}
                field={field}
                choices={props.choices(field.name)}
                values={props.values}
                error={errors.find((e) => e.field === field.name)}
                asHeading={single && !step.titleKey}
              />
            ))}
            {props.panel ? <StepPanelBox ctx={ctx} panel={props.panel} /> : null}
            <div class="sanctuary-actions">
              <button type="submit" class="usa-button">
                {t('forms.step.continue')}
              </button>
              <button type="submit" class="usa-button usa-button--outline" name="_action" value="save">
                {t('forms.step.save')}
              </button>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/**
 * A step's panel: a summary box with a heading and a list; each requirement says in words whether it is met
 * (not by colour or an icon alone, WCAG 1.4.1). `aria-live` so a script that refreshes it is announced.
 */
function StepPanelBox(props: { ctx: ViewContext; panel: StepPanel }) {
  const t = props.ctx.t;
  return (
    <section class="usa-summary-box sanctuary-step-panel" aria-labelledby="step-panel-title" aria-live="polite" id="step-panel">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading" id="step-panel-title">
          {t(props.panel.titleKey)}
        </h2>
        <ul class="usa-list usa-list--unstyled sanctuary-step-panel__list">
          {props.panel.items.map((item) => (
            <li class={item.met === undefined ? 'sanctuary-step-panel__info' : item.met ? 'sanctuary-step-panel__met' : 'sanctuary-step-panel__missing'}>
              {item.met === undefined ? null : <span class="sanctuary-step-panel__state">{t(item.met ? 'forms.panel.met' : 'forms.panel.missing')} </span>}
              {t(item.key, item.values)}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
