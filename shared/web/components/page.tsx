import type { ComponentChildren } from 'preact';
import type { ErrorPageViewer } from '#shared/http/handler.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { renderDocument, type LayoutProps } from './layout.tsx';

/** The CSP of every page: our own files only, nothing inline, no framing, forms post only to us. */
export const PAGE_CSP: Record<string, string> = {
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
  'base-uri': "'none'",
};

/** A server-rendered page in the layout, as an HTTP answer (never cached: pages can show a person's records). */
export function page(props: LayoutProps, statusCode = 200): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: renderDocument(props),
  };
}

const ERROR_TEXT: Record<number, { title: string; lead: string }> = {
  403: { title: 'You cannot do that here', lead: 'The request was refused. If you were sending a form, it may have been open too long or come from another site: go back, reload the page and try again.' },
  413: {
    title: 'What you sent is too large',
    lead: 'Nothing was saved. A form takes at most 256 KB of text at a time, about 40,000 words: if you pasted a long document, shorten it to what the question asks, then go back and send the form again.',
  },
  404: { title: 'Page not found', lead: 'There is nothing at this address. It may have moved, or the link may be mistyped.' },
  500: { title: 'Something went wrong', lead: 'Something went wrong on our side. Nothing was saved. Please try again; if it keeps happening, quote the request id below to support.' },
};

/** The friendly error page of a status (403, 404, 500; others use the closest). */
export function errorPage(statusCode: number, requestId: string, message?: string, viewer: ErrorPageViewer = {}): HttpResult {
  const text = ERROR_TEXT[statusCode] ?? (statusCode >= 500 ? ERROR_TEXT[500]! : statusCode === 404 ? ERROR_TEXT[404]! : { title: 'The request could not be completed', lead: message ?? 'Please go back and try again.' });
  const body: ComponentChildren = (
    <div class="usa-prose">
      <h1>{text.title}</h1>
      <p class="usa-intro">{text.lead}</p>
      {(statusCode === 403 || statusCode === 413) && message ? <p>{message}</p> : null}
      <p>
        <a class="usa-link" href="/">
          Go to the home page
        </a>
      </p>
      <p class="text-base">Request id: {requestId}</p>
    </div>
  );
  // The signed-in header of every other page (name, sign-out), not "Sign in", for whoever the stack knows is signed in.
  return page({ title: text.title, principal: viewer.principal, csrfToken: viewer.csrfToken, children: body }, statusCode);
}
