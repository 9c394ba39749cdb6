import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { MailSending } from '#infra/constructs/mail-sending.ts';
import { PROD_CONTEXT, allowStatementsOfRole, allows, child, functionsById, logicalIdOf, refOf, referencedIds, resources, roleOf, synth, type Props } from './helpers.ts';

/** The resources a statement names (pseudo parameters such as AWS::Partition left out). */
const resourceIds = (resource: unknown) => new Set([...referencedIds(resource)].filter((id) => !id.startsWith('AWS::')));

describe.each([
  ['dev defaults', {}, 'no-reply@dev.npcs.invalid'],
  ['prod', PROD_CONTEXT, PROD_CONTEXT.senderAddress],
] as const)('SES sending (%s)', (_name, context, sender) => {
  const { stack, template } = synth(context);
  const mail = child(stack, 'Mail', MailSending);
  const setId = logicalIdOf(mail.configurationSet);
  const identityId = logicalIdOf(mail.identity);
  const topicId = logicalIdOf(child(stack, 'Alarms', sns.Topic));
  const identities = resources(template, 'AWS::SES::EmailIdentity');

  it("one identity: the sender's domain, Easy DKIM signing with 2048-bit keys, the configuration set as its default", () => {
    expect(Object.keys(identities)).toEqual([identityId]);
    const p = identities[identityId]?.Properties ?? {};
    expect(p.EmailIdentity).toBe(sender.split('@')[1]);
    expect(p.DkimAttributes).toEqual({ SigningEnabled: true });
    expect(p.DkimSigningAttributes).toEqual({ NextSigningKeyLength: 'RSA_2048_BIT' });
    expect(refOf(p.ConfigurationSetAttributes?.ConfigurationSetName)).toBe(setId);
  });

  it('the configuration set: TLS required, reputation metrics, sending enabled, bounces and complaints suppressed, no fixed name', () => {
    const sets = resources(template, 'AWS::SES::ConfigurationSet');
    expect(Object.keys(sets)).toEqual([setId]);
    const p = sets[setId]?.Properties ?? {};
    expect(p.Name).toBeUndefined();
    expect(p.DeliveryOptions).toMatchObject({ TlsPolicy: 'REQUIRE' });
    expect(p.ReputationOptions).toEqual({ ReputationMetricsEnabled: true });
    expect(p.SendingOptions).toEqual({ SendingEnabled: true });
    expect([...p.SuppressionOptions.SuppressedReasons].sort()).toEqual(['BOUNCE', 'COMPLAINT']);
  });

  it('bounces, complaints, rejects and rendering failures are counted in CloudWatch by configuration set only (no address in a metric)', () => {
    const destinations = Object.values(resources(template, 'AWS::SES::ConfigurationSetEventDestination')).map((d) => d.Properties ?? {});
    expect(destinations).toHaveLength(1);
    const d = destinations[0]!;
    expect(refOf(d.ConfigurationSetName)).toBe(setId);
    expect(d.EventDestination.Enabled).toBe(true);
    expect([...d.EventDestination.MatchingEventTypes].sort()).toEqual(['bounce', 'complaint', 'reject', 'renderingFailure']);
    const dims = d.EventDestination.CloudWatchDestination.DimensionConfigurations as Props[];
    expect(dims).toHaveLength(1);
    expect(dims[0], JSON.stringify(dims[0])).toMatchObject({ DimensionName: 'ses:configuration-set', DimensionValueSource: 'messageTag' });
    expect(refOf(dims[0]!.DefaultDimensionValue)).toBe(setId);
    expect(d.EventDestination.SnsDestination).toBeUndefined();
  });

  it.each(['Bounce', 'Complaint', 'Reject', 'RenderingFailure'])('a %s alarms on its first occurrence, to the alarm topic', (metric) => {
    const alarm = Object.values(resources(template, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties ?? {})
      .find((a) => a.Namespace === 'AWS/SES' && a.MetricName === metric);
    expect(alarm, metric).toBeDefined();
    expect(alarm?.Threshold).toBe(1);
    expect(alarm?.Dimensions).toHaveLength(1);
    expect(alarm?.Dimensions[0].Name).toBe('ses:configuration-set');
    expect(refOf(alarm?.Dimensions[0].Value)).toBe(setId);
    expect((alarm?.AlarmActions as unknown[]).map(refOf)).toContain(topicId);
  });

  it('every function that may send names the configuration set and the sender, sends only through them, only From the sender', () => {
    const senders = [...functionsById(template).values()].filter((f) => allowStatementsOfRole(template, roleOf(f)).some((s) => allows(s, 'ses:SendEmail') || allows(s, 'ses:SendRawEmail')));
    expect(senders.map((f) => f.id)).toContain('review-tasks');
    for (const f of senders) {
      const env = f.props.Environment?.Variables as Props;
      expect(env.MAIL_FROM, f.id).toBe(sender);
      expect(refOf(env.MAIL_CONFIGURATION_SET), f.id).toBe(setId);
      for (const s of allowStatementsOfRole(template, roleOf(f)).filter((st) => allows(st, 'ses:SendEmail') || allows(st, 'ses:SendRawEmail'))) {
        expect(resourceIds(s.Resource), f.id).toEqual(new Set([identityId, setId]));
        expect(s.Condition, f.id).toEqual({ StringEquals: { 'ses:FromAddress': sender } });
      }
    }
    // And no function that does not send is told a sender.
    for (const f of functionsById(template).values()) if (!senders.some((x) => x.id === f.id)) expect((f.props.Environment?.Variables as Props | undefined)?.MAIL_FROM, f.id).toBeUndefined();
  });
});
