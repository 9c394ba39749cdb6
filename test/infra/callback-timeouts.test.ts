import { describe, expect, it } from 'vitest';
import { WORKFLOW_ID_METADATA } from '#infra/constructs/workflow.ts';
import { resolveDefinition, resources, synth, type Props } from './helpers.ts';

/**
 * The callback tasks (`.waitForTaskToken`, any service) of a definition, at any depth (Parallel branches, Map
 * processors), that have neither TimeoutSeconds nor TimeoutSecondsPath. Without one, AWS waits for the callback up to
 * the execution's limit (a year for a standard workflow): a lost token would hold a review open, unseen, that long.
 */
function callbackTasksWithoutTimeout(definition: Props, at = ''): string[] {
  const found: string[] = [];
  for (const [name, state] of Object.entries((definition.States ?? {}) as Record<string, Props>)) {
    const where = at ? `${at} > ${name}` : name;
    const isCallback = state.Type === 'Task' && typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken');
    if (isCallback && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) found.push(where);
    for (const [i, branch] of ((state.Branches ?? []) as Props[]).entries()) found.push(...callbackTasksWithoutTimeout(branch, `${where} > branch ${i}`));
    const inner = (state.ItemProcessor ?? state.Iterator) as Props | undefined;
    if (inner) found.push(...callbackTasksWithoutTimeout(inner, where));
  }
  return found;
}

const callback = (extra: Props = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: 'notify', Payload: { 'token.$': '$$.Task.Token' } },
  End: true,
  ...extra,
});

describe('the check that every callback task has a timeout', () => {
  it('passes a definition whose callback tasks have TimeoutSeconds or TimeoutSecondsPath', () => {
    expect(
      callbackTasksWithoutTimeout({
        StartAt: 'A',
        States: {
          A: callback({ TimeoutSeconds: 86_400, End: undefined, Next: 'B' }),
          B: callback({ TimeoutSecondsPath: '$.settings.reminderSeconds' }),
        },
      }),
    ).toEqual([]);
  });

  it('names a callback task without one, at the top and nested in Parallel and Map, of any service', () => {
    const definition = {
      StartAt: 'Top',
      States: {
        Top: callback({ HeartbeatSeconds: 60, End: undefined, Next: 'Fan' }),
        Fan: {
          Type: 'Parallel',
          Next: 'Each',
          Branches: [{ StartAt: 'InBranch', States: { InBranch: callback({ Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' }) } }],
        },
        Each: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'InMap', States: { InMap: callback() } } },
        Plain: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true },
      },
    };
    expect(callbackTasksWithoutTimeout(definition)).toEqual(['Top', 'Fan > branch 0 > InBranch', 'Each > InMap']);
  });
});

describe('every synthesized state machine', () => {
  const { template } = synth();
  const machines = Object.entries(resources(template, 'AWS::StepFunctions::StateMachine'));

  it('is found (the check below runs on something)', () => {
    expect(machines.length).toBeGreaterThan(0);
  });

  it.each(machines.map(([logicalId, r]) => [(r.Metadata?.[WORKFLOW_ID_METADATA] as string | undefined) ?? logicalId, r] as const))(
    '%s: each .waitForTaskToken task has TimeoutSeconds (AWS would otherwise wait up to a year)',
    (_id, r) => {
      expect(callbackTasksWithoutTimeout(resolveDefinition(r.Properties?.DefinitionString).asl)).toEqual([]);
    },
  );
});
