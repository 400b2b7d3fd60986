import type { FieldError } from '../../http/errors.ts';
import { Alert, CsrfField, ErrorSummary, FormGroup, StepIndicator } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';

function steps(ctx: ViewContext, withPasskey: boolean): string[] {
  const t = ctx.t;
  return [t('auth.enrol.step.password'), t('auth.enrol.step.totp'), ...(withPasskey ? [t('auth.enrol.step.passkey')] : [])];
}

function fieldError(ctx: ViewContext, errors: readonly FieldError[], field: string): string | undefined {
  const e = errors.find((x) => x.field === field);
  return e ? ctx.t(e.key, e.values) : undefined;
}

/** Step 1 of enrolment: choose a password. */
export function EnrolPasswordPage(props: { ctx: ViewContext; token: string; name: string; withPasskey: boolean; errors?: readonly FieldError[] }) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  return (
    <Layout ctx={ctx} title={t('auth.enrol.password.title')}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <StepIndicator ctx={ctx} steps={steps(ctx, props.withPasskey)} current={0} />
          <ErrorSummary ctx={ctx} errors={errors} />
          <h1>{t('auth.enrol.password.title')}</h1>
          <p class="usa-intro">{t('auth.enrol.welcome', { name: props.name })}</p>
          <p>{t('auth.enrol.password.intro')}</p>
          <ul class="usa-list">
            <li>{t('auth.enrol.password.rule.length')}</li>
            <li>{t('auth.enrol.password.rule.common')}</li>
            <li>{t('auth.enrol.password.rule.tip')}</li>
          </ul>
          <form method="post" action={`/staff/enrol/${props.token}/password`} class="usa-form usa-form--large" novalidate>
            <CsrfField ctx={ctx} />
            <FormGroup
              name="password"
              type="password"
              label={t('auth.enrol.password.new')}
              autocomplete="new-password"
              required
              maxLength={1024}
              error={fieldError(ctx, errors, 'password')}
            />
            <FormGroup
              name="confirm"
              type="password"
              label={t('auth.enrol.password.confirm')}
              autocomplete="new-password"
              required
              maxLength={1024}
              error={fieldError(ctx, errors, 'confirm')}
            />
            <button type="submit" class="usa-button">
              {t('auth.enrol.continue')}
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** Splits a base32 secret into groups of four for reading and typing. */
function groups(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/** Step 2 of enrolment: add the account to an authenticator app (QR code and text) and confirm a code. */
export function EnrolTotpPage(props: {
  ctx: ViewContext;
  token: string;
  withPasskey: boolean;
  secret: string;
  qrDataUri: string;
  errors?: readonly FieldError[];
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  return (
    <Layout ctx={ctx} title={t('auth.enrol.totp.title')}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <StepIndicator ctx={ctx} steps={steps(ctx, props.withPasskey)} current={1} />
          <ErrorSummary ctx={ctx} errors={errors} />
          <h1>{t('auth.enrol.totp.title')}</h1>
          <p>{t('auth.enrol.totp.intro')}</p>
          <ol class="usa-process-list">
            <li class="usa-process-list__item">
              <p class="usa-process-list__heading">{t('auth.enrol.totp.step1.heading')}</p>
              <p>{t('auth.enrol.totp.step1.body')}</p>
            </li>
            <li class="usa-process-list__item">
              <p class="usa-process-list__heading">{t('auth.enrol.totp.step2.heading')}</p>
              <p>
                <img class="sanctuary-qr" src={props.qrDataUri} alt={t('auth.enrol.totp.qrAlt')} width="220" height="220" />
              </p>
              <p>{t('auth.enrol.totp.manual')}</p>
              <p class="sanctuary-secret" id="totp-secret">
                {groups(props.secret)}
              </p>
            </li>
            <li class="usa-process-list__item">
              <p class="usa-process-list__heading">{t('auth.enrol.totp.step3.heading')}</p>
              <form method="post" action={`/staff/enrol/${props.token}/totp`} class="usa-form" novalidate>
                <CsrfField ctx={ctx} />
                <FormGroup
                  name="code"
                  label={t('auth.field.code')}
                  hint={t('auth.field.code.hint')}
                  autocomplete="one-time-code"
                  inputMode="numeric"
                  maxLength={9}
                  required
                  error={fieldError(ctx, errors, 'code')}
                />
                <button type="submit" class="usa-button">
                  {t('auth.enrol.continue')}
                </button>
              </form>
            </li>
          </ol>
        </div>
      </div>
    </Layout>
  );
}

/** Step 3 of enrolment (admins and counsel): register a passkey. Needs JavaScript and a key or phone. */
export function EnrolPasskeyPage(props: { ctx: ViewContext; token: string; failed?: boolean }) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('auth.enrol.passkey.title')}>
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <StepIndicator ctx={ctx} steps={steps(ctx, true)} current={2} />
          {props.failed ? (
            <Alert type="error" heading={t('auth.passkey.notVerified.title')}>
              {t('auth.passkey.notVerified.body')}
            </Alert>
          ) : null}
          <h1>{t('auth.enrol.passkey.title')}</h1>
          <p>{t('auth.enrol.passkey.why')}</p>
          <p>{t('auth.enrol.passkey.how')}</p>
          <p class="sanctuary-passkey__nojs" data-passkey-nojs>
            {t('auth.passkey.needsJs')}
          </p>
          <form method="post" action={`/staff/enrol/${props.token}/passkey`} class="usa-form" id="passkey-form">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="credential" id="enrol-credential" value="" />
            <button
              type="button"
              class="usa-button"
              hidden
              data-passkey="create"
              data-options-url={`/staff/enrol/${props.token}/passkey-options`}
              data-response-field="enrol-credential"
              data-error-text={t('auth.passkey.failed')}
            >
              {t('auth.enrol.passkey.button')}
            </button>
            <p class="usa-error-message" data-passkey-error hidden role="alert"></p>
          </form>
        </div>
      </div>
      <script src="/assets/app/passkey.js" defer></script>
    </Layout>
  );
}

/** An enrolment link that cannot be used (unknown, spent, expired, or started in another browser). */
export function EnrolProblemPage(props: { ctx: ViewContext; problem: 'invalid' | 'expired' | 'other-browser' }) {
  const { ctx } = props;
  const t = ctx.t;
  const key = props.problem === 'other-browser' ? 'otherBrowser' : props.problem;
  return (
    <Layout ctx={ctx} title={t(`auth.enrol.problem.${key}.title`)}>
      <div class="usa-prose">
        <h1>{t(`auth.enrol.problem.${key}.title`)}</h1>
        <p>{t(`auth.enrol.problem.${key}.body`)}</p>
      </div>
    </Layout>
  );
}
