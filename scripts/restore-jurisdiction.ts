/**
 * Restores one jurisdiction's items to a point in time (docs/operations.md, "Backups and restore"):
 *   npm run restore:jurisdiction -- --source <restored table> --target <live table> --jurisdiction <id> \
 *     --operator "<your name>" [--point-in-time <ISO time>] [--dry-run]
 * The source is a table restored to the point in time (PITR or a backup); the logic is scripts/lib/restore-jurisdiction.ts.
 * Credentials and region come from the usual AWS environment; AWS_ENDPOINT_URL_DYNAMODB points it at a stand-in.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { pointInTimeOf, restoreJurisdiction, type KindCounts, type RestoreReport } from './lib/restore-jurisdiction.ts';

const USAGE =
  'usage: npm run restore:jurisdiction -- --source <restored table> --target <live table> --jurisdiction <id> --operator "<your name>" [--point-in-time <ISO time>] [--subject <who>] [--dry-run]';

const { values } = parseArgs({
  options: {
    source: { type: 'string' },
    target: { type: 'string' },
    jurisdiction: { type: 'string' },
    operator: { type: 'string' },
    'point-in-time': { type: 'string' },
    subject: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { source, target, jurisdiction, operator } = values;
if (!source || !target || !jurisdiction) fail('--source, --target and --jurisdiction are required');
if (!operator || operator.trim().length === 0 || operator.length > 200) fail('--operator is your name as the audit log will show it (1-200 characters)');
// The audit trail keeps names, never email addresses (docs/records.md).
if (operator.includes('@')) fail('--operator is a name, not an email address');
const given = values['point-in-time'] ? new Date(values['point-in-time']) : undefined;
if (given && Number.isNaN(given.getTime())) fail('--point-in-time is an ISO 8601 time, such as 2026-11-30T14:05:00Z');

/**
 * Who runs the restore, as AWS knows the caller: the ARN of the role session (or user). An identity center session is
 * often named after an email address; the audit trail keeps no addresses, so the part from `@` on is dropped.
 * `--subject` names the caller where no STS answers (a local stand-in).
 */
async function callerSubject(): Promise<string> {
  if (values.subject) return values.subject;
  const sts = new STSClient({});
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    if (!Arn) throw new Error('STS returned no ARN');
    return Arn.replace(/@[^/]*$/, '');
  } catch (e) {
    fail(`Could not identify the caller with STS (${e instanceof Error ? e.message : String(e)}); against a local stand-in, name yourself with --subject`);
  } finally {
    sts.destroy();
  }
}

// More patience than the SDK's default 3 attempts: a restore reads and writes a whole jurisdiction in a burst.
const client = new DynamoDBClient({ maxAttempts: 10 });
try {
  const pointInTime = await pointInTimeOf(client, source, given);
  const report = await restoreJurisdiction({
    client,
    sourceTable: source,
    targetTable: target,
    jurisdictionId: jurisdiction,
    pointInTime,
    operator: { subject: await callerSubject(), displayName: operator.trim() },
    dryRun: values['dry-run'],
    log: (line) => console.error(line),
  });
  console.log(describe(report));
  if (report.remaining) process.exitCode = 1;
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
} finally {
  client.destroy();
}

function describe(report: RestoreReport): string {
  const columns: (keyof KindCounts)[] = ['copied', 'replaced', 'deleted', 'unchanged', 'auditKept', 'auditRestored', 'auditDiffering'];
  const rows = Object.entries(report.byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, counts]) => [kind, ...columns.map((c) => String(counts[c]))]);
  const table = [['kind', ...columns], ...rows, ['total', ...columns.map((c) => String(report.totals[c]))]];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  const head = report.dryRun
    ? `Dry run: ${report.jurisdictionId} as of ${report.pointInTime}; nothing was written.`
    : report.writes === 0
      ? `${report.jurisdictionId} already matches ${report.pointInTime}; nothing was written.`
      : `Restored ${report.jurisdictionId} to ${report.pointInTime}: ${report.writes} items written or deleted (audit event ${report.auditEventId}).`;
  const differing = report.totals.auditDiffering ? `\n${report.totals.auditDiffering} audit events differ from the copy and were left as they are: run the audit verifier.` : '';
  const remaining = report.remaining
    ? `\n${report.remaining} items changed while the restore ran (someone is still working in ${report.jurisdictionId}): stop them, then run the restore again.`
    : '';
  return `${head}\n${lines.join('\n')}${differing}${remaining}`;
}
