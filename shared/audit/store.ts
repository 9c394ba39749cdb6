/**
 * The audit trail: append-only items in the jurisdiction's own partition, indexed on gsi1 for the
 * platform-admin view across jurisdictions.
 *
 *   pk `<jid>#AUDIT`  sk `<at>#<eventId>`  gsi1pk `AUDIT#ALL`  gsi1sk `<at>#<jid>#<eventId>`
 *
 * Writes are conditional puts (attribute_not_exists): an event is never overwritten, and this module offers no
 * update or delete. Mutations put their event in the same TransactWriteItems as the change (auditPut).
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { BadRequestError } from '#shared/errors.ts';
import { parseOrThrow, validationFailed } from '#shared/http/validation.ts';
import { GSI1, keys, partitions } from '#shared/storage/keys.ts';
import { NEW_ITEM_CONDITION, ownerOfPk, type Item, type ScopedPut, type ScopedTable, type ScopedTransactItem } from '#shared/storage/scoped-table.ts';
import { INVALID_CURSOR_MESSAGE, openCursor, scopeDigest, sealCursor } from './cursor.ts';
import { boundMs, dateBoundSchema, timeSortableId } from './ids.ts';
import { auditEventSchema, type Actor, type AuditEvent, type AuditFacts } from './model.ts';


export function newAuditEvent(actor: Actor, facts: AuditFacts, now: Date, eventId: string = timeSortableId(now)): AuditEvent {
  return auditEventSchema.parse({
    ...facts,
    eventId,
    jurisdictionId: actor.jurisdictionId,
    at: now.toISOString(),
    actor: { subject: actor.subject, role: actor.role, jurisdictionId: actor.jurisdictionId, ...(actor.displayName ? { displayName: actor.displayName } : {}) },
    requestId: actor.requestId,
  });
}

/** The conditional put of one event, for a transaction of the handle's jurisdiction. */
export function auditPut(table: ScopedTable, event: AuditEvent): ScopedTransactItem {
  return { put: auditPutSpec(table, event) };
}

function auditPutSpec(table: ScopedTable, event: AuditEvent): ScopedPut {
  if (event.jurisdictionId !== table.jurisdictionId) throw new Error('An audit event belongs to the jurisdiction it happened in');
  const { changedFields, ...rest } = event;
  return {
      key: keys.auditEvent(event.at, event.eventId),
      attributes: {
        kind: 'audit',
        ...rest,
        // An empty list says nothing; absent keeps the item small.
        ...(changedFields?.length ? { changedFields } : {}),
        [GSI1.pk]: keys.auditIndexPartition,
        [GSI1.sk]: keys.auditIndexSort(event.at, event.jurisdictionId, event.eventId),
      },
      condition: { expression: NEW_ITEM_CONDITION },
  };
}

/** Writes one event on its own (reads are audited this way; mutations use auditPut in their transaction). */
export async function writeAuditEvent(table: ScopedTable, event: AuditEvent): Promise<void> {
  await table.put(auditPutSpec(table, event));
}

/** An event as read from its item (the record history reads them through the records service). */
export function auditEventFromItem(item: Item): AuditEvent {
  return fromItem(item);
}

function fromItem(item: Item): AuditEvent {
  const { pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, kind: _kind, ...rest } = item;
  // The owner is the partition, not an attribute: an item cannot claim to be another jurisdiction's event.
  return auditEventSchema.parse({ ...rest, jurisdictionId: ownerOfPk(String(pk)) });
}

export interface AuditPage {
  items: AuditEvent[];
  nextCursor?: string;
}

const pageSchema = z.lazy(() => z.object({
  limit: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(4096))),
  from: z.optional(dateBoundSchema),
  to: z.optional(dateBoundSchema),
}));

function parsePage(query: unknown): z.infer<typeof pageSchema> {
  const parsed = parseOrThrow(pageSchema, query, 'query');
  const { from, to } = parsed;
  if (from && to && boundMs(from, 'from') > boundMs(to, 'to')) throw validationFailed([{ field: 'from', message: 'From must not be after to' }]);
  return parsed;
}

export interface AuditListQuery {
  limit?: number;
  cursor?: string;
  /** Inclusive bounds on the event time: `YYYY-MM-DD` (UTC day) or an ISO date-time. */
  from?: string;
  to?: string;
  /** The secret cursors are sealed with (e.g. CURSOR_SECRET); at least 32 bytes. */
  cursorSecret: string;
}

/** The jurisdiction's audit trail, newest first. */
export async function listJurisdictionAudit(table: ScopedTable, query: AuditListQuery): Promise<AuditPage> {
  const { limit, cursor, from, to } = parsePage({ limit: query.limit, cursor: query.cursor, from: query.from, to: query.to });
  const scope = `audit:${table.jurisdictionId}:${scopeDigest([from ?? null, to ?? null])}`;
  // Key values cannot be empty: '0' sorts before every ISO year.
  const low = from ? new Date(boundMs(from, 'from')).toISOString() : '0';
  const high = to ? `${new Date(boundMs(to, 'to')).toISOString()}#~` : '~';
  const startKey = cursor ? openCursor(query.cursorSecret, scope, cursor) : undefined;
  if (startKey && startKey.pk !== table.pk(partitions.audit)) throw new BadRequestError(INVALID_CURSOR_MESSAGE);
  // One more than asked, so the last page carries no cursor to an empty page.
  const { items } = await table.query({ partition: partitions.audit, sk: { between: [low, high] }, forward: false, limit: limit + 1, startKey });
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(fromItem),
    nextCursor: items.length > limit && last ? sealCursor(query.cursorSecret, scope, { pk: String(last.pk), sk: String(last.sk) }) : undefined,
  };
}

/**
 * Every jurisdiction's audit events, newest first, through gsi1 (platform admins only: the caller authorizes).
 * The one reader outside a scoped handle, and it reads nothing but the `AUDIT#ALL` index partition.
 */
export async function listAllAudit(
  client: DynamoDBDocumentClient,
  tableName: string,
  query: Omit<AuditListQuery, 'from' | 'to'>,
): Promise<AuditPage> {
  const { limit, cursor } = parsePage({ limit: query.limit, cursor: query.cursor });
  const scope = 'audit:all';
  const startKey = cursor ? openCursor(query.cursorSecret, scope, cursor) : undefined;
  if (startKey && startKey[GSI1.pk] !== keys.auditIndexPartition) throw new BadRequestError(INVALID_CURSOR_MESSAGE);
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: GSI1.name,
      KeyConditionExpression: '#g = :g',
      ExpressionAttributeNames: { '#g': GSI1.pk },
      ExpressionAttributeValues: { ':g': keys.auditIndexPartition },
      ScanIndexForward: false,
      Limit: limit + 1,
      ExclusiveStartKey: startKey,
    }),
  );
  const items = out.Items ?? [];
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(fromItem),
    nextCursor:
      items.length > limit && last
        ? sealCursor(query.cursorSecret, scope, { pk: String(last.pk), sk: String(last.sk), gsi1pk: String(last.gsi1pk), gsi1sk: String(last.gsi1sk) })
        : undefined,
  };
}
