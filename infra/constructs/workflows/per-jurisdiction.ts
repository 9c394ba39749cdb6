import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { PlatformFunction } from '../platform-function.ts';
import type { WorkflowSteps } from '../workflow.ts';

export interface PlanPerJurisdictionPublish {
  /** The Map state's id, and the task each item runs (`{ task, plan, jurisdictionId }`). */
  readonly mapId: string;
  readonly itemTask: string;
  /** Where Plan's result lists the jurisdictions to run one task each for (under `$.plan`). */
  readonly itemsPath: string;
}

/**
 * The shape of the partnership-wide releases (reports, warehouse): Plan (`{ task: 'plan', input, requestedAt, runId }`,
 * the start time and execution name from the context), a Map with one task per jurisdiction (four at a time, each
 * retried three times), then Publish (`{ task: 'publish', plan }`) and a Succeed. One function runs every step.
 */
export function planPerJurisdictionPublish(scope: Construct, steps: WorkflowSteps, tasks: PlatformFunction, p: PlanPerJurisdictionPublish): sfn.IChainable {
  return steps
    .invoke('Plan', tasks, {
      payload: sfn.TaskInput.fromObject({ task: 'plan', 'input.$': '$', 'requestedAt.$': '$$.Execution.StartTime', 'runId.$': '$$.Execution.Name' }),
      resultPath: '$.plan',
    })
    .next(
      steps.map(p.mapId, tasks, {
        itemsPath: p.itemsPath,
        itemSelector: { task: p.itemTask, 'plan.$': '$.plan.run', 'jurisdictionId.$': '$$.Map.Item.Value' },
        maxConcurrency: 4,
        retryFailures: 3,
      }),
    )
    .next(steps.invoke('Publish', tasks, { payload: sfn.TaskInput.fromObject({ task: 'publish', 'plan.$': '$.plan.run' }), resultPath: '$.published' }))
    .next(new sfn.Succeed(scope, 'Published'));
}
