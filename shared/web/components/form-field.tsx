/**
 * One question of a form (shared/forms renderModel) as a USWDS control: label, hint, error message and the input
 * of its widget. Record sections and the survey render their questions with it.
 */
import type { ComponentChildren } from 'preact';
import type { RenderField } from '#shared/forms/render-model.ts';
import { inputId } from '#shared/web/form-values.ts';

const asText = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

interface FieldProps {
  field: RenderField;
  /** The input name and id path (`name` or `group[i].name`). */
  path: string;
  value: unknown;
  error?: string | undefined;
  hidden: boolean;
  /** The field's condition evaluates in this group entry (for the browser). */
  group?: { name: string; index: number };
}

function Label({ field, id, asLegend }: { field: RenderField; id: string; asLegend?: boolean }) {
  const content = (
    <>
      {field.label}
      {field.required ? (
        <>
          {' '}
          <abbr title="required to submit" class="usa-hint usa-hint--required">
            *
          </abbr>
        </>
      ) : null}
    </>
  );
  return asLegend ? (
    <legend class="usa-legend">{content}</legend>
  ) : (
    <label class="usa-label" for={id}>
      {content}
    </label>
  );
}

export function FieldBlock({ field, path, value, error, hidden, group }: FieldProps) {
  const id = inputId(path);
  const hintId = field.help ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const invalid = error ? true : undefined;
  const disabled = hidden || undefined;
  const hint = field.help ? (
    <div class="usa-hint" id={hintId}>
      {field.help}
    </div>
  ) : null;
  const errorMessage = error ? (
    <span class="usa-error-message" id={errorId}>
      {error}
    </span>
  ) : null;
  const wrapper = (children: ComponentChildren) => (
    <div
      class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}
      data-field={field.name}
      data-group={group?.name}
      data-condition={field.visibleWhen ? JSON.stringify(field.visibleWhen) : undefined}
      hidden={hidden || undefined}
    >
      {children}
    </div>
  );
  const c = field.constraints;
  switch (field.widget) {
    case 'radio':
    case 'likert':
    case 'rating':
    case 'checkboxes': {
      const checkbox = field.widget === 'checkboxes';
      const selected = new Set(Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);
      return wrapper(
        <fieldset class="usa-fieldset" aria-describedby={describedBy}>
          <Label field={field} id={id} asLegend />
          {hint}
          {errorMessage}
          {(field.choices ?? []).map((choice, i) => {
            const optionId = i === 0 ? id : `${id}--${choice.code}`;
            return (
              <div class={checkbox ? 'usa-checkbox' : 'usa-radio'}>
                <input
                  class={checkbox ? 'usa-checkbox__input' : 'usa-radio__input'}
                  id={optionId}
                  type={checkbox ? 'checkbox' : 'radio'}
                  name={path}
                  value={choice.code}
                  checked={selected.has(choice.code)}
                  disabled={disabled}
                />
                <label class={checkbox ? 'usa-checkbox__label' : 'usa-radio__label'} for={optionId}>
                  {choice.label}
                </label>
              </div>
            );
          })}
        </fieldset>,
      );
    }
    case 'select':
      return wrapper(
        <>
          <Label field={field} id={id} />
          {hint}
          {errorMessage}
          <select class={`usa-select${error ? ' usa-input--error' : ''}`} id={id} name={path} aria-describedby={describedBy} aria-invalid={invalid} disabled={disabled}>
            <option value="">- Select -</option>
            {(field.choices ?? []).map((choice) => (
              <option value={choice.code} selected={asText(value) === choice.code}>
                {choice.label}
              </option>
            ))}
          </select>
        </>,
      );
    case 'textarea': {
      const max = c.maxLength;
      const infoId = `${id}-info`;
      return wrapper(
        <div class="usa-character-count" data-maxlength={max}>
          <Label field={field} id={id} />
          {hint}
          {errorMessage}
          <textarea
            class={`usa-textarea usa-character-count__field${error ? ' usa-input--error' : ''}`}
            id={id}
            name={path}
            rows={field.constraints.maxLength && field.constraints.maxLength > 2000 ? 8 : 4}
            maxlength={max}
            aria-describedby={[describedBy, infoId].filter(Boolean).join(' ')}
            aria-invalid={invalid}
            disabled={disabled}
            value={asText(value)}
          />
          <span id={infoId} class="usa-character-count__message usa-hint">
            You can enter up to {max} characters
          </span>
        </div>,
      );
    }
    default: {
      const type = (field.widget === 'email' ? 'email' : field.widget === 'date' ? 'date' : 'text') as 'text';
      const numeric = field.widget === 'integer' || field.widget === 'year' ? 'numeric' : field.widget === 'decimal' ? 'decimal' : undefined;
      const dateLimit = (v: number | string | undefined) => (field.widget === 'date' && typeof v === 'string' ? v : undefined);
      return wrapper(
        <>
          <Label field={field} id={id} />
          {hint}
          {errorMessage}
          <input
            class={`usa-input${numeric ? ' usa-input--small' : ''}${error ? ' usa-input--error' : ''}`}
            id={id}
            name={path}
            type={type}
            inputmode={numeric}
            maxlength={c.maxLength}
            min={dateLimit(c.min)}
            max={dateLimit(c.max)}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            disabled={disabled}
            value={asText(value)}
          />
        </>,
      );
    }
  }
}
