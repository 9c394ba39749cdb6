import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app.ts';
import { loadConfig } from '#infra/config.ts';
import { Data } from '#infra/constructs/data.ts';
import { PROD_CONTEXT, SKIP_BUNDLING, SYNTH_TIMEOUT, child, errorOf, logicalIdOf, resource, resources, synth } from './helpers.ts';

const build = (context: Record<string, unknown>) => () => buildApp({ context: { ...SKIP_BUNDLING, ...context } });

describe('deploy configuration (CDK context)', () => {
  it('dev needs nothing: defaults make an offline synth possible', () => {
    const config = loadConfig(() => undefined);
    expect(config).toMatchObject({ stage: 'dev', region: 'us-east-1' });
  });

  it.each(['domainName', 'certificateArn'])('prod without %s fails, naming the key', (key) => {
    const context: Record<string, unknown> = { ...PROD_CONTEXT };
    delete context[key];
    const message = errorOf(build(context));
    expect(message).toMatch(/Invalid deploy configuration/);
    expect(message).toMatch(new RegExp(`${key}: .*required for stage prod`));
  });

  it('prod without both domainName and certificateArn names both keys', () => {
    const message = errorOf(build({ stage: 'prod', senderAddress: PROD_CONTEXT.senderAddress, inboundDomain: PROD_CONTEXT.inboundDomain, alarmEmail: PROD_CONTEXT.alarmEmail }));
    expect(message).toContain('domainName');
    expect(message).toContain('certificateArn');
  });

  it('an invalid alarmEmail fails, naming the key', () => {
    expect(errorOf(build({ alarmEmail: 'not-an-address' }))).toMatch(/alarmEmail: alarmEmail must be an email address/);
    expect(errorOf(build({ ...PROD_CONTEXT, alarmEmail: 'ops at npcs' }))).toMatch(/alarmEmail/);
  });

  it('prod has no default addresses: senderAddress, inboundDomain and alarmEmail must be given', () => {
    const context: Record<string, unknown> = { ...PROD_CONTEXT };
    delete context.senderAddress;
    delete context.inboundDomain;
    delete context.alarmEmail;
    const message = errorOf(build(context));
    expect(message).toContain('senderAddress');
    expect(message).toMatch(/inboundDomain: inboundDomain is required/);
    expect(message).toContain('alarmEmail');
  });

  it('outside dev the inbound domain must be a real one (not the dev .invalid default)', () => {
    expect(errorOf(build({ ...PROD_CONTEXT, inboundDomain: 'replies.dev.npcs.invalid' }))).toMatch(/inboundDomain: inboundDomain must be a real domain for stage prod/);
    expect(errorOf(build({ ...PROD_CONTEXT, inboundDomain: 'Replies_Example' }))).toMatch(/inboundDomain: inboundDomain is a lowercase domain name/);
  });

  it('point-in-time restores reach back 35 days by default; a shorter window can be set, outside 1-35 is refused', () => {
    const recoveryOf = (context: Record<string, unknown>) => {
      const { stack, template } = synth(context);
      return resource(template, logicalIdOf(child(stack, 'Data', Data).table)).Properties?.Replicas[0].PointInTimeRecoverySpecification;
    };
    expect(recoveryOf({})).toEqual({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 });
    expect(recoveryOf({ pointInTimeRecoveryDays: '7' })).toEqual({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 });
    expect(errorOf(build({ pointInTimeRecoveryDays: 0 }))).toMatch(/pointInTimeRecoveryDays: pointInTimeRecoveryDays is at least 1/);
    expect(errorOf(build({ pointInTimeRecoveryDays: 36 }))).toMatch(/pointInTimeRecoveryDays is at most 35/);
  }, SYNTH_TIMEOUT);

  it('report schedules per cadence and small-cell settings: both by default, checked at synth', () => {
    const schedulesOf = (context: Record<string, unknown>) =>
      Object.values(resources(synth(context).template, 'AWS::Scheduler::Schedule'))
        .map((r) => (r as { Metadata?: Record<string, string> }).Metadata?.['npcs:workflow-id'])
        .filter((id) => id?.startsWith('reports-'))
        .sort();
    expect(schedulesOf({})).toEqual(['reports-monthly', 'reports-quarterly']);
    expect(schedulesOf({ reportCadences: 'quarterly' })).toEqual(['reports-quarterly']);
    expect(errorOf(() => loadConfig((k) => (k === 'reportCadences' ? 'weekly' : undefined)))).toMatch(/reportCadences lists monthly and\/or quarterly/);
    expect(errorOf(build({ reportProtection: '{"default":{"threshold":10,"minIntervalWidth":10}}' }))).toMatch(/minIntervalWidth 10 must be 1 to threshold - 1/);
    expect(errorOf(build({ reportProtection: '{"no_such_table":{"threshold":5}}' }))).toMatch(/unknown datasets: no_such_table/);
  }, 2 * SYNTH_TIMEOUT);

  it('a region other than us-east-1 and an unknown stage are refused', () => {
    expect(errorOf(build({ region: 'eu-west-1' }))).toMatch(/region/);
    expect(errorOf(build({ stage: 'qa' }))).toMatch(/stage/);
  });
});

describe('table protection by stage', () => {
  const tableOf = (context: Record<string, unknown>) => {
    const { stack, template } = synth(context);
    return resource(template, logicalIdOf(child(stack, 'Data', Data).table));
  };

  it('prod (domain + certificate) synthesizes; the table has deletion protection and is retained', () => {
    const table = tableOf(PROD_CONTEXT);
    expect(table.Properties?.Replicas).toEqual([expect.objectContaining({ DeletionProtectionEnabled: true })]);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  }, SYNTH_TIMEOUT);

  it('dev has deletion protection off and is destroyed with the stack', () => {
    const table = tableOf({});
    expect(table.Properties?.Replicas).toEqual([expect.objectContaining({ DeletionProtectionEnabled: false })]);
    expect(table.DeletionPolicy).toBe('Delete');
  }, SYNTH_TIMEOUT);
});
