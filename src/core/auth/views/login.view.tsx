import { Alert, CsrfField, FormGroup } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';

/** Messages shown above the sign-in form after something else happened. */
export type LoginNotice = 'signedOut' | 'enrolled' | 'passkeyAdded' | 'sessionEnded';
export const LOGIN_NOTICES: readonly LoginNotice[] = ['signedOut', 'enrolled', 'passkeyAdded', 'sessionEnded'];

/**
 * The staff sign-in page. Works without JavaScript (e-mail, password, authenticator code); the passkey
 * button appears only when the browser can use passkeys (`public/passkey.js`).
 */
export function LoginPage(props: {
  ctx: ViewContext;
  email?: string;
  next?: string;
  notice?: LoginNotice;
  error?: { kind: 'invalid' } | { kind: 'locked'; minutes: number };
}) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('auth.login.title')}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8 desktop:grid-col-6">
          <h1>{t('auth.login.title')}</h1>
          {props.notice ? <Alert type={props.notice === 'sessionEnded' ? 'info' : 'success'} slim>{t(`auth.login.notice.${props.notice}`)}</Alert> : null}
          {props.error ? (
            <div class="usa-alert usa-alert--error" role="alert" id="error-summary" tabindex={-1}>
              <div class="usa-alert__body">
                <h2 class="usa-alert__heading">{t(props.error.kind === 'locked' ? 'auth.login.locked.title' : 'auth.login.invalid.title')}</h2>
                <p class="usa-alert__text">
                  {props.error.kind === 'locked' ? t('auth.login.locked.body', { minutes: props.error.minutes }) : t('auth.login.invalid.body')}
                </p>
              </div>
            </div>
          ) : null}
          <p>{t('auth.login.intro')}</p>
          <form method="post" action="/staff/login" class="usa-form usa-form--large" id="login-form">
            <CsrfField ctx={ctx} />
            {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
            <FormGroup name="email" type="email" label={t('auth.field.email')} value={props.email ?? ''} autocomplete="username" required maxLength={254} />
            <FormGroup name="password" type="password" label={t('auth.field.password')} autocomplete="current-password" required maxLength={1024} />
            <FormGroup
              name="code"
              label={t('auth.field.code')}
              hint={t('auth.field.code.hint')}
              autocomplete="one-time-code"
              inputMode="numeric"
              maxLength={9}
            />
            <input type="hidden" name="passkey" id="login-passkey" value="" />
            <button type="submit" class="usa-button">
              {t('auth.login.submit')}
            </button>
            <section class="sanctuary-passkey" aria-labelledby="passkey-heading">
              <h2 id="passkey-heading" class="font-heading-md">
                {t('auth.login.passkey.heading')}
              </h2>
              <p>{t('auth.login.passkey.body')}</p>
              <p class="sanctuary-passkey__nojs" data-passkey-nojs>
                {t('auth.passkey.needsJs')}
              </p>
              <button
                type="button"
                class="usa-button usa-button--outline"
                hidden
                data-passkey="get"
                data-options-url="/staff/login/passkey-options"
                data-response-field="login-passkey"
                data-error-text={t('auth.passkey.failed')}
              >
                {t('auth.login.passkey.button')}
              </button>
              <p class="usa-error-message" data-passkey-error hidden role="alert"></p>
            </section>
          </form>
        </div>
      </div>
      <script src="/assets/app/passkey.js" defer></script>
    </Layout>
  );
}
