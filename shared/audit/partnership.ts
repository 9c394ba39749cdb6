/**
 * Audit events of partnership-wide settings (the survey baselines and targets): they belong to no jurisdiction, so
 * they live in their own append-only partition, `PARTNERSHIP#AUDIT` (the IAM deny of updates and deletes on
 * `*#AUDIT` covers it too). An event names the actor as jurisdiction events do, and the setting's values before and
 * after: settings, never personal data.
 *
 *   pk `PARTNERSHIP#AUDIT`  sk `<at>#<eventId>`
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { keys } from '#shared/storage/keys.ts';
import { NEW_ITEM_CONDITION } from '#shared/storage/scoped-table.ts';
import { timeSortableId } from './ids.ts';

export const PARTNERSHIP_AUDIT_ACTIONS = ['survey.targets_set'] as const;
export type PartnershipAuditAction = (typeof PARTNERSHIP_AUDIT_ACTIONS)[number];

/** Who acted: platform roles have no jurisdiction. */
export interface PartnershipActor {
  subject: string;
  role: string;
  requestId: string;
  displayName?: string;
}

export const partnershipAuditEventSchema = z.lazy(() => z.object({
  eventId: z.string().check(z.minLength(1)),
  at: z.string(),
  action: z.enum(PARTNERSHIP_AUDIT_ACTIONS),
  actor: z.object({ subject: z.string(), role: z.string(), displayName: z.optional(z.string()) }),
  requestId: z.string(),
  /** The setting before and after the change, as stored (JSON values with no personal data). */
  before: z.unknown(),
  after: z.unknown(),
}));
export type PartnershipAuditEvent = z.infer<typeof partnershipAuditEventSchema>;

export function newPartnershipAuditEvent(actor: PartnershipActor, facts: { action: PartnershipAuditAction; before: unknown; after: unknown }, now: Date): PartnershipAuditEvent {
  return partnershipAuditEventSchema.parse({
    ...facts,
    eventId: timeSortableId(now),
    at: now.toISOString(),
    actor: { subject: actor.subject, role: actor.role, ...(actor.displayName ? { displayName: actor.displayName } : {}) },
    requestId: actor.requestId,
  });
}

/** The conditional put of one event (never overwrites), as a TransactWriteItems entry. */
export function partnershipAuditPut(tableName: string, event: PartnershipAuditEvent) {
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.partnershipAuditEvent(event.at, event.eventId), kind: 'partnership_audit', ...event },
      ConditionExpression: NEW_ITEM_CONDITION,
    },
  };
}

/** The newest events of one action, newest first. */
export async function listPartnershipAudit(client: DynamoDBDocumentClient, tableName: string, action: PartnershipAuditAction, limit: number): Promise<PartnershipAuditEvent[]> {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#action = :action',
      ExpressionAttributeNames: { '#action': 'action' },
      ExpressionAttributeValues: { ':pk': keys.partnershipAuditPartition, ':action': action },
      ScanIndexForward: false,
      // A filter reads before it drops: read a page a little larger than asked (one action today).
      Limit: limit * 2,
    }),
  );
  return (out.Items ?? []).slice(0, limit).map((item) => {
    const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
    return partnershipAuditEventSchema.parse(rest);
  });
}
