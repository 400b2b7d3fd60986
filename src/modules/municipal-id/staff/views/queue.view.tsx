import type { Jurisdiction } from '../../../../core/jurisdiction/index.ts';
import { Table } from '../../../../core/views/components.tsx';
import { Layout } from '../../../../core/views/layout.tsx';
import type { ViewContext } from '../../../../core/views/view-context.ts';
import type { CardListRow } from '../../card/card.repo.ts';
import { COUNT_CAP, type ListPage } from '../staff.service.ts';
import type { ApprovalRow } from '../staff.repo.ts';
import { DESK, DeskCrumbs, StatusTag, cappedCount, formatDateTime, formatDay, keysetParam, variantName } from './desk-format.tsx';

function NextLink(props: { ctx: ViewContext; href: string | null; first: string | null }) {
  if (!props.href && !props.first) return null;
  return (
    <nav aria-label={props.ctx.t('component.pagination.label')} class="usa-pagination">
      <ul class="usa-pagination__list">
        {props.first ? (
          <li class="usa-pagination__item usa-pagination__arrow">
            <a class="usa-pagination__link" href={props.first}>
              <span class="usa-pagination__link-text">{props.ctx.t('municipalId.desk.list.first')}</span>
            </a>
          </li>
        ) : null}
        {props.href ? (
          <li class="usa-pagination__item usa-pagination__arrow">
            <a class="usa-pagination__link usa-pagination__next-page" href={props.href}>
              <span class="usa-pagination__link-text">{props.ctx.t('component.pagination.next')}</span>
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/** Enrolled applications waiting for a decision (categories and dates only). */
export function ApprovalsView(props: { ctx: ViewContext; jurisdiction: Jurisdiction; page: ListPage<ApprovalRow>; paged: boolean }) {
  const { ctx, jurisdiction, page } = props;
  const t = ctx.t;
  const title = t('municipalId.desk.approvals.title');
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={<DeskCrumbs ctx={ctx} here={title} />}>
      <h1>{title}</h1>
      {page.rows.length === 0 ? (
        <p>{t('municipalId.desk.approvals.empty')}</p>
      ) : (
        <Table
          caption={t('municipalId.desk.approvals.caption', { n: cappedCount(ctx, page.total, COUNT_CAP) })}
          headers={[t('municipalId.desk.column.received'), t('municipalId.desk.column.enrolled'), t('municipalId.desk.column.variant'), t('municipalId.desk.column.open')]}
          rows={page.rows.map((r) => [
            formatDateTime(ctx, jurisdiction, r.created_at),
            r.enrolled_at ? formatDateTime(ctx, jurisdiction, r.enrolled_at) : '',
            variantName(ctx, jurisdiction, r.fee_variant),
            <a class="usa-link" href={`${DESK}/applications/${r.id}`}>
              {t('municipalId.desk.column.openApplication')}
            </a>,
          ])}
        />
      )}
      <NextLink ctx={ctx} href={page.next ? `${DESK}/approvals?after=${encodeURIComponent(keysetParam(page.next))}` : null} first={props.paged ? `${DESK}/approvals` : null} />
    </Layout>
  );
}

/** Cards in the print queue (queued) or printed and waiting to be handed over. */
export function PrintQueueView(props: { ctx: ViewContext; jurisdiction: Jurisdiction; status: 'queued' | 'printed'; page: ListPage<CardListRow>; paged: boolean }) {
  const { ctx, jurisdiction, page, status } = props;
  const t = ctx.t;
  const title = t(`municipalId.desk.printQueue.title.${status}`);
  const base = status === 'queued' ? `${DESK}/print-queue` : `${DESK}/print-queue?status=printed`;
  const sep = base.includes('?') ? '&' : '?';
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={<DeskCrumbs ctx={ctx} here={title} />}>
      <h1>{title}</h1>
      <p>
        {status === 'queued' ? (
          <a class="usa-link" href={`${DESK}/print-queue?status=printed`}>
            {t('municipalId.desk.printQueue.showPrinted')}
          </a>
        ) : (
          <a class="usa-link" href={`${DESK}/print-queue`}>
            {t('municipalId.desk.printQueue.showQueued')}
          </a>
        )}
      </p>
      {page.rows.length === 0 ? (
        <p>{t('municipalId.desk.printQueue.empty')}</p>
      ) : (
        <Table
          caption={t('municipalId.desk.printQueue.caption', { n: cappedCount(ctx, page.total, COUNT_CAP) })}
          headers={[t('municipalId.desk.column.approved'), t('municipalId.desk.column.status'), t('municipalId.desk.column.expires'), t('municipalId.desk.column.prints'), t('municipalId.desk.column.open')]}
          rows={page.rows.map((r) => [
            formatDateTime(ctx, jurisdiction, r.created_at),
            <StatusTag ctx={ctx} kind="card" status={r.status} />,
            formatDay(ctx, r.expires_on),
            String(r.print_count),
            <a class="usa-link" href={`${DESK}/cards/${r.id}`}>
              {t('municipalId.desk.column.openCard')}
            </a>,
          ])}
        />
      )}
      <NextLink ctx={ctx} href={page.next ? `${base}${sep}after=${encodeURIComponent(keysetParam(page.next))}` : null} first={props.paged ? base : null} />
    </Layout>
  );
}
