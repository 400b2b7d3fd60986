import type { Child } from 'hono/jsx';
import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';
import { Alert, Breadcrumbs, CsrfField, SummaryList, Tag } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import type { OfficeRequestDetail } from '../office.service.ts';
import { REQUEST_STATUSES } from '../office.schemas.ts';
import { LanguageName } from './language-name.tsx';
import { formatDateTime } from './office-format.ts';

/** One Office request, decrypted for the staff member working it, with the status form when they may change it. */
export function RequestDetailView(props: {
  ctx: ViewContext;
  jurisdiction: Jurisdiction;
  request: OfficeRequestDetail;
  canUpdate: boolean;
  updated: boolean;
}) {
  const { ctx, jurisdiction, request: r } = props;
  const t = ctx.t;
  const notGiven = <span class="text-base">{t('office.staff.request.notGiven')}</span>;
  const text = (v: string | undefined): Child => (v === undefined ? notGiven : <span class="sanctuary-answer">{v}</span>);
  const rows: Array<{ key: string; value: Child }> = [
    { key: t('office.staff.column.topic'), value: t(`office.topic.${r.topic}`) },
    { key: t('office.staff.column.status'), value: <Tag>{t(`office.status.${r.status}`)}</Tag> },
    { key: t('office.staff.column.received'), value: formatDateTime(ctx, jurisdiction, r.createdAt) },
    { key: t('office.staff.request.updatedAt'), value: formatDateTime(ctx, jurisdiction, r.updatedAt) },
    { key: t('office.staff.column.language'), value: r.language === 'other' ? text(r.languageOther) : <LanguageName ctx={ctx} jurisdiction={jurisdiction} code={r.language} /> },
    { key: t('office.staff.column.contact'), value: t(`office.contact.${r.contactMethod}`) },
  ];
  if (r.contactMethod !== 'none') rows.push({ key: t(`office.staff.request.contactValue.${r.contactMethod}`), value: text(r.contact) });
  rows.push({ key: t('office.staff.request.name'), value: text(r.name) });
  rows.push({ key: t('office.staff.request.description'), value: text(r.description) });
  const title = t('office.staff.request.title', { date: formatDateTime(ctx, jurisdiction, r.createdAt) });
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={
        <Breadcrumbs
          ctx={ctx}
          items={[
            { label: t('staff.home.title'), href: '/staff' },
            { label: t('office.staff.queue.title'), href: '/staff/office/requests' },
            { label: t('office.staff.request.crumb') },
          ]}
        />
      }
    >
      {props.updated ? <Alert type="success" slim>{t('office.staff.request.saved')}</Alert> : null}
      <h1>{title}</h1>
      <p class="usa-hint">{t('office.staff.request.audited')}</p>
      <SummaryList rows={rows} />
      {props.canUpdate ? (
        <form method="post" action={`/staff/office/requests/${r.id}/status`} class="usa-form">
          <CsrfField ctx={ctx} />
          <fieldset class="usa-fieldset">
            <legend class="usa-legend usa-legend--large">{t('office.staff.status.legend')}</legend>
            <p class="usa-hint">{t('office.staff.status.hint')}</p>
            {REQUEST_STATUSES.map((s, i) => (
              <div class="usa-radio">
                <input class="usa-radio__input" type="radio" id={`status-${i}`} name="status" value={s} checked={r.status === s} />
                <label class="usa-radio__label" for={`status-${i}`}>
                  {t(`office.status.${s}`)}
                </label>
              </div>
            ))}
          </fieldset>
          <button type="submit" class="usa-button">
            {t('office.staff.status.save')}
          </button>
        </form>
      ) : null}
    </Layout>
  );
}
