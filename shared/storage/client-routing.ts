/**
 * Which document client a jurisdiction's handle sends its commands with. By default the one it was given; a function
 * confined to per-jurisdiction credentials (shared/storage/jurisdiction-credentials.ts) registers a router for its
 * base client, and every handle built on that client then sends with the jurisdiction's own client. A separate module
 * so that the scoped table does not load STS in functions that are not confined.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type JurisdictionRouter = (jurisdictionId: string) => DynamoDBDocumentClient;

const routers = new WeakMap<DynamoDBDocumentClient, JurisdictionRouter>();

export function routeByJurisdiction(base: DynamoDBDocumentClient, router: JurisdictionRouter): void {
  routers.set(base, router);
}

export function stopRouting(base: DynamoDBDocumentClient): void {
  routers.delete(base);
}

/** The client to send a jurisdiction's command with: throws (before anything is sent) when the router refuses. */
export function clientFor(base: DynamoDBDocumentClient, jurisdictionId: string): DynamoDBDocumentClient {
  const router = routers.get(base);
  return router ? router(jurisdictionId) : base;
}
