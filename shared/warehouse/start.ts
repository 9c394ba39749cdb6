/**
 * Starting a warehouse release on demand (platform admins, POST /warehouse/releases): the same workflow the monthly
 * schedule starts. Two runs at once are safe: the one that started later becomes current, and the other removes its
 * own files (shared/warehouse/run.ts).
 */
import { randomBytes } from 'node:crypto';
import { sfn } from '#shared/aws/sfn.ts';
import { validationFailed } from '#shared/http/validation.ts';
import { RELEASE_REASON_MAX } from './store.ts';


/** Checks the reason (required: it is kept with the release) and starts the workflow; a 422 names the field. */
export async function startWarehouseRelease(stateMachineArn: string, reason: string, now: Date = new Date()): Promise<{ executionName: string }> {
  const given = reason.trim();
  if (!given) throw validationFailed([{ field: 'reason', message: 'Say why a release is needed now, for example "Louisiana withdrew its consent"' }]);
  if (given.length > RELEASE_REASON_MAX) throw validationFailed([{ field: 'reason', message: `Keep the reason to ${RELEASE_REASON_MAX} characters (it has ${given.length})` }]);
  const stamp = now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const executionName = `on-demand-${stamp}-${randomBytes(3).toString('hex')}`;
  const { sdk, client } = await sfn();
  await client.send(new sdk.StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify({ trigger: 'on_demand', reason: given }) }));
  return { executionName };
}
