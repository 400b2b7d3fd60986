import type { Child } from 'hono/jsx';
import type { FieldError } from '../../../core/http/errors.ts';
import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';
import { Alert, Breadcrumbs, CsrfField, ErrorSummary, FormGroup, SummaryList, Tag } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { supplementFields, supplementFormFor } from '../supplement-b/supplement-b.fields.ts';
import { goodCauseReasons } from '../u-visa.clocks.ts';
import { crimeLabelKey } from '../u-visa.crimes.ts';
import { DENIAL_REASONS } from '../u-visa.decisions.ts';
import type { RequestDetail } from '../u-visa.service.ts';
import { ClockState, ItemName, formatDate, formatDateTime, withSlot } from './u-visa-format.tsx';

/** The id of the list of Supplement B items a refused signing names (`field-…`, as the error summary links). */
const INCOMPLETE_ID = 'supplement-incomplete';

/** The forms of the detail page, so errors come back to the one that was sent. */
export type DetailForm = 'route' | 'helpfulness' | 'info' | 'goodCause' | 'certify' | 'deny' | 'review' | 'reconsider' | 'family' | 'withdraw';

export interface DetailPermissions {
  prepare: boolean;
  decide: boolean;
  review: boolean;
}

function ActionForm(props: { ctx: ViewContext; id: string; action: string; title: string; hint?: string; children?: Child; button: string; secondary?: boolean; revision?: number }) {
  return (
    <form method="post" action={`/staff/u-visa/requests/${props.id}/${props.action}`} class="usa-form sanctuary-action-form">
      <CsrfField ctx={props.ctx} />
      {props.revision !== undefined ? <input type="hidden" name="revision" value={String(props.revision)} /> : null}
      <h3>{props.title}</h3>
      {props.hint ? <p class="usa-hint">{props.hint}</p> : null}
      {props.children}
      <button type="submit" class={`usa-button${props.secondary ? ' usa-button--outline' : ''}`}>
        {props.button}
      </button>
    </form>
  );
}

/**
 * One certification request, decrypted for the staff member working it (the read is audited): the clock
 * with its days left, what the request says, and the actions the member's role and the request's status
 * allow. Errors of a sent form come back next to it, translated.
 */
