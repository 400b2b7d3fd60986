import { Alert, CsrfField } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import type { FormDefinition } from '../form-definition.ts';
import { draftDaysOf } from '../form-definition.ts';
import { formUrls } from './form-urls.ts';

/**
 * What a form keeps and why, and for how long (DESIGN §3.10): shown before the first question so a person
 * can decide before typing anything.
 */
export function PrivacyStatement({ ctx, form, retentionDays }: { ctx: ViewContext; form: FormDefinition; retentionDays: number }) {
  const t = ctx.t;
  const days = retentionDays;
  return (
    <section class="usa-summary-box sanctuary-privacy-statement" aria-labelledby="privacy-statement-heading">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading" id="privacy-statement-heading">
          {t('forms.privacy.heading')}
        </h2>
        <div class="usa-summary-box__text">
          <p>{t(form.purposeKey)}</p>
          <p>
            {form.retention.from === 'closing'
              ? t('forms.privacy.keepAfterClosing', { days })
              : t('forms.privacy.keepAfterSubmission', { days })}{' '}
            {t(form.retention.basisKey)}
          </p>
          <p>{t('forms.privacy.keepDraft', { days: draftDaysOf(form) })}</p>
          <p>
            <a class="usa-link" href="/privacy">
              {t('forms.privacy.more')}
            </a>
          </p>
        </div>
      </div>
    </section>
  );
}

/** The first page of a form: what it is for, the privacy statement, and "Start now" (or continue). */
export function StartPage(props: {
  ctx: ViewContext;
  form: FormDefinition;
  /** How long sent answers are kept (`submissionDaysOf`). */
  retentionDays: number;
  /** The step to continue at when this browser already has a draft. */
  continueHref?: string;
  deleted?: boolean;
}) {
  const { ctx, form } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t(form.titleKey)}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8 usa-prose">
          {props.deleted ? <Alert type="success" slim>{t('forms.start.deleted')}</Alert> : null}
          <h1>{t(form.titleKey)}</h1>
          {form.introKey ? <p class="usa-intro">{t(form.introKey)}</p> : null}
          <PrivacyStatement ctx={ctx} form={form} retentionDays={props.retentionDays} />
          {props.continueHref ? (
            <div class="sanctuary-actions">
              <a class="usa-button usa-button--big" href={props.continueHref}>
                {t('forms.start.continue')}
              </a>
              <form method="post" action={formUrls.discard(form)} class="sanctuary-inline-form">
                <CsrfField ctx={ctx} />
                <button type="submit" class="usa-button usa-button--unstyled">
                  {t('forms.start.discard')}
                </button>
              </form>
            </div>
          ) : (
            <form method="post" action={formUrls.begin(form)} class="sanctuary-actions">
              <CsrfField ctx={ctx} />
              <button type="submit" class="usa-button usa-button--big">
                {t('forms.start.button')}
              </button>
            </form>
          )}
          <h2>{t('forms.start.otherHeading')}</h2>
          <ul class="usa-list">
            <li>
              <a class="usa-link" href={formUrls.resume(form)}>
                {t('forms.start.resumeLink')}
              </a>
            </li>
            {form.status ? (
              <li>
                <a class="usa-link" href={formUrls.status(form)}>
                  {t('forms.start.statusLink')}
                </a>
              </li>
            ) : null}
          </ul>
        </div>
      </div>
    </Layout>
  );
}
