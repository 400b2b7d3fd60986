import type { Child } from 'hono/jsx';
import type { FieldError } from '../../http/errors.ts';
import { Alert, BackLink, Breadcrumbs, CsrfField, ErrorSummary, FormGroup, Pagination, SummaryList, Table, Tag } from '../../views/components.tsx';
import { Layout } from '../../views/layout.tsx';
import type { ViewContext } from '../../views/view-context.ts';
import {
  AGENCY_KINDS,
  CHANNELS,
  COUNSEL_DECLINE_REASONS,
  DEMAND_STATUSES,
  DEMAND_TYPES,
  FORM_NUMBERS,
  SERVED_ON,
  TRI_STATE,
  type DemandStatus,
} from '../demands.rules.ts';
import type { DemandSummary, DemandView } from '../demands.service.ts';
import type { DisclosureSource } from '../demands.sources.ts';

/** How many named records the register form offers (more can be added on the review page). */
export const RECORD_SLOTS = 5;

/** Form values as posted back (all strings). */
export type DemandFormValues = Partial<Record<string, string>>;

function errorFor(ctx: ViewContext, errors: readonly FieldError[], field: string): string | undefined {
  const e = errors.find((x) => x.field === field);
  return e ? ctx.t(e.key, e.values) : undefined;
}

function formatter(ctx: ViewContext, timeZone: string, withTime = true): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(ctx.locale === 'hmn' ? 'en' : ctx.locale, {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone,
  });
}

function When(props: { ctx: ViewContext; iso: string | null; timeZone: string; dateOnly?: boolean }) {
  if (!props.iso) return <span>{props.ctx.t('demands.none')}</span>;
  const date = props.dateOnly ? new Date(`${props.iso}T12:00:00Z`) : new Date(props.iso);
  return <time datetime={props.iso}>{formatter(props.ctx, props.dateOnly ? 'UTC' : props.timeZone, !props.dateOnly).format(date)}</time>;
}

function StatusTag(props: { ctx: ViewContext; status: DemandStatus }) {
  return <Tag>{props.ctx.t(`demands.status.${props.status}`)}</Tag>;
}

function sourceLabel(ctx: ViewContext, sources: readonly DisclosureSource[], program: string, recordType: string): string {
  const s = sources.find((x) => x.program === program && x.recordType === recordType);
  const programTitle = ctx.t(`program.${program}.title`);
  return s ? `${programTitle} — ${ctx.t(s.labelKey)}` : `${program}.${recordType}`;
}

function choices(ctx: ViewContext, prefix: string, values: readonly string[], withEmpty = false) {
  return [...(withEmpty ? [{ value: '', label: ctx.t('demands.choose') }] : []), ...values.map((v) => ({ value: v, label: ctx.t(`${prefix}.${v}`) }))];
}