export function DetailView(props: {
  ctx: ViewContext;
  jurisdiction: Jurisdiction;
  request: RequestDetail;
  can: DetailPermissions;
  flash?: string;
  form?: DetailForm;
  errors?: readonly FieldError[];
  values?: Readonly<Record<string, string>>;
}) {
  const { ctx, jurisdiction, request: r, can } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  // Blank Supplement B items are listed beside the signing button with links to the form; other errors on top.
  const supplementIds = new Set(supplementFields(supplementFormFor(r.visaType)).map((f) => f.id));
  const itemErrors = props.form === 'certify' ? errors.filter((e) => supplementIds.has(e.field)) : [];
  // A refused signing starts the page with a summary that says so and links to the list of items to complete.
  const topErrors: FieldError[] = [
    ...(itemErrors.length > 0 ? [{ field: INCOMPLETE_ID, key: 'u-visa.staff.certify.refused', values: { count: itemErrors.length } }] : []),
    ...errors.filter((e) => !itemErrors.includes(e)),
  ];
  const values = props.values ?? {};
  const errorOf = (form: DetailForm, field: string) => (props.form === form ? errors.find((e) => e.field === field) : undefined);
  const message = (form: DetailForm, field: string) => {
    const e = errorOf(form, field);
    return e ? t(e.key, e.values) : undefined;
  };
  const notGiven = <span class="text-base">{t('u-visa.staff.notGiven')}</span>;
  const text = (v: string | null | undefined): Child => (v === undefined || v === null || v === '' ? notGiven : <span class="sanctuary-answer">{v}</span>);
  // The requester's own words are in the language they used, which may not be the page's (WCAG 3.1.2).
  const requesterText = (v: string | undefined): Child =>
    v === undefined || v === '' ? notGiven : (
      <span class="sanctuary-answer" lang={r.language === ctx.locale ? undefined : r.language}>
        {v}
      </span>
    );
  const date = (v: string | null | undefined): Child => (v ? formatDate(ctx, v) : notGiven);
  const departments = jurisdiction.uVisa.certifyingAgencies.value;
  const department = departments.find((d) => d.id === r.department);
  const agency = departments.find((d) => d.id === r.agency);
  const open = ['received', 'info-requested', 'reconsideration', 'pending-review'].includes(r.status);
  const workable = ['received', 'info-requested', 'reconsideration'].includes(r.status);
  const reasons = r.clock ? goodCauseReasons(jurisdiction, r.clock.rules) : [];
  const title = t('u-visa.staff.request.title', { reference: r.reference });

  const requestRows: Array<{ key: string; value: Child }> = [
    { key: t('u-visa.staff.field.visaType'), value: t(`u-visa.visaType.${r.visaType}`) },
    { key: t('u-visa.staff.field.status'), value: <Tag>{t(`u-visa.status.${r.status}`)}</Tag> },
    { key: t('u-visa.staff.field.received'), value: formatDateTime(ctx, jurisdiction, r.receivedAt) },
    { key: t('u-visa.staff.field.channel'), value: t(`u-visa.channel.${r.channel}`) },
    { key: t('u-visa.staff.field.requesterRole'), value: t(`u-visa.staff.requesterRole.${r.requesterRole}`) },
    { key: t('u-visa.staff.field.requesterName'), value: text(r.requester.name) },
  ];
  if (r.requester.organisation) requestRows.push({ key: t('u-visa.staff.field.organisation'), value: text(r.requester.organisation) });
  if (r.releaseType) {
    requestRows.push({ key: t('u-visa.staff.field.release'), value: t('u-visa.staff.releaseValue', { type: t(`u-visa.releaseType.${r.releaseType}`), date: r.releaseDate ? formatDate(ctx, r.releaseDate) : '' }) });
  }
  requestRows.push(
    { key: t('u-visa.staff.field.contact'), value: t(`u-visa.contactMethod.${r.contactMethod}`) },
    { key: t(`u-visa.staff.field.contactValue.${r.contactMethod === 'email' ? 'email' : 'phone'}`), value: text(r.contactMethod === 'email' ? r.requester.email : r.requester.phone) },
    { key: t('u-visa.staff.field.language'), value: t(`u-visa.language.${r.language}`) },
  );
  const victimRows: Array<{ key: string; value: Child }> = [
    { key: t('u-visa.form.victimGivenName.label'), value: text(r.victim.givenName) },
    { key: t('u-visa.form.victimMiddleName.label'), value: text(r.victim.middleName) },
    { key: t('u-visa.form.victimFamilyName.label'), value: text(r.victim.familyName) },
    { key: t('u-visa.form.victimOtherNames.label'), value: text(r.victim.otherNames) },
    { key: t('u-visa.form.victimDateOfBirth.label'), value: date(r.victim.dateOfBirth) },
    { key: t('u-visa.form.victimGender.label'), value: t(`u-visa.gender.${r.victim.gender}`) },
    { key: t('u-visa.form.aNumber.label'), value: text(r.aNumber) },
  ];
  const caseRows: Array<{ key: string; value: Child }> = [
    {
      key: t('u-visa.staff.field.crimes'),
      value: (
        <ul class="usa-list">
          {r.crimes.codes.map((c) => (
            <li>{t(crimeLabelKey(c))}</li>
          ))}
        </ul>
      ),
    },
    { key: t('u-visa.staff.field.crimeModifiers'), value: r.crimes.modifiers.length > 0 ? r.crimes.modifiers.map((m) => t(`u-visa.crimeModifier.${m}`)).join(', ') : notGiven },
  ];
  if (r.crimes.similarActivity) caseRows.push({ key: t('u-visa.form.similarActivity.label'), value: requesterText(r.crimes.similarActivity) });
  caseRows.push(
    { key: t('u-visa.staff.field.agency'), value: agency ? <span lang="en">{agency.name}</span> : r.agency === 'other' ? text(r.casePart.agencyOther) : t('u-visa.agency.unknown') },
    { key: t('u-visa.staff.field.department'), value: department ? <span lang="en">{department.name}</span> : <strong>{t('u-visa.staff.unrouted')}</strong> },
    { key: t('u-visa.form.caseNumber.label'), value: text(r.casePart.caseNumber) },
    { key: t('u-visa.form.courtFileNumber.label'), value: text(r.casePart.courtFileNumber) },
    { key: t('u-visa.form.crimeDate.label'), value: date(r.casePart.crimeDate) },
    { key: t('u-visa.form.helpfulness.label'), value: requesterText(r.helpfulnessAccount) },
  );
  if (r.expedite) {
    caseRows.push({
      key: t('u-visa.staff.field.expedite'),
      value: t('u-visa.staff.expediteValue', { basis: t(`u-visa.expedite.${r.expedite.basis}`), proof: t(`u-visa.proofType.${r.expedite.proofType}`), date: formatDate(ctx, r.expedite.proofDate) }),
    });
  }
  const facts = r.casePart.facts;
  const assessmentRows: Array<{ key: string; value: Child }> = [
    { key: t('u-visa.staff.field.helpfulness'), value: r.helpfulness ? t(`u-visa.helpfulness.${r.helpfulness}`) : <strong>{t('u-visa.staff.helpfulness.notAssessed')}</strong> },
  ];
  if (r.assessment.helpfulnessReason) assessmentRows.push({ key: t('u-visa.staff.field.helpfulnessReason'), value: text(r.assessment.helpfulnessReason) });
  if (r.assessment.infoRequest) assessmentRows.push({ key: t('u-visa.staff.field.infoRequest'), value: text(r.assessment.infoRequest) });
  if (r.assessment.goodCauseNote) assessmentRows.push({ key: t('u-visa.staff.field.goodCauseNote'), value: text(r.assessment.goodCauseNote) });
  if (r.denialReason) assessmentRows.push({ key: t('u-visa.staff.field.denialReason'), value: t(`u-visa.denialReason.${r.denialReason}`) });
  if (r.assessment.denialExplanation) assessmentRows.push({ key: t('u-visa.staff.field.denialExplanation'), value: text(r.assessment.denialExplanation) });
  if (r.assessment.reviewNote) assessmentRows.push({ key: t('u-visa.staff.field.reviewNote'), value: text(r.assessment.reviewNote) });
  if (r.assessment.reconsiderationNote) assessmentRows.push({ key: t('u-visa.staff.field.reconsiderationNote'), value: text(r.assessment.reconsiderationNote) });
  if (r.decision) assessmentRows.push({ key: t('u-visa.staff.field.decision'), value: t(`u-visa.decision.${r.decision}`) });
  if (r.signedOn) assessmentRows.push({ key: t('u-visa.staff.field.signedOn'), value: formatDate(ctx, r.signedOn) });

  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.home.title'), href: '/staff' }, { label: t('u-visa.staff.queue.title'), href: '/staff/u-visa' }, { label: title }]} />}
    >
      {props.flash ? (
        <Alert type="success" slim>
          {t(`u-visa.staff.flash.${props.flash}`)}
        </Alert>
      ) : null}
      <ErrorSummary ctx={ctx} errors={topErrors} />
      <h1>{title}</h1>
      <p class="sanctuary-tags">
        {r.expedited ? <Tag tone="big">{t('u-visa.staff.expedited')}</Tag> : null} <Tag>{t(`u-visa.visaType.${r.visaType}`)}</Tag> <Tag>{t(`u-visa.status.${r.status}`)}</Tag>
      </p>
      <p class="usa-hint">{t('u-visa.staff.request.audited')}</p>

      <section aria-labelledby="clock-heading" class="sanctuary-clock-panel">
        <h2 id="clock-heading">{t('u-visa.staff.clock.title')}</h2>
        {r.clock ? (
          <>
            <p class="sanctuary-clock-big">
              {open ? <ClockState ctx={ctx} daysLeft={r.daysLeft} status={r.clock.status} /> : t(`clocks.status.${r.clock.status}`)}
            </p>
            <SummaryList
              rows={[
                { key: t('u-visa.staff.clock.due'), value: t('clocks.due.date', { date: new Date(`${r.clock.dueDate}T12:00:00Z`) }) },
                { key: t('u-visa.staff.clock.governing'), value: t('clocks.due.governedBy', { rule: t(`clocks.rule.${r.clock.governingRule}`) }) },
                { key: t('u-visa.staff.clock.rules'), value: r.clock.rules.map((rule) => t(`clocks.rule.${rule}`)).join(' · ') },
                { key: t('u-visa.staff.clock.kind'), value: t(`clocks.kind.${r.clock.kind}`) },
                ...r.clock.extensions.map((e) => ({ key: t('clocks.event.extended'), value: t('u-visa.staff.clock.extension', { reason: t(`clocks.reason.${e.reasonCode}`), days: e.days }) })),
              ]}
            />
            {r.status === 'info-requested' && r.clock.status !== 'paused' ? <Alert type="info" slim>{t('u-visa.staff.clock.keepsRunning')}</Alert> : null}
          </>
        ) : (
          <p>{t('u-visa.staff.noClock')}</p>
        )}
        {r.otherClocks.length > 0 ? (
          <ul class="usa-list">
            {r.otherClocks.map((c) => (
              <li>
                {t(`u-visa.staff.otherClock.${c.recordType === 'u-visa.signature' ? 'signature' : 'ageOut'}`, { date: new Date(`${c.dueDate}T12:00:00Z`), status: t(`clocks.status.${c.status}`) })}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="request-heading">
        <h2 id="request-heading">{t('u-visa.staff.section.request')}</h2>
        <SummaryList rows={requestRows} />
        <h2>{t('u-visa.staff.section.victim')}</h2>
        <SummaryList rows={victimRows} />
        <h2>{t('u-visa.staff.section.case')}</h2>
        <SummaryList rows={caseRows} />
        {facts ? (
          <>
            <h3>{t('u-visa.staff.section.facts')}</h3>
            <SummaryList
              rows={[
                { key: t('u-visa.staff.facts.agencyCaseNumber'), value: text(facts.agencyCaseNumber) },
                { key: t('u-visa.staff.facts.reportDate'), value: date(facts.reportDate) },
                { key: t('u-visa.staff.facts.crimeDateFrom'), value: date(facts.crimeDateFrom) },
                { key: t('u-visa.staff.facts.crimeDateTo'), value: date(facts.crimeDateTo) },
                { key: t('u-visa.staff.facts.crimeLocation'), value: text(facts.crimeLocation) },
                { key: t('u-visa.staff.facts.statutes'), value: text(facts.statutes) },
                { key: t('u-visa.staff.facts.description'), value: text(facts.description) },
                { key: t('u-visa.staff.facts.injuries'), value: text(facts.injuries) },
              ]}
            />
          </>
        ) : null}
        {can.prepare && workable ? (
          <p>
            <a class="usa-link" href={`/staff/u-visa/requests/${r.id}/facts`}>
              {t('u-visa.staff.facts.link')}
            </a>
          </p>
        ) : null}
        <h2>{t('u-visa.staff.section.assessment')}</h2>
        <SummaryList rows={assessmentRows} />
      </section>

      <section aria-labelledby="family-heading">
        <h2 id="family-heading">{t('u-visa.staff.section.family')}</h2>
        {r.family.length === 0 ? (
          <p>{t('u-visa.staff.family.none')}</p>
        ) : (
          <ul class="usa-list">
            {r.family.map((f) => (
              <li>
                {t('u-visa.staff.family.item', { name: f.name, relationship: t(`u-visa.relationship.${f.relationship}`), born: formatDate(ctx, f.dateOfBirth) })}
              </li>
            ))}
          </ul>
        )}
        {can.prepare && open ? (
          <ActionForm ctx={ctx} id={r.id} action="family" title={t('u-visa.staff.family.add')} hint={t('u-visa.staff.family.hint')} button={t('u-visa.staff.family.submit')} secondary>
            <FormGroup name="name" label={t('u-visa.staff.family.name')} value={values.name} error={message('family', 'name')} maxLength={100} />
            <FormGroup
              name="relationship"
              type="select"
              label={t('u-visa.staff.family.relationship')}
              value={values.relationship}
              error={message('family', 'relationship')}
              choices={['spouse', 'child', 'parent', 'sibling'].map((v) => ({ value: v, label: t(`u-visa.relationship.${v}`) }))}
            />
            <FormGroup name="dateOfBirth" type="date" label={t('u-visa.staff.family.dateOfBirth')} value={values.dateOfBirth} error={message('family', 'dateOfBirth')} />
          </ActionForm>
        ) : null}
      </section>

      <section aria-labelledby="actions-heading">
        <h2 id="actions-heading">{t('u-visa.staff.section.actions')}</h2>
        {can.prepare && open ? (
          <ActionForm ctx={ctx} id={r.id} action="route" title={t('u-visa.staff.route.title')} button={t('u-visa.staff.route.submit')} secondary>
            <FormGroup
              name="department"
              type="select"
              label={t('u-visa.staff.route.label')}
              value={values.department ?? r.department ?? ''}
              error={message('route', 'department')}
              choices={departments.filter((d) => d.visaTypes.includes(r.visaType)).map((d) => ({ value: d.id, label: d.name, lang: 'en' }))}
            />
          </ActionForm>
        ) : null}
        {can.prepare && workable ? (
          <ActionForm ctx={ctx} id={r.id} action="helpfulness" title={t('u-visa.staff.helpfulness.title')} hint={t(`u-visa.staff.helpfulness.hint.${jurisdiction.uVisa.helpfulnessPresumption.value}`)} button={t('u-visa.staff.helpfulness.submit')} secondary>
            <FormGroup
              name="helpfulness"
              type="radio"
              label={t('u-visa.staff.helpfulness.label')}
              value={values.helpfulness ?? r.helpfulness ?? undefined}
              error={message('helpfulness', 'helpfulness')}
              choices={(jurisdiction.uVisa.helpfulnessPresumption.value === 'certify-unless-documented-reason' ? ['presumed', 'helpful', 'not-helpful'] : ['helpful', 'not-helpful']).map((v) => ({
                value: v,
                label: t(`u-visa.helpfulness.${v}`),
              }))}
            />
            <FormGroup name="reason" type="textarea" label={t('u-visa.staff.helpfulness.reason')} hint={t('u-visa.staff.helpfulness.reasonHint')} value={values.reason} error={message('helpfulness', 'reason')} maxLength={2000} />
          </ActionForm>
        ) : null}
        {can.prepare && (r.status === 'received' || r.status === 'reconsideration') ? (
          <ActionForm ctx={ctx} id={r.id} action="info-request" title={t('u-visa.staff.info.title')} hint={t(r.clock && r.clock.status === 'running' ? 'u-visa.staff.info.hint' : 'u-visa.staff.info.hintNoClock')} button={t('u-visa.staff.info.submit')} secondary>
            <FormGroup name="note" type="textarea" label={t('u-visa.staff.info.note')} value={values.note} error={message('info', 'note')} maxLength={2000} />
          </ActionForm>
        ) : null}
        {can.prepare && r.status === 'info-requested' ? (
          <ActionForm ctx={ctx} id={r.id} action="info-received" title={t('u-visa.staff.infoReceived.title')} button={t('u-visa.staff.infoReceived.submit')} secondary />
        ) : null}
        {can.prepare && open && reasons.length > 0 ? (
          <ActionForm ctx={ctx} id={r.id} action="good-cause" title={t('u-visa.staff.goodCause.title')} hint={t('u-visa.staff.goodCause.hint')} button={t('u-visa.staff.goodCause.submit')} secondary>
            <FormGroup
              name="reasonCode"
              type="radio"
              label={t('u-visa.staff.goodCause.reason')}
              value={values.reasonCode}
              error={message('goodCause', 'reasonCode')}
              choices={reasons.map((code) => ({ value: code, label: t(`clocks.reason.${code}`) }))}
            />
            <FormGroup name="days" label={t('u-visa.staff.goodCause.days')} hint={t('u-visa.staff.goodCause.daysHint')} value={values.days} error={message('goodCause', 'days')} inputMode="numeric" maxLength={3} />
            <FormGroup name="note" type="textarea" label={t('u-visa.staff.goodCause.note')} value={values.note} error={message('goodCause', 'note')} maxLength={2000} />
          </ActionForm>
        ) : null}
        {can.prepare && workable ? (
          <p>
            <a class="usa-button usa-button--outline" href={`/staff/u-visa/requests/${r.id}/supplement`}>
              {t('u-visa.staff.supplement.link', { form: r.visaType === 'U' ? 'I-918' : 'I-914' })}
            </a>
          </p>
        ) : null}
        {can.decide && workable ? (
          <>
            <ActionForm ctx={ctx} id={r.id} action="certify" title={t('u-visa.staff.certify.title')} hint={t('u-visa.staff.certify.hint')} button={t('u-visa.staff.certify.submit')} revision={r.revision} />
            {itemErrors.length > 0 ? (
              <div class="usa-alert usa-alert--error" id={`field-${INCOMPLETE_ID}`} tabindex={-1}>
                <div class="usa-alert__body">
                  <h3 class="usa-alert__heading">
                    {t('u-visa.staff.certify.blankHeading')}
                  </h3>
                  <p class="usa-alert__text">{t('u-visa.staff.certify.blankIntro')}</p>
                  <ul class="usa-list">
                    {itemErrors.map((e) => (
                      <li>
                        <a class="usa-link" href={`/staff/u-visa/requests/${r.id}/supplement#field-${e.field}`}>
                          {withSlot(ctx, 'u-visa.staff.certify.blankItem', 'item', <ItemName ctx={ctx} id={e.field} />, { problem: t(e.key) })}
                        </a>
                      </li>
                    ))}
                  </ul>
                  <p class="usa-alert__text">
                    <a class="usa-link" href={`/staff/u-visa/requests/${r.id}/supplement`}>
                      {t('u-visa.staff.supplement.link', { form: r.visaType === 'U' ? 'I-918' : 'I-914' })}
                    </a>
                  </p>
                </div>
              </div>
            ) : null}
            <ActionForm ctx={ctx} id={r.id} action="deny" title={t('u-visa.staff.deny.title')} hint={t('u-visa.staff.deny.hint')} button={t('u-visa.staff.deny.submit')} secondary revision={r.revision}>
              <FormGroup
                name="reason"
                type="radio"
                label={t('u-visa.staff.deny.reason')}
                value={values.reason}
                error={message('deny', 'reason')}
                choices={DENIAL_REASONS.map((d) => ({ value: d, label: t(`u-visa.denialReason.${d}`) }))}
              />
              <FormGroup name="explanation" type="textarea" label={t('u-visa.staff.deny.explanation')} value={values.explanation} error={message('deny', 'explanation')} maxLength={4000} />
            </ActionForm>
          </>
        ) : null}
        {can.review && r.status === 'pending-review' ? (
          <ActionForm ctx={ctx} id={r.id} action="review" title={t('u-visa.staff.review.title')} hint={t('u-visa.staff.review.hint')} button={t('u-visa.staff.review.submit')} revision={r.revision}>
            <FormGroup
              name="outcome"
              type="radio"
              label={t('u-visa.staff.review.outcome')}
              value={values.outcome}
              error={message('review', 'outcome')}
              choices={['confirm', 'return'].map((o) => ({ value: o, label: t(`u-visa.staff.review.${o}`) }))}
            />
            <FormGroup name="note" type="textarea" label={t('u-visa.staff.review.note')} value={values.note} error={message('review', 'note')} maxLength={2000} />
          </ActionForm>
        ) : null}
        {can.prepare && r.status === 'denied' ? (
          <ActionForm ctx={ctx} id={r.id} action="reconsider" title={t('u-visa.staff.reconsider.title')} hint={t('u-visa.staff.reconsider.hint')} button={t('u-visa.staff.reconsider.submit')} secondary>
            <FormGroup name="note" type="textarea" label={t('u-visa.staff.reconsider.note')} value={values.note} error={message('reconsider', 'note')} maxLength={2000} />
          </ActionForm>
        ) : null}
        {can.prepare && open ? (
          <ActionForm ctx={ctx} id={r.id} action="withdraw" title={t('u-visa.staff.withdraw.title')} hint={t('u-visa.staff.withdraw.hint')} button={t('u-visa.staff.withdraw.submit')} secondary />
        ) : null}
        {r.decision ? (
          <ul class="usa-list">
            {r.status === 'certified' ? (
              <li>
                <a class="usa-link" href={`/staff/u-visa/requests/${r.id}/supplement-b.pdf`}>
                  {t('u-visa.staff.documents.supplement', { form: r.visaType === 'U' ? 'I-918' : 'I-914' })}
                </a>
              </li>
            ) : null}
            <li>
              <a class="usa-link" href={`/staff/u-visa/requests/${r.id}/letter.pdf`}>
                {t('u-visa.staff.documents.letter', { language: t(`u-visa.language.${r.language}`) })}
              </a>
            </li>
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t('u-visa.staff.section.history')}</h2>
        <ol class="usa-list">
          {r.actions.map((a) => (
            <li>
              {formatDateTime(ctx, jurisdiction, a.at)} — {t(`u-visa.action.${a.kind}`)}
            </li>
          ))}
          {r.clockHistory
            .filter((e) => e.kind !== 'started')
            .map((e) => (
              <li>
                {formatDateTime(ctx, jurisdiction, e.at.toISOString())} — {t(`clocks.event.${e.kind}`)}
                {e.reasonCode ? ` (${t(`clocks.reason.${e.reasonCode}`)})` : ''}
              </li>
            ))}
        </ol>
      </section>
    </Layout>
  );
}
