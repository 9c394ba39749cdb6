/**
 * The form definition format: plain, serializable data. A definition never holds functions or regular
 * expression objects, so it can be hashed (the published-version lock), sent to the browser and compared
 * between versions. The engine in shared/forms/ derives everything else (schemas, renderer model, data
 * dictionary, export columns) from it.
 */

/** Longest text the format allows; a field's own `maxLength` must stay within these. */
export const TEXT_LIMITS = { short_text: 500, long_text: 10_000, email: 254 } as const;

/** Built-in codes of the `yes_no_unknown` type; they are part of the format, like the type itself. */
export const YES_NO_UNKNOWN_CHOICES = [
  { code: 'yes', label: 'Yes' },
  { code: 'no', label: 'No' },
  { code: 'unknown', label: 'Unknown' },
] as const satisfies readonly Choice[];

export type YesNoUnknown = (typeof YES_NO_UNKNOWN_CHOICES)[number]['code'];

/** What a field reveals about a person, for exports and de-identification. */
export type Sensitivity = 'direct_identifier' | 'quasi_identifier' | 'sensitive' | 'free_text' | 'none';
/** What a de-identified dataset does with the field (HIPAA Safe Harbor style). */
export type DeidRule = 'keep' | 'drop' | 'year_only' | 'band';
/** How aggregate reports use the field. */
export type AggregationRole = 'dimension' | 'measure' | 'scale_item' | 'none';

export interface Tags {
  readonly sensitivity: Sensitivity;
  readonly deid: DeidRule;
  readonly role: AggregationRole;
  /** Band edges for `deid: 'band'`: each edge starts a band, e.g. [0, 6, 12] -> "0-5", "6-11", "12+". */
  readonly bands?: readonly number[];
}

export interface Choice {
  /** Stable code: stored, exported and compared between versions. Never reuse a code for another meaning. */
  readonly code: string;
  readonly label: string;
  /** In a multiple choice, this answer can't be combined with others (e.g. "unknown", "declined"). */
  readonly exclusive?: boolean;
}

/** An ordered response scale (agreement, extent...). Answers are the integer `value`s. */
export interface ResponseScale {
  readonly id: string;
  readonly points: readonly { readonly value: number; readonly label: string }[];
  /** Keyed answers at or above this value count as positive ("percent positive"). */
  readonly positiveMin: number;
}

/** Singular and plural wording for counted things, used in messages like "Choose no more than 3 themes". */
export interface Noun {
  readonly one: string;
  readonly other: string;
}

/** Run-time lists a definition can refer to; the engine receives them in its context object. */
export type LookupName = 'units' | 'jurisdictions';

export type Scalar = string | number | boolean;

/**
 * Branching logic: a small typed expression tree, evaluated by one pure module (shared/forms/conditions.ts)
 * on the server and, bundled, in the browser. A field reference names a field that comes earlier in the
 * form (or an earlier field of the same repeating-group entry), so the engine can check references
 * statically and evaluate visibility in a single pass. An unanswered field makes every comparison false.
 */
export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly field: string; readonly equals: Scalar }
  | { readonly field: string; readonly oneOf: readonly Scalar[] }
  | { readonly field: string; readonly includes: string }
  | { readonly field: string; readonly atLeast: number }
  | { readonly field: string; readonly atMost: number }
  | { readonly field: string; readonly answered: boolean };

interface FieldBase {
  /** Stable variable name: lower snake case, unique within the form (repeating-group fields included). */
  readonly name: string;
  readonly label: string;
  readonly help?: string;
  /** Required when visible (submissions only; drafts may leave anything out). */
  readonly required?: boolean;
  /** Shown (and kept) only when this holds; answers to hidden fields are dropped. */
  readonly condition?: Condition;
  readonly tags: Tags;
  /** The construct an item stands for (survey and rating items). */
  readonly construct?: string;
}

export interface ShortTextField extends FieldBase {
  readonly type: 'short_text';
  readonly maxLength: number;
  readonly minLength?: number;
  /** A regular expression source (unicode mode, whole value) and the message shown when it doesn't match. */
  readonly pattern?: { readonly regex: string; readonly message: string };
}

export interface LongTextField extends FieldBase {
  readonly type: 'long_text';
  readonly maxLength: number;
  readonly minLength?: number;
}

