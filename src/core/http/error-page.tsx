import { Layout } from '../views/layout.tsx';
import type { ViewContext } from '../views/view-context.ts';

/** A translated error page: what happened, what to do, and a request id to quote — never a stack trace. */
export function ErrorPage(props: { ctx: ViewContext; title: string; body: string; status: number; requestId: string }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={props.title}>
      <div class="usa-prose sanctuary-error">
        <h1>{props.title}</h1>
        <p>{props.body}</p>
        <p class="usa-hint">{ctx.t('error.reference', { status: props.status, id: props.requestId })}</p>
        <p>
          <a class="usa-link" href="/">
            {ctx.t('error.backHome')}
          </a>
        </p>
      </div>
    </Layout>
  );
}