/** The register of demands, newest first, with overdue notices called out. */
export function DemandListPage(props: {
  ctx: ViewContext;
  list: { items: DemandSummary[]; total: number; overdueNotices: number };
  page: number;
  status: DemandStatus | undefined;
  canRegister: boolean;
  timeZone: string;
}) {
  const { ctx, list } = props;
  const t = ctx.t;
  const pages = Math.max(1, Math.ceil(list.total / 25));
  const rows = list.items.map((d) => [
    <a class="usa-link" href={`/staff/demands/${d.id}`}>
      {d.reference}
    </a>,
    <When ctx={ctx} iso={d.receivedAt} timeZone={props.timeZone} />,
    <span>{t(`demands.type.${d.type}`)}</span>,
    <span>{d.agencyName}</span>,
    <span>
      <StatusTag ctx={ctx} status={d.status} />
      {d.declineReason ? (
        <>
          <br />
          {t(`demands.reason.${d.declineReason}`)}
        </>
      ) : null}
    </span>,
    <span>
      {t('demands.list.notices', { open: d.openNotices, total: d.records })}
      {d.overdueNotices > 0 ? (
        <>
          {' '}
          <span class="usa-tag sanctuary-tag--overdue">{t('demands.list.overdue', { n: d.overdueNotices })}</span>
        </>
      ) : null}
    </span>,
  ]);
  return (
    <Layout ctx={ctx} title={t('demands.list.title')} breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.nav.home'), href: '/staff' }, { label: t('demands.list.title') }]} />}>
      <h1>{t('demands.list.title')}</h1>
      <p class="usa-intro">{t('demands.list.intro')}</p>
      {list.overdueNotices > 0 ? (
        <Alert type="warning" heading={t('demands.list.overdueHeading')}>
          <p>{t('demands.list.overdueBody', { n: list.overdueNotices })}</p>
        </Alert>
      ) : null}
      {props.canRegister ? (
        <p>
          <a class="usa-button" href="/staff/demands/new">
            {t('demands.list.register')}
          </a>
        </p>
      ) : null}
      <nav aria-label={t('demands.list.filter')}>
        <ul class="usa-button-group">
          <li class="usa-button-group__item">
            <a class={`usa-button${props.status ? ' usa-button--outline' : ''}`} href="/staff/demands">
              {t('demands.list.all')}
            </a>
          </li>
          {DEMAND_STATUSES.map((s) => (
            <li class="usa-button-group__item">
              <a class={`usa-button${props.status === s ? '' : ' usa-button--outline'}`} href={`/staff/demands?status=${s}`} aria-current={props.status === s ? 'page' : undefined}>
                {t(`demands.status.${s}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {rows.length === 0 ? (
        <p>{t('demands.list.empty')}</p>
      ) : (
        <Table
          caption={t('demands.list.caption', { total: list.total })}
          headers={[t('demands.field.reference'), t('demands.field.receivedAt'), t('demands.field.type'), t('demands.field.agencyName'), t('demands.field.status'), t('demands.field.notices')]}
          rows={rows}
        />
      )}
      <Pagination ctx={ctx} page={props.page} pages={pages} href={(p) => `/staff/demands?page=${p}${props.status ? `&status=${props.status}` : ''}`} />
    </Layout>
  );
}

/** The checklist questions (the face of the document), shared by registration and review. */
function ChecklistFields(props: { ctx: ViewContext; values: DemandFormValues; errors: readonly FieldError[] }) {
  const { ctx, values, errors } = props;
  const t = ctx.t;
  const v = (k: string) => values[k] ?? '';
  return (
    <>
      <FormGroup name="type" type="radio" label={t('demands.field.type')} hint={t('demands.hint.type')} error={errorFor(ctx, errors, 'type')} value={v('type')}
        choices={DEMAND_TYPES.map((x) => ({ value: x, label: t(`demands.type.${x}`), hint: t(`demands.typeHint.${x}`) }))} />
      <FormGroup name="formNumber" type="select" label={t('demands.field.formNumber')} hint={t('demands.hint.formNumber')} error={errorFor(ctx, errors, 'formNumber')} value={v('formNumber')}
        choices={FORM_NUMBERS.map((x) => ({ value: x, label: x === 'none' || x === 'other' ? t(`demands.formNumber.${x}`) : x }))} />
      <FormGroup name="issuedByCourt" type="radio" label={t('demands.field.issuedByCourt')} hint={t('demands.hint.issuedByCourt')} error={errorFor(ctx, errors, 'issuedByCourt')} value={v('issuedByCourt')} choices={choices(ctx, 'demands.tri', TRI_STATE)} />
      <FormGroup name="courtName" label={t('demands.field.courtName')} hint={t('demands.hint.courtName')} error={errorFor(ctx, errors, 'courtName')} value={v('courtName')} maxLength={300} />
      <FormGroup name="signedByJudge" type="radio" label={t('demands.field.signedByJudge')} hint={t('demands.hint.signedByJudge')} error={errorFor(ctx, errors, 'signedByJudge')} value={v('signedByJudge')} choices={choices(ctx, 'demands.tri', TRI_STATE)} />
      <FormGroup name="judgeName" label={t('demands.field.judgeName')} hint={t('demands.hint.judgeName')} error={errorFor(ctx, errors, 'judgeName')} value={v('judgeName')} maxLength={200} />
      <FormGroup name="caseNumber" label={t('demands.field.caseNumber')} error={errorFor(ctx, errors, 'caseNumber')} value={v('caseNumber')} maxLength={100} />
      <FormGroup name="issuedOn" type="date" label={t('demands.field.issuedOn')} error={errorFor(ctx, errors, 'issuedOn')} value={v('issuedOn')} />
      <FormGroup name="expiresOn" type="date" label={t('demands.field.expiresOn')} hint={t('demands.hint.expiresOn')} error={errorFor(ctx, errors, 'expiresOn')} value={v('expiresOn')} />
    </>
  );
}

function RecordSourceSelect(props: { ctx: ViewContext; name: string; value: string; sources: readonly DisclosureSource[]; error?: string; label: string }) {
  const { ctx } = props;
  return (
    <FormGroup
      name={props.name}
      type="select"
      label={props.label}
      error={props.error}
      value={props.value}
      choices={[
        { value: '', label: ctx.t('demands.choose') },
        ...props.sources.map((s) => ({ value: `${s.program}.${s.recordType}`, label: sourceLabel(ctx, props.sources, s.program, s.recordType) })),
      ]}
    />
  );
}

/** Registering a demand: how it came, the checklist, the records it names — and no document upload. */
export function DemandFormPage(props: {
  ctx: ViewContext;
  values: DemandFormValues;
  errors: readonly FieldError[];
  staff: ReadonlyArray<{ id: string; displayName: string }>;
  sources: readonly DisclosureSource[];
}) {
  const { ctx, values, errors } = props;
  const t = ctx.t;
  const v = (k: string) => values[k] ?? '';
  return (
    <Layout ctx={ctx} title={t('demands.new.title')} breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.nav.home'), href: '/staff' }, { label: t('demands.new.title') }]} />}>
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{t('demands.new.title')}</h1>
      <Alert type="warning" heading={t('demands.new.protocolHeading')}>
        <ul class="usa-list">
          <li>{t('demands.new.protocol1')}</li>
          <li>{t('demands.new.protocol2')}</li>
          <li>{t('demands.new.protocol3')}</li>
          <li>{t('demands.new.protocol4')}</li>
        </ul>
      </Alert>
      <form method="post" action="/staff/demands" class="usa-form usa-form--large sanctuary-demand-form" novalidate>
        <CsrfField ctx={ctx} />
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">{t('demands.new.howHeading')}</legend>
          <FormGroup name="agencyKind" type="select" label={t('demands.field.agencyKind')} error={errorFor(ctx, errors, 'agencyKind')} value={v('agencyKind')} choices={choices(ctx, 'demands.agency', AGENCY_KINDS, true)} />
          <FormGroup name="agencyName" label={t('demands.field.agencyName')} hint={t('demands.hint.agencyName')} error={errorFor(ctx, errors, 'agencyName')} value={v('agencyName')} maxLength={200} />
          <FormGroup name="channel" type="select" label={t('demands.field.channel')} error={errorFor(ctx, errors, 'channel')} value={v('channel')} choices={choices(ctx, 'demands.channel', CHANNELS, true)} />
          <FormGroup name="receivedDate" type="date" label={t('demands.field.receivedDate')} error={errorFor(ctx, errors, 'receivedDate')} value={v('receivedDate')} />
          <FormGroup name="receivedTime" label={t('demands.field.receivedTime')} hint={t('demands.hint.receivedTime')} error={errorFor(ctx, errors, 'receivedTime')} value={v('receivedTime')} maxLength={5} inputMode="numeric" />
          <FormGroup name="receivedBy" type="select" label={t('demands.field.receivedBy')} error={errorFor(ctx, errors, 'receivedBy')} value={v('receivedBy')}
            choices={props.staff.map((s) => ({ value: s.id, label: s.displayName }))} />
          <FormGroup name="servedOn" type="select" label={t('demands.field.servedOn')} error={errorFor(ctx, errors, 'servedOn')} value={v('servedOn')} choices={choices(ctx, 'demands.servedOn', SERVED_ON, true)} />
          <FormGroup name="requester" type="textarea" label={t('demands.field.requester')} hint={t('demands.hint.requester')} error={errorFor(ctx, errors, 'requester')} value={v('requester')} maxLength={500} />
        </fieldset>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">{t('demands.new.checklistHeading')}</legend>
          <ChecklistFields ctx={ctx} values={values} errors={errors} />
        </fieldset>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">{t('demands.new.scopeHeading')}</legend>
          <p class="usa-hint">{t('demands.hint.scope')}</p>
          {props.sources.length === 0 ? <p>{t('demands.new.noSources')}</p> : null}
          {Array.from({ length: props.sources.length === 0 ? 0 : RECORD_SLOTS }, (_, i) => (
            <div class="sanctuary-record-slot">
              <RecordSourceSelect ctx={ctx} name={`records.${i}.source`} label={t('demands.field.recordSource', { n: i + 1 })} value={v(`records.${i}.source`)} sources={props.sources} error={errorFor(ctx, errors, `records.${i}.source`)} />
              <FormGroup name={`records.${i}.recordId`} label={t('demands.field.recordId', { n: i + 1 })} error={errorFor(ctx, errors, `records.${i}.recordId`)} value={v(`records.${i}.recordId`)} maxLength={26} />
            </div>
          ))}
          <FormGroup name="unmatchedPeople" type="number" label={t('demands.field.unmatchedPeople')} hint={t('demands.hint.unmatchedPeople')} error={errorFor(ctx, errors, 'unmatchedPeople')} value={v('unmatchedPeople')} inputMode="numeric" />
        </fieldset>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">{t('demands.new.documentHeading')}</legend>
          <FormGroup name="description" type="textarea" label={t('demands.field.description')} hint={t('demands.hint.description')} error={errorFor(ctx, errors, 'description')} value={v('description')} maxLength={4000} />
        </fieldset>
        <button type="submit" class="usa-button">
          {t('demands.new.submit')}
        </button>
      </form>
    </Layout>
  );
}

/** What the person who registered a demand sees: its reference and what happens next. */
export function DemandRegisteredPage(props: { ctx: ViewContext; demand: DemandSummary; canRead: boolean }) {
  const { ctx, demand } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('demands.registered.title')}>
      <h1>{t('demands.registered.title')}</h1>
      <Alert type={demand.status === 'declined' ? 'info' : 'success'} heading={t('demands.registered.reference', { reference: demand.reference })}>
        <p>{demand.status === 'declined' ? t('demands.registered.declined', { reason: t(`demands.reason.${demand.declineReason ?? 'other_not_judicial'}`) }) : t('demands.registered.pending')}</p>
      </Alert>
      <p>{t('demands.registered.next')}</p>
      {props.canRead ? <BackLink href={`/staff/demands/${demand.id}`} label={t('demands.registered.open')} /> : <BackLink href="/staff" label={t('demands.registered.home')} />}
    </Layout>
  );
}

const NOTICES = ['saved', 'approved', 'declined', 'noticeSent', 'noticeRecorded', 'partial'];

/** Counsel's review of one demand: checklist, approvals, disclosure, notices. */
export function DemandDetailPage(props: {
  ctx: ViewContext;
  demand: DemandView;
  actorId: string;
  can: { review: boolean; approve: boolean; disclose: boolean; auditRead: boolean };
  stepUpFresh: boolean;
  stepUpHref: string;
  sources: readonly DisclosureSource[];
  timeZone: string;
  errors?: readonly FieldError[];
  error?: string;
  notice?: string;
}) {
  const { ctx, demand: d, can } = props;
  const t = ctx.t;
  const base = `/staff/demands/${d.id}`;
  const open = d.status === 'pending_review';
  const editable = open && d.approvals.length === 0;
  const approvedByMe = d.approvals.some((a) => a.userId === props.actorId);
  const tri = (v: string) => t(`demands.tri.${v}`);
  const orNone = (v: string | null) => v ?? t('demands.none');
  const checklistValues: DemandFormValues = {
    type: d.type,
    formNumber: d.checklist.formNumber,
    issuedByCourt: d.checklist.issuedByCourt,
    signedByJudge: d.checklist.signedByJudge,
    judgeName: d.checklist.judgeName ?? '',
    courtName: d.checklist.courtName ?? '',
    caseNumber: d.checklist.caseNumber ?? '',
    issuedOn: d.checklist.issuedOn ?? '',
    expiresOn: d.checklist.expiresOn ?? '',
  };
  const stepUp: Child = props.stepUpFresh ? null : (
    <p>
      <a class="usa-button usa-button--outline" href={props.stepUpHref}>
        {t('demands.detail.stepUp')}
      </a>
    </p>
  );

  const recordRows = d.records.map((r) => [
    <span>{sourceLabel(ctx, props.sources, r.program, r.recordType)}</span>,
    <span class="sanctuary-code">{r.recordId}</span>,
    <span>
      {t(`demands.notice.status.${r.notice.status}`)}
      {r.notice.method ? ` — ${t(`demands.notice.method.${r.notice.method}`)}` : ''}
      {r.notice.messageStatus ? ` (${t(`demands.message.status.${r.notice.messageStatus}`)})` : ''}
      {r.notice.overdue ? (
        <>
          {' '}
          <span class="usa-tag sanctuary-tag--overdue">{t('demands.notice.overdue')}</span>
        </>
      ) : null}
    </span>,
    <When ctx={ctx} iso={r.notice.doneAt ?? r.notice.dueAt} timeZone={props.timeZone} />,
    can.review && (r.notice.status === 'pending' || (r.notice.status === 'deferred' && d.nondisclosure === null)) ? (
      <div class="sanctuary-actions">
        <form method="post" action={`${base}/notices/${r.id}/send`} class="sanctuary-inline-form">
          <CsrfField ctx={ctx} />
          <button type="submit" class="usa-button usa-button--outline">
            {t('demands.notice.send')}
          </button>
        </form>
        <form method="post" action={`${base}/notices/${r.id}/record`} class="sanctuary-inline-form">
          <CsrfField ctx={ctx} />
          <FormGroup name="method" type="select" label={t('demands.notice.recordLabel')} value="phone"
            choices={['phone', 'in_person', 'mail', 'other', 'not_possible'].map((m) => ({ value: m, label: t(m === 'not_possible' ? 'demands.notice.status.not_possible' : `demands.notice.method.${m}`) }))} />
          <button type="submit" class="usa-button usa-button--unstyled">
            {t('demands.notice.record')}
          </button>
        </form>
      </div>
    ) : (
      <span>{r.notice.doneBy ?? ''}</span>
    ),
  ]);

  return (
    <Layout
      ctx={ctx}
      title={t('demands.detail.title', { reference: d.reference })}
      breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.nav.home'), href: '/staff' }, { label: t('demands.list.title'), href: '/staff/demands' }, { label: d.reference }]} />}
    >
      <ErrorSummary ctx={ctx} errors={(props.errors ?? []).filter((e) => e.field !== 'checklist')} />
      {props.error ? (
        <Alert type="error" heading={t('demands.detail.refused')}>
          <p>{t(props.error)}</p>
          {(props.errors ?? []).some((e) => e.field === 'checklist') ? (
            <ul class="usa-list">
              {(props.errors ?? []).filter((e) => e.field === 'checklist').map((e) => (
                <li>{t(e.key)}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      {props.notice && NOTICES.includes(props.notice) ? <Alert type="success" slim>{t(`demands.detail.notice.${props.notice}`)}</Alert> : null}
      <h1>
        {t('demands.detail.title', { reference: d.reference })} <StatusTag ctx={ctx} status={d.status} />
      </h1>
      {d.declineReason ? <p class="usa-intro">{t('demands.detail.declinedBecause', { reason: t(`demands.reason.${d.declineReason}`) })}</p> : null}

      <h2>{t('demands.detail.receivedHeading')}</h2>
      <SummaryList
        rows={[
          { key: t('demands.field.type'), value: t(`demands.type.${d.type}`) },
          { key: t('demands.field.agencyName'), value: `${d.agencyName} (${t(`demands.agency.${d.agencyKind}`)})` },
          { key: t('demands.field.channel'), value: t(`demands.channel.${d.channel}`) },
          { key: t('demands.field.receivedAt'), value: <When ctx={ctx} iso={d.receivedAt} timeZone={props.timeZone} /> },
          { key: t('demands.field.receivedBy'), value: orNone(d.receivedBy.name) },
          { key: t('demands.field.registeredBy'), value: orNone(d.registeredBy.name) },
          { key: t('demands.field.servedOn'), value: t(`demands.servedOn.${d.servedOn}`) },
          { key: t('demands.field.requester'), value: orNone(d.requester) },
          { key: t('demands.field.description'), value: orNone(d.description) },
          { key: t('demands.field.unmatchedPeople'), value: String(d.unmatchedPeople) },
        ]}
      />
      {can.auditRead ? (
        <p>
          <a class="usa-link" href={`/staff/audit/records/privacy.demand/${d.id}`}>
            {t('demands.detail.history')}
          </a>
        </p>
      ) : null}

      <h2>{t('demands.detail.checklistHeading')}</h2>
      <SummaryList
        rows={[
          { key: t('demands.field.formNumber'), value: d.checklist.formNumber === 'none' || d.checklist.formNumber === 'other' ? t(`demands.formNumber.${d.checklist.formNumber}`) : d.checklist.formNumber },
          { key: t('demands.field.issuedByCourt'), value: tri(d.checklist.issuedByCourt) },
          { key: t('demands.field.courtName'), value: orNone(d.checklist.courtName) },
          { key: t('demands.field.signedByJudge'), value: tri(d.checklist.signedByJudge) },
          { key: t('demands.field.judgeName'), value: orNone(d.checklist.judgeName) },
          { key: t('demands.field.caseNumber'), value: orNone(d.checklist.caseNumber) },
          { key: t('demands.field.issuedOn'), value: <When ctx={ctx} iso={d.checklist.issuedOn} timeZone={props.timeZone} dateOnly /> },
          { key: t('demands.field.expiresOn'), value: <When ctx={ctx} iso={d.checklist.expiresOn} timeZone={props.timeZone} dateOnly /> },
        ]}
      />
      {d.evaluation.approvable ? (
        <Alert type="info" slim>
          {t('demands.detail.approvable')}
        </Alert>
      ) : (
        <Alert type="warning" heading={t('demands.detail.notApprovable')}>
          <ul class="usa-list">
            {d.evaluation.reasons.map((r) => (
              <li>{t(`demands.reason.${r}`)}</li>
            ))}
          </ul>
        </Alert>
      )}
      {can.review && editable ? (
        <details class="sanctuary-details">
          <summary>{t('demands.detail.editChecklist')}</summary>
          <form method="post" action={`${base}/checklist`} class="usa-form usa-form--large" novalidate>
            <CsrfField ctx={ctx} />
            <ChecklistFields ctx={ctx} values={checklistValues} errors={props.errors ?? []} />
            <button type="submit" class="usa-button">
              {t('demands.detail.saveChecklist')}
            </button>
          </form>
        </details>
      ) : null}

      <h2>{t('demands.detail.recordsHeading')}</h2>
      {d.nondisclosure ? (
        <Alert type="warning" heading={t('demands.detail.nondisclosureHeading')}>
          <p>{t('demands.detail.nondisclosureBody', { order: d.nondisclosure.orderRef })}</p>
          {d.nondisclosure.until ? (
            <p>
              {t('demands.detail.nondisclosureUntil')} <When ctx={ctx} iso={d.nondisclosure.until} timeZone={props.timeZone} dateOnly />
            </p>
          ) : null}
          {can.review ? (
            <form method="post" action={`${base}/nondisclosure/lift`}>
              <CsrfField ctx={ctx} />
              <button type="submit" class="usa-button usa-button--outline">
                {t('demands.detail.liftNondisclosure')}
              </button>
            </form>
          ) : null}
        </Alert>
      ) : null}
      {recordRows.length === 0 ? (
        <p>{t('demands.detail.noRecords')}</p>
      ) : (
        <Table
          caption={t('demands.detail.recordsCaption')}
          headers={[t('demands.field.recordSourceShort'), t('demands.field.recordIdShort'), t('demands.field.notice'), t('demands.field.noticeWhen'), t('demands.field.actions')]}
          rows={recordRows}
        />
      )}
      {can.review && editable && props.sources.length > 0 ? (
        <form method="post" action={`${base}/records`} class="usa-form">
          <CsrfField ctx={ctx} />
          <RecordSourceSelect ctx={ctx} name="source" label={t('demands.field.recordSourceShort')} value="" sources={props.sources} error={errorFor(ctx, props.errors ?? [], 'program') ?? errorFor(ctx, props.errors ?? [], 'recordType') ?? errorFor(ctx, props.errors ?? [], 'records.0.source')} />
          <FormGroup name="recordId" label={t('demands.field.recordIdShort')} value="" maxLength={26} error={errorFor(ctx, props.errors ?? [], 'recordId') ?? errorFor(ctx, props.errors ?? [], 'records.0.recordId')} />
          <button type="submit" class="usa-button usa-button--outline">
            {t('demands.detail.addRecord')}
          </button>
        </form>
      ) : null}
      {can.review && !d.nondisclosure ? (
        <details class="sanctuary-details">
          <summary>{t('demands.detail.recordNondisclosure')}</summary>
          <form method="post" action={`${base}/nondisclosure`} class="usa-form">
            <CsrfField ctx={ctx} />
            <FormGroup name="orderRef" label={t('demands.field.orderRef')} hint={t('demands.hint.orderRef')} error={errorFor(ctx, props.errors ?? [], 'orderRef')} value="" maxLength={300} />
            <FormGroup name="until" type="date" label={t('demands.field.until')} hint={t('demands.hint.until')} error={errorFor(ctx, props.errors ?? [], 'until')} value="" />
            <button type="submit" class="usa-button usa-button--outline">
              {t('demands.detail.saveNondisclosure')}
            </button>
          </form>
        </details>
      ) : null}

      <h2>{t('demands.detail.decisionHeading')}</h2>
      {d.approvals.length > 0 ? (
        <ul class="usa-list">
          {d.approvals.map((a) => (
            <li>
              {t('demands.detail.approvedBy', { name: a.name ?? a.userId, roles: a.roles.map((r) => t(`demands.role.${r}`)).join(', ') })}{' '}
              <When ctx={ctx} iso={a.approvedAt} timeZone={props.timeZone} />
            </li>
          ))}
        </ul>
      ) : null}
      {open && !d.approvalState.complete ? <p>{t(`demands.detail.missing.${d.approvalState.missing}`)}</p> : null}
      {open && can.approve && d.evaluation.approvable && !approvedByMe ? (
        <div class="sanctuary-decision">
          {stepUp}
          <form method="post" action={`${base}/approve`}>
            <CsrfField ctx={ctx} />
            <p>{t('demands.detail.approveExplain')}</p>
            <button type="submit" class="usa-button" disabled={!props.stepUpFresh}>
              {t('demands.detail.approve')}
            </button>
          </form>
        </div>
      ) : null}
      {open && approvedByMe ? <p>{t('demands.detail.youApproved')}</p> : null}
      {can.review && (open || (d.status === 'approved' && d.disclosure?.downloadedAt === null)) ? (
        <form method="post" action={`${base}/decline`} class="usa-form">
          <CsrfField ctx={ctx} />
          <FormGroup name="reason" type="select" label={t('demands.detail.declineReason')} error={errorFor(ctx, props.errors ?? [], 'reason')} value={d.evaluation.reasons[0] ?? ''}
            choices={[{ value: '', label: t('demands.choose') }, ...COUNSEL_DECLINE_REASONS.map((r) => ({ value: r, label: t(`demands.reason.${r}`) }))]} />
          <button type="submit" class="usa-button usa-button--secondary">
            {t('demands.detail.decline')}
          </button>
        </form>
      ) : null}

      {d.disclosure ? (
        <>
          <h2>{t('demands.detail.disclosureHeading')}</h2>
          <p>
            {d.disclosure.downloadedAt ? (
              <>
                {t('demands.detail.disclosureUsed', { name: d.disclosure.downloadedBy ?? '' })} <When ctx={ctx} iso={d.disclosure.downloadedAt} timeZone={props.timeZone} />
              </>
            ) : d.disclosure.available ? (
              <>
                {t('demands.detail.disclosureAvailable')} <When ctx={ctx} iso={d.disclosure.expiresAt} timeZone={props.timeZone} />
              </>
            ) : (
              t('demands.detail.disclosureExpired')
            )}
          </p>
          {d.disclosure.available && can.disclose && approvedByMe ? (
            <div class="sanctuary-decision">
              {stepUp}
              <form method="post" action={`${base}/disclosure`}>
                <CsrfField ctx={ctx} />
                <p>{t('demands.detail.downloadExplain', { n: d.records.length })}</p>
                <button type="submit" class="usa-button" disabled={!props.stepUpFresh}>
                  {t('demands.detail.download')}
                </button>
              </form>
            </div>
          ) : null}
        </>
      ) : null}
    </Layout>
  );
}
