import type { Child } from 'hono/jsx';
import { BackLink, CsrfField } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import type { FormDefinition } from '../form-definition.ts';
import { formUrls } from './form-urls.ts';

/** One row of the check-your-answers list. */
export interface CheckRow {
  question: string;
  /** The answer as text; `undefined` when an optional question was left blank. */
  answer: string | undefined;
  /** Language of the answer's text when it differs from the page's. */
  lang?: string;
  changeHref: string;
}

/**
 * "Check your answers before sending": every answer on the person's path with a change link (which returns
 * here after the edit), the declaration, and the send button.
 */
export function CheckPage(props: { ctx: ViewContext; form: FormDefinition; rows: readonly CheckRow[]; backHref: string }) {
  const { ctx, form } = props;
  const t = ctx.t;
  const answer = (a: string | undefined, lang: string | undefined): Child =>
    a === undefined ? (
      <span class="text-base">{t('forms.check.notAnswered')}</span>
    ) : (
      <span class="sanctuary-answer" lang={lang}>
        {a}
      </span>
    );
  return (
    <Layout ctx={ctx} title={t('forms.check.title')}>
      <BackLink href={props.backHref} label={t('forms.back')} />
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-10">
          <h1>{t('forms.check.title')}</h1>
          <dl class="sanctuary-summary-list">
            {props.rows.map((r) => (
              <div class="sanctuary-summary-list__row">
                <dt class="sanctuary-summary-list__key">{r.question}</dt>
                <dd class="sanctuary-summary-list__value">{answer(r.answer, r.lang)}</dd>
                <dd class="sanctuary-summary-list__action">
                  <a class="usa-link" href={r.changeHref}>
                    {t('forms.check.change')}
                    <span class="usa-sr-only"> {r.question}</span>
                  </a>
                </dd>
              </div>
            ))}
          </dl>
          <h2>{t('forms.check.sendHeading')}</h2>
          {form.declarationKey ? <p>{t(form.declarationKey)}</p> : null}
          <form method="post" action={formUrls.submit(form)} novalidate>
            <CsrfField ctx={ctx} />
            <button type="submit" class="usa-button">
              {t('forms.check.send')}
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
