import { Alert } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import { formatDate } from '../form-answers.ts';
import type { FormDefinition } from '../form-definition.ts';
import { formUrls } from './form-urls.ts';
import { ReferenceCode } from './reference-code.tsx';

/** "Save and come back later": the resume code, shown once, and until when it works. */
export function SavedPage(props: {
  ctx: ViewContext;
  form: FormDefinition;
  code: string;
  /** The last day the draft is kept, `YYYY-MM-DD` in the city's time zone. */
  untilDate: string;
  address: string;
  continueHref: string;
  /** Some answers on the page had errors and were not saved. */
  partial: boolean;
}) {
  const { ctx, form } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('forms.saved.title')}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8 usa-prose">
          <h1>{t('forms.saved.title')}</h1>
          {props.partial ? <Alert type="warning" slim>{t('forms.saved.partial')}</Alert> : null}
          <p id="resume-label">{t('forms.saved.codeLabel')}</p>
          <ReferenceCode code={props.code} labelId="resume-label" />
          <p>{t('forms.saved.body', { address: props.address, date: formatDate(props.untilDate, ctx.locale) })}</p>
          <p>{t('forms.saved.oneUse')}</p>
          <p>
            <a class="usa-button" href={props.continueHref}>
              {t('forms.saved.continue')}
            </a>
          </p>
          <p>
            <a class="usa-link" href={formUrls.start(form)}>
              {t('forms.saved.startPage')}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
