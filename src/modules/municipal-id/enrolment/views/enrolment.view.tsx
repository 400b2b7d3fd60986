/**
 * The enrolment page of one application (decrypted; the read is audited): who applied, possible duplicates,
 * the document check (types and points only), the photo, and the decision. Works without JavaScript; the
 * camera opens through `<input type=file accept=image/* capture=user>` on a phone or tablet.
 */
import type { Child } from 'hono/jsx';
import type { FieldError } from '../../../../core/http/errors.ts';
import type { Jurisdiction } from '../../../../core/jurisdiction/index.ts';
import { Alert, CsrfField, ErrorSummary, FormGroup, SummaryList, Table } from '../../../../core/views/components.tsx';
import { Layout } from '../../../../core/views/layout.tsx';
import type { ViewContext } from '../../../../core/views/view-context.ts';
import { documentsOf } from '../../application/eligibility.ts';
import { DESK, DeskCrumbs, PersonName, StatusTag, documentName, formatDateTime, formatDay, variantName } from '../../staff/views/desk-format.tsx';
import { letterLocale } from '../decision-letter.ts';
import { DECISION_REASONS, type EnrolmentView } from '../enrolment.service.ts';

/** What the forms send back after a refused submission, to show again. */
export interface EnrolmentFormState {
  documents?: readonly string[];
  identityConfirmed?: boolean;
  documentNumberType?: string;
  feeWaiver?: string;
  reason?: string;
  note?: string;
}

/** Which form a set of field errors belongs to. */
export type EnrolmentFormName = 'check' | 'photo' | 'approve' | 'deny';

function fieldError(ctx: ViewContext, errors: readonly FieldError[], field: string): string | undefined {
  const e = errors.find((x) => x.field === field);
  return e ? ctx.t(e.key, e.values) : undefined;
}

function money(ctx: ViewContext, cents: number): string {
  return new Intl.NumberFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, { style: 'currency', currency: 'USD' }).format(cents / 100);
}

function Tally(props: { ctx: ViewContext; view: EnrolmentView }) {
  const { ctx, view } = props;
  const t = ctx.t;
  const tally = view.tally;
  const row = (met: boolean, text: string) => (
    <li class={met ? 'sanctuary-step-panel__met' : 'sanctuary-step-panel__missing'}>
      <span class="sanctuary-step-panel__state">{t(met ? 'municipalId.enrol.tally.met' : 'municipalId.enrol.tally.missing')}</span> {text}
    </li>
  );
  return (
    <div class="sanctuary-step-panel" aria-live="polite">
      <h3>{t(view.enrolment?.documents.length ? 'municipalId.enrol.tally.checked' : 'municipalId.enrol.tally.planned')}</h3>
      <ul class="usa-list usa-list--unstyled sanctuary-step-panel__list">
        {row(tally.identity >= tally.need.identity, t('municipalId.enrol.tally.identity', { have: tally.identity, need: tally.need.identity }))}
        {row(tally.residency >= tally.need.residency, t('municipalId.enrol.tally.residency', { have: tally.residency, need: tally.need.residency }))}
        {row(tally.total >= tally.need.total, t('municipalId.enrol.tally.total', { have: tally.total, need: tally.need.total }))}
        {tally.need.photo ? row(tally.photo, t('municipalId.enrol.tally.photo')) : null}
        {tally.need.birthDate ? row(tally.birthDate, t('municipalId.enrol.tally.birthDate')) : null}
        {tally.letter !== null ? row(tally.letter, t('municipalId.enrol.tally.letter')) : null}
      </ul>
    </div>
  );
}

function Duplicates(props: { ctx: ViewContext; jurisdiction: Jurisdiction; view: EnrolmentView }) {
  const { ctx, view } = props;
  const t = ctx.t;
  const d = view.duplicates;
  if (d.applications.length === 0 && d.cards.length === 0) return null;
  return (
    <Alert type="warning" heading={t('municipalId.enrol.duplicates.title')}>
      <p>{t('municipalId.enrol.duplicates.body')}</p>
      <ul class="usa-list">
        {d.cards.map((c) => (
          <li>
            <a class="usa-link" href={`${DESK}/cards/${c.id}`}>
              {t(c.by === 'document' ? 'municipalId.enrol.duplicates.cardByDocument' : 'municipalId.enrol.duplicates.card', { issued: formatDay(ctx, c.issuedOn), expires: formatDay(ctx, c.expiresOn) })}
            </a>{' '}
            <StatusTag ctx={ctx} kind="card" status={c.status} />
          </li>
        ))}
        {d.applications.map((a) => (
          <li>
            <a class="usa-link" href={`${DESK}/applications/${a.id}`}>
              {t('municipalId.enrol.duplicates.application', { received: formatDateTime(ctx, props.jurisdiction, a.createdAt) })}
            </a>{' '}
            <StatusTag ctx={ctx} kind="application" status={a.status} />
          </li>
        ))}
      </ul>
    </Alert>
  );
}

