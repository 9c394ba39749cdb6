/**
 * Starting a warehouse release on demand (platform admins, POST /warehouse/releases): the same workflow the monthly
 * schedule starts. Two runs at once are safe: the one that started later becomes current, and the other removes its
 * own files (shared/warehouse/run.ts).
 */
import { randomBytes } from 'node:crypto';
import { sfn } from '#shared/aws/sfn.ts';

export async function startWarehouseRelease(stateMachineArn: string, now: Date = new Date()): Promise<{ executionName: string }> {
  const stamp = now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const executionName = `on-demand-${stamp}-${randomBytes(3).toString('hex')}`;
  const { sdk, client } = await sfn();
  await client.send(new sdk.StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify({ trigger: 'on_demand' }) }));
  return { executionName };
}
