/**
 * The layout of every server-rendered page: USWDS header, skip link, main landmark and identifier footer. The
 * partnership is not a federal site, so there is no .gov banner. Preact escapes every text and attribute.
 */
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Principal } from '#shared/auth/principal.ts';
import { ROLE_LABELS } from '#shared/auth/policy.ts';
import { assetUrl } from './assets.ts';
import { CSRF_FIELD } from './csrf.ts';

export interface LayoutProps {
  title: string;
  principal?: Principal | undefined;
  /** The CSRF token of the current session: the sign-out form needs it. */
  csrfToken?: string | undefined;
  /** The path of this page, to mark the current navigation item. */
  path?: string;
  /** Extra scripts (logical asset names) this page needs, loaded before main.js. */
  scripts?: string[];
  children: ComponentChildren;
}

const NAV: readonly { href: string; label: string }[] = [
  { href: '/', label: 'Home' },
  { href: '/dictionary', label: 'Data dictionary' },
  { href: '/sign-in-help', label: 'Help signing in' },
];

export function Layout({ title, principal, csrfToken, path, scripts, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | National Partnership for Child Safety`}</title>
        <link rel="stylesheet" href={assetUrl('uswds.css')} />
        <link rel="stylesheet" href={assetUrl('site.css')} />
        {(scripts ?? []).map((s) => (
          <script defer src={assetUrl(s)} />
        ))}
        <script type="module" src={assetUrl('main.js')} />
      </head>
      <body>
        <a class="usa-skipnav" href="#main-content">
          Skip to main content
        </a>
        <header class="usa-header usa-header--basic">
          <div class="grid-container padding-y-2">
            <div class="grid-row grid-gap flex-align-center">
              <div class="grid-col-12 tablet:grid-col-fill">
                <a class="usa-logo__text text-ink text-no-underline npcs-identity font-sans-lg" href="/">
                  National Partnership for Child Safety
                </a>
              </div>
              <div class="grid-col-12 tablet:grid-col-auto npcs-header-actions margin-top-1 tablet:margin-top-0">
                {principal ? (
                  <>
                    <span class="text-base-dark">
                      {principal.displayName ?? 'Signed in'} · {ROLE_LABELS[principal.role]}
                    </span>
                    <form method="post" action="/auth/sign-out">
                      <input type="hidden" name={CSRF_FIELD} value={csrfToken ?? ''} />
                      <button class="usa-button usa-button--outline margin-0" type="submit">
                        Sign out
                      </button>
                    </form>
                  </>
                ) : (
                  <a class="usa-button margin-0" href="/auth/sign-in?returnTo=/">
                    Sign in
                  </a>
                )}
              </div>
            </div>
            <nav aria-label="Primary" class="margin-top-2">
              <ul class="usa-button-group">
                {NAV.map((item) => (
                  <li class="usa-button-group__item">
                    <a class="usa-link" href={item.href} aria-current={item.href === path ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        <main id="main-content" class="grid-container npcs-main" tabindex={-1}>
          {children}
        </main>
        <footer class="usa-identifier">
          <section class="usa-identifier__section usa-identifier__section--masthead" aria-label="Site identifier">
            <div class="usa-identifier__container">
              <p class="usa-identifier__identity-disclaimer">
                A service of the National Partnership for Child Safety, a partnership of state, county and tribal child welfare agencies. Not a U.S. government website.
              </p>
            </div>
          </section>
          <nav class="usa-identifier__section usa-identifier__section--required-links" aria-label="Important links">
            <div class="usa-identifier__container">
              <ul class="usa-identifier__required-links-list">
                <li class="usa-identifier__required-links-item">
                  <a href="/sign-in-help" class="usa-identifier__required-link usa-link">
                    Help signing in
                  </a>
                </li>
                <li class="usa-identifier__required-links-item">
                  <a href="/api/openapi.json" class="usa-identifier__required-link usa-link">
                    API documentation (OpenAPI)
                  </a>
                </li>
              </ul>
            </div>
          </nav>
        </footer>
      </body>
    </html>
  );
}

export function renderDocument(props: LayoutProps): string {
  return `<!DOCTYPE html>${renderToString(<Layout {...props} />)}`;
}
