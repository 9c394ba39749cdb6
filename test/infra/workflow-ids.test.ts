import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app.ts';
import { Data } from '#infra/constructs/data.ts';
import { PlatformFunction } from '#infra/constructs/platform-function.ts';
import { WORKFLOW_ID_METADATA, Workflow } from '#infra/constructs/workflow.ts';
import { readAssembly } from '#local/assembly.ts';
import { SKIP_BUNDLING, SYNTH_TIMEOUT, child } from './helpers.ts';

const work = mkdtempSync(path.join(tmpdir(), 'npcs-workflow-ids-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A second workflow beside the registry export, as later issues will add (review, reports, exports): built with the
// Workflow construct alone, it must pass the nag packs, and the local runtime must tell the two apart by id.
function synthWithSecondWorkflow(): string {
  const outdir = path.join(work, 'cdk.out');
  const { app, stack } = buildApp({ outdir, context: SKIP_BUNDLING });
  const task = child(stack, 'RegistryExport', PlatformFunction);
  new Workflow(stack, 'SecondWorkflow', {
    workflowId: 'second-workflow',
    description: 'A second workflow of the test',
    key: child(stack, 'Data', Data).key,
    alarmTopic: child(stack, 'Alarms', sns.Topic),
    logRetention: logs.RetentionDays.ONE_MONTH,
    definition: (steps) => steps.invoke('RunTask', task).next(new sfn.Succeed(stack, 'SecondDone')),
  });
  app.synth();
  return outdir;
}

describe('state machines are found by workflow id, not by count or position', () => {
  const outdir = synthWithSecondWorkflow();

  it('a second Workflow passes the four nag packs, and the local assembly names both by id and the schedule by its workflow', () => {
    const assembly = readAssembly(outdir);
    expect(assembly.stateMachines.map((m) => m.id).sort()).toEqual(['registry-export', 'reports', 'review', 'review-digest', 'second-workflow', 'survey-daily', 'survey-invitations', 'warehouse']);
    expect(assembly.schedules.map((s) => [s.id, s.workflowId]).sort()).toEqual([
      ['registry-export-weekly', 'registry-export'],
      ['reports-monthly', 'reports'],
      ['reports-quarterly', 'reports'],
      ['review-digest-daily', 'review-digest'],
      ['survey-daily', 'survey-daily'],
      ['warehouse-monthly', 'warehouse'],
    ]);
  });

  it('the local runtime refuses a state machine without a workflow id', () => {
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string; properties?: { templateFile?: string } }> };
    const templateFile = path.join(outdir, Object.values(manifest.artifacts).find((a) => a.type === 'aws:cloudformation:stack')!.properties!.templateFile!);
    const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }> };
    const [logicalId, second] = Object.entries(template.Resources).find(([, r]) => r.Metadata?.[WORKFLOW_ID_METADATA] === 'second-workflow')!;
    delete second.Metadata![WORKFLOW_ID_METADATA];
    writeFileSync(templateFile, JSON.stringify(template));
    expect(() => readAssembly(outdir)).toThrow(new RegExp(`State machine ${logicalId} has no ${WORKFLOW_ID_METADATA}`));
  });
}, SYNTH_TIMEOUT);
