/**
 * The layout of every server-rendered page: USWDS header, skip link, main landmark and identifier footer. The
 * partnership is not a federal site, so there is no .gov banner. Preact escapes every text and attribute.
 */
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Principal } from '#shared/auth/principal.ts';
import { ROLE_LABELS, scopeOf, type Action } from '#shared/auth/policy.ts';
import { assetUrl } from '#shared/web/assets.ts';
import { CSRF_FIELD } from '#shared/web/csrf.ts';

export interface LayoutProps {
  title: string;
  principal?: Principal | undefined;
  /** The CSRF token of the current session: the sign-out form needs it. */
  csrfToken?: string | undefined;
  /** The path of this page, to mark the current navigation item. */
  path?: string;
  /** Extra scripts (logical asset names) this page needs, loaded before main.js. */
  scripts?: string[];
  /**
   * Anonymous pages (the survey) show no sign-in, no account and no site navigation: a respondent should not be
   * nudged to identify themselves, and nothing on the page should suggest that answering is tied to an account.
   */
  anonymous?: boolean;
  children: ComponentChildren;
}

interface NavItem {
  href: string;
  label: string;
  /** Shown only to a principal allowed this action (in any scope). */
  action?: Action;
}
const NAV: readonly NavItem[] = [
  { href: '/', label: 'Home' },
  { href: '/records', label: 'Records', action: 'records:list' },
  { href: '/survey-waves', label: 'Survey waves', action: 'surveys:manage' },
  { href: '/survey-results', label: 'Survey results', action: 'survey-results:read-all' },
  { href: '/survey-targets', label: 'Survey targets', action: 'survey-targets:manage' },
  { href: '/notices', label: 'Safety notices', action: 'notices:read' },
  { href: '/reports', label: 'Reports', action: 'aggregates:read' },
  { href: '/reports/runs', label: 'Report runs', action: 'reports:run' },
  { href: '/warehouse', label: 'Data warehouse', action: 'warehouse:run' },
  { href: '/audit', label: 'Audit log', action: 'audit:read-jurisdiction' },
  { href: '/registry', label: 'Registry', action: 'registry:manage' },
  { href: '/dictionary', label: 'Data dictionary' },
  { href: '/sign-in-help', label: 'Help signing in' },
];

/** The navigation a principal sees: role-specific pages only for roles that may open them. */
export function navFor(principal: Principal | undefined): NavItem[] {
  return NAV.filter((item) => !item.action || (principal !== undefined && scopeOf(principal.role, item.action) !== undefined));
}

/**
 * The session-timeout warning (web/src/main.ts shows it two minutes before idle expiry, and says when the session
 * has ended). Hidden, and inert, without JavaScript.
 */
function SessionTimeout() {
  return (
    <div id="session-timeout" class="npcs-session-timeout" role="alertdialog" aria-labelledby="session-timeout-heading" aria-describedby="session-timeout-text" hidden>
      <div class="usa-alert usa-alert--warning margin-0">
        <div class="usa-alert__body">
          <h2 class="usa-alert__heading" id="session-timeout-heading">
            Your session is about to end
          </h2>
          <p class="usa-alert__text" id="session-timeout-text">
            You will be signed out soon because nothing has happened for a while. Anything you have not saved will be lost.
          </p>
          <p class="margin-bottom-0">
            <button type="button" class="usa-button" data-session-keep-alive>
              Stay signed in
            </button>
            <a class="usa-button" href="/auth/sign-in?returnTo=/" data-session-sign-in hidden>
              Sign in again
            </a>
          </p>
        </div>
      </div>
    </div>
  );
}

export function Layout({ title, principal, csrfToken, path, scripts, anonymous, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | National Partnership for Child Safety`}</title>
        <link rel="preload" href={assetUrl('font-regular.woff2')} as="font" type="font/woff2" crossorigin="anonymous" />
        <link rel="preload" href={assetUrl('font-bold.woff2')} as="font" type="font/woff2" crossorigin="anonymous" />
        <link rel="stylesheet" href={assetUrl('uswds.css')} />
        <link rel="stylesheet" href={assetUrl('site.css')} />
        {(scripts ?? []).map((s) => (
          <script defer src={assetUrl(s)} />
        ))}
        <script type="module" src={assetUrl('main.js')} />
      </head>
      <body data-session={principal ? 'signed-in' : undefined}>
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
                {anonymous ? null : principal ? (
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
            {anonymous ? null : (
            <nav aria-label="Primary" class="margin-top-2">
              <ul class="usa-button-group">
                {navFor(principal).map((item) => (
                  <li class="usa-button-group__item">
                    <a class="usa-link" href={item.href} aria-current={item.href === path ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            )}
          </div>
        </header>
        <main id="main-content" class="grid-container npcs-main" tabindex={-1}>
          {children}
        </main>
        {principal && !anonymous ? <SessionTimeout /> : null}
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
