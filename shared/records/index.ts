/** Records: the model, the service and its errors. Build a scoped table per request (shared/storage/scoped-table.ts). */
export { RecordService, type RecordServiceOptions, type RecordPage, type Written } from './service.ts';
export {
  RECORD_STATUSES,
  EDITABLE_STATUSES,
  TRANSITIONS,
  REASON_REQUIRED,
  isEditable,
  createDraftInputSchema,
  saveDraftInputSchema,
  submitInputSchema,
  transitionInputSchema,
  amendInputSchema,
  listQuerySchema,
  type RecordStatus,
  type RecordView,
  type RecordSummary,
  type CreateDraftInput,
  type SaveDraftInput,
  type SubmitInput,
  type TransitionInput,
  type AmendInput,
  type ListQuery,
} from './model.ts';
export { RecordConflictError, RECORD_NOT_FOUND_MESSAGE, type ConflictReason } from './errors.ts';
export { changedFieldNames } from './diff.ts';
export { recordDisplayName, recordLabel, referenceOf, normalizeSearch, type DisplayName } from './naming.ts';
export type { Actor } from '#shared/audit/model.ts';