/** One application at the enrolment desk. */
export function EnrolmentPage(props: {
  ctx: ViewContext;
  jurisdiction: Jurisdiction;
  view: EnrolmentView;
  can: { approve: boolean };
  errors?: readonly FieldError[];
  form?: EnrolmentFormName;
  state?: EnrolmentFormState;
  saved?: string;
}) {
  const { ctx, jurisdiction, view } = props;
  const t = ctx.t;
  const app = view.application;
  const enrolment = view.enrolment;
  const errors = props.errors ?? [];
  const errorsOf = (form: EnrolmentFormName) => (props.form === form ? errors : []);
  const state = props.state ?? {};
  const open = ['received', 'appointment-booked', 'enrolled'].includes(app.status);
  const title = t('municipalId.enrol.title');
  const notGiven = <span class="text-base">{t('municipalId.enrol.notGiven')}</span>;

  const rows: Array<{ key: string; value: Child }> = [
    { key: t('municipalId.enrol.field.status'), value: <StatusTag ctx={ctx} kind="application" status={app.status} /> },
    { key: t('municipalId.enrol.field.name'), value: <PersonName name={app.name} /> },
    { key: t('municipalId.enrol.field.birthDate'), value: formatDay(ctx, app.birthDate) },
    {
      key: t('municipalId.enrol.field.address'),
      value: app.address ? (
        <span class="sanctuary-answer">{[app.address.street, app.address.unit, app.address.zip].filter(Boolean).join(', ')}</span>
      ) : (
        t('municipalId.enrol.field.noFixedAddress')
      ),
    },
    { key: t('municipalId.enrol.field.ward'), value: app.ward === null ? notGiven : t('municipalId.figures.ward', { ward: String(app.ward) }) },
    { key: t('municipalId.enrol.field.gender'), value: t(`municipalId.gender.${app.gender}`) },
    { key: t('municipalId.enrol.field.veteran'), value: t(app.veteran ? 'municipalId.enrol.yes' : 'municipalId.enrol.no') },
    { key: t('municipalId.enrol.field.fee'), value: `${variantName(ctx, jurisdiction, app.feeVariant)} · ${money(ctx, app.feeCents)}` },
    { key: t('municipalId.enrol.field.waiver'), value: app.feeWaiver ? t(`municipalId.waiver.${app.feeWaiver}`) : t('municipalId.enrol.field.noWaiver') },
    { key: t('municipalId.enrol.field.received'), value: formatDateTime(ctx, jurisdiction, app.createdAt) },
  ];

  const documents = documentsOf(jurisdiction);
  const checked = state.documents ?? enrolment?.documents.map((d) => d.type) ?? app.documentPlan;
  const base = `${DESK}/applications/${app.id}`;

  return (
    <Layout ctx={ctx} title={title} breadcrumbs={<DeskCrumbs ctx={ctx} here={title} />}>
      <ErrorSummary ctx={ctx} errors={errors} />
      {props.saved ? (
        <Alert type="success" slim>
          {t(`municipalId.enrol.saved.${props.saved}`)}
        </Alert>
      ) : null}
      <h1>{title}</h1>
      <p class="usa-hint">{t('municipalId.enrol.audited')}</p>
      <SummaryList rows={rows} />
      <Duplicates ctx={ctx} jurisdiction={jurisdiction} view={view} />

      <h2 id="check">{t('municipalId.enrol.check.title')}</h2>
      <p>{t('municipalId.enrol.check.intro')}</p>
      <Tally ctx={ctx} view={view} />
      {open ? (
        <form method="post" action={`${base}/enrolment`} class="usa-form usa-form--large" novalidate>
          <CsrfField ctx={ctx} />
          <FormGroup
            name="identityConfirmed"
            type="checkbox"
            label={t('municipalId.enrol.check.identity.legend')}
            error={fieldError(ctx, errorsOf('check'), 'identityConfirmed')}
            value={(state.identityConfirmed ?? enrolment?.identityConfirmed) ? ['yes'] : []}
            choices={[{ value: 'yes', label: t('municipalId.enrol.check.identity.label') }]}
          />
          <FormGroup
            name="documents"
            type="checkbox"
            label={t('municipalId.enrol.check.documents.legend')}
            hint={t('municipalId.enrol.check.documents.hint')}
            error={fieldError(ctx, errorsOf('check'), 'documents')}
            value={checked}
            choices={documents.map((d) => ({
              value: d.id,
              label: documentName(ctx, jurisdiction, d.id),
              hint: t('municipalId.enrol.check.documents.points', { identity: d.identityPoints, residency: d.residencyPoints, planned: app.documentPlan.includes(d.id) ? 'yes' : 'no' }),
            }))}
          />
          <fieldset class="usa-fieldset">
            <legend class="usa-legend">{t('municipalId.enrol.check.number.legend')}</legend>
            <p class="usa-hint">{t('municipalId.enrol.check.number.hint')}</p>
            <FormGroup
              name="documentNumberType"
              type="select"
              label={t('municipalId.enrol.check.number.type')}
              error={fieldError(ctx, errorsOf('check'), 'documentNumberType')}
              value={state.documentNumberType ?? ''}
              choices={[{ value: '', label: t('municipalId.enrol.check.number.none') }, ...documents.filter((d) => d.identityPoints > 0).map((d) => ({ value: d.id, label: documentName(ctx, jurisdiction, d.id) }))]}
            />
            <FormGroup name="documentNumber" label={t('municipalId.enrol.check.number.label')} error={fieldError(ctx, errorsOf('check'), 'documentNumber')} autocomplete="off" maxLength={40} />
            {enrolment?.documentNumberEntered ? <p class="usa-hint">{t('municipalId.enrol.check.number.entered')}</p> : null}
          </fieldset>
          {app.feeWaiver ? (
            <FormGroup
              name="feeWaiver"
              type="radio"
              label={t('municipalId.enrol.check.waiver.legend', { waiver: t(`municipalId.waiver.${app.feeWaiver}`) })}
              error={fieldError(ctx, errorsOf('check'), 'feeWaiver')}
              value={state.feeWaiver ?? (enrolment?.feeWaiver === 'verified' ? 'verified' : enrolment?.feeWaiver === 'not-verified' ? 'not-verified' : '')}
              choices={[
                { value: 'verified', label: t('municipalId.enrol.check.waiver.verified') },
                { value: 'not-verified', label: t('municipalId.enrol.check.waiver.notVerified') },
              ]}
            />
          ) : null}
          <button type="submit" class="usa-button">
            {t('municipalId.enrol.check.submit')}
          </button>
        </form>
      ) : null}
      {enrolment?.enrolledAt ? <p class="usa-hint">{t('municipalId.enrol.check.recorded', { at: formatDateTime(ctx, jurisdiction, enrolment.enrolledAt) })}</p> : null}

      <h2 id="photo">{t('municipalId.enrol.photo.title')}</h2>
      {enrolment?.hasPhoto ? (
        <p>
          <img class="sanctuary-holder-photo" src={`${base}/photo`} alt={t('municipalId.enrol.photo.alt')} width="180" height="240" />
        </p>
      ) : null}
      {open ? (
        <form method="post" action={`${base}/photo`} enctype="multipart/form-data" class="usa-form">
          <CsrfField ctx={ctx} />
          <div class={`usa-form-group${errorsOf('photo').length ? ' usa-form-group--error' : ''}`}>
            <label class="usa-label" for="field-photo">
              {t(enrolment?.hasPhoto ? 'municipalId.enrol.photo.retake' : 'municipalId.enrol.photo.label')}
            </label>
            <div class="usa-hint" id="field-photo-hint">
              {t('municipalId.enrol.photo.hint')}
            </div>
            {errorsOf('photo').length ? (
              <span class="usa-error-message" id="field-photo-error" role="alert">
                {fieldError(ctx, errors, 'photo')}
              </span>
            ) : null}
            <input
              class="usa-file-input__input sanctuary-file"
              id="field-photo"
              name="photo"
              type="file"
              accept="image/*"
              capture="user"
              aria-describedby={errorsOf('photo').length ? 'field-photo-hint field-photo-error' : 'field-photo-hint'}
            />
          </div>
          <button type="submit" class="usa-button">
            {t('municipalId.enrol.photo.submit')}
          </button>
        </form>
      ) : null}

      <h2 id="decision">{t('municipalId.decision.title')}</h2>
      {app.decidedAt ? (
        <div>
          <p>
            {t('municipalId.decision.done', { at: formatDateTime(ctx, jurisdiction, app.decidedAt) })} <StatusTag ctx={ctx} kind="application" status={app.status} />
          </p>
          {app.decisionReason ? <p>{t(`municipalId.decision.reason.${app.decisionReason}`)}</p> : null}
          <ul class="usa-list">
            <li>
              <a class="usa-link" href={`${base}/letter.pdf`}>
                {t('municipalId.decision.letter', { language: t(`municipalId.decision.letterLanguage.${letterLocale(app)}`) })}
              </a>
            </li>
            {view.cardId ? (
              <li>
                <a class="usa-link" href={`${DESK}/cards/${view.cardId}`}>
                  {t('municipalId.decision.card')}
                </a>
              </li>
            ) : null}
          </ul>
        </div>
      ) : app.status !== 'enrolled' ? (
        <p>{t('municipalId.decision.notYet')}</p>
      ) : !props.can.approve ? (
        <p>{t('municipalId.decision.noPermission')}</p>
      ) : (
        <div class="grid-row grid-gap">
          <form method="post" action={`${base}/decision`} class="usa-form tablet:grid-col-6">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="decision" value="approved" />
            <input type="hidden" name="reason" value="requirements-met" />
            <h3>{t('municipalId.decision.approve.title')}</h3>
            <p>{t('municipalId.decision.approve.body')}</p>
            {view.duplicates.applications.length + view.duplicates.cards.length > 0 && !enrolment?.duplicatesCheckedAt ? (
              <FormGroup
                name="duplicatesChecked"
                type="checkbox"
                label={t('municipalId.decision.duplicates.legend')}
                error={fieldError(ctx, errorsOf('approve'), 'duplicatesChecked')}
                choices={[{ value: 'yes', label: t('municipalId.decision.duplicates.label') }]}
              />
            ) : null}
            {errorsOf('approve')
              .filter((e) => e.field === 'decision')
              .map((e) => (
                <p class="usa-error-message">{t(e.key, e.values)}</p>
              ))}
            <FormGroup name="approveNote" type="textarea" label={t('municipalId.decision.note')} hint={t('municipalId.decision.noteHint')} maxLength={500} />
            <button type="submit" class="usa-button">
              {t('municipalId.decision.approve.submit')}
            </button>
          </form>
          <form method="post" action={`${base}/decision`} class="usa-form tablet:grid-col-6">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="decision" value="denied" />
            <h3>{t('municipalId.decision.deny.title')}</h3>
            <FormGroup
              name="reason"
              type="select"
              label={t('municipalId.decision.deny.reason')}
              error={fieldError(ctx, errorsOf('deny'), 'reason')}
              value={state.reason ?? ''}
              choices={[{ value: '', label: t('municipalId.decision.deny.choose') }, ...DECISION_REASONS.denied.map((r) => ({ value: r, label: t(`municipalId.decision.reason.${r}`) }))]}
            />
            <FormGroup name="denyNote" type="textarea" label={t('municipalId.decision.note')} hint={t('municipalId.decision.noteHint')} maxLength={500} />
            <button type="submit" class="usa-button usa-button--secondary">
              {t('municipalId.decision.deny.submit')}
            </button>
          </form>
        </div>
      )}
      {view.enrolment?.documents.length ? (
        <Table
          caption={t('municipalId.enrol.checked.caption')}
          headers={[t('municipalId.enrol.checked.document'), t('municipalId.enrol.checked.identity'), t('municipalId.enrol.checked.residency')]}
          numeric={[1, 2]}
          rows={view.enrolment.documents.map((d) => [documentName(ctx, jurisdiction, d.type), String(d.identityPoints), String(d.residencyPoints)])}
        />
      ) : null}
    </Layout>
  );
}
