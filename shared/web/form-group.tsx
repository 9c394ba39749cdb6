/** The USWDS pieces around a form control that the admin forms share: hint, error message, aria-describedby. */
import type { ComponentChildren } from 'preact';

/** The hint under a label; its id is `<control id>-hint`. */
export function Hint({ id, children }: { id: string; children: ComponentChildren }) {
  return (
    <div class="usa-hint" id={`${id}-hint`}>
      {children}
    </div>
  );
}

/** A control's error messages (one control may break several rules); its id is `<control id>-error`. */
export function ErrorMessage({ id, messages }: { id: string; messages: readonly string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <span class="usa-error-message" id={`${id}-error`}>
      {messages.map((m) => (
        <span class="display-block">{m}</span>
      ))}
    </span>
  );
}

/** The ids a control is described by (its hint and error, when shown); undefined when none. */
export const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;
