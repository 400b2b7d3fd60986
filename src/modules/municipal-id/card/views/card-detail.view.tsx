/**
 * One card as staff see it (decrypted; the read is audited): what is printed on it, its status, and the
 * actions the staff member may take — print, mark printed and handed over, reprint, replace, renew, revoke,
 * and forget the holder on request.
 */
import type { Child } from 'hono/jsx';
import type { FieldError } from '../../../../core/http/errors.ts';
import type { Jurisdiction } from '../../../../core/jurisdiction/index.ts';
import { Alert, CsrfField, ErrorSummary, FormGroup, SummaryList, Table } from '../../../../core/views/components.tsx';
import { Layout } from '../../../../core/views/layout.tsx';
import type { ViewContext } from '../../../../core/views/view-context.ts';
import { DESK, DeskCrumbs, PersonName, StatusTag, formatDateTime, formatDay, variantName } from '../../staff/views/desk-format.tsx';
import { type CardDetail, REPLACEMENT_REASONS, REVOKE_REASONS } from '../card.service.ts';

function ActionForm(props: { ctx: ViewContext; action: string; label: string; secondary?: boolean; children?: Child }) {
  return (
    <form method="post" action={props.action} class="usa-form sanctuary-card-action">
      <CsrfField ctx={props.ctx} />
      {props.children}
      <button type="submit" class={`usa-button${props.secondary ? ' usa-button--secondary' : ''}`}>
        {props.label}
      </button>
    </form>
  );
}

