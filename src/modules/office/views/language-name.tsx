import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';
import type { ViewContext } from '../../../core/views/view-context.ts';

/**
 * A preferred-language code shown as the language's own name, marked with its language so screen readers
 * pronounce it right (WCAG 3.1.2); `other` is "another language" in the reader's language.
 */
export function LanguageName(props: { ctx: ViewContext; jurisdiction: Jurisdiction; code: string }) {
  if (props.code === 'other') return <>{props.ctx.t('office.form.language.other')}</>;
  const language = props.jurisdiction.locale.languages.value.find((l) => l.code === props.code);
  return language ? <span lang={language.code}>{language.nativeName}</span> : <>{props.code}</>;
}
