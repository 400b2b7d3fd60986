import type { Child } from 'hono/jsx';
import type { FieldError } from '../../../core/http/errors.ts';
import { Alert, Breadcrumbs, CsrfField, ErrorSummary, FormGroup } from '../../../core/views/components.tsx';
import { Layout } from '../../../core/views/layout.tsx';
import type { ViewContext } from '../../../core/views/view-context.ts';
import { crimeLabelKey } from '../u-visa.crimes.ts';
import type { CaseFacts } from '../u-visa.service.ts';
import { STOCK_ANSWERS, type SupplementField, type SupplementForm, supplementFields, supplementParts } from '../supplement-b/supplement-b.fields.ts';
import { InLanguage, ItemName, withSlot } from './u-visa-format.tsx';

function crumbs(ctx: ViewContext, id: string, reference: string, label: string) {
  const t = ctx.t;
  return (
    <Breadcrumbs
      ctx={ctx}
      items={[
        { label: t('staff.home.title'), href: '/staff' },
        { label: t('u-visa.staff.queue.title'), href: '/staff/u-visa' },
        { label: t('u-visa.staff.request.title', { reference }), href: `/staff/u-visa/requests/${id}` },
        { label },
      ]}
    />
  );
}

function errorText(ctx: ViewContext, errors: readonly FieldError[], field: string): string | undefined {
  const e = errors.find((x) => x.field === field);
  return e ? ctx.t(e.key, e.values) : undefined;
}

/** The case facts staff record from the agency's file (decrypted; the read is audited). */
export function FactsView(props: { ctx: ViewContext; id: string; reference: string; facts: CaseFacts; errors?: readonly FieldError[] }) {
  const { ctx, facts } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const title = t('u-visa.staff.facts.title');
  const text = (name: keyof CaseFacts, max: number, area = false) => (
    <FormGroup name={name} type={area ? 'textarea' : 'text'} label={t(`u-visa.staff.facts.${name}`)} value={facts[name]} error={errorText(ctx, errors, name)} maxLength={max} />
  );
  const date = (name: keyof CaseFacts) => <FormGroup name={name} type="date" label={t(`u-visa.staff.facts.${name}`)} value={facts[name]} error={errorText(ctx, errors, name)} />;
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, props.id, props.reference, title)}>
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p>{t('u-visa.staff.facts.intro')}</p>
      <form method="post" action={`/staff/u-visa/requests/${props.id}/facts`} class="usa-form usa-form--large">
        <CsrfField ctx={ctx} />
        {text('agencyCaseNumber', 60)}
        {date('reportDate')}
        {date('crimeDateFrom')}
        {date('crimeDateTo')}
        {text('crimeLocation', 200)}
        {text('statutes', 500, true)}
        {text('description', 4000, true)}
        {text('injuries', 2000, true)}
        <FormGroup
          name="investigationStatus"
          type="radio"
          label={t('u-visa.staff.facts.investigationStatus')}
          value={facts.investigationStatus}
          error={errorText(ctx, errors, 'investigationStatus')}
          choices={['ongoing', 'completed', 'none'].map((v) => ({ value: v, label: t(`u-visa.suppb.option.${v}`) }))}
        />
        <FormGroup
          name="familyImplicated"
          type="radio"
          label={t('u-visa.staff.facts.familyImplicated')}
          value={facts.familyImplicated}
          error={errorText(ctx, errors, 'familyImplicated')}
          choices={['yes', 'no'].map((v) => ({ value: v, label: t(`u-visa.suppb.option.${v}`) }))}
        />
        {text('familyImplicatedDetails', 2000, true)}
        <button type="submit" class="usa-button">
          {t('u-visa.staff.facts.submit')}
        </button>
      </form>
    </Layout>
  );
}

/** The form control of each kind of Supplement B item. */
const ITEM_TYPES = { text: 'text', textarea: 'textarea', date: 'date', choice: 'radio', multi: 'checkbox' } as const satisfies Record<SupplementField['type'], string>;

/**
 * Supplement B, item by item, prefilled from the request and the case facts. Every item offers the answers
 * USCIS accepts instead of a blank ("N/A", "None", "Unknown") where they fit; signing is refused while a
 * required item is blank. What the page shows prefilled counts at signing and is stored with the signed form.
 * The requester's own words in another language than English are not prefilled (the answer sheet is in
 * English): they are quoted beside their item, in their language, for the official to answer in English.
 */
