/** The audit trail's public API. */
export { actorSchema, auditEventSchema, AUDIT_ACTIONS, type Actor, type AuditAction, type AuditEvent, type AuditFacts } from './model.ts';
export {
  auditPut,
  writeAuditEvent,
  newAuditEvent,
  listJurisdictionAudit,
  listAllAudit,
  type AuditPage,
  type AuditListQuery,
} from './store.ts';
export { sealCursor, openCursor, scopeDigest, INVALID_CURSOR_MESSAGE } from './cursor.ts';
export { timeSortableId, timeOfId, idBounds, boundMs, dateBoundSchema, TIME_SORTABLE_ID } from './ids.ts';
