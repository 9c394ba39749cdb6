/**
 * Starting a report run on demand (platform admins, POST /reports/runs): the same workflow the schedules start, for
 * a complete period the admin names. A run for a period that already has a release replaces it (docs/reports.md).
 */
import { randomBytes } from 'node:crypto';
import { sfn } from '#shared/aws/sfn.ts';
import { validationFailed } from '#shared/http/validation.ts';
import { CADENCES, type Cadence, type ReportPeriod } from './model.ts';
import { parsePeriod } from './periods.ts';

export interface StartedRun {
  executionName: string;
  period: ReportPeriod;
}

/** Checks the choice (cadence, a complete period) and starts the reports workflow; a 422 names the field. */
export async function startReportRun(stateMachineArn: string, cadence: string, periodId: string, now: Date = new Date()): Promise<StartedRun> {
  if (!(CADENCES as readonly string[]).includes(cadence)) throw validationFailed([{ field: 'cadence', message: 'Choose monthly or quarterly' }]);
  const period = parsePeriod(cadence as Cadence, periodId);
  if (period.end > now.toISOString().slice(0, 10)) throw validationFailed([{ field: 'periodId', message: `${period.label} has not ended yet: a report covers a complete period` }]);
  const stamp = now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const executionName = `on-demand-${cadence}-${period.id}-${stamp}-${randomBytes(3).toString('hex')}`;
  const { sdk, client } = await sfn();
  await client.send(new sdk.StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify({ cadence, periodId: period.id }) }));
  return { executionName, period };
}
