import { CsrfField } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import type { FormDefinition } from '../form-definition.ts';
import { formUrls } from './form-urls.ts';
import { ReferenceCode } from './reference-code.tsx';

/** After sending: the reference code, large and spaced for reading aloud, and what happens next. */
export function ConfirmationPage(props: { ctx: ViewContext; form: FormDefinition; reference: string }) {
  const { ctx, form } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('forms.confirmation.title')}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8 usa-prose">
          <section class="sanctuary-panel">
            <h1 class="sanctuary-panel__title">{t('forms.confirmation.title')}</h1>
            <p id="reference-label">{t('forms.confirmation.referenceLabel')}</p>
            <ReferenceCode code={props.reference} labelId="reference-label" />
          </section>
          <p>{t('forms.confirmation.keepCode')}</p>
          <h2>{t('forms.confirmation.whatNext')}</h2>
          <p>{t(form.whatNextKey)}</p>
          {form.confirmationAction ? (
            <form method="post" action={form.confirmationAction.action} class="sanctuary-confirmation-action">
              <CsrfField ctx={ctx} />
              <input type="hidden" name="code" value={props.reference} />
              {form.confirmationAction.textKey ? <p>{t(form.confirmationAction.textKey)}</p> : null}
              <button type="submit" class="usa-button">
                {t(form.confirmationAction.labelKey)}
              </button>
            </form>
          ) : null}
          {form.status ? (
            <p>
              <a class="usa-link" href={formUrls.status(form)}>
                {t('forms.confirmation.statusLink')}
              </a>
            </p>
          ) : null}
          <p>
            <a class="usa-link" href="/">
              {t('forms.confirmation.home')}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