export function SupplementView(props: {
  ctx: ViewContext;
  id: string;
  reference: string;
  form: SupplementForm;
  answers: Readonly<Record<string, string>>;
  /** The requester's words left out of the draft because they are not in English, by item. */
  requesterWords?: Readonly<Partial<Record<string, { text: string; lang: string }>>>;
  revision: number;
  canSign: boolean;
  errors?: readonly FieldError[];
  saved?: boolean;
}) {
  const { ctx, form, answers } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const words = props.requesterWords ?? {};
  const fields = supplementFields(form).filter((f) => !f.system);
  const title = t(`u-visa.suppb.title.${form}`);
  const optionLabel = (fieldId: string, value: string) =>
    fieldId === 'crimes' ? t(crimeLabelKey(value)) : fieldId === 'crimeModifiers' ? t(`u-visa.crimeModifier.${value}`) : t(`u-visa.suppb.option.${value}`);
  const requesterHint = (fieldId: string): Child | undefined => {
    const w = words[fieldId];
    if (!w) return undefined;
    return (
      <>
        {t('u-visa.staff.supplement.requesterWords', { language: t(`u-visa.language.${w.lang}`) })}{' '}
        <q class="sanctuary-answer" lang={w.lang}>
          {w.text}
        </q>
      </>
    );
  };
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, props.id, props.reference, title)}>
      {props.saved ? (
        <Alert type="success" slim>
          {t('u-visa.staff.supplement.saved')}
        </Alert>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p>{t('u-visa.staff.supplement.intro')}</p>
      <p>{t('u-visa.staff.supplement.prefilled')}</p>
      <form method="post" action={`/staff/u-visa/requests/${props.id}/supplement`} class="usa-form usa-form--large sanctuary-supplement">
        <CsrfField ctx={ctx} />
        {supplementParts(form).map((part) => (
          <fieldset class="usa-fieldset">
            <legend class="usa-legend usa-legend--large">{t(`u-visa.suppb.part.${form}.${part}`)}</legend>
            {fields
              .filter((f) => f.part === part)
              .map((f) => {
                const value = answers[f.id];
                const stock = value !== undefined && (STOCK_ANSWERS as readonly string[]).includes(value) ? value : undefined;
                const name = <ItemName ctx={ctx} id={f.id} />;
                const label = f.optional ? withSlot(ctx, 'u-visa.staff.supplement.optional', 'label', name) : name;
                const error = errorText(ctx, errors, f.id);
                const choices = f.type === 'choice' || f.type === 'multi' ? (f.options ?? []).map((o) => ({ value: o, label: optionLabel(f.id, o) })) : undefined;
                const shown = f.type === 'multi' ? (stock ? [] : (value ?? '').split(',').filter(Boolean)) : f.type === 'choice' ? (stock ? undefined : value) : stock ? '' : value;
                return (
                  <div class="sanctuary-supplement-item">
                    <FormGroup name={f.id} type={ITEM_TYPES[f.type]} label={label} hint={requesterHint(f.id)} error={error} value={shown} choices={choices} maxLength={f.maxLength} />
                    {f.offer.length > 0 ? (
                      <div class="usa-form-group">
                        <fieldset class="usa-fieldset" id={`field-${f.id}__stock`} tabindex={-1}>
                          <legend class="usa-legend">{withSlot(ctx, 'u-visa.staff.supplement.stock', 'label', name)}</legend>
                          {[{ value: '', label: t('u-visa.staff.supplement.stockNone'), lang: undefined }, ...f.offer.map((o) => ({ value: o, label: o, lang: 'en' }))].map((c, i) => (
                            <div class="usa-radio">
                              <input class="usa-radio__input" type="radio" id={`field-${f.id}__stock-${i}`} name={`${f.id}__stock`} value={c.value} checked={(stock ?? '') === c.value} />
                              <label class="usa-radio__label" for={`field-${f.id}__stock-${i}`}>
                                {c.lang ? <InLanguage ctx={ctx} lang={c.lang}>{c.label}</InLanguage> : c.label}
                              </label>
                            </div>
                          ))}
                        </fieldset>
                      </div>
                    ) : null}
                  </div>
                );
              })}
          </fieldset>
        ))}
        <button type="submit" class="usa-button">
          {t('u-visa.staff.supplement.save')}
        </button>
      </form>
      {props.canSign ? (
        <form method="post" action={`/staff/u-visa/requests/${props.id}/certify`} class="usa-form">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="revision" value={String(props.revision)} />
          <h2>{t('u-visa.staff.certify.title')}</h2>
          <p class="usa-hint">{t('u-visa.staff.certify.hint')}</p>
          <button type="submit" class="usa-button usa-button--secondary">
            {t('u-visa.staff.certify.submit')}
          </button>
        </form>
      ) : null}
    </Layout>
  );
}

/** Find earlier requests of the same person by A-number (POST, so the number never sits in a URL). */
export function SearchView(props: { ctx: ViewContext; errors?: readonly FieldError[]; results?: ReadonlyArray<{ id: string; reference: string }> }) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const title = t('u-visa.staff.search.title');
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={<Breadcrumbs ctx={ctx} items={[{ label: t('staff.home.title'), href: '/staff' }, { label: t('u-visa.staff.queue.title'), href: '/staff/u-visa' }, { label: title }]} />}
    >
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p>{t('u-visa.staff.search.intro')}</p>
      <form method="post" action="/staff/u-visa/search" class="usa-form">
        <CsrfField ctx={ctx} />
        <FormGroup name="aNumber" label={t('u-visa.form.aNumber.label')} hint={t('u-visa.form.aNumber.hint')} error={errorText(ctx, errors, 'aNumber')} maxLength={20} />
        <button type="submit" class="usa-button">
          {t('u-visa.staff.search.submit')}
        </button>
      </form>
      {props.results ? (
        props.results.length === 0 ? (
          <p role="status">{t('u-visa.staff.search.none')}</p>
        ) : (
          <>
            <h2 role="status">{t('u-visa.staff.search.found', { count: props.results.length })}</h2>
            <ul class="usa-list">
              {props.results.map((r) => (
                <li>
                  <a class="usa-link sanctuary-mono" href={`/staff/u-visa/requests/${r.id}`}>
                    {r.reference}
                  </a>
                </li>
              ))}
            </ul>
          </>
        )
      ) : null}
    </Layout>
  );
}
