/**
 * Who the platform may email in a jurisdiction (docs/review.md, "Who gets the emails"): each person of a jurisdiction
 * role as their last sign-in said (name, verified email, role), kept under the jurisdiction's key. The review
 * workflow emails the jurisdiction's reviewers and admins, and a record's author, from here. A person appears with
 * their first sign-in and follows their role and address as the identity provider changes them.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Principal } from './principal.ts';
import type { Role } from './policy.ts';
import { keys, partitions } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';

export interface Person {
  subject: string;
  role: Role;
  name?: string;
  email: string;
  lastSignInAt: string;
}

export class PeopleDirectory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * At sign-in: the person as the identity provider describes them now (jurisdiction roles and partnership leads, with
   * a verified email; leads go to the partnership's directory, which the reports are emailed from).
   */
  async signedIn(principal: Principal, email: string | undefined, at: Date): Promise<void> {
    if (!email) return;
    const person: Person = { subject: principal.subject, role: principal.role, email, lastSignInAt: at.toISOString(), ...(principal.displayName ? { name: principal.displayName } : {}) };
    if (principal.role === 'partnership_lead') {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.partnershipPerson(principal.subject), kind: 'person', ...person } }));
      return;
    }
    if (!principal.jurisdictionId) return;
    await scopedTable(this.client, this.tableName, principal.jurisdictionId).put({ key: keys.person(principal.subject), attributes: { kind: 'person', ...person } });
  }

  /** The partnership leads (tens of people: one query, paged through). */
  async partnershipLeads(): Promise<Person[]> {
    const people: Person[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.partnershipPeoplePartition }, ExclusiveStartKey: startKey, ConsistentRead: true }),
      );
      people.push(...(page.Items ?? []).map(toPerson).filter((p) => p.role === 'partnership_lead'));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return people;
  }

  async person(jurisdictionId: string, subject: string): Promise<Person | undefined> {
    const item = await scopedTable(this.client, this.tableName, jurisdictionId).get(keys.person(subject), { consistent: true });
    return item ? toPerson(item) : undefined;
  }

  /** The jurisdiction's people of a role (a jurisdiction has tens of people: one query, paged through). */
  async withRole(jurisdictionId: string, role: Role): Promise<Person[]> {
    const table = scopedTable(this.client, this.tableName, jurisdictionId);
    const people: Person[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await table.query({ partition: partitions.people, sk: { beginsWith: 'PERSON#' }, filter: { expression: '#role = :role', names: { '#role': 'role' }, values: { ':role': role } }, startKey, consistent: true });
      people.push(...page.items.map(toPerson));
      startKey = page.lastKey;
    } while (startKey);
    return people;
  }
}

function toPerson(item: Record<string, unknown>): Person {
  return {
    subject: String(item.subject),
    role: item.role as Role,
    email: String(item.email),
    lastSignInAt: String(item.lastSignInAt),
    ...(typeof item.name === 'string' ? { name: item.name } : {}),
  };
}
