import type { FieldError } from '../../../core/http/errors.ts';
import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';
import { LOCALES, LOCALE_NAMES } from '../../../core/i18n/locales.ts';
import { Alert, Breadcrumbs, CsrfField, ErrorSummary, FormGroup } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { CRIME_CODES, CRIME_MODIFIERS, crimeLabelKey } from '../u-visa.crimes.ts';
import { CONTACT_METHODS, EXPEDITE_CHOICES, GENDERS, OTHER_AGENCIES, PROOF_TYPES, RELEASE_TYPES, REQUESTER_ROLES, VISA_TYPES } from '../u-visa.schemas.ts';

/**
 * Staff entry of a request taken by phone, at the front desk or by mail: every question of the public form
 * on one page, with the same rules and the same translated errors. Immigration status is not asked.
 */
export function EntryView(props: {
  ctx: ViewContext;
  jurisdiction: Jurisdiction;
  errors?: readonly FieldError[];
  values?: Readonly<Record<string, string | readonly string[]>>;
  created?: { id: string; reference: string };
}) {
  const { ctx, jurisdiction } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const values = props.values ?? {};
  const v = (name: string): string | undefined => {
    const x = values[name];
    return typeof x === 'string' ? x : undefined;
  };
  const list = (name: string): readonly string[] => {
    const x = values[name];
    return typeof x === 'string' ? [x] : x === undefined ? [] : x;
  };
  const err = (name: string) => {
    const e = errors.find((x) => x.field === name);
    return e ? t(e.key, e.values) : undefined;
  };
  const title = t('u-visa.staff.new.title');
  const choices = (prefix: string, items: readonly string[]) => items.map((i) => ({ value: i, label: t(`${prefix}.${i}`) }));
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.home.title'), href: '/staff' }, { label: t('u-visa.staff.queue.title'), href: '/staff/u-visa' }, { label: title }]} />}
    >
      {props.created ? (
        <Alert type="success" heading={t('u-visa.staff.new.created')}>
          <p>{t('u-visa.staff.new.reference')}</p>
          <p class="sanctuary-reference">{props.created.reference}</p>
          <p>
            <a class="usa-link" href={`/staff/u-visa/requests/${props.created.id}`}>
              {t('u-visa.staff.new.open')}
            </a>
          </p>
        </Alert>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p>{t('u-visa.staff.new.intro')}</p>
      <form method="post" action="/staff/u-visa/new" class="usa-form usa-form--large">
        <CsrfField ctx={ctx} />
        <h2>{t('u-visa.staff.new.section.requester')}</h2>
        <FormGroup name="requesterRole" type="radio" label={t('u-visa.form.requesterRole.label')} value={v('requesterRole')} error={err('requesterRole')} choices={choices('u-visa.staff.requesterRole', REQUESTER_ROLES)} />
        <FormGroup name="requesterName" label={t('u-visa.staff.new.requesterName')} hint={t('u-visa.staff.new.requesterNameHint')} value={v('requesterName')} error={err('requesterName')} maxLength={100} />
        <FormGroup name="requesterOrganisation" label={t('u-visa.form.requesterOrganisation.label')} value={v('requesterOrganisation')} error={err('requesterOrganisation')} maxLength={150} />
        <FormGroup name="releaseType" type="select" label={t('u-visa.form.releaseType.label')} hint={t('u-visa.form.releaseType.hint')} value={v('releaseType')} error={err('releaseType')} choices={[{ value: '', label: t('u-visa.staff.new.notApplicable') }, ...choices('u-visa.releaseType', RELEASE_TYPES)]} />
        <FormGroup name="releaseDate" type="date" label={t('u-visa.form.releaseDate.label')} value={v('releaseDate')} error={err('releaseDate')} />
        <FormGroup name="language" type="select" label={t('u-visa.staff.new.language')} value={v('language') ?? ctx.locale} error={err('language')} choices={LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l], lang: l }))} />
        <FormGroup name="contactMethod" type="radio" label={t('u-visa.form.contactMethod.label')} value={v('contactMethod')} error={err('contactMethod')} choices={choices('u-visa.contactMethod', CONTACT_METHODS)} />
        <FormGroup name="email" type="email" label={t('u-visa.form.email.label')} value={v('email')} error={err('email')} maxLength={254} />
        <FormGroup name="phone" type="tel" label={t('u-visa.form.phone.label')} value={v('phone')} error={err('phone')} maxLength={30} />

        <h2>{t('u-visa.staff.new.section.crime')}</h2>
        <FormGroup name="visaType" type="radio" label={t('u-visa.form.visaType.label')} value={v('visaType')} error={err('visaType')} choices={choices('u-visa.visaType', VISA_TYPES)} />
        <FormGroup name="crimes" type="checkbox" label={t('u-visa.form.crimes.label')} hint={t('u-visa.form.crimes.hint')} value={list('crimes')} error={err('crimes')} choices={CRIME_CODES.map((c) => ({ value: c, label: t(crimeLabelKey(c)) }))} />
        <FormGroup name="crimeModifiers" type="checkbox" label={t('u-visa.form.crimeModifiers.label')} value={list('crimeModifiers')} error={err('crimeModifiers')} choices={choices('u-visa.crimeModifier', CRIME_MODIFIERS)} />
        <FormGroup name="similarActivity" type="textarea" label={t('u-visa.form.similarActivity.label')} hint={t('u-visa.form.similarActivity.hint')} value={v('similarActivity')} error={err('similarActivity')} maxLength={1000} />
        <FormGroup
          name="agency"
          type="radio"
          label={t('u-visa.form.agency.label')}
          value={v('agency')}
          error={err('agency')}
          choices={[...jurisdiction.uVisa.certifyingAgencies.value.map((a) => ({ value: a.id, label: a.name, lang: 'en' })), ...choices('u-visa.agency', OTHER_AGENCIES)]}
        />
        <FormGroup name="agencyOther" label={t('u-visa.form.agencyOther.label')} value={v('agencyOther')} error={err('agencyOther')} maxLength={150} />
        <FormGroup name="caseNumber" label={t('u-visa.form.caseNumber.label')} value={v('caseNumber')} error={err('caseNumber')} maxLength={60} />
        <FormGroup name="courtFileNumber" label={t('u-visa.form.courtFileNumber.label')} value={v('courtFileNumber')} error={err('courtFileNumber')} maxLength={60} />
        <FormGroup name="crimeDate" type="date" label={t('u-visa.form.crimeDate.label')} value={v('crimeDate')} error={err('crimeDate')} />
        <FormGroup name="helpfulness" type="textarea" label={t('u-visa.form.helpfulness.label')} value={v('helpfulness')} error={err('helpfulness')} maxLength={4000} />

        <h2>{t('u-visa.staff.new.section.victim')}</h2>
        <FormGroup name="victimGivenName" label={t('u-visa.form.victimGivenName.label')} value={v('victimGivenName')} error={err('victimGivenName')} maxLength={100} />
        <FormGroup name="victimMiddleName" label={t('u-visa.form.victimMiddleName.label')} value={v('victimMiddleName')} error={err('victimMiddleName')} maxLength={100} />
        <FormGroup name="victimFamilyName" label={t('u-visa.form.victimFamilyName.label')} value={v('victimFamilyName')} error={err('victimFamilyName')} maxLength={100} />
        <FormGroup name="victimOtherNames" label={t('u-visa.form.victimOtherNames.label')} value={v('victimOtherNames')} error={err('victimOtherNames')} maxLength={200} />
        <FormGroup name="victimDateOfBirth" type="date" label={t('u-visa.form.victimDateOfBirth.label')} value={v('victimDateOfBirth')} error={err('victimDateOfBirth')} />
        <FormGroup name="victimGender" type="radio" label={t('u-visa.form.victimGender.label')} value={v('victimGender')} error={err('victimGender')} choices={choices('u-visa.gender', GENDERS)} />
        <FormGroup name="aNumber" label={t('u-visa.form.aNumber.label')} hint={t('u-visa.form.aNumber.hint')} value={v('aNumber')} error={err('aNumber')} maxLength={20} />

        <h2>{t('u-visa.staff.new.section.expedite')}</h2>
        <FormGroup name="expedite" type="radio" label={t('u-visa.form.expedite.label')} hint={t('u-visa.form.expedite.hint')} value={v('expedite')} error={err('expedite')} choices={choices('u-visa.expedite', EXPEDITE_CHOICES)} />
        <FormGroup name="expediteProofType" type="select" label={t('u-visa.form.expediteProofType.label')} value={v('expediteProofType')} error={err('expediteProofType')} choices={[{ value: '', label: t('u-visa.staff.new.notApplicable') }, ...choices('u-visa.proofType', PROOF_TYPES)]} />
        <FormGroup name="expediteProofDate" type="date" label={t('u-visa.form.expediteProofDate.label')} value={v('expediteProofDate')} error={err('expediteProofDate')} />
        <button type="submit" class="usa-button">
          {t('u-visa.staff.new.submit')}
        </button>
      </form>
    </Layout>
  );
}
