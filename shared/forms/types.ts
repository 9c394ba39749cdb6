/** Types the engine works with: answers (generic and derived from a definition), context and results. */
import type { FieldError } from '#shared/errors.ts';
import type { FormDefinition, LookupName, YesNoUnknown } from '#forms/types.ts';

/** One entry of a repeating group. */
export type GroupEntry = { [name: string]: string | number | string[] };
export type AnswerValue = string | number | string[] | GroupEntry[];
/** Answers keyed by variable name; a field that is absent is unanswered. */
export type Answers = { [name: string]: AnswerValue };

type ItemsOf<D extends FormDefinition> = D['sections'][number]['fields'][number];
type CodeOf<C> = C extends readonly (infer E)[] ? (E extends { readonly code: infer K } ? K : never) : never;

/** The answer type of one field definition. */
export type ValueOf<F> = F extends { readonly type: 'short_text' | 'long_text' | 'email' | 'date' | 'lookup' }
  ? string
  : F extends { readonly type: 'integer' | 'decimal' | 'year' | 'likert' | 'rating' }
    ? number
    : F extends { readonly type: 'single_choice'; readonly choices: infer C }
      ? CodeOf<C>
      : F extends { readonly type: 'multiple_choice'; readonly choices: infer C }
        ? CodeOf<C>[]
        : F extends { readonly type: 'yes_no_unknown' }
          ? YesNoUnknown
          : F extends { readonly type: 'group'; readonly fields: readonly (infer G)[] }
            ? AnswersOfFields<G>[]
            : never;

export type AnswersOfFields<F> = {
  [K in F as K extends { readonly name: infer N extends string } ? N : never]?: ValueOf<K>;
};

/** Answers of a definition declared `as const satisfies FormDefinition`, e.g. `AnswersOf<typeof safetyNoticeV1>`. */
export type AnswersOf<D extends FormDefinition> = AnswersOfFields<ItemsOf<D>>;

export interface LookupOption {
  code: string;
  label: string;
}

/**
 * What the engine needs at run time: lookup lists (e.g. the jurisdiction's units) and, for tests, "today".
 * Schemas are cached by the lookup codes and "today" they were built with.
 */
export type FormContext = { readonly [K in LookupName]?: readonly LookupOption[] } & {
  /** YYYY-MM-DD; defaults to the latest date that is already "today" somewhere on Earth. */
  readonly today?: string;
};

/** What every stored record carries, so it is always read with the version it was written with. */
export interface FormRef {
  formId: string;
  formVersion: number;
}

export type ValidationResult<A = Answers> = { ok: true; answers: A } | { ok: false; errors: FieldError[] };
