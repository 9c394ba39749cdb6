import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';

type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

/**
 * An in-memory table for the action-id store's unit tests (the mutation tests run them once per mutant, so they
 * cannot wait for DynamoDB Local). Written by hand because no npm package evaluates DynamoDB expressions in memory
 * without a server; it understands exactly the subset the store writes and throws on anything else, so a store
 * change it does not understand fails loudly instead of passing:
 * conditions `a AND b ...` of attribute_exists / attribute_not_exists / `x = :v` / `x > :v`;
 * updates `SET x = :v, y = if_not_exists(y, :v)` and `REMOVE x, y`; gsi1 queries by partition and sort key.
 * Every write is atomic (JavaScript runs one callback at a time), like DynamoDB's conditional writes.
 */
export class ExpressionTable {
  readonly items = new Map<string, Item>();
  readonly log: string[] = [];
  /** GetItem calls made without ConsistentRead (the store must read its own writes). */
  inconsistentGets = 0;
  /** Runs before each command is applied (tests interleave writes with it). */
  beforeCommand: ((name: string, input: Record<string, unknown>) => void | Promise<void>) | undefined;

  static key = (k: Item) => `${String(k.pk)}|${String(k.sk)}`;

  get client(): DynamoDBDocumentClient {
    const translateConfig = { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS };
    return { config: { translateConfig }, send: (command: unknown) => this.send(command) } as unknown as DynamoDBDocumentClient;
  }

