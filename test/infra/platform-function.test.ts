import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { MailSending } from '#infra/constructs/mail-sending.ts';
import { PlatformFunction } from '#infra/constructs/platform-function.ts';
import { SKIP_BUNDLING, allowStatementsOfRole, allows, logicalIdOf, refOf, referencedIds, resources, type Props } from './helpers.ts';

/** One PlatformFunction in a bare stack (no platform, no nag): the construct's own defaults. */
function single(invocation: 'sync' | 'async' | undefined, configure: (pf: PlatformFunction, stack: Stack, topic: sns.Topic) => void = () => undefined) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'FunctionUnderTest', { env: { region: 'us-east-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const topic = new sns.Topic(stack, 'Topic');
  // The construct bundles functions/<id>/handler.ts; bundling is skipped, so any existing function id does.
  const pf = new PlatformFunction(stack, 'UnderTest', {
    functionId: 'not-found',
    description: 'function under test',
    encryptionKey: key,
    alarmTopic: topic,
    logRetention: logs.RetentionDays.ONE_MONTH,
    reservedConcurrency: 2,
    timeout: Duration.seconds(5),
    ...(invocation ? { invocation } : {}),
  });
  configure(pf, stack, topic);
  const template = Template.fromStack(stack);
  return { template, pf, keyId: logicalIdOf(key), topicId: logicalIdOf(topic), fnId: logicalIdOf(pf.fn) };
}

/** The resources a statement names (pseudo parameters such as AWS::Partition left out). */
const resourceIds = (resource: unknown) => new Set([...referencedIds(resource)].filter((id) => !id.startsWith('AWS::')));

describe('PlatformFunction', () => {
  describe('bindMail', () => {
    let mail: MailSending | undefined;
    const { template, pf } = single(undefined, (f, stack, topic) => {
      mail = new MailSending(stack, 'Mail', { senderAddress: 'no-reply@safety.example.org', alarmTopic: topic });
      f.bindMail(mail);
    });
    const statements = allowStatementsOfRole(template, refOf(resources(template, 'AWS::Lambda::Function')[logicalIdOf(pf.fn)]?.Properties?.Role) ?? '');
    const env = resources(template, 'AWS::Lambda::Function')[logicalIdOf(pf.fn)]?.Properties?.Environment?.Variables as Props;

    it('sets MAIL_FROM and MAIL_CONFIGURATION_SET (the configuration set of the stack)', () => {
      expect(env.MAIL_FROM).toBe('no-reply@safety.example.org');
      expect(refOf(env.MAIL_CONFIGURATION_SET)).toBe(logicalIdOf(mail!.configurationSet));
    });

    it('allows SendEmail/SendRawEmail only through the domain identity and the configuration set, only From the sender', () => {
      const ses = statements.filter((s) => allows(s, 'ses:SendEmail') || allows(s, 'ses:SendRawEmail'));
      expect(ses).toHaveLength(1);
      expect([ses[0]!.Action].flat().sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(ses[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@safety.example.org' } });
      const resource = JSON.stringify(ses[0]?.Resource);
      expect(resource).toContain(':identity/');
      expect(resourceIds(ses[0]?.Resource)).toEqual(new Set([logicalIdOf(mail!.identity), logicalIdOf(mail!.configurationSet)]));
      expect(resource).toContain(':configuration-set/');
      expect(resource).not.toContain('*');
      // No other SES action at all.
      expect(statements.filter((s) => [s.Action].flat().some((a) => String(a).startsWith('ses:'))).flatMap((s) => [s.Action].flat()).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    });
  });

  describe("invocation 'async'", () => {
    const { template, pf, keyId, topicId, fnId } = single('async');
    const queues = resources(template, 'AWS::SQS::Queue');
    const queueId = pf.deadLetterQueue ? logicalIdOf(pf.deadLetterQueue) : '';

    it('gets a KMS-encrypted dead-letter queue', () => {
      expect(Object.keys(queues)).toEqual([queueId]);
      expect(refOf(queues[queueId]?.Properties?.KmsMasterKeyId)).toBe(keyId);
      expect(queues[queueId]?.Properties?.MessageRetentionPeriod).toBeGreaterThanOrEqual(Duration.days(4).toSeconds());
    });

    const fnProps = resources(template, 'AWS::Lambda::Function')[fnId]?.Properties ?? {};
    const statements = allowStatementsOfRole(template, refOf(fnProps.Role) ?? '');

    it('the function sends failed events there (DeadLetterConfig) and its role may send to it', () => {
      expect(fnProps.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
      expect(statements.some((s) => allows(s, 'sqs:SendMessage') && referencedIds(s.Resource).has(queueId))).toBe(true);
    });

    // Lambda writes to the dead-letter queue with the function's role; SendMessage to an SSE-KMS queue needs the key.
    it('the role may use the queue key (kms:GenerateDataKey, kms:Decrypt)', () => {
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        expect(statements.some((s) => allows(s, action) && referencedIds(s.Resource).has(keyId)), action).toBe(true);
      }
    });

    it('raises an alarm on visible messages in the dead-letter queue', () => {
      const alarm = Object.values(resources(template, 'AWS::CloudWatch::Alarm'))
        .map((a) => a.Properties ?? {})
        .find(
          (a) =>
            a.Namespace === 'AWS/SQS' &&
            a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            (a.Dimensions as Props[]).some((d) => d.Name === 'QueueName' && refOf(d.Value) === queueId),
        );
      expect(alarm).toBeDefined();
      expect((alarm?.AlarmActions as unknown[]).map(refOf)).toContain(topicId);
    });
  });

  describe.each([['sync'], [undefined]] as const)('invocation %s', (invocation) => {
    const { template, pf, fnId } = single(invocation);

    it('has no dead-letter queue', () => {
      expect(pf.deadLetterQueue).toBeUndefined();
      expect(resources(template, 'AWS::Lambda::Function')[fnId]?.Properties?.DeadLetterConfig).toBeUndefined();
      expect(resources(template, 'AWS::SQS::Queue')).toEqual({});
    });

    it('still has its Errors and Throttles alarms', () => {
      const metrics = Object.values(resources(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties?.MetricName);
      expect(metrics.sort()).toEqual(['Errors', 'Throttles']);
    });
  });
});
