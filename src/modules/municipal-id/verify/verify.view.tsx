/**
 * The public verify page: a form to paste the QR code's text or upload a photo of it (and, with JavaScript and
 * a camera, a scanner), and the result — a big, clear status with the card's four facts and nothing else.
 */
import type { FieldError } from '../../../core/http/errors.ts';
import { Alert, CsrfField, ErrorSummary, SummaryList } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { type VerificationResult, reasonMessageKey, statusMessageKey } from '../credential/credential.reasons.ts';

/** Formats a `YYYY-MM-DD` date for the page's language, without time-zone shifts. */
function formatDate(ctx: ViewContext, date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  try {
    return new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
  } catch {
    return date;
  }
}

/** The verify form. `errors` come from a refused submission; `text` refills the paste field. */
export function VerifyFormView(props: { ctx: ViewContext; errors?: readonly FieldError[]; text?: string }) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const textError = errors.find((e) => e.field === 'text');
  const imageError = errors.find((e) => e.field === 'image');
  return (
    <Layout ctx={ctx} title={t('municipalId.verify.title')}>
      <div class="usa-prose">
        <ErrorSummary ctx={ctx} errors={errors} />
        <h1>{t('municipalId.verify.title')}</h1>
        <p class="usa-intro">{t('municipalId.verify.intro', { city: ctx.cityName })}</p>
        <p>{t('municipalId.verify.privacy')}</p>
      </div>

      <section
        id="verify-camera"
        class="sanctuary-verify-section"
        hidden
        aria-labelledby="verify-camera-heading"
        data-msg-starting={t('municipalId.verify.camera.starting')}
        data-msg-scanning={t('municipalId.verify.camera.scanning')}
        data-msg-denied={t('municipalId.verify.camera.denied')}
        data-msg-found={t('municipalId.verify.camera.found')}
      >
        <h2 id="verify-camera-heading">{t('municipalId.verify.camera.heading')}</h2>
        <div class="sanctuary-actions">
          <button type="button" class="usa-button" id="verify-camera-start">
            {t('municipalId.verify.camera.start')}
          </button>
          <button type="button" class="usa-button usa-button--outline" id="verify-camera-stop" hidden>
            {t('municipalId.verify.camera.stop')}
          </button>
        </div>
        <p id="verify-camera-status" class="sanctuary-verify-status" role="status" aria-live="polite"></p>
        <video id="verify-camera-video" class="sanctuary-verify-video" hidden muted playsinline aria-label={t('municipalId.verify.camera.videoLabel')}></video>
      </section>

      <section class="sanctuary-verify-section" aria-labelledby="verify-text-heading">
        <h2 id="verify-text-heading">{t('municipalId.verify.text.heading')}</h2>
        <form method="post" action="/verify" id="verify-text-form" class="usa-form usa-form--large" novalidate>
          <CsrfField ctx={ctx} />
          <div class={`usa-form-group${textError ? ' usa-form-group--error' : ''}`}>
            <label class="usa-label" for="field-text">
              {t('municipalId.verify.text.label')}
            </label>
            <div class="usa-hint" id="field-text-hint">
              {t('municipalId.verify.text.hint')}
            </div>
            {textError ? (
              <span class="usa-error-message" id="field-text-error" role="alert">
                {t(textError.key, textError.values)}
              </span>
            ) : null}
            <textarea
              class={`usa-textarea sanctuary-verify-text${textError ? ' usa-input--error' : ''}`}
              id="field-text"
              name="text"
              rows={5}
              maxlength={8192}
              spellcheck={false}
              autocomplete="off"
              aria-describedby={textError ? 'field-text-hint field-text-error' : 'field-text-hint'}
            >
              {props.text ?? ''}
            </textarea>
          </div>
          <button type="submit" class="usa-button">
            {t('municipalId.verify.text.submit')}
          </button>
        </form>
      </section>

      <section class="sanctuary-verify-section" aria-labelledby="verify-image-heading">
        <h2 id="verify-image-heading">{t('municipalId.verify.image.heading')}</h2>
        <form method="post" action="/verify/image" enctype="multipart/form-data" class="usa-form usa-form--large" novalidate>
          <CsrfField ctx={ctx} />
          <div class={`usa-form-group${imageError ? ' usa-form-group--error' : ''}`}>
            <label class="usa-label" for="field-image">
              {t('municipalId.verify.image.label')}
            </label>
            <div class="usa-hint" id="field-image-hint">
              {t('municipalId.verify.image.hint')}
            </div>
            {imageError ? (
              <span class="usa-error-message" id="field-image-error" role="alert">
                {t(imageError.key, imageError.values)}
              </span>
            ) : null}
            <input
              class="usa-file-input__input sanctuary-verify-file"
              type="file"
              id="field-image"
              name="image"
              accept="image/png,image/jpeg"
              aria-describedby={imageError ? 'field-image-hint field-image-error' : 'field-image-hint'}
            />
          </div>
          <button type="submit" class="usa-button">
            {t('municipalId.verify.image.submit')}
          </button>
        </form>
      </section>
      <script src="/assets/app/verify.js" defer></script>
    </Layout>
  );
}

const PANEL_CLASS: Record<VerificationResult['status'], string> = {
  valid: 'sanctuary-verify-result--valid',
  expired: 'sanctuary-verify-result--expired',
  revoked: 'sanctuary-verify-result--revoked',
  invalid: 'sanctuary-verify-result--invalid',
};

/** The answer: status headline and reason, then the card's facts when the signature verified. */
export function VerifyResultView(props: { ctx: ViewContext; result: VerificationResult }) {
  const { ctx, result } = props;
  const t = ctx.t;
  const card = result.card;
  return (
    <Layout ctx={ctx} title={`${t(statusMessageKey(result.status))} · ${t('municipalId.verify.result.title')}`}>
      <div class="usa-prose">
        <h1>{t('municipalId.verify.result.title')}</h1>
        <div class={`sanctuary-verify-result ${PANEL_CLASS[result.status]}`} role="status" data-status={result.status} data-reason={result.reason}>
          <p class="sanctuary-verify-result__status">{t(statusMessageKey(result.status))}</p>
          <p class="sanctuary-verify-result__reason">{t(reasonMessageKey(result.reason))}</p>
        </div>
        {card ? (
          <section aria-labelledby="verify-card-heading">
            <h2 id="verify-card-heading">{t('municipalId.verify.result.details')}</h2>
            <SummaryList
              rows={[
                { key: t('municipalId.verify.result.name'), value: <span class="sanctuary-verify-name" dir="auto">{card.name}</span> },
                { key: t('municipalId.verify.result.dateOfBirth'), value: formatDate(ctx, card.dateOfBirth) },
                { key: t('municipalId.verify.result.expiresOn'), value: formatDate(ctx, card.expiresOn) },
                { key: t('municipalId.verify.result.cardNumber'), value: <span class="sanctuary-verify-number">{card.number}</span> },
              ]}
            />
            <Alert type="info" slim>
              {t('municipalId.verify.result.compare')}
            </Alert>
          </section>
        ) : null}
        <p>{t('municipalId.verify.privacy')}</p>
        <p>
          <a class="usa-button" href="/verify">
            {t('municipalId.verify.result.again')}
          </a>
        </p>
      </div>
    </Layout>
  );
}