  private async send(command: unknown): Promise<Item> {
    const name = (command as object).constructor.name.replace(/Command$/, '');
    this.log.push(name);
    await this.beforeCommand?.(name, (command as { input: Record<string, unknown> }).input);
    if (command instanceof GetCommand) {
      if (command.input.ConsistentRead !== true) this.inconsistentGets++;
      const item = this.items.get(ExpressionTable.key(command.input.Key as Item));
      return { Item: item ? structuredClone(item) : undefined };
    }
    if (command instanceof QueryCommand) {
      const i = command.input;
      const n = i.ExpressionAttributeNames ?? {};
      if (i.IndexName !== 'gsi1' || i.KeyConditionExpression !== '#g = :g AND #s = :s' || n['#g'] !== 'gsi1pk' || n['#s'] !== 'gsi1sk') throw new Error(`ExpressionTable: unsupported query ${i.KeyConditionExpression}`);
      const projected = (i.ProjectionExpression ?? fail('queries here project')).split(',').map((p) => n[p.trim()] ?? fail(`unknown name ${p}`));
      const g = i.ExpressionAttributeValues?.[':g'];
      const s = i.ExpressionAttributeValues?.[':s'];
      const found = [...this.items.values()].filter((it) => it.gsi1pk === g && it.gsi1sk === s).slice(0, i.Limit ?? Infinity);
      return { Items: found.map((it) => Object.fromEntries(projected.map((a) => [a, it[a]]))) };
    }
    if (command instanceof PutCommand) {
      const i = command.input;
      this.check(i.Item as Item, i.ConditionExpression, i.ExpressionAttributeNames, i.ExpressionAttributeValues, () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
      this.items.set(ExpressionTable.key(i.Item as Item), structuredClone(i.Item as Item));
      return {};
    }
    if (command instanceof UpdateCommand) {
      const i = command.input;
      const k = ExpressionTable.key(i.Key as Item);
      this.check(i.Key as Item, i.ConditionExpression, i.ExpressionAttributeNames, i.ExpressionAttributeValues, () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
      const next = this.applied(this.items.get(k) ?? { ...(i.Key as Item) }, i.UpdateExpression!, i.ExpressionAttributeNames, i.ExpressionAttributeValues);
      this.items.set(k, next);
      return { Attributes: structuredClone(next) };
    }
    if (command instanceof TransactWriteCommand) {
      const list = command.input.TransactItems ?? [];
      const codes = list.map((t) => {
        const spec = t.Put ? { key: t.Put.Item as Item, ...t.Put } : t.Update ? { key: t.Update.Key as Item, ...t.Update } : t.ConditionCheck ? { key: t.ConditionCheck.Key as Item, ...t.ConditionCheck } : undefined;
        if (!spec) throw new Error('ExpressionTable: unsupported transaction item');
        return this.holds(spec.key, spec.ConditionExpression, spec.ExpressionAttributeNames, spec.ExpressionAttributeValues) ? 'None' : 'ConditionalCheckFailed';
      });
      if (codes.some((c) => c !== 'None')) {
        throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
      }
      for (const t of list) {
        if (t.Put) this.items.set(ExpressionTable.key(t.Put.Item as Item), structuredClone(t.Put.Item as Item));
        if (t.Update) {
          const k = ExpressionTable.key(t.Update.Key as Item);
          this.items.set(k, this.applied(this.items.get(k) ?? { ...(t.Update.Key as Item) }, t.Update.UpdateExpression!, t.Update.ExpressionAttributeNames, t.Update.ExpressionAttributeValues));
        }
      }
      return {};
    }
    throw new Error(`ExpressionTable does not support ${name}`);
  }

  private check(key: Item, condition: string | undefined, names: Names, values: Values, error: () => Error): void {
    if (!this.holds(key, condition, names, values)) throw error();
  }

  private holds(key: Item, condition: string | undefined, names: Names, values: Values): boolean {
    if (condition === undefined) return true;
    const item = this.items.get(ExpressionTable.key(key));
    const attr = (token: string) => (token.startsWith('#') ? names?.[token] ?? fail(`unknown name ${token}`) : token);
    const value = (token: string) => (token in (values ?? {}) ? values![token] : fail(`unknown value ${token}`));
    return condition.split(' AND ').every((part) => {
      const p = part.trim();
      let m = /^attribute_exists\((#?\w+)\)$/.exec(p);
      if (m) return item !== undefined && item[attr(m[1]!)] !== undefined;
      m = /^attribute_not_exists\((#?\w+)\)$/.exec(p);
      if (m) return item === undefined || item[attr(m[1]!)] === undefined;
      m = /^(#?\w+) (=|>) (:\w+)$/.exec(p);
      if (m) {
        if (item === undefined) return false;
        const have = item[attr(m[1]!)];
        const want = value(m[3]!);
        if (have === undefined) return false;
        return m[2] === '=' ? have === want : (have as number) > (want as number);
      }
      return fail(`unsupported condition "${p}"`);
    });
  }

  private applied(item: Item, expression: string, names: Names, values: Values): Item {
    const out = structuredClone(item);
    const attr = (token: string) => (token.startsWith('#') ? names?.[token] ?? fail(`unknown name ${token}`) : token);
    const set = /^SET (.+)$/.exec(expression);
    const remove = /^REMOVE (.+)$/.exec(expression);
    if (set) {
      for (const assignment of set[1]!.split(/,\s*(?![^(]*\))/)) {
        const m = /^(#?\w+) = (?:if_not_exists\((#?\w+), (:\w+)\)|(:\w+))$/.exec(assignment.trim()) ?? fail(`unsupported assignment "${assignment}"`);
        const name = attr(m[1]!);
        if (m[2] !== undefined) {
          if (attr(m[2]) !== name) fail('if_not_exists of another attribute');
          if (out[name] === undefined) out[name] = values?.[m[3]!];
        } else {
          out[name] = values?.[m[4]!] ?? fail(`unknown value ${m[4]}`);
        }
      }
      return out;
    }
    if (remove) {
      for (const token of remove[1]!.split(',')) delete out[attr(token.trim())];
      return out;
    }
    return fail(`unsupported update "${expression}"`);
  }
}

function fail(message: string): never {
  throw new Error(`ExpressionTable: ${message}`);
}