/** The card page. */
export function CardDetailView(props: {
  ctx: ViewContext;
  jurisdiction: Jurisdiction;
  card: CardDetail;
  can: { print: boolean; approve: boolean; forget: boolean };
  saved?: string;
  errors?: readonly FieldError[];
}) {
  const { ctx, jurisdiction, card, can } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const error = (field: string) => {
    const e = errors.find((x) => x.field === field);
    return e ? t(e.key, e.values) : undefined;
  };
  const base = `${DESK}/cards/${card.id}`;
  const title = t('municipalId.cardPage.title', { number: card.number });
  const live = card.status !== 'revoked';
  const rows: Array<{ key: string; value: Child }> = [
    { key: t('municipalId.cardPage.status'), value: <StatusTag ctx={ctx} kind="card" status={card.status} /> },
    { key: t('municipalId.cardPage.number'), value: <span class="sanctuary-verify-text">{card.number}</span> },
    { key: t('municipalId.cardPage.name'), value: <PersonName name={card.name} /> },
    { key: t('municipalId.cardPage.birthDate'), value: formatDay(ctx, card.birthDate) },
    { key: t('municipalId.cardPage.variant'), value: variantName(ctx, jurisdiction, card.variant) },
    { key: t('municipalId.cardPage.issued'), value: formatDay(ctx, card.issuedOn) },
    { key: t('municipalId.cardPage.expires'), value: formatDay(ctx, card.expiresOn) },
    { key: t('municipalId.cardPage.gender'), value: t(`municipalId.gender.${card.gender}`) },
    { key: t('municipalId.cardPage.veteran'), value: t(card.veteran ? 'municipalId.enrol.yes' : 'municipalId.enrol.no') },
    { key: t('municipalId.cardPage.prints'), value: String(card.printCount) },
    { key: t('municipalId.cardPage.approved'), value: formatDateTime(ctx, jurisdiction, card.createdAt) },
  ];
  if (card.printedAt) rows.push({ key: t('municipalId.cardPage.printedAt'), value: formatDateTime(ctx, jurisdiction, card.printedAt) });
  if (card.handedOverAt) rows.push({ key: t('municipalId.cardPage.handedOverAt'), value: formatDateTime(ctx, jurisdiction, card.handedOverAt) });
  if (card.revokedAt) {
    rows.push({ key: t('municipalId.cardPage.revokedAt'), value: formatDateTime(ctx, jurisdiction, card.revokedAt) });
    rows.push({ key: t('municipalId.cardPage.revocationReason'), value: t(`municipalId.cardPage.reason.${card.revocationReason ?? 'cancelled'}`) });
  }
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={<DeskCrumbs ctx={ctx} here={title} via={{ label: t('municipalId.desk.printQueue.title.queued'), href: `${DESK}/print-queue` }} />}>
      <ErrorSummary ctx={ctx} errors={errors} />
      {props.saved ? (
        <Alert type="success" slim>
          {t(`municipalId.cardPage.saved.${props.saved}`)}
        </Alert>
      ) : null}
      <h1>{title}</h1>
      <p class="usa-hint">{t('municipalId.enrol.audited')}</p>
      <div class="grid-row grid-gap">
        <div class="tablet:grid-col-4">
          <img class="sanctuary-holder-photo" src={`${base}/photo`} alt={t('municipalId.enrol.photo.alt')} width="180" height="240" />
        </div>
        <div class="tablet:grid-col-8">
          <SummaryList rows={rows} />
        </div>
      </div>

      {can.print && live ? (
        <section>
          <h2>{t('municipalId.cardPage.print.title')}</h2>
          <p>
            <a class="usa-link" href={`${base}/card.pdf`}>
              {t('municipalId.cardPage.print.pdf')}
            </a>
          </p>
          {card.status === 'queued' ? <ActionForm ctx={ctx} action={`${base}/printed`} label={t('municipalId.cardPage.print.printed')} /> : null}
          {card.status === 'printed' ? <ActionForm ctx={ctx} action={`${base}/handed-over`} label={t('municipalId.cardPage.print.handedOver')} /> : null}
          {card.status === 'printed' || card.status === 'issued' ? (
            <ActionForm ctx={ctx} action={`${base}/reprint`} label={t('municipalId.cardPage.print.reprint')} secondary>
              <p class="usa-hint">{t('municipalId.cardPage.print.reprintHint')}</p>
            </ActionForm>
          ) : null}
        </section>
      ) : null}

      {can.approve && live ? (
        <section>
          <h2>{t('municipalId.cardPage.change.title')}</h2>
          {card.renewable ? (
            <ActionForm ctx={ctx} action={`${base}/renew`} label={t('municipalId.cardPage.renew.submit')}>
              <p class="usa-hint">{t('municipalId.cardPage.renew.hint')}</p>
            </ActionForm>
          ) : null}
          <ActionForm ctx={ctx} action={`${base}/replace`} label={t('municipalId.cardPage.replace.submit')}>
            <FormGroup
              name="reason"
              type="radio"
              label={t('municipalId.cardPage.replace.legend')}
              hint={t('municipalId.cardPage.replace.hint')}
              error={error('reason')}
              choices={REPLACEMENT_REASONS.map((r) => ({ value: r, label: t(`municipalId.cardPage.reason.${r}`) }))}
            />
          </ActionForm>
          <ActionForm ctx={ctx} action={`${base}/revoke`} label={t('municipalId.cardPage.revoke.submit')} secondary>
            <FormGroup
              name="revokeReason"
              type="radio"
              label={t('municipalId.cardPage.revoke.legend')}
              hint={t('municipalId.cardPage.revoke.hint')}
              error={error('revokeReason')}
              choices={REVOKE_REASONS.map((r) => ({ value: r, label: t(`municipalId.cardPage.reason.${r}`) }))}
            />
          </ActionForm>
        </section>
      ) : null}

      {can.forget ? (
        <section>
          <h2>{t('municipalId.cardPage.forget.title')}</h2>
          <p>{t('municipalId.cardPage.forget.body')}</p>
          <ActionForm ctx={ctx} action={`${DESK}/holders/${card.holderId}/forget`} label={t('municipalId.cardPage.forget.submit')} secondary>
            <FormGroup
              name="confirm"
              type="checkbox"
              label={t('municipalId.cardPage.forget.legend')}
              error={error('confirm')}
              choices={[{ value: 'yes', label: t('municipalId.cardPage.forget.confirm') }]}
            />
          </ActionForm>
        </section>
      ) : null}

      {card.otherCards.length > 0 ? (
        <Table
          caption={t('municipalId.cardPage.others.caption')}
          headers={[t('municipalId.desk.column.approved'), t('municipalId.desk.column.status'), t('municipalId.desk.column.expires'), t('municipalId.desk.column.open')]}
          rows={card.otherCards.map((c) => [
            formatDateTime(ctx, jurisdiction, c.created_at),
            <StatusTag ctx={ctx} kind="card" status={c.status} />,
            formatDay(ctx, c.expires_on),
            <a class="usa-link" href={`${DESK}/cards/${c.id}`}>
              {t('municipalId.desk.column.openCard')}
            </a>,
          ])}
        />
      ) : null}
    </Layout>
  );
}