export interface EmailField extends FieldBase {
  readonly type: 'email';
  readonly maxLength: number;
}

export interface IntegerField extends FieldBase {
  readonly type: 'integer';
  readonly min: number;
  readonly max: number;
}

export interface DecimalField extends FieldBase {
  readonly type: 'decimal';
  readonly min: number;
  readonly max: number;
  /** Most digits allowed after the decimal point. */
  readonly decimals: number;
}

export interface DateRelation {
  /** A date field earlier in the form (or in the same repeating-group entry). */
  readonly field: string;
  /** Shown when the rule is broken; defaults to "<label> can't be before <other label>". */
  readonly message?: string;
}

export interface DateField extends FieldBase {
  readonly type: 'date';
  readonly notInFuture?: boolean;
  readonly notBefore?: DateRelation;
  /** Earliest and latest allowed dates (YYYY-MM-DD). */
  readonly min?: string;
  readonly max?: string;
}

export interface YearField extends FieldBase {
  readonly type: 'year';
  readonly min: number;
  readonly max?: number;
  readonly notInFuture?: boolean;
}

export interface SingleChoiceField extends FieldBase {
  readonly type: 'single_choice';
  readonly choices: readonly Choice[];
}

export interface MultipleChoiceField extends FieldBase {
  readonly type: 'multiple_choice';
  readonly choices: readonly Choice[];
  readonly minSelected?: number;
  readonly maxSelected?: number;
  /** What is being chosen, for count messages ("Choose no more than 3 themes"). */
  readonly itemNoun?: Noun;
}

export interface YesNoUnknownField extends FieldBase {
  readonly type: 'yes_no_unknown';
}

export interface LikertField extends FieldBase {
  readonly type: 'likert';
  readonly scale: ResponseScale;
  /** Agreement means the opposite of the construct; scores flip it (max + min - answer). */
  readonly reverseScored?: boolean;
}

export interface RatingField extends FieldBase {
  readonly type: 'rating';
  /** Wording of the points 0, 1, 2 and 3. */
  readonly anchors: readonly [string, string, string, string];
}

export interface LookupField extends FieldBase {
  readonly type: 'lookup';
  readonly lookup: LookupName;
}

export type Field =
  | ShortTextField
  | LongTextField
  | EmailField
  | IntegerField
  | DecimalField
  | DateField
  | YearField
  | SingleChoiceField
  | MultipleChoiceField
  | YesNoUnknownField
  | LikertField
  | RatingField
  | LookupField;

export type FieldType = Field['type'];

/** A repeating group: a list of entries, each answering the same (non-repeating) fields. */
export interface GroupField extends Omit<FieldBase, 'required' | 'construct'> {
  readonly type: 'group';
  readonly minItems: number;
  readonly maxItems: number;
  readonly itemNoun: Noun;
  readonly fields: readonly Field[];
}

export type Item = Field | GroupField;

export interface Section {
  /** Stable id, lower snake case, unique within the form. */
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly condition?: Condition;
  readonly fields: readonly Item[];
}

/** A computed survey scale score: mean of the keyed items, and the share of answered items that are positive. */
export interface ScoreDefinition {
  /** Stable name; export columns are `<name>_mean` and `<name>_pct_positive`. */
  readonly name: string;
  readonly label: string;
  readonly construct: string;
  /** Likert fields on one scale; reverse-scored items are marked on the field. */
  readonly items: readonly string[];
  /** Fewest answered items for a score; fewer gives no score. */
  readonly minAnswered: number;
  /** Which end of the keyed scale is the good one (exhaustion: low). */
  readonly favorable: 'high' | 'low';
}

export interface BreakingChange {
  /** Variable name (or score name) affected. */
  readonly field: string;
  readonly reason: string;
}

export interface FormDefinition {
  /** Stable id, lower snake case. */
  readonly formId: string;
  /** 1, 2, 3... A published version never changes: change it by adding a version. */
  readonly version: number;
  /** Only published versions are locked in forms/published.lock.json and used for new records. */
  readonly status: 'draft' | 'published';
  readonly title: string;
  readonly description: string;
  readonly sections: readonly Section[];
  readonly scores?: readonly ScoreDefinition[];
  /** Changes from the previous version that break comparability, declared on purpose. */
  readonly breakingChanges?: readonly BreakingChange[];
}
