/**
 * A jurisdiction-scoped handle on the one table: the only way record and audit code reaches DynamoDB.
 *
 * Callers name partitions by SUFFIX; the handle builds `pk = <jurisdictionId>#<suffix>` (or exactly the id), so
 * nothing built through it can address another jurisdiction. Jurisdiction ids contain no `#`, hence `ky#...`
 * can never be mistaken for `ky-dcbs#...` and vice versa. Every command is checked once more right before it is
 * sent (keys, items, start keys, conditions, transaction items); there is no Scan, no PartiQL and no index query
 * here. Deletes exist for the one kind of partition that is deleted (a survey wave's staff list) and IAM allows
 * them there only (infra: grantSurveyStaff).
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  type GetCommandInput,
  type PutCommandInput,
  type QueryCommandInput,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { clientFor } from './client-routing.ts';
import { jurisdictionIdSchema, keys, partitions, type JurisdictionId } from './keys.ts';
import { STORAGE_MARSHALL_OPTIONS } from './marshalling.ts';

export type Item = Record<string, unknown>;

/** The condition of a put that never overwrites: every audit event's (the handle refuses an audit put without it). */
export const NEW_ITEM_CONDITION = 'attribute_not_exists(pk)';
/** A primary key as stored: the full pk and the sk. */
export type StoredKey = { pk: string; sk: string } & Record<string, unknown>;

/** A key inside the jurisdiction: `partition` is the suffix after `<jurisdictionId>#` (absent: pk is exactly the id). */
export interface ScopedKey {
  partition?: string;
  sk: string;
}

/** An expression with its placeholders. */
export interface Expression {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export interface ScopedPut {
  key: ScopedKey;
  /** The item's attributes other than pk and sk (the handle sets those). */
  attributes: Item;
  condition?: Expression;
}

export interface ScopedUpdate {
  key: ScopedKey;
  /** A `SET ...` / `REMOVE ...` / `ADD ...` expression; keys cannot be updated. */
  update: Expression;
  condition?: Expression;
}

export interface ScopedConditionCheck {
  key: ScopedKey;
  condition: Expression;
}

export interface ScopedDelete {
  key: ScopedKey;
  condition?: Expression;
}

export type ScopedTransactItem = { put: ScopedPut } | { update: ScopedUpdate } | { delete: ScopedDelete } | { conditionCheck: ScopedConditionCheck };

export type SortCondition = { equals: string } | { beginsWith: string } | { between: readonly [string, string] };

export interface ScopedQuery {
  partition?: string;
  sk?: SortCondition;
  /** Newest (highest sk) first when false. */
  forward?: boolean;
  limit?: number;
  /** A LastEvaluatedKey from an earlier page of the same query; must belong to this jurisdiction. */
  startKey?: Item;
  filter?: Expression;
  /** Attribute names to return (pk and sk are always added, so a page can be continued). */
  attributes?: readonly string[];
  /**
   * Document paths to return as well, each as its segments: a name, or a list index (`['answers', 'items', 0,
   * 'theme']` is `answers.items[0].theme`). Paths may not overlap each other or the attributes.
   */
  paths?: readonly (readonly (string | number)[])[];
  consistent?: boolean;
}

export interface ScopedTableOptions {
  /** When given, every call asks for ReturnConsumedCapacity TOTAL and reports it here (bench, cost checks). */
  onConsumedCapacity?: (operation: string, capacity: readonly ConsumedCapacity[]) => void;
}

/** Thrown when something would reach outside the handle's jurisdiction or use a forbidden shape: a bug, never user input. */
export class ScopeViolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScopeViolationError';
  }
}

/** True when `pk` is exactly `id` or starts with `id#`. */
export function pkBelongsTo(id: string, pk: unknown): boolean {
  return typeof pk === 'string' && (pk === id || pk.startsWith(keys.owned(id, '')));
}

/** The jurisdiction that owns a stored pk (the part before the first `#`). */
export function ownerOfPk(pk: string): string {
  const cut = pk.indexOf('#');
  return cut === -1 ? pk : pk.slice(0, cut);
}

const KEY_ATTRIBUTES = new Set(['pk', 'sk']);
const MAX_SUFFIX = 512;

