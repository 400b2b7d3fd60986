import type { Child } from 'hono/jsx';
import type { FieldError } from '../../http/errors.ts';
import { BackLink, CsrfField, ErrorSummary, FormGroup } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';

/**
 * A one-question page asking for a code (resume code, reference code), used by "continue a saved form" and
 * "check your request". `result` is shown under the form (e.g. the status found).
 */
export function CodeEntryPage(props: {
  ctx: ViewContext;
  titleKey: string;
  introKey: string;
  labelKey: string;
  hintKey: string;
  buttonKey: string;
  action: string;
  backHref: string;
  value: string;
  errors: readonly FieldError[];
  result?: Child;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const title = props.errors.length > 0 ? t('forms.errorTitle', { title: t(props.titleKey) }) : t(props.titleKey);
  return (
    <Layout ctx={ctx} title={title}>
      <BackLink href={props.backHref} label={t('forms.back')} />
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <ErrorSummary ctx={ctx} errors={props.errors} />
          <h1>{t(props.titleKey)}</h1>
          <p class="usa-intro">{t(props.introKey)}</p>
          <form method="post" action={props.action} novalidate class="usa-form usa-form--large">
            <CsrfField ctx={ctx} />
            <FormGroup
              name="code"
              label={t(props.labelKey)}
              hint={t(props.hintKey)}
              error={props.errors[0] ? t(props.errors[0].key, props.errors[0].values) : undefined}
              value={props.value}
              autocomplete="off"
              maxLength={20}
            />
            <button type="submit" class="usa-button">
              {t(props.buttonKey)}
            </button>
          </form>
          {props.result}
        </div>
      </div>
    </Layout>
  );
}
