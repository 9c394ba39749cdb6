/**
 * Who the platform may email in a jurisdiction (docs/review.md, "Who gets the emails"): each person of a jurisdiction
 * role as their last sign-in said (name, verified email, role), kept under the jurisdiction's key. The review
 * workflow emails the jurisdiction's reviewers and admins, and a record's author, from here. A person appears with
 * their first sign-in and follows their role and address as the identity provider changes them.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

  /** At sign-in: the person as the identity provider describes them now (only jurisdiction roles with a verified email). */
  async signedIn(principal: Principal, email: string | undefined, at: Date): Promise<void> {
    if (!principal.jurisdictionId || !email) return;
    const person: Person = { subject: principal.subject, role: principal.role, email, lastSignInAt: at.toISOString(), ...(principal.displayName ? { name: principal.displayName } : {}) };
    await scopedTable(this.client, this.tableName, principal.jurisdictionId).put({ key: keys.person(principal.subject), attributes: { kind: 'person', ...person } });
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
