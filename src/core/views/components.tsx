import type { Child } from 'hono/jsx';
import type { FieldError } from '../http/errors.ts';
import { LABEL_SLOT, endsPunctuated, trimLabel } from './error-summary.ts';
import type { ViewContext } from './view-context.ts';

/** Hidden CSRF field for every form that changes state. */
export function CsrfField({ ctx }: { ctx: ViewContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
}

/**
 * The error summary at the top of a form (WCAG 3.3.1): one entry per error, naming the field ("Last name: Answer
 * this question") and linking to it. It takes the focus when the page loads (`autofocus` on a `tabindex="-1"`
 * element, as USWDS and GOV.UK do with script; no script needed), and wins over any field the page autofocuses:
 * it comes first in the page, and `renderDocument` drops every other `autofocus` of a page that has it.
 *
 * The field's label comes from `labels` (field name → label as shown) when the caller passes it; otherwise
 * `renderDocument` fills it in from the rendered page, where `FormGroup` gives each field the id `field-<name>`
 * and a `<label for>` or a fieldset `<legend>` (see ./error-summary.ts). An entry whose field has no label on the
 * page keeps its message alone, numbered when several entries share it ("Answer this question (2 of 3)").
 */
export function ErrorSummary({ ctx, errors, labels }: { ctx: ViewContext; errors: readonly FieldError[]; labels?: Readonly<Record<string, string>> }) {
  if (errors.length === 0) return null;
  const messages = errors.map((e) => ctx.t(e.key, e.values));
  const totals = new Map<string, number>();
  for (const m of messages) totals.set(m, (totals.get(m) ?? 0) + 1);
  const seen = new Map<string, number>();
  return (
    <div class="usa-alert usa-alert--error sanctuary-error-summary" role="alert" tabindex={-1} id="error-summary" autofocus>
      <div class="usa-alert__body">
        <h2 class="usa-alert__heading">{ctx.t('form.errorSummary.title')}</h2>
        <ul class="usa-list">
          {errors.map((e, i) => {
            const message = messages[i] ?? '';
            const href = `#field-${e.field}`;
            const label = labels?.[e.field];
            if (label) {
              return (
                <li>
                  <a class="usa-link" href={href}>
                    {errorSummaryEntry(ctx, label, message)}
                  </a>
                </li>
              );
            }
            const total = totals.get(message) ?? 1;
            const n = (seen.get(message) ?? 0) + 1;
            seen.set(message, n);
            const fallback = total > 1 ? ctx.t('form.errorSummary.repeated', { message, n, total }) : message;
            // The two ways of writing the entry once the label is known (after a label that ends in a question
            // mark or not), with LABEL_SLOT where it goes; renderDocument picks one or, with no label, drops both.
            return (
              <li>
                <a
                  class="usa-link"
                  href={href}
                  data-summary-entry={ctx.t('form.errorSummary.entry', { label: LABEL_SLOT, message, punctuated: 'no' })}
                  data-summary-entry-punctuated={ctx.t('form.errorSummary.entry', { label: LABEL_SLOT, message, punctuated: 'yes' })}
                >
                  {fallback}
                </a>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}

/** One entry of the error summary: the field's label and the message, in the page's language. */
function errorSummaryEntry(ctx: ViewContext, label: string, message: string): string {
  const trimmed = trimLabel(label);
  return ctx.t('form.errorSummary.entry', { label: trimmed, message, punctuated: endsPunctuated(trimmed) ? 'yes' : 'no' });
}

export interface Choice {
  value: string;
  label: string;
  hint?: string;
  /** Language of the label when it differs from the page's (e.g. "Español" in a language list; WCAG 3.1.2). */
  lang?: string;
}

/**
 * One form field with its label, hint and error message, in USWDS markup. The input id is
 * `field-<name>` so the error summary can link to it.
 */
export function FormGroup(props: {
  name: string;
  /** Text, or markup when part of it is in another language (`<span lang="en">`; WCAG 3.1.2). */
  label: Child;
  hint?: Child;
  error?: string;
  type?: 'text' | 'email' | 'tel' | 'date' | 'number' | 'password' | 'textarea' | 'select' | 'radio' | 'checkbox';
  value?: string | readonly string[];
  choices?: readonly Choice[];
  autocomplete?: string;
  required?: boolean;
  inputMode?: 'text' | 'numeric' | 'tel' | 'email';
  maxLength?: number;
  /** Show the label as the page heading (one question per page). */
  asHeading?: boolean;
}) {
  const id = `field-${props.name}`;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const type = props.type ?? 'text';
  const values: readonly string[] = typeof props.value === 'string' ? [props.value] : (props.value ?? []);
  const groupClass = `usa-form-group${props.error ? ' usa-form-group--error' : ''}`;
  const hint = props.hint ? (
    <div class="usa-hint" id={hintId}>
      {props.hint}
    </div>
  ) : null;
  const error = props.error ? (
    <span class="usa-error-message" id={errorId} role="alert">
      {props.error}
    </span>
  ) : null;

  if (type === 'radio' || type === 'checkbox') {
    const legend = props.asHeading ? (
      <legend class="usa-legend usa-legend--large">
        <h1 class="sanctuary-question">{props.label}</h1>
      </legend>
    ) : (
      <legend class="usa-legend">{props.label}</legend>
    );
    return (
      <div class={groupClass}>
        <fieldset class="usa-fieldset" aria-describedby={describedBy} id={id} tabindex={-1}>
          {legend}
          {hint}
          {error}
          {(props.choices ?? []).map((c, i) => {
            const cid = `${id}-${i}`;
            return (
              <div class={type === 'radio' ? 'usa-radio' : 'usa-checkbox'}>
                <input
                  class={type === 'radio' ? 'usa-radio__input' : 'usa-checkbox__input'}
                  type={type}
                  id={cid}
                  name={props.name}
                  value={c.value}
                  checked={values.includes(c.value)}
                  aria-describedby={c.hint ? `${cid}-hint` : undefined}
                />
                <label class={type === 'radio' ? 'usa-radio__label' : 'usa-checkbox__label'} for={cid}>
                  {c.lang ? <span lang={c.lang}>{c.label}</span> : c.label}
                  {c.hint ? (
                    <span class="usa-checkbox__label-description" id={`${cid}-hint`}>
                      {c.hint}
                    </span>
                  ) : null}
                </label>
              </div>
            );
          })}
        </fieldset>
      </div>
    );
  }

  const label = (
    <label class={`usa-label${props.asHeading ? ' sanctuary-question-label' : ''}`} for={id}>
      {props.label}
    </label>
  );
  let control: Child;
  if (type === 'textarea') {
    control = (
      <textarea
        class={`usa-textarea${props.error ? ' usa-input--error' : ''}`}
        id={id}
        name={props.name}
        aria-describedby={describedBy}
        aria-invalid={props.error ? 'true' : undefined}
        maxlength={props.maxLength}
        required={props.required}
      >
        {values[0] ?? ''}
      </textarea>
    );
  } else if (type === 'select') {
    control = (
      <select
        class={`usa-select${props.error ? ' usa-input--error' : ''}`}
        id={id}
        name={props.name}
        aria-describedby={describedBy}
        aria-invalid={props.error ? 'true' : undefined}
      >
        {(props.choices ?? []).map((c) => (
          <option value={c.value} selected={values.includes(c.value)} lang={c.lang}>
            {c.label}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        class={`usa-input${props.error ? ' usa-input--error' : ''}`}
        id={id}
        name={props.name}
        type={type}
        value={values[0] ?? ''}
        autocomplete={props.autocomplete}
        inputmode={props.inputMode}
        maxlength={props.maxLength}
        aria-describedby={describedBy}
        aria-invalid={props.error ? 'true' : undefined}
        required={props.required}
      />
    );
  }
  return (
    <div class={groupClass}>
      {props.asHeading ? <h1 class="sanctuary-question">{label}</h1> : label}
      {hint}
      {error}
      {control}
    </div>
  );
}

/** A list of question → answer rows, optionally with change links ("check your answers"). */
export function SummaryList(props: {
  rows: ReadonlyArray<{ key: string; value: Child; changeHref?: string; changeLabel?: string }>;
}) {
  return (
    <dl class="sanctuary-summary-list">
      {props.rows.map((r) => (
        <div class="sanctuary-summary-list__row">
          <dt class="sanctuary-summary-list__key">{r.key}</dt>
          <dd class="sanctuary-summary-list__value">{r.value}</dd>
          {r.changeHref ? (
            <dd class="sanctuary-summary-list__action">
              <a class="usa-link" href={r.changeHref}>
                {r.changeLabel}
              </a>
            </dd>
          ) : null}
        </div>
      ))}
    </dl>
  );
}

export function Alert(props: {
  type: 'info' | 'success' | 'warning' | 'error';
  heading?: string;
  children?: Child;
  slim?: boolean;
}) {
  return (
    <div
      class={`usa-alert usa-alert--${props.type}${props.slim ? ' usa-alert--slim' : ''}`}
      role={props.type === 'error' ? 'alert' : 'status'}
    >
      <div class="usa-alert__body">
        {props.heading ? <h2 class="usa-alert__heading">{props.heading}</h2> : null}
        <div class="usa-alert__text">{props.children}</div>
      </div>
    </div>
  );
}

/**
 * A data table with a caption (always present, for screen readers) and column headers, in a region that scrolls
 * sideways when the table is wider than the page: focusable so a keyboard can scroll it (WCAG 2.1.1), named by
 * the caption, with a shadow at the edge that has more columns behind it (public/app.css).
 */
export function Table(props: { caption: string; headers: readonly string[]; rows: readonly Child[][]; numeric?: readonly number[] }) {
  return (
    <div class="usa-table-container--scrollable sanctuary-table-scroll" role="region" aria-label={props.caption} tabindex={0}>
      <table class="usa-table usa-table--borderless">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.headers.map((h, i) => (
              <th scope="col" class={props.numeric?.includes(i) ? 'sanctuary-numeric' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              {row.map((cell, i) =>
                i === 0 ? (
                  <th scope="row">{cell}</th>
                ) : (
                  <td class={props.numeric?.includes(i) ? 'sanctuary-numeric' : undefined}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Previous / page N of M / next; works as plain links. */
export function Pagination(props: { ctx: ViewContext; page: number; pages: number; href: (page: number) => string }) {
  const { ctx, page, pages } = props;
  if (pages <= 1) return null;
  return (
    <nav aria-label={ctx.t('component.pagination.label')} class="usa-pagination">
      <ul class="usa-pagination__list">
        {page > 1 ? (
          <li class="usa-pagination__item usa-pagination__arrow">
            <a href={props.href(page - 1)} class="usa-pagination__link usa-pagination__previous-page">
              <span class="usa-pagination__link-text">{ctx.t('component.pagination.previous')}</span>
            </a>
          </li>
        ) : null}
        <li class="usa-pagination__item usa-pagination__page-no">
          <span class="usa-pagination__button usa-current" aria-current="page">
            {ctx.t('component.pagination.pageOf', { page, pages })}
          </span>
        </li>
        {page < pages ? (
          <li class="usa-pagination__item usa-pagination__arrow">
            <a href={props.href(page + 1)} class="usa-pagination__link usa-pagination__next-page">
              <span class="usa-pagination__link-text">{ctx.t('component.pagination.next')}</span>
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

export function Tag(props: { children?: Child; tone?: 'default' | 'big' }) {
  return <span class={`usa-tag${props.tone === 'big' ? ' usa-tag--big' : ''}`}>{props.children}</span>;
}

/** Step N of M with the step names, as USWDS's step indicator (text only; no JavaScript). */
export function StepIndicator(props: { ctx: ViewContext; steps: readonly string[]; current: number }) {
  const { ctx, steps, current } = props;
  return (
    <div class="usa-step-indicator usa-step-indicator--counters-sm" aria-label={ctx.t('component.steps.label')}>
      <ol class="usa-step-indicator__segments">
        {steps.map((s, i) => (
          <li
            class={`usa-step-indicator__segment${i < current ? ' usa-step-indicator__segment--complete' : ''}${i === current ? ' usa-step-indicator__segment--current' : ''}`}
            aria-current={i === current ? 'step' : undefined}
          >
            <span class="usa-step-indicator__segment-label">{s}</span>
          </li>
        ))}
      </ol>
      <div class="usa-step-indicator__header">
        <p class="usa-step-indicator__heading">
          <span class="usa-step-indicator__heading-counter">
            {ctx.t('component.steps.counter', { current: Math.min(current + 1, steps.length), total: steps.length })}
          </span>
        </p>
      </div>
    </div>
  );
}

export function Breadcrumbs(props: { ctx: ViewContext; items: ReadonlyArray<{ label: string; href?: string }> }) {
  return (
    <nav class="usa-breadcrumb" aria-label={props.ctx.t('component.breadcrumbs.label')}>
      <ol class="usa-breadcrumb__list">
        {props.items.map((item) => (
          <li class="usa-breadcrumb__list-item" aria-current={item.href ? undefined : 'page'}>
            {item.href ? (
              <a href={item.href} class="usa-breadcrumb__link">
                <span>{item.label}</span>
              </a>
            ) : (
              <span>{item.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function BackLink(props: { href: string; label: string }) {
  return (
    <p class="sanctuary-back">
      <a class="usa-link" href={props.href}>
        {props.label}
      </a>
    </p>
  );
}
