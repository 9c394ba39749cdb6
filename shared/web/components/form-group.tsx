/** The USWDS pieces around a form control that the admin forms share: form group, hint, error message, aria-describedby. */
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

/**
 * A labelled USWDS form group around one control: label, hint, error messages, then the control (which gets
 * aria-describedby from describedByOf with the same id, hint and messages).
 */
export function FormGroup(p: { id: string; label: ComponentChildren; hint?: ComponentChildren; messages: readonly string[] | undefined; children: ComponentChildren }) {
  return (
    <div class={`usa-form-group${p.messages?.length ? ' usa-form-group--error' : ''}`}>
      <label class="usa-label" for={p.id}>
        {p.label}
      </label>
      {p.hint ? <Hint id={p.id}>{p.hint}</Hint> : null}
      <ErrorMessage id={p.id} messages={p.messages} />
      {p.children}
    </div>
  );
}

/** aria-describedby of a FormGroup's control. */
export const describedByOf = (id: string, hint: unknown, messages: readonly string[] | undefined) => describedBy(Boolean(hint) && `${id}-hint`, Boolean(messages?.length) && `${id}-error`);

/**
 * A required free-text answer with the USWDS character count (a reviewer's reason to return or to amend): label
 * with the required marker, hint, error, the textarea and the count message, all tied by aria-describedby.
 */
export function RequiredTextarea(p: { id: string; name: string; label: ComponentChildren; hint: ComponentChildren; maxLength: number; value?: string | undefined; error?: string | undefined }) {
  const infoId = `${p.id}-info`;
  return (
    <div class={`usa-form-group${p.error ? ' usa-form-group--error' : ''}`}>
      <div class="usa-character-count" data-maxlength={p.maxLength}>
        <label class="usa-label" for={p.id}>
          {p.label}{' '}
          <abbr title="required" class="usa-hint usa-hint--required">
            *
          </abbr>
        </label>
        <Hint id={p.id}>{p.hint}</Hint>
        <ErrorMessage id={p.id} messages={p.error ? [p.error] : undefined} />
        <textarea
          class={`usa-textarea usa-character-count__field${p.error ? ' usa-input--error' : ''}`}
          id={p.id}
          name={p.name}
          rows={5}
          maxlength={p.maxLength}
          required
          aria-describedby={describedBy(`${p.id}-hint`, Boolean(p.error) && `${p.id}-error`, infoId)}
          aria-invalid={p.error ? true : undefined}
          value={p.value ?? ''}
        />
        <span id={infoId} class="usa-character-count__message usa-hint">
          You can enter up to {p.maxLength} characters
        </span>
      </div>
    </div>
  );
}
