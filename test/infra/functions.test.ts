import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { Buckets } from '#infra/constructs/buckets.ts';
import { Data } from '#infra/constructs/data.ts';
import { RegistryExportWorkflow } from '#infra/constructs/workflows/registry-export.ts';
import {
  allowStatementsOfRole,
  allows,
  asArray,
  child,
  fn,
  functionsById,
  logicalIdOf,
  policyDocuments,
  refOf,
  resources,
  roleOf,
  synth,
  type Props,
} from './helpers.ts';

describe('Lambda functions', () => {
  const { stack, template } = synth();
  const functions = functionsById(template);
  const ids = [...functions.keys()];
  const topicId = logicalIdOf(child(stack, 'Alarms', sns.Topic));
  const data = child(stack, 'Data', Data);
  const tableId = logicalIdOf(data.table);
  const keyId = logicalIdOf(data.key);
  const exportsId = logicalIdOf(child(stack, 'Buckets', Buckets).exports);
  const stateMachineId = logicalIdOf(child(stack, 'RegistryExportWorkflow', RegistryExportWorkflow).stateMachine);
  const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties ?? {});

  it('the project functions are exactly audit, audit-archive, auth, dictionary, health, jurisdictions, not-found, notice-tasks, openapi, origin-key-rotation, records, registry-export, report-tasks, review-reply, review-start, review-tasks, survey, survey-tasks, warehouse-tasks and web', () => {
    expect(ids.sort()).toEqual(['audit', 'audit-archive', 'auth', 'dictionary', 'health', 'jurisdictions', 'not-found', 'notice-tasks', 'openapi', 'origin-key-rotation', 'records', 'registry-export', 'report-tasks', 'review-reply', 'review-start', 'review-tasks', 'survey', 'survey-tasks', 'warehouse-tasks', 'web']);
  });

  it.each(ids)('%s: Node 24 on arm64, X-Ray active, reserved concurrency', (id) => {
    const p = fn(template, id).props;
    expect(p.Runtime).toBe('nodejs24.x');
    expect(p.Architectures).toEqual(['arm64']);
    expect(p.TracingConfig).toEqual({ Mode: 'Active' });
    expect(p.ReservedConcurrentExecutions).toEqual(expect.any(Number));
    expect(p.ReservedConcurrentExecutions).toBeGreaterThan(0);
  });

  it.each(ids)('%s: logs to its own log group, with retention and the platform key', (id) => {
    const p = fn(template, id).props;
    const logGroupId = refOf(p.LoggingConfig?.LogGroup);
    expect(logGroupId, 'LoggingConfig.LogGroup').toBeDefined();
    const logGroup = resources(template, 'AWS::Logs::LogGroup')[logGroupId ?? ''];
    expect(logGroup?.Properties?.RetentionInDays).toEqual(expect.any(Number));
    expect(refOf(logGroup?.Properties?.KmsKeyId)).toBe(keyId);
    // No other function shares it.
    const sharing = [...functions.values()].filter((f) => refOf(f.props.LoggingConfig?.LogGroup) === logGroupId);
    expect(sharing.map((f) => f.id)).toEqual([id]);
  });

  it.each(ids)('%s: no Node --enable-source-maps (the bundle maps its stacks lazily) and POWERTOOLS_SERVICE_NAME is its id', (id) => {
    const env = fn(template, id).props.Environment?.Variables as Props;
    expect(env.NODE_OPTIONS ?? '').not.toContain('--enable-source-maps');
    expect(env.POWERTOOLS_SERVICE_NAME).toBe(id);
  });

  it.each(ids)('%s: Errors and Throttles alarms notify the alarm topic', (id) => {
    const { logicalId } = fn(template, id);
    for (const metric of ['Errors', 'Throttles']) {
      const alarm = alarms.find(
        (a) =>
          a.Namespace === 'AWS/Lambda' &&
          a.MetricName === metric &&
          (a.Dimensions as Props[] | undefined)?.some((d) => d.Name === 'FunctionName' && refOf(d.Value) === logicalId),
      );
      expect(alarm, `${metric} alarm of ${id}`).toBeDefined();
      expect((alarm?.AlarmActions as unknown[]).map(refOf)).toContain(topicId);
      expect(alarm?.Threshold).toBeLessThanOrEqual(1);
    }
  });

  describe('alarm delivery', () => {
    const keyPolicy = policyDocuments(template).find((d) => d.owner === keyId)?.statements ?? [];
    const keyAllowsService = (service: string, action: string) =>
      keyPolicy.some((st) => allows(st, action) && asArray((st.Principal as Props | undefined)?.Service).includes(service));

    it('the alarm topic is encrypted with the platform key and e-mails the alarm address', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', TopicArn: { Ref: topicId } });
      // (And the key-policy lookup below works: CloudWatch Logs is allowed, for the encrypted log groups.)
      expect(keyAllowsService('logs.us-east-1.amazonaws.com', 'kms:GenerateDataKey')).toBe(true);
    });

    // CloudWatch publishes alarm notifications to the SSE-KMS topic only if the key policy lets it use the key.
    it('the key lets CloudWatch publish to the encrypted alarm topic', () => {
      expect(keyAllowsService('cloudwatch.amazonaws.com', 'kms:GenerateDataKey')).toBe(true);
      expect(keyAllowsService('cloudwatch.amazonaws.com', 'kms:Decrypt')).toBe(true);
    });

    // SNS moves undeliverable alarm e-mails to the SSE-KMS UndeliveredAlarms queue only if the key lets it.
    it('the key lets SNS write to the encrypted dead-letter queue of the alarm subscription', () => {
      expect(keyAllowsService('sns.amazonaws.com', 'kms:GenerateDataKey')).toBe(true);
      expect(keyAllowsService('sns.amazonaws.com', 'kms:Decrypt')).toBe(true);
    });
  });

  describe('environment and grants', () => {
    it('health gets TABLE_NAME (the table) and no write access to anything', () => {
      const f = fn(template, 'health');
      const env = f.props.Environment?.Variables as Props;
      expect(env.TABLE_NAME).toEqual({ Ref: tableId });
      const statements = allowStatementsOfRole(template, roleOf(f));
      const writes = [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:TransactWriteItems',
        's3:PutObject',
        's3:DeleteObject',
        'kms:Encrypt',
        'kms:GenerateDataKey',
        'states:StartExecution',
        'ses:SendEmail',
        'ses:SendRawEmail',
        'sqs:SendMessage',
        'sns:Publish',
      ];
      const granted = writes.filter((action) => statements.some((s) => allows(s, action)));
      expect(granted).toEqual([]);
    });

    it('health gets TABLE_NAME, EXPORTS_BUCKET and REGISTRY_EXPORT_STATE_MACHINE_ARN, each the right resource, and may not send mail', () => {
      const env = fn(template, 'health').props.Environment?.Variables as Props;
      expect(env).toMatchObject({
        TABLE_NAME: { Ref: tableId },
        EXPORTS_BUCKET: { Ref: exportsId },
        REGISTRY_EXPORT_STATE_MACHINE_ARN: { Ref: stateMachineId },
      });
      const statements = allowStatementsOfRole(template, roleOf(fn(template, 'health')));
      expect(statements.some((s) => allows(s, 'ses:GetAccount'))).toBe(true);
      expect(statements.some((s) => allows(s, 'ses:SendEmail') || allows(s, 'ses:SendRawEmail'))).toBe(false);
    });

    it('registry-export gets TABLE_NAME and EXPORTS_BUCKET', () => {
      const env = fn(template, 'registry-export').props.Environment?.Variables as Props;
      expect(env).toMatchObject({ TABLE_NAME: { Ref: tableId }, EXPORTS_BUCKET: { Ref: exportsId } });
    });

    it('openapi gets the same APP_ORIGIN as the web pages (its server, and the session cookie it names)', () => {
      const env = fn(template, 'openapi').props.Environment?.Variables as Props;
      expect(env.APP_ORIGIN).toBeDefined();
      expect(env.APP_ORIGIN).toEqual((fn(template, 'web').props.Environment?.Variables as Props).APP_ORIGIN);
    });

    it('not-found reads only what its error page needs to greet a signed-in person: sessions, profiles, the CSRF key', () => {
      const env = fn(template, 'not-found').props.Environment?.Variables as Props;
      expect(Object.keys(env).filter((k) => !['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL', 'STAGE'].includes(k)).sort()).toEqual(['APP_ORIGIN', 'CSRF_SECRET_ARN', 'ORIGIN_SECRET_ARN', 'TABLE_NAME']);
    });
  });

  it("notice-tasks has one stream mapping with both of its filters (new submission receipts; a notice's published versions), SES and the app's origin", () => {
    const noticeTasks = fn(template, 'notice-tasks');
    const mappings = Object.values(resources(template, 'AWS::Lambda::EventSourceMapping')).filter((m) => JSON.stringify(m.Properties?.FunctionName).includes(noticeTasks.logicalId));
    expect(mappings).toHaveLength(1);
    const patterns = ((mappings[0]!.Properties as { FilterCriteria: { Filters: { Pattern: string }[] } }).FilterCriteria.Filters).map((f) => JSON.parse(f.Pattern));
    expect(patterns).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['submission'] } } } },
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { kind: { S: ['published_notice'] } } } },
    ]);
    const env = noticeTasks.props.Environment?.Variables as Props;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['APP_ORIGIN', 'MAIL_FROM', 'MAIL_CONFIGURATION_SET', 'TABLE_NAME']));
  });
});