/** Pure builders and the guard: everything the handle sends, as SDK inputs (tested without a table). */
export function scopedBuilders(tableName: string, jurisdictionId: JurisdictionId) {
  const id = jurisdictionIdSchema.parse(jurisdictionId);

  const fail = (what: string): never => {
    throw new ScopeViolationError(`Refused: ${what} (handle of jurisdiction "${id}")`);
  };

  const pkOf = (partition?: string): string => {
    if (partition === undefined) return id;
    if (typeof partition !== 'string' || partition.length === 0 || partition.length > MAX_SUFFIX) fail('a partition suffix must be a non-empty string');
    return keys.owned(id, partition);
  };

  const keyOf = (key: ScopedKey): StoredKey => {
    if (typeof key?.sk !== 'string' || key.sk.length === 0) fail('a key needs a non-empty sk');
    return { pk: pkOf(key.partition), sk: key.sk };
  };

  const attributesOf = (attributes: Item): Item => {
    for (const name of Object.keys(attributes)) if (KEY_ATTRIBUTES.has(name)) fail(`attributes may not set "${name}"; the key is built by the handle`);
    // An owner attribute that names another jurisdiction would mislead any reader of the item.
    if ('jurisdictionId' in attributes && attributes.jurisdictionId !== id) fail('jurisdictionId attribute of another jurisdiction');
    return attributes;
  };

  /** Conditions may test whether the item exists, never compare its pk (the key already fixes it). */
  const checkExpression = (expression: string | undefined, names: Record<string, string> | undefined, where: string): void => {
    if (expression === undefined) return;
    const isPk = (token: string): boolean => (token.startsWith('#') ? names?.[token] === 'pk' : token === 'pk');
    const existence = /\battribute_(?:not_)?exists\s*\(\s*(#?[A-Za-z_][A-Za-z0-9_]*)\s*\)/g;
    const rest = expression.replace(existence, (whole, token: string) => (isPk(token) ? ' ' : whole));
    for (const match of rest.matchAll(/(?<![:\w.])#?[A-Za-z_][A-Za-z0-9_]*/g)) {
      if (isPk(match[0])) fail(`${where} may only use pk in attribute_exists/attribute_not_exists`);
    }
  };

  const mergeNames = (...exprs: (Expression | undefined)[]): Record<string, string> | undefined => {
    const out: Record<string, string> = {};
    for (const e of exprs) {
      for (const [k, v] of Object.entries(e?.names ?? {})) {
        if (k in out && out[k] !== v) fail(`placeholder ${k} means two different names`);
        out[k] = v;
      }
    }
    return Object.keys(out).length ? out : undefined;
  };
  const mergeValues = (...exprs: (Expression | undefined)[]): Record<string, unknown> | undefined => {
    const out: Record<string, unknown> = {};
    for (const e of exprs) {
      for (const [k, v] of Object.entries(e?.values ?? {})) {
        if (k in out && out[k] !== v) fail(`placeholder ${k} has two different values`);
        out[k] = v;
      }
    }
    return Object.keys(out).length ? out : undefined;
  };

  // `<id>#SURVEY#<wave>#STAFF`, from the key registry's builder (the id is a slug, the wave id letters and digits).
  const staffListPk = new RegExp(`^${keys.owned(id, partitions.surveyStaff('\u0000')).replace('\u0000', '[0-9A-Za-z]+')}$`);
  const isStaffListPk = (pk: string): boolean => staffListPk.test(pk);
  const checkKey = (key: unknown, where: string): void => {
    if (typeof key !== 'object' || key === null) fail(`${where} is missing`);
    if (!pkBelongsTo(id, (key as Item).pk)) fail(`${where} has a pk outside the jurisdiction`);
  };

  const checkUpdateNames = (u: { UpdateExpression?: string; ExpressionAttributeNames?: Record<string, string> }): void => {
    const names = Object.values(u.ExpressionAttributeNames ?? {});
    if (names.includes('pk') || names.includes('jurisdictionId') || /(?<![:\w.#])(pk|jurisdictionId)\b/.test(u.UpdateExpression ?? '')) {
      fail('an update may not touch pk or jurisdictionId');
    }
  };

  /** The last line of defence: checks a fully built SDK input, whoever built it. */
  const guard = (operation: 'get' | 'put' | 'update' | 'delete' | 'query' | 'transactWrite', input: Record<string, unknown>): void => {
    const sameTable = (t: unknown) => t === tableName || fail(`table "${String(t)}" is not the handle's table`);
    if (operation === 'transactWrite') {
      const items = (input as TransactWriteCommandInput).TransactItems;
      if (!Array.isArray(items) || items.length === 0 || items.length > 100) fail('a transaction needs 1-100 items');
      for (const [i, t] of items!.entries()) {
        const kinds = Object.keys(t).filter((k) => (t as Item)[k] !== undefined);
        if (kinds.length !== 1 || !['Put', 'Update', 'Delete', 'ConditionCheck'].includes(kinds[0]!)) fail(`transaction item ${i} must be one Put, Update, Delete or ConditionCheck`);
        const kind = kinds[0]!;
        if (kind === 'Put') guard('put', t.Put as Record<string, unknown>);
        else if (kind === 'Update') guard('update', t.Update as Record<string, unknown>);
        else if (kind === 'Delete') guard('delete', t.Delete as Record<string, unknown>);
        else {
          const c = t.ConditionCheck!;
          sameTable(c.TableName);
          checkKey(c.Key, `transaction item ${i} key`);
          checkExpression(c.ConditionExpression, c.ExpressionAttributeNames, 'a condition');
        }
      }
      return;
    }
    sameTable(input.TableName);
    if ('IndexName' in input && input.IndexName !== undefined) fail('index queries go through the platform-wide readers, not a jurisdiction handle');
    if (operation === 'get' || operation === 'update' || operation === 'delete') checkKey(input.Key, 'the key');
    // Deletes only where IAM allows them: a survey wave's staff list (keys.ts partitions.surveyStaff).
    if (operation === 'delete' && !isStaffListPk(String((input.Key as Item).pk))) fail('deletes are for survey staff lists only');
    if (operation === 'put') {
      const item = input.Item as Item | undefined;
      checkKey(item, 'the item');
      if (typeof item!.sk !== 'string') fail('the item has no sk');
      if ('jurisdictionId' in item! && item!.jurisdictionId !== id) fail('jurisdictionId attribute of another jurisdiction');
      // The audit trail is append-only here too, not only in IAM (which cannot see a put's condition).
      if (item!.pk === keys.owned(id, partitions.audit) && input.ConditionExpression !== NEW_ITEM_CONDITION) fail(`an audit event is put only as a new item (${NEW_ITEM_CONDITION})`);
    }
    if (operation === 'update' && (input.Key as Item).pk === keys.owned(id, partitions.audit)) fail('audit events are never updated');
    if (operation === 'update') checkUpdateNames(input as UpdateCommandInput);
    if (operation === 'query') {
      const q = input as QueryCommandInput;
      if (q.KeyConditionExpression?.replace(/\s+/g, ' ').split(' AND ')[0] !== '#pk = :pk' || q.ExpressionAttributeNames?.['#pk'] !== 'pk') {
        fail('a query must fix the partition with #pk = :pk');
      }
      if (!pkBelongsTo(id, q.ExpressionAttributeValues?.[':pk'])) fail('the query partition is outside the jurisdiction');
      if (q.ExclusiveStartKey !== undefined) {
        checkKey(q.ExclusiveStartKey, 'the start key');
        if (q.ExclusiveStartKey.pk !== q.ExpressionAttributeValues?.[':pk']) fail('the start key belongs to another partition');
      }
      checkExpression(q.FilterExpression, q.ExpressionAttributeNames, 'a filter');
    }
    checkExpression(input.ConditionExpression as string | undefined, input.ExpressionAttributeNames as Record<string, string> | undefined, 'a condition');
  };

  const build = {
    pk: pkOf,
    key: keyOf,
    get(key: ScopedKey, opts: { consistent?: boolean } = {}): GetCommandInput {
      const input: GetCommandInput = { TableName: tableName, Key: keyOf(key), ConsistentRead: opts.consistent };
      guard('get', input as Record<string, unknown>);
      return input;
    },
    put(p: ScopedPut): PutCommandInput {
      const input: PutCommandInput = {
        TableName: tableName,
        Item: { ...attributesOf(p.attributes), ...keyOf(p.key) },
        ConditionExpression: p.condition?.expression,
        ExpressionAttributeNames: p.condition?.names,
        ExpressionAttributeValues: p.condition?.values,
      };
      guard('put', input as Record<string, unknown>);
      return input;
    },
    update(u: ScopedUpdate): UpdateCommandInput & { UpdateExpression: string } {
      const input: UpdateCommandInput & { UpdateExpression: string } = {
        TableName: tableName,
        Key: keyOf(u.key),
        UpdateExpression: u.update.expression,
        ConditionExpression: u.condition?.expression,
        ExpressionAttributeNames: mergeNames(u.update, u.condition),
        ExpressionAttributeValues: mergeValues(u.update, u.condition),
      };
      guard('update', input as Record<string, unknown>);
      return input;
    },
    delete(d: ScopedDelete): DeleteCommandInput {
      const input: DeleteCommandInput = {
        TableName: tableName,
        Key: keyOf(d.key),
        ConditionExpression: d.condition?.expression,
        ExpressionAttributeNames: d.condition?.names,
        ExpressionAttributeValues: d.condition?.values,
      };
      guard('delete', input as Record<string, unknown>);
      return input;
    },
    query(q: ScopedQuery): QueryCommandInput {
      const sk = q.sk;
      const skExpression = !sk ? '' : 'equals' in sk ? ' AND #sk = :sk' : 'beginsWith' in sk ? ' AND begins_with(#sk, :sk)' : ' AND #sk BETWEEN :sk AND :sk2';
      const skValues = !sk ? {} : 'equals' in sk ? { ':sk': sk.equals } : 'beginsWith' in sk ? { ':sk': sk.beginsWith } : { ':sk': sk.between[0], ':sk2': sk.between[1] };
      const projected = q.attributes !== undefined || q.paths !== undefined;
      const placeholders = new Map<string, string>();
      const nameOf = (name: string): string => {
        if (typeof name !== 'string' || name.length === 0) fail('a projected name must be a non-empty string');
        let p = placeholders.get(name);
        if (p === undefined) placeholders.set(name, (p = `#p${placeholders.size}`));
        return p;
      };
      const pathOf = (path: readonly (string | number)[]): string => {
        if (path.length === 0 || typeof path[0] !== 'string') fail('a projected path starts with an attribute name');
        return path
          .map((segment, i) => {
            if (typeof segment !== 'number') return `${i === 0 ? '' : '.'}${nameOf(segment)}`;
            if (!Number.isInteger(segment) || segment < 0) fail('a list index in a projected path is a whole number');
            return `[${segment}]`;
          })
          .join('');
      };
      const projection = projected ? [...[...new Set(['pk', 'sk', ...(q.attributes ?? [])])].map(nameOf), ...(q.paths ?? []).map(pathOf)] : undefined;
      const projectionNames = Object.fromEntries([...placeholders].map(([name, p]) => [p, name]));
      for (const k of Object.keys(q.filter?.values ?? {})) if (k === ':pk' || k === ':sk' || k === ':sk2') fail(`filter placeholder ${k} is reserved`);
      for (const k of Object.keys(q.filter?.names ?? {})) if (k === '#pk' || k === '#sk' || /^#p\d+$/.test(k)) fail(`filter placeholder ${k} is reserved`);
      const input: QueryCommandInput = {
        TableName: tableName,
        KeyConditionExpression: `#pk = :pk${skExpression}`,
        FilterExpression: q.filter?.expression,
        ProjectionExpression: projection ? projection.join(', ') : undefined,
        ExpressionAttributeNames: { '#pk': 'pk', ...(sk ? { '#sk': 'sk' } : {}), ...projectionNames, ...q.filter?.names },
        ExpressionAttributeValues: { ':pk': pkOf(q.partition), ...skValues, ...q.filter?.values },
        ScanIndexForward: q.forward ?? true,
        Limit: q.limit,
        ExclusiveStartKey: q.startKey,
        ConsistentRead: q.consistent,
      };
      guard('query', input as Record<string, unknown>);
      return input;
    },
    transactWrite(items: readonly ScopedTransactItem[], clientRequestToken?: string): TransactWriteCommandInput {
      const input: TransactWriteCommandInput = {
        ClientRequestToken: clientRequestToken,
        TransactItems: items.map((t) => {
          if ('put' in t) return { Put: build.put(t.put) };
          if ('update' in t) return { Update: build.update(t.update) };
          if ('delete' in t) return { Delete: build.delete(t.delete) };
          if ('conditionCheck' in t) {
            return {
              ConditionCheck: {
                TableName: tableName,
                Key: keyOf(t.conditionCheck.key),
                ConditionExpression: t.conditionCheck.condition.expression,
                ExpressionAttributeNames: t.conditionCheck.condition.names,
                ExpressionAttributeValues: t.conditionCheck.condition.values,
              },
            };
          }
          return fail('unknown transaction item');
        }),
      };
      guard('transactWrite', input as Record<string, unknown>);
      return input;
    },
  };
  return { jurisdictionId: id, tableName, build, guard };
}

export interface ScopedTable {
  readonly jurisdictionId: JurisdictionId;
  readonly tableName: string;
  /** The full pk of a partition suffix of this jurisdiction. */
  pk(partition?: string): string;
  /** Whether a stored pk belongs to this jurisdiction. */
  owns(pk: unknown): boolean;
  get(key: ScopedKey, opts?: { consistent?: boolean }): Promise<Item | undefined>;
  query(q: ScopedQuery): Promise<{ items: Item[]; lastKey?: Item }>;
  put(p: ScopedPut): Promise<void>;
  update(u: ScopedUpdate): Promise<Item | undefined>;
  delete(d: ScopedDelete): Promise<void>;
  /** One TransactWriteItems: all items are written or none. */
  transactWrite(items: readonly ScopedTransactItem[], opts?: { clientRequestToken?: string }): Promise<void>;
}

/** Refuses a document client whose conversions differ from the storage codec's (answers must round-trip exactly). */
function assertStorageOptions(client: DynamoDBDocumentClient): void {
  const given = client.config.translateConfig?.marshallOptions ?? {};
  const same = (Object.keys(STORAGE_MARSHALL_OPTIONS) as (keyof typeof STORAGE_MARSHALL_OPTIONS)[]).every(
    (k) => Boolean(given[k]) === Boolean(STORAGE_MARSHALL_OPTIONS[k]),
  );
  const wraps = client.config.translateConfig?.unmarshallOptions?.wrapNumbers;
  if (!same || wraps) throw new Error('scopedTable needs a document client built with STORAGE_MARSHALL_OPTIONS / STORAGE_UNMARSHALL_OPTIONS');
}

/**
 * The handle for one jurisdiction. Cheap: build one per request. Each command goes out with the client the base
 * client's router picks for the jurisdiction (shared/storage/client-routing.ts), chosen when it is sent.
 */
export function scopedTable(base: DynamoDBDocumentClient, tableName: string, jurisdictionId: JurisdictionId, options: ScopedTableOptions = {}): ScopedTable {
  assertStorageOptions(base);
  const { jurisdictionId: id, build } = scopedBuilders(tableName, jurisdictionId);
  const client = { send: ((command: Parameters<DynamoDBDocumentClient['send']>[0]) => clientFor(base, id).send(command)) as DynamoDBDocumentClient['send'] };
  const report = options.onConsumedCapacity;
  const capacity = report ? ({ ReturnConsumedCapacity: 'TOTAL' } as const) : {};
  const reportOf = (operation: string, c: ConsumedCapacity | ConsumedCapacity[] | undefined) => {
    if (report && c) report(operation, Array.isArray(c) ? c : [c]);
  };
  return {
    jurisdictionId: id,
    tableName,
    pk: build.pk,
    owns: (pk) => pkBelongsTo(id, pk),
    async get(key, opts) {
      const out = await client.send(new GetCommand({ ...build.get(key, opts), ...capacity }));
      reportOf('GetItem', out.ConsumedCapacity);
      return out.Item;
    },
    async query(q) {
      const out = await client.send(new QueryCommand({ ...build.query(q), ...capacity }));
      reportOf('Query', out.ConsumedCapacity);
      return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
    },
    async put(p) {
      const out = await client.send(new PutCommand({ ...build.put(p), ...capacity }));
      reportOf('PutItem', out.ConsumedCapacity);
    },
    async update(u) {
      const out = await client.send(new UpdateCommand({ ...build.update(u), ReturnValues: 'ALL_NEW', ...capacity }));
      reportOf('UpdateItem', out.ConsumedCapacity);
      return out.Attributes;
    },
    async delete(d) {
      const out = await client.send(new DeleteCommand({ ...build.delete(d), ...capacity }));
      reportOf('DeleteItem', out.ConsumedCapacity);
    },
    async transactWrite(items, opts) {
      const out = await client.send(new TransactWriteCommand({ ...build.transactWrite(items, opts?.clientRequestToken), ...capacity }));
      reportOf('TransactWriteItems', out.ConsumedCapacity);
    },
  };
}
