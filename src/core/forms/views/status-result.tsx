import { formatDate } from '../form-answers.ts';
import type { FormStatus } from '../form-definition.ts';
import type { ViewContext } from '../../views/view-context.ts';

/** The status of a request found by its reference code: a label and dates, never personal data. */
export function StatusResult(props: { ctx: ViewContext; status: FormStatus; receivedDate: string; updatedDate: string }) {
  const { ctx, status } = props;
  const t = ctx.t;
  return (
    <section class="usa-summary-box sanctuary-status" aria-labelledby="status-heading" role="status">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading" id="status-heading">
          {t('forms.status.resultHeading')}
        </h2>
        <div class="usa-summary-box__text">
          <p>
            <strong class="usa-tag usa-tag--big">{t(status.statusKey)}</strong>
          </p>
          {status.detailKey ? <p>{t(status.detailKey)}</p> : null}
          <p>{t('forms.status.received', { date: formatDate(props.receivedDate, ctx.locale) })}</p>
          <p>{t('forms.status.updated', { date: formatDate(props.updatedDate, ctx.locale) })}</p>
        </div>
      </div>
    </section>
  );
}
