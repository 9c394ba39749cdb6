import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { auditPut, newAuditEvent, type Actor } from '#shared/audit/index.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import { validationFailed } from '#shared/http/validation.ts';
import { keys } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import type { Jurisdiction } from './model.ts';
import { profileAttributes, type JurisdictionStore } from './store.ts';

/**
 * Platform admins keep the registry: adding and editing a jurisdiction writes its profile and an audit event in its
 * own partition in one transaction; a stale version is refused (409) and nothing is written.
 */
export interface RegistryEditor {
  subject: string;
  role: string;
  requestId: string;
  /** The editor's name from the identity provider, kept on the audit event. */
  displayName?: string;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function conditionFailed(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  return e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
}

export async function addJurisdiction(client: DynamoDBDocumentClient, tableName: string, j: Jurisdiction, editor: RegistryEditor, now = new Date()) {
  const table = scopedTable(client, tableName, j.id);
  const actor: Actor = { ...editor, jurisdictionId: j.id };
  try {
    await table.transactWrite([
      { put: { key: keys.profileInJurisdiction, attributes: profileAttributes(j, 1), condition: { expression: 'attribute_not_exists(pk)' } } },
      auditPut(table, newAuditEvent(actor, { action: 'registry.created' }, now)),
    ]);
  } catch (e) {
    if (conditionFailed(e)) throw new ConflictError(`A jurisdiction with id "${j.id}" exists already; edit it instead.`);
    throw e;
  }
  return { ...j, version: 1 };
}

export async function editJurisdiction(
  client: DynamoDBDocumentClient,
  store: JurisdictionStore,
  j: Jurisdiction,
  expectedVersion: number,
  editor: RegistryEditor,
  now = new Date(),
) {
  const current = await store.getVersioned(j.id);
  if (!current) throw new NotFoundError(`There is no jurisdiction with id "${j.id}".`);
  if (current.version !== expectedVersion) {
    throw new ConflictError(`Someone else changed this jurisdiction since you opened it (version ${current.version}); reload it and make your change again.`);
  }
  const changed = (Object.keys({ ...current.jurisdiction, ...j }) as (keyof Jurisdiction)[])
    .filter((k) => JSON.stringify(current.jurisdiction[k]) !== JSON.stringify(j[k]))
    .map((k) => snake(k))
    .sort();
  if (changed.length === 0) return { ...j, version: current.version };
  const table = scopedTable(client, store.tableName, j.id);
  const actor: Actor = { ...editor, jurisdictionId: j.id };
  // Profiles seeded before versions existed have no version attribute: they count as version 1.
  const guard =
    expectedVersion === 1
      ? { expression: 'attribute_exists(pk) AND (attribute_not_exists(#v) OR #v = :v)', names: { '#v': 'version' }, values: { ':v': 1 } }
      : { expression: 'attribute_exists(pk) AND #v = :v', names: { '#v': 'version' }, values: { ':v': expectedVersion } };
  try {
    await table.transactWrite([
      { put: { key: keys.profileInJurisdiction, attributes: profileAttributes(j, expectedVersion + 1), condition: guard } },
      auditPut(table, newAuditEvent(actor, { action: 'registry.updated', changedFields: changed }, now)),
    ]);
  } catch (e) {
    if (conditionFailed(e)) throw new ConflictError('Someone else changed this jurisdiction at the same moment; reload it and make your change again.');
    throw e;
  }
  return { ...j, version: expectedVersion + 1 };
}

/** The path names the jurisdiction; a body naming another one is a mistake, not a rename. */
export function assertSameId(pathId: string, bodyId: string): void {
  if (pathId !== bodyId) throw validationFailed([{ field: 'id', message: `The id must stay "${pathId}"` }]);
}
