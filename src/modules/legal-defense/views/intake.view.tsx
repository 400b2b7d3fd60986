import type { FieldError } from '../../../core/http/errors.ts';
import { LOCALES, LOCALE_NAMES } from '../../../core/i18n/locales.ts';
import { Alert, Breadcrumbs, CsrfField, ErrorSummary, FormGroup } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { FACILITIES, FACILITY_OTHER } from '../legal-defense.facilities.ts';
import { CONTACT_METHODS, LIMITS, LIVES_IN_CITY, OTHER_LANGUAGE, PERSON_LANGUAGES, REPORTER_ROLES } from '../legal-defense.schemas.ts';

/**
 * The phone-intake screen: a whole report on one page, built for a hotline call — keyboard only, the first
 * question focused, questions in the order a caller answers them, selects instead of long radio lists, and
 * the submit button last. The same rules and translated errors as the public form; after a save the page is
 * empty again (focus back on the first question) with the reference to read to the caller.
 */
export function IntakeView(props: {
  ctx: ViewContext;
  errors?: readonly FieldError[];
  values?: Readonly<Record<string, string>>;
  created?: { caseId: string; reference: string; merged: boolean; status: string };
  /** Whether the staff member may open the queue and cases (desk staff who only take reports may not). */
  canRead: boolean;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const values = props.values ?? {};
  const v = (name: string): string | undefined => values[name];
  const err = (name: string) => {
    const e = errors.find((x) => x.field === name);
    return e ? t(e.key, e.values) : undefined;
  };
  const title = t('legal-defense.intake.title');
  const choices = (prefix: string, items: readonly string[]) => items.map((i) => ({ value: i, label: t(`${prefix}.${i}`) }));
  const firstError = errors[0]?.field;
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.home.title'), href: '/staff' }, ...(props.canRead ? [{ label: t('legal-defense.queue.title'), href: '/staff/legal-defense' }] : []), { label: title }]} />}
    >
      {props.created ? (
        <Alert type="success" heading={t(props.created.merged ? 'legal-defense.intake.merged' : 'legal-defense.intake.created')}>
          <p>{t('legal-defense.intake.reference')}</p>
          <p class="sanctuary-reference">{props.created.reference}</p>
          <p>{t(`legal-defense.status.${props.created.status}`)}</p>
          {props.canRead ? (
            <p>
              <a class="usa-link" href={`/staff/legal-defense/cases/${props.created.caseId}`}>
                {t('legal-defense.intake.open')}
              </a>
            </p>
          ) : null}
        </Alert>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p>{t('legal-defense.intake.intro')}</p>
      <form method="post" action="/staff/legal-defense/intake" class="usa-form usa-form--large" id="intake-form">
        <CsrfField ctx={ctx} />
        <div class={`usa-form-group${err('givenName') ? ' usa-form-group--error' : ''}`}>
          <label class="usa-label" for="field-givenName">
            {t('legal-defense.form.givenName.label')}
          </label>
          {err('givenName') ? (
            <span class="usa-error-message" id="field-givenName-error" role="alert">
              {err('givenName')}
            </span>
          ) : null}
          {/* The call starts with the name: focus it on arrival and after each save (unless an error is shown). */}
          <input
            class={`usa-input${err('givenName') ? ' usa-input--error' : ''}`}
            id="field-givenName"
            name="givenName"
            type="text"
            value={v('givenName') ?? ''}
            maxlength={LIMITS.name}
            autocomplete="off"
            autofocus={firstError === undefined || firstError === 'givenName'}
            aria-describedby={err('givenName') ? 'field-givenName-error' : undefined}
            aria-invalid={err('givenName') ? 'true' : undefined}
          />
        </div>
        <FormGroup name="familyName" label={t('legal-defense.form.familyName.label')} value={v('familyName')} error={err('familyName')} maxLength={LIMITS.name} autocomplete="off" />
        <FormGroup name="otherNames" label={t('legal-defense.form.otherNames.label')} value={v('otherNames')} error={err('otherNames')} maxLength={LIMITS.otherNames} autocomplete="off" />
        {/* Dates as text (year-month-day): one Tab per field, where a date picker takes three. */}
        <FormGroup name="dateOfBirth" label={t('legal-defense.form.dateOfBirth.label')} hint={t('legal-defense.intake.birthFormat')} value={v('dateOfBirth')} error={err('dateOfBirth')} maxLength={10} autocomplete="off" />
        <FormGroup name="detainedOn" label={t('legal-defense.form.detainedOn.label')} hint={t('legal-defense.intake.dateFormat')} value={v('detainedOn')} error={err('detainedOn')} maxLength={10} autocomplete="off" />
        <FormGroup name="detainedPlace" label={t('legal-defense.form.detainedPlace.label')} hint={t('legal-defense.form.detainedPlace.hint')} value={v('detainedPlace')} error={err('detainedPlace')} maxLength={LIMITS.place} autocomplete="off" />
        <FormGroup
          name="facility"
          type="select"
          label={t('legal-defense.form.facility.label')}
          value={v('facility') ?? 'unknown'}
          error={err('facility')}
          choices={[...FACILITY_OTHER.map((o) => ({ value: o, label: t(`legal-defense.facility.${o}`) })), ...FACILITIES.map((f) => ({ value: f.id, label: f.name, lang: 'en' }))]}
        />
        <FormGroup name="facilityOther" label={t('legal-defense.form.facilityOther.label')} hint={t('legal-defense.intake.ifOther')} value={v('facilityOther')} error={err('facilityOther')} maxLength={LIMITS.facilityOther} autocomplete="off" />
        <FormGroup name="aNumber" label={t('legal-defense.form.aNumber.label')} hint={t('legal-defense.form.aNumber.hint')} value={v('aNumber')} error={err('aNumber')} maxLength={20} autocomplete="off" />
        <FormGroup
          name="personLanguage"
          type="select"
          label={t('legal-defense.form.personLanguage.label')}
          value={v('personLanguage') ?? OTHER_LANGUAGE}
          error={err('personLanguage')}
          choices={[{ value: OTHER_LANGUAGE, label: t('legal-defense.language.other') }, ...PERSON_LANGUAGES.map((l) => ({ value: l.code, label: l.name, lang: l.code }))]}
        />
        <FormGroup name="livesInCity" type="select" label={t('legal-defense.form.livesInCity.label', { city: ctx.cityName })} value={v('livesInCity') ?? 'unknown'} error={err('livesInCity')} choices={choices('legal-defense.livesInCity', LIVES_IN_CITY)} />
        <FormGroup name="street" label={t('legal-defense.form.street.label')} hint={t('legal-defense.form.street.hint')} value={v('street')} error={err('street')} maxLength={LIMITS.street} autocomplete="off" />
        <FormGroup name="zip" label={t('legal-defense.form.zip.label')} value={v('zip')} error={err('zip')} maxLength={LIMITS.zip} inputMode="numeric" autocomplete="off" />
        <FormGroup name="reporterRole" type="select" label={t('legal-defense.form.reporterRole.label')} value={v('reporterRole') ?? 'family'} error={err('reporterRole')} choices={choices('legal-defense.reporterRole', REPORTER_ROLES)} />
        <FormGroup name="contactName" label={t('legal-defense.form.contactName.label')} value={v('contactName')} error={err('contactName')} maxLength={LIMITS.contactName} autocomplete="off" />
        <FormGroup name="contactRelationship" label={t('legal-defense.form.contactRelationship.label')} value={v('contactRelationship')} error={err('contactRelationship')} maxLength={LIMITS.relationship} autocomplete="off" />
        <FormGroup name="contactMethod" type="select" label={t('legal-defense.form.contactMethod.label')} value={v('contactMethod') ?? 'phone'} error={err('contactMethod')} choices={choices('legal-defense.contactMethod', CONTACT_METHODS)} />
        <FormGroup name="contactPhone" type="tel" label={t('legal-defense.form.contactPhone.label')} value={v('contactPhone')} error={err('contactPhone')} maxLength={LIMITS.phone} autocomplete="off" />
        <FormGroup name="contactEmail" type="email" label={t('legal-defense.form.contactEmail.label')} value={v('contactEmail')} error={err('contactEmail')} maxLength={LIMITS.email} autocomplete="off" />
        <FormGroup name="contactConsent" type="select" label={t('legal-defense.form.contactConsent.label')} hint={t('legal-defense.form.contactConsent.hint')} value={v('contactConsent') ?? 'no'} choices={[{ value: 'no', label: t('legal-defense.contactConsent.no') }, { value: 'yes', label: t('legal-defense.contactConsent.yes') }, { value: 'updates', label: t('legal-defense.contactConsent.updates') }]} />
        <FormGroup name="language" type="select" label={t('legal-defense.intake.language')} value={v('language') ?? ctx.locale} error={err('language')} choices={LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l], lang: l }))} />
        <button type="submit" class="usa-button">
          {t('legal-defense.intake.submit')}
        </button>
      </form>
    </Layout>
  );
}
