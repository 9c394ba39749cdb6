/** The USWDS alerts every page uses: a one-line alert (saved, closed, conflict) and the error summary of a form. */

export interface Alert {
  type: 'success' | 'warning' | 'info' | 'error';
  text: string;
}

export function AlertBox({ alert }: { alert: Alert }) {
  return (
    <div class={`usa-alert usa-alert--${alert.type} usa-alert--slim margin-bottom-3`} role={alert.type === 'error' || alert.type === 'warning' ? 'alert' : 'status'}>
      <div class="usa-alert__body">
        <p class="usa-alert__text">{alert.text}</p>
      </div>
    </div>
  );
}

/** The USWDS error summary: one link per problem, to the field's input (on this page or another section's). */
export function ErrorSummary({ errors }: { errors: { href: string; message: string }[] }) {
  return (
    <div class="usa-alert usa-alert--error margin-bottom-3" role="alert" id="error-summary" tabindex={-1}>
      <div class="usa-alert__body">
        <h2 class="usa-alert__heading">There {errors.length === 1 ? 'is a problem' : `are ${errors.length} problems`}</h2>
        <ul class="usa-list usa-list--unstyled">
          {errors.map((e) => (
            <li>
              <a class="usa-link" href={e.href}>
                {e.message}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** A page that says why there is nothing to show (no release, no results yet) and links back: no number on it. */
export function NothingHerePage({ title, text, back }: { title: string; text: string; back: { href: string; label: string } }) {
  return (
    <div class="usa-prose">
      <h1>{title}</h1>
      <p class="usa-intro">{text}</p>
      <p>
        <a class="usa-link" href={back.href}>
          {back.label}
        </a>
      </p>
    </div>
  );
}
