import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * An in-memory stand-in for the few item operations sessions and sign-in transactions use (unit tests only; the
 * integration tests run against DynamoDB Local). Conditions understood: the ones those modules write.
 */
export class FakeTable {
  readonly items = new Map<string, Record<string, unknown>>();
  readonly commands: string[] = [];

  private static key(k: Record<string, unknown>): string {
    return `${String(k.pk)}|${String(k.sk)}`;
  }

  get client(): DynamoDBDocumentClient {
    return { send: (command: unknown) => this.send(command) } as unknown as DynamoDBDocumentClient;
  }

  private async send(command: unknown): Promise<Record<string, unknown>> {
    const fail = () => {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    };
    if (command instanceof PutCommand) {
      this.commands.push('Put');
      const item = command.input.Item as Record<string, unknown>;
      const k = FakeTable.key(item);
      if (command.input.ConditionExpression === 'attribute_not_exists(pk)' && this.items.has(k)) fail();
      this.items.set(k, structuredClone(item));
      return {};
    }
    if (command instanceof GetCommand) {
      this.commands.push('Get');
      const item = this.items.get(FakeTable.key(command.input.Key as Record<string, unknown>));
      return { Item: item ? structuredClone(item) : undefined };
    }
    if (command instanceof UpdateCommand) {
      this.commands.push('Update');
      const k = FakeTable.key(command.input.Key as Record<string, unknown>);
      const item = this.items.get(k);
      const now = command.input.ExpressionAttributeValues?.[':now'] as number;
      if (!item || !((item.lastSeenAtMs as number) < now)) fail();
      item!.lastSeenAtMs = now;
      return {};
    }
    if (command instanceof DeleteCommand) {
      this.commands.push('Delete');
      const k = FakeTable.key(command.input.Key as Record<string, unknown>);
      const old = this.items.get(k);
      this.items.delete(k);
      return { Attributes: command.input.ReturnValues === 'ALL_OLD' ? old : undefined };
    }
    throw new Error(`FakeTable does not support ${(command as object).constructor.name}`);
  }
}
