import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ChainHeadMovedError } from '#shared/audit/archive/archive.ts';
import { AwsChainStorage } from '#shared/audit/archive/storage.ts';
import { leadingKeyPatterns } from '#shared/storage/keys.ts';

/** A document client that keeps what it was sent and answers as told. */
function client(answer: (command: unknown) => unknown) {
  const sent: unknown[] = [];
  const fake = { send: async (command: unknown) => (sent.push(command), answer(command)) } as unknown as DynamoDBDocumentClient;
  return { fake, sent };
}

describe('audit chain heads in the table (AwsChainStorage)', () => {
  it("keeps each chain's head under the one partition the function's grant allows, read consistently", async () => {
    const { fake, sent } = client((c) => (c instanceof GetCommand ? { Item: { seq: 3, hash: 'h', stream: 's', sequenceNumber: '42' } } : {}));
    const storage = new AwsChainStorage(fake, 'T', 'B');
    expect(await storage.head('ky-dcbs')).toEqual({ seq: 3, hash: 'h', stream: 's', sequenceNumber: '42' });
    await storage.moveHead('ky-dcbs', { seq: 4, hash: 'h2', stream: 's', sequenceNumber: '43' }, 3);
    await storage.moveHead('PARTNERSHIP', { seq: 1, hash: 'h3', stream: 's', sequenceNumber: '7' }, 0);
    const [get, move, first] = sent as [GetCommand, PutCommand, PutCommand];
    expect(get.input).toMatchObject({ TableName: 'T', Key: { pk: 'PARTNERSHIP#AUDIT_CHAIN', sk: 'HEAD#ky-dcbs' }, ConsistentRead: true });
    expect(leadingKeyPatterns.auditChainHeads).toEqual([move.input.Item!.pk]);
    // Moves only from the number it had; the first only if there is no head yet.
    expect(move.input).toMatchObject({ ConditionExpression: '#seq = :expected', ExpressionAttributeValues: { ':expected': 3 }, Item: { sk: 'HEAD#ky-dcbs', seq: 4, hash: 'h2' } });
    expect(first.input).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { sk: 'HEAD#PARTNERSHIP', seq: 1 } });
  });

  it('says the head moved when the condition fails, and passes other errors on', async () => {
    const moved = new AwsChainStorage(client(() => { throw new ConditionalCheckFailedException({ message: 'no', $metadata: {} }); }).fake, 'T', 'B');
    await expect(moved.moveHead('ky', { seq: 2, hash: 'h', stream: 's', sequenceNumber: '1' }, 1)).rejects.toBeInstanceOf(ChainHeadMovedError);
    const down = new AwsChainStorage(client(() => { throw new Error('throttled'); }).fake, 'T', 'B');
    await expect(down.moveHead('ky', { seq: 2, hash: 'h', stream: 's', sequenceNumber: '1' }, 1)).rejects.toThrow('throttled');
  });
});
