/**
 * The form engine's public API. Definitions live in forms/ (data); everything here is derived from them.
 * The browser bundle of the condition evaluator is built by './browser-bundle.ts' (not re-exported: esbuild).
 */
export type { FormDefinition, Condition, Field, Item, Section, LookupName } from '#forms/types.ts';
export type { Answers, AnswersOf, AnswerValue, FormContext, FormRef, GroupEntry, LookupOption, ValidationResult, ValueOf } from './types.ts';

export { validateDraft, validateSubmission, assertDraft, assertSubmission, isVisible, formRef, toFieldErrors } from './validate.ts';
export { formSchemas, answersJsonSchema, defaultToday, type FormSchemas } from './schema.ts';
export { evaluateCondition, resolveVisibility, describeCondition, effectiveCondition, isAnswered, type Visibility } from './conditions.ts';
export { computeScores, aggregateScores, type ScaleScore, type GroupScore } from './scores.ts';
export { sectionStates, firstOpenSection, SECTION_STATES, type SectionState, type SectionStatus } from './section-states.ts';
export { answerChanges, formatAnswer, type AnswerChange } from './answer-changes.ts';
export { renderModel, type RenderForm, type RenderSection, type RenderField, type WidgetKind } from './render-model.ts';
export {
  exportLayout,
  mergeLayouts,
  exportRecord,
  FLAG_SEPARATOR,
  type ExportLayout,
  type ExportTable,
  type ExportColumn,
  type ExportedRecord,
  type Cell,
} from './export-columns.ts';
export { createRegistry, formRegistry, getForm, latestVersion, type FormRegistry } from './registry.ts';
export { definitionHash, compareVersions, checkCompatibility, lockProblems, type FieldChange, type LockFile } from './versioning.ts';
export { definitionProblems } from './check-definition.ts';
export {
  encodeAnswers,
  decodeAnswers,
  encodeFormRecord,
  decodeFormRecord,
  STORAGE_MARSHALL_OPTIONS,
  STORAGE_UNMARSHALL_OPTIONS,
} from './storage-codec.ts';
export { dictionaryRows, changelogRows, dictionaryCsv, changelogCsv, type DictionaryRow, type ChangelogRow } from './dictionary.ts';
export { DictionaryBody, dictionaryHtmlDocument } from './dictionary-html.tsx';
export { sampleCriticalIncidentReview, sampleSurveyResponse, sampleSafetyNotice, sampleSafetyNoticeV1 } from './samples.ts';
