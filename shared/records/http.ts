import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Principal } from '#shared/auth/principal.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { ForbiddenError } from '#shared/errors.ts';
import type { FormContext } from '#shared/forms/index.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { secret } from '#shared/secrets.ts';
import { scopedTable, type ScopedTable } from '#shared/storage/scoped-table.ts';
import type { Actor } from '#shared/audit/model.ts';
import { RecordService } from './service.ts';

/** What record and audit handlers share: the scoped table of the path's jurisdiction and the acting principal. */
export function requestScope(tableName: string, jurisdictionId: string, principal: Principal, event: APIGatewayProxyEventV2): { table: ScopedTable; actor: Actor } {
  // The actor's jurisdiction comes from the principal, the table's from the path: the service checks they agree,
  // a second line behind the HTTP stack's authorization.
  if (!principal.jurisdictionId) throw new ForbiddenError('Records belong to a jurisdiction; your role has none.');
  return {
    table: scopedTable(documentClient, tableName, jurisdictionId),
    actor: {
      subject: principal.subject,
      role: principal.role,
      jurisdictionId: principal.jurisdictionId,
      requestId: event.requestContext.requestId,
      ...(principal.displayName ? { displayName: principal.displayName } : {}),
    },
  };
}

/** Lookup lists the forms validate against: the jurisdiction's units, and the partnership's jurisdictions. */
export function formContextFrom(registry: JurisdictionStore): (jurisdictionId: string) => Promise<FormContext> {
  return async (jurisdictionId) => {
    const [own, all] = await Promise.all([registry.get(jurisdictionId), registry.list({ active: true })]);
    return { units: own?.units ?? [], jurisdictions: all.map((j) => ({ code: j.id, label: j.name })) };
  };
}

let service: Promise<RecordService> | undefined;

/** The record service of this container, created on first use (its cursor key is a secret fetched once). */
export function recordService(tableName: string): Promise<RecordService> {
  service ??= secret('CURSOR_SECRET').then(
    (cursorSecret) => new RecordService({ cursorSecret, formContext: formContextFrom(new JurisdictionStore(tableName)) }),
  );
  service.catch(() => (service = undefined));
  return service;
}
