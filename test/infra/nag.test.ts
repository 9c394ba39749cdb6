import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app.ts';
import { PROD_CONTEXT, SKIP_BUNDLING, SYNTH_TIMEOUT, acknowledgements, errorOf } from './helpers.ts';

const PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'Serverless'] as const;

// `inmemory` app mode: a failed validation throws with the whole report in the message (as under `vitest`);
// without it the message only points at a report file.
const IN_MEMORY = { '@aws-cdk/core:appMode': 'inmemory' };

describe('cdk-nag (AwsSolutions, HIPAA.Security, NIST.800.53.R5, Serverless)', () => {
  it('the dev stage synthesizes with all four packs and no unacknowledged finding', () => {
    const { app } = buildApp({ context: { ...SKIP_BUNDLING, ...IN_MEMORY } });
    expect(() => app.synth()).not.toThrow();
  }, SYNTH_TIMEOUT);

  // The README's deploy command gives the account; a hand-written `<AWS::AccountId>` in an acknowledgement then no
  // longer matches its finding. Every stage, with and without an explicit account and region.
  const STAGES = { dev: {}, staging: { ...PROD_CONTEXT, stage: 'staging' }, prod: PROD_CONTEXT };
  const TARGETS = { 'no account or region': {}, 'an explicit account and region': { account: '123456789012', region: 'us-east-1' } };
  it.each(Object.keys(STAGES).flatMap((stage) => Object.keys(TARGETS).map((target) => [stage, target] as const)))(
    'the %s stage with %s passes all four packs',
    (stage, target) => {
      const { app } = buildApp({ context: { ...SKIP_BUNDLING, ...IN_MEMORY, ...STAGES[stage as keyof typeof STAGES], ...TARGETS[target as keyof typeof TARGETS] } });
      expect(() => app.synth()).not.toThrow();
    },
    SYNTH_TIMEOUT,
  );

  it('a finding fails synth, and the message names the rule', () => {
    const { app, stack } = buildApp({ context: { ...SKIP_BUNDLING, ...IN_MEMORY } });
    // Unencrypted, unlogged, unversioned, public access not blocked, no TLS-only policy.
    new s3.CfnBucket(stack, 'UnsafeBucket', {});
    const message = errorOf(() => app.synth());
    expect(message).toContain('Npcs-dev/UnsafeBucket');
    expect(message).toContain('AwsSolutions-S1'); // server access logs disabled
    expect(message).toContain('AwsSolutions-S10'); // no TLS-only bucket policy
    expect(message).toContain('HIPAA.Security-S3DefaultEncryptionKMS');
    expect(message).toContain('NIST.800.53.R5-S3BucketLoggingEnabled');
  }, SYNTH_TIMEOUT);

  describe('acknowledgements', () => {
    const { app } = buildApp({ context: SKIP_BUNDLING });
    // aws-cdk-lib acknowledges some of its own CloudFormation-Validate warnings (e.g. W3045 on an ACL'd log bucket);
    // those are the library's, not this project's.
    const acks = acknowledgements(app).filter((a) => a.namespace !== 'CloudFormation-Validate');

    it('exist (the app has accepted findings to justify)', () => {
      expect(acks.length).toBeGreaterThan(10);
    });

    it('each has a reason of at least 20 characters', () => {
      const weak = acks.filter((a) => typeof a.reason !== 'string' || a.reason.trim().length < 20);
      expect(weak.map((a) => `${a.path}: ${a.qualifiedId} -> ${String(a.reason)}`)).toEqual([]);
    });

    it('each names a rule of one of the four packs', () => {
      const foreign = acks.filter((a) => !PACKS.some((pack) => a.ruleId.startsWith(`${pack}-`)));
      expect(foreign.map((a) => `${a.path}: ${a.qualifiedId}`)).toEqual([]);
      // Recorded as annotation ids (or under the pack's own namespace): the form cdk-nag reads back.
      const namespaces = new Set(acks.map((a) => a.namespace));
      for (const ns of namespaces) expect(['Annotation', ...PACKS]).toContain(ns);
    });
  });
});
