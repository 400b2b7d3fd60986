import type { FieldError } from '../../../core/http/errors.ts';
import { CsrfField, FormGroup, SummaryList } from '../../../core/views/components.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { CLOSING_REASONS } from '../legal-defense.close.ts';

/**
 * On the case page: for a closed case, why and when the representation ended; for an open one the actor may
 * close, the form to close it (a reason from the list and the day). Field names differ from the page's other
 * forms (`closingReason`, `closedOn`) so every id on the page stays unique.
 */
export function CloseSection(props: {
  ctx: ViewContext;
  /** The case page's base path (`/staff/legal-defense/cases/:id` or `/staff/legal-defense/assigned/:id`). */
  base: string;
  open: boolean;
  closingReason: string | null;
  closedOn: string | null;
  canClose: boolean;
  errors: readonly FieldError[];
  values?: Readonly<Record<string, string>>;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const error = (name: string) => {
    const e = props.errors.find((x) => x.field === name);
    return e ? t(e.key, e.values) : undefined;
  };
  if (!props.open && props.closingReason) {
    return (
      <section aria-labelledby="closed-heading">
        <h2 id="closed-heading">{t('legal-defense.close.closedTitle')}</h2>
        <SummaryList
          rows={[
            { key: t('legal-defense.close.closedReason'), value: t(`legal-defense.closing.${props.closingReason}`) },
            { key: t('legal-defense.close.closedOn'), value: props.closedOn ?? '' },
          ]}
        />
        <p>{t('legal-defense.close.reopen')}</p>
      </section>
    );
  }
  if (!props.open || !props.canClose) return null;
  return (
    <section aria-labelledby="close-heading">
      <h2 id="close-heading">{t('legal-defense.close.title')}</h2>
      <p>{t('legal-defense.close.intro')}</p>
      <form method="post" action={`${props.base}/close`} class="usa-form">
        <CsrfField ctx={ctx} />
        <FormGroup
          name="closingReason"
          type="select"
          label={t('legal-defense.close.reason')}
          value={props.values?.closingReason}
          error={error('closingReason')}
          choices={[{ value: '', label: t('legal-defense.close.reasonNone') }, ...CLOSING_REASONS.map((r) => ({ value: r, label: t(`legal-defense.closing.${r}`) }))]}
        />
        <FormGroup name="closedOn" type="date" label={t('legal-defense.close.on')} hint={t('legal-defense.close.onHint')} value={props.values?.closedOn} error={error('closedOn')} />
        <button type="submit" class="usa-button usa-button--secondary">
          {t('legal-defense.close.submit')}
        </button>
      </form>
    </section>
  );
}
