import { describe, expect, it } from 'vitest';
import { FUNCTION_ID_METADATA } from '#infra/constructs/platform-function.ts';
import { SECRET_PATH_WAF_LABEL, SURVEY_PATH_PREFIX, SURVEY_WAF_LABEL } from '#infra/constructs/api.ts';
import { EDGE_FUNCTION_METADATA, ORIGIN_SIGNER_ID } from '#infra/constructs/origin-signer.ts';
import { Buckets } from '#infra/constructs/buckets.ts';
import { ORIGIN_HEADER } from '#shared/http/origin.ts';
import { DEFAULT_ROUTE_FUNCTION, ROUTES, SECRET_PATH_PARAMETERS, SECRET_PATH_PREFIXES } from '#shared/http/routes.ts';
import { CSP_REPORTS_PATH, HSTS } from '#shared/http/security-headers.ts';
import { asArray, child, logicalIdOf, refOf, referencedIds, resources, statementsOfRole, synth, type Props } from './helpers.ts';

/**
 * API Gateway access-log variables that hold request metadata only (written here, not taken from the construct, so
 * that a variable added there must be reviewed here).
 */
const SAFE_API_LOG_VARIABLES = new Set([
  '$context.requestId',
  '$context.identity.sourceIp',
  '$context.requestTime',
  '$context.httpMethod',
  '$context.routeKey',
  '$context.protocol',
  '$context.status',
  '$context.responseLength',
  '$context.responseLatency',
  '$context.integrationLatency',
  '$context.integrationErrorMessage',
]);

/** CloudFront log fields that can hold a path, a query string, a cookie or a header a viewer sent. */
const TOKEN_CARRYING_CLOUDFRONT_FIELDS = ['cs-uri-stem', 'cs-uri-query', 'cs(Referer)', 'cs(Cookie)', 'cs(User-Agent)', 'cs-headers', 'cs-header-names', 'x-forwarded-for', 'cs(Host)', 'x-host-header'];

describe('HTTP API, CloudFront and WAF', () => {
  const { stack, template } = synth();
  const all = resources(template);
  const routes = Object.values(resources(template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties ?? {});
  const buckets = child(stack, 'Buckets', Buckets);

  /** Route -> Target `integrations/<Ref>` -> Integration -> IntegrationUri GetAtt -> function -> npcs:function-id. */
  const functionIdOfRoute = (route: Props): string | undefined => {
    const integrationId = [...referencedIds(route.Target)][0];
    const integration = integrationId ? all[integrationId] : undefined;
    if (integration?.Type !== 'AWS::ApiGatewayV2::Integration') return undefined;
    expect(integration.Properties?.IntegrationType).toBe('AWS_PROXY');
    const target = all[refOf(integration.Properties?.IntegrationUri) ?? ''];
    return target?.Type === 'AWS::Lambda::Function' ? (target.Metadata?.[FUNCTION_ID_METADATA] as string) : undefined;
  };

  describe('routes: exactly those of shared/http/routes.ts plus $default', () => {
    it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r.function] as const))('%s -> %s', (routeKey, functionId) => {
      const matching = routes.filter((r) => r.RouteKey === routeKey);
      expect(matching).toHaveLength(1);
      expect(functionIdOfRoute(matching[0] ?? {})).toBe(functionId);
    });

    it(`$default -> ${DEFAULT_ROUTE_FUNCTION}`, () => {
      const matching = routes.filter((r) => r.RouteKey === '$default');
      expect(matching).toHaveLength(1);
      expect(functionIdOfRoute(matching[0] ?? {})).toBe(DEFAULT_ROUTE_FUNCTION);
    });

    it('no other route exists', () => {
      const declared = [...ROUTES.map((r) => `${r.method} ${r.path}`), '$default'];
      expect(routes.map((r) => r.RouteKey).sort()).toEqual(declared.sort());
    });

    it('API Gateway may invoke each routed function, and only from this API', () => {
      const apiId = Object.keys(resources(template, 'AWS::ApiGatewayV2::Api'))[0] ?? '';
      const permissions = Object.values(resources(template, 'AWS::Lambda::Permission')).map((p) => p.Properties ?? {});
      const routed = new Set([...routes.map(functionIdOfRoute)]);
      for (const functionId of routed) {
        const fnId = Object.entries(resources(template, 'AWS::Lambda::Function')).find(([, f]) => f.Metadata?.[FUNCTION_ID_METADATA] === functionId)?.[0];
        const mine = permissions.filter((p) => refOf(p.FunctionName) === fnId);
        expect(mine.length, `permissions of ${functionId}`).toBeGreaterThan(0);
        for (const p of mine) {
          expect(p.Principal).toBe('apigateway.amazonaws.com');
          expect(referencedIds(p.SourceArn).has(apiId)).toBe(true);
        }
      }
    });
  });

  it('the stage logs access (request metadata only, the route template, never the path) and is throttled', () => {
    const stages = Object.values(resources(template, 'AWS::ApiGatewayV2::Stage')).map((s) => s.Properties ?? {});
    expect(stages).toHaveLength(1);
    const stage = stages[0] ?? {};
    const logGroup = all[refOf(stage.AccessLogSettings?.DestinationArn) ?? ''];
    expect(logGroup?.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup?.Properties?.KmsKeyId).toBeDefined();
    const format = JSON.parse(stage.AccessLogSettings?.Format as string) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status', latencyMs: '$context.responseLatency' });
    // Every value is one metadata variable. $context.path (and $context.requestOverride, authorizer claims, headers,
    // query strings, bodies) can carry a link id, a callback code or a token: none may appear.
    const variables = Object.values(format);
    for (const v of variables) expect(v, v).toMatch(/^\$context\.[A-Za-z.]+$/);
    expect(variables.filter((v) => !SAFE_API_LOG_VARIABLES.has(v))).toEqual([]);
    expect(variables.filter((v) => /path|querystring|header|body|authorizer|requestOverride|input/i.test(v))).toEqual([]);
    expect(stage.DefaultRouteSettings?.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.DefaultRouteSettings?.ThrottlingBurstLimit).toBeGreaterThan(0);
  });

  describe('CloudFront', () => {
    const distributions = Object.values(resources(template, 'AWS::CloudFront::Distribution'));
    const config = (distributions[0]?.Properties?.DistributionConfig ?? {}) as Props;
    const webAclId = Object.keys(resources(template, 'AWS::WAFv2::WebACL'))[0] ?? '';

    it('one distribution, behind the WAF web ACL', () => {
      expect(distributions).toHaveLength(1);
      expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [webAclId, 'Arn'] });
      template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    });

    it('geo restriction is an allowlist that includes US', () => {
      expect(config.Restrictions?.GeoRestriction?.RestrictionType).toBe('whitelist');
      expect(config.Restrictions?.GeoRestriction?.Locations).toContain('US');
    });

    describe('access log (standard logging v2)', () => {
      const deliveries = Object.values(resources(template, 'AWS::Logs::Delivery')).map((d) => d.Properties ?? {});
      const sources = Object.values(resources(template, 'AWS::Logs::DeliverySource')).map((d) => d.Properties ?? {});
      const distributionId = Object.keys(resources(template, 'AWS::CloudFront::Distribution'))[0] ?? '';

      it('no legacy logging: it cannot leave a field out', () => {
        expect(config.Logging).toBeUndefined();
      });

      it("one delivery, from the distribution's access logs to a KMS-encrypted log group with retention", () => {
        expect(sources).toHaveLength(1);
        expect(sources[0]).toMatchObject({ LogType: 'ACCESS_LOGS' });
        expect(referencedIds(sources[0]?.ResourceArn).has(distributionId)).toBe(true);
        expect(deliveries).toHaveLength(1);
        const delivery = deliveries[0] ?? {};
        expect(delivery.DeliverySourceName).toEqual(sources[0]?.Name);
        const destination = all[refOf(delivery.DeliveryDestinationArn) ?? ''];
        expect(destination?.Type).toBe('AWS::Logs::DeliveryDestination');
        const logGroupIds = [...referencedIds(destination?.Properties?.DestinationResourceArn)].filter((id) => all[id]);
        expect(logGroupIds).toHaveLength(1);
        const logGroupId = logGroupIds[0] ?? '';
        expect(all[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
        expect(all[logGroupId]?.Properties?.KmsKeyId).toBeDefined();
        expect(all[logGroupId]?.Properties?.RetentionInDays).toBeGreaterThan(0);
      });

      it('keeps no field that can carry a link id, a callback code or state, a cookie or a header', () => {
        const fields = deliveries[0]?.RecordFields as string[];
        expect(fields.filter((f) => TOKEN_CARRYING_CLOUDFRONT_FIELDS.includes(f))).toEqual([]);
        expect(fields.filter((f) => /uri|query|cookie|referer|header|user-agent|forwarded/i.test(f))).toEqual([]);
      });

      it('keeps what makes it useful: time, edge location, client, status, bytes, timings, result type', () => {
        const fields = deliveries[0]?.RecordFields as string[];
        expect(fields).toEqual(expect.arrayContaining(['timestamp(ms)', 'x-edge-location', 'c-ip', 'cs-method', 'sc-status', 'sc-bytes', 'time-taken', 'x-edge-result-type']));
      });
    });

    it('the default behavior redirects to HTTPS and goes to the API over HTTPS only', () => {
      expect(config.DefaultCacheBehavior?.ViewerProtocolPolicy).toBe('redirect-to-https');
      const origin = (config.Origins as Props[]).find((o) => o.Id === config.DefaultCacheBehavior?.TargetOriginId);
      expect(referencedIds(origin?.DomainName).has(Object.keys(resources(template, 'AWS::ApiGatewayV2::Api'))[0] ?? '')).toBe(true);
      expect(origin?.CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only');
    });

    it('the distribution config holds no secret value and no reference to a secret', () => {
      const secretIds = Object.keys(resources(template, 'AWS::SecretsManager::Secret'));
      expect(secretIds.length).toBeGreaterThan(0);
      const text = JSON.stringify(config);
      expect(text).not.toMatch(/resolve:secretsmanager|resolve:ssm|OriginCustomHeaders/);
      expect(text).not.toContain(ORIGIN_HEADER);
      expect([...referencedIds(config)].filter((id) => secretIds.includes(id))).toEqual([]);
    });

    it('the API behavior runs the origin signer on origin requests, and every HTTP function verifies its proof with the key it signs with', () => {
      const associations = asArray(config.DefaultCacheBehavior?.LambdaFunctionAssociations) as Props[];
      expect(associations).toHaveLength(1);
      expect(associations[0]).toMatchObject({ EventType: 'origin-request' });
      const version = all[refOf(associations[0]?.LambdaFunctionARN) ?? ''];
      expect(version?.Type).toBe('AWS::Lambda::Version');
      const signer = all[refOf(version?.Properties?.FunctionName) ?? ''];
      expect(signer?.Metadata?.[EDGE_FUNCTION_METADATA]).toBe(ORIGIN_SIGNER_ID);
      expect(signer?.Properties?.Architectures).toEqual(['x86_64']);
      expect(signer?.Properties?.Environment).toBeUndefined();
      // Its role may be assumed by Lambda@Edge and reads exactly one secret: the origin key.
      const roleId = refOf(signer?.Properties?.Role) ?? '';
      const trusted = JSON.stringify(all[roleId]?.Properties?.AssumeRolePolicyDocument);
      expect(trusted).toContain('edgelambda.amazonaws.com');
      const secretReads = statementsOfRole(template, roleId).filter((st) => st.Effect === 'Allow' && asArray(st.Action).includes('secretsmanager:GetSecretValue'));
      const keyIds = new Set(secretReads.flatMap((st) => [...referencedIds(st.Resource)]));
      expect(keyIds.size).toBe(1);
      const [keyId] = [...keyIds];
      expect(all[keyId!]?.Type).toBe('AWS::SecretsManager::Secret');
      expect(all[keyId!]?.Properties?.GenerateSecretString).toMatchObject({ GenerateStringKey: 'current', PasswordLength: 48 });
      const httpFunctionIds = new Set(ROUTES.map((r) => r.function as string).concat(DEFAULT_ROUTE_FUNCTION));
      const functions = Object.values(resources(template, 'AWS::Lambda::Function')).filter((f) => httpFunctionIds.has(f.Metadata?.[FUNCTION_ID_METADATA] as string));
      expect(functions).toHaveLength(httpFunctionIds.size);
      for (const f of functions) expect(refOf(f.Properties?.Environment?.Variables?.ORIGIN_SECRET_ARN), String(f.Metadata?.[FUNCTION_ID_METADATA])).toBe(keyId);

      // Secrets Manager rotates the key every 30 days with the origin-key-rotation function, which alone may write it.
      const schedules = Object.values(resources(template, 'AWS::SecretsManager::RotationSchedule')).map((r) => r.Properties ?? {}).filter((r) => refOf(r.SecretId) === keyId);
      expect(schedules).toHaveLength(1);
      expect(schedules[0]?.RotationRules).toMatchObject({ ScheduleExpression: 'rate(30 days)' });
      const rotator = all[refOf(schedules[0]?.RotationLambdaARN) ?? ''];
      expect(rotator?.Metadata?.[FUNCTION_ID_METADATA]).toBe('origin-key-rotation');
      const writers = Object.entries(resources(template, 'AWS::Lambda::Function')).filter(([, f]) => {
        const role = refOf(f.Properties?.Role);
        return role && statementsOfRole(template, role).some((st) => st.Effect === 'Allow' && asArray(st.Action).includes('secretsmanager:PutSecretValue') && referencedIds(st.Resource).has(keyId!));
      });
      expect(writers.map(([, f]) => f.Metadata?.[FUNCTION_ID_METADATA])).toEqual(['origin-key-rotation']);
    });

    it('every behavior compresses (gzip and br) and caches nothing of one session for another', () => {
      const dynamic = config.DefaultCacheBehavior as Props;
      expect(dynamic.Compress).toBe(true);
      const policy = all[refOf(dynamic.CachePolicyId) ?? '']?.Properties?.CachePolicyConfig as Props | undefined;
      expect(policy).toMatchObject({ MinTTL: 0, DefaultTTL: 0, MaxTTL: 1 });
      expect(policy?.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
        CookiesConfig: { CookieBehavior: 'all' },
        QueryStringsConfig: { QueryStringBehavior: 'all' },
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Authorization'] },
      });
      const assets = (asArray(config.CacheBehaviors) as Props[]).find((b) => b.PathPattern === '/assets/*');
      expect(assets?.Compress).toBe(true);
      // Managed CachingOptimized: gzip and br enabled.
      expect(assets?.CachePolicyId).toBe('658327ea-f89d-4fab-a63d-7e88639e58f6');
    });

    it('/assets/* is served from the static bucket through origin access control', () => {
      const behaviors = asArray(config.CacheBehaviors) as Props[];
      const assets = behaviors.find((b) => b.PathPattern === '/assets/*');
      expect(assets?.ViewerProtocolPolicy).toBe('redirect-to-https');
      const origin = (config.Origins as Props[]).find((o) => o.Id === assets?.TargetOriginId);
      expect(refOf(origin?.DomainName)).toBe(logicalIdOf(buckets.staticAssets));
      const oac = all[refOf(origin?.OriginAccessControlId) ?? ''];
      expect(oac?.Type).toBe('AWS::CloudFront::OriginAccessControl');
      expect(oac?.Properties?.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' });
    });

    it('/assets/* answers with the same HSTS and nosniff as the pages, through a response-headers policy', () => {
      const assets = (asArray(config.CacheBehaviors) as Props[]).find((b) => b.PathPattern === '/assets/*');
      const policy = all[refOf(assets?.ResponseHeadersPolicyId) ?? ''];
      expect(policy?.Type).toBe('AWS::CloudFront::ResponseHeadersPolicy');
      const security = policy?.Properties?.ResponseHeadersPolicyConfig?.SecurityHeadersConfig as Props;
      expect(security?.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: HSTS.maxAgeSeconds, IncludeSubdomains: true, Override: true });
      expect(security?.ContentTypeOptions).toMatchObject({ Override: true });
    });
  });

  it('WAF limits CSP reports per client address, on the report path only', () => {
    const rules = (Object.values(resources(template, 'AWS::WAFv2::WebACL'))[0]?.Properties?.Rules ?? []) as Props[];
    const scoped = rules.filter((r) => r.Statement?.RateBasedStatement?.ScopeDownStatement?.ByteMatchStatement?.SearchString === CSP_REPORTS_PATH);
    expect(scoped).toHaveLength(1);
    const rule = scoped[0]!;
    expect(rule.Action).toEqual({ Block: {} });
    expect(rule.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP', Limit: expect.any(Number) });
    expect(rule.Statement.RateBasedStatement.ScopeDownStatement.ByteMatchStatement).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'EXACTLY' });
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
  });

  it('WAF logs leave out every request whose path carries a link id (allowed or blocked)', () => {
    expect(SECRET_PATH_PREFIXES.length).toBeGreaterThan(0);
    // Each prefix is a literal path beginning, never "/" alone (that would hide every request).
    for (const prefix of SECRET_PATH_PREFIXES) expect(prefix).toMatch(/^\/[a-z-]+\/$/);
    // Every route with a secret parameter is under one of them.
    const secretRoutes = ROUTES.filter((r) => SECRET_PATH_PARAMETERS.some((p) => r.path.includes(`{${p}}`)));
    expect(secretRoutes.length).toBeGreaterThanOrEqual(4);
    for (const route of secretRoutes) expect(SECRET_PATH_PREFIXES.some((p) => route.path.startsWith(p)), route.path).toBe(true);
    const acl = Object.values(resources(template, 'AWS::WAFv2::WebACL'))[0]?.Properties ?? {};
    const labelling = ((acl.Rules ?? []) as Props[]).filter((r) => (r.RuleLabels as Props[] | undefined)?.some((l) => l.Name === SECRET_PATH_WAF_LABEL));
    expect(labelling).toHaveLength(1);
    expect(labelling[0]!.Action).toEqual({ Count: {} });
    const statement = labelling[0]!.Statement as Props;
    const matches = (statement.OrStatement ? (statement.OrStatement.Statements as Props[]) : [statement]).map((st) => st.ByteMatchStatement as Props);
    for (const m of matches) expect(m).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH' });
    expect(matches.map((m) => m.SearchString).sort()).toEqual([...SECRET_PATH_PREFIXES].sort());
    const logging = Object.values(resources(template, 'AWS::WAFv2::LoggingConfiguration'))[0]?.Properties ?? {};
    const drops = (logging.LoggingFilter.Filters as Props[]).filter((f) => JSON.stringify(f.Conditions).includes(SECRET_PATH_WAF_LABEL));
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ Behavior: 'DROP', Requirement: 'MEETS_ALL' });
    expect((drops[0]!.Conditions as Props[]).filter((c) => c.ActionCondition)).toEqual([]);
  });

  it('WAF logs redact the cookie and authorization headers, and query strings', () => {
    const configs = Object.values(resources(template, 'AWS::WAFv2::LoggingConfiguration')).map((c) => c.Properties ?? {});
    expect(configs).toHaveLength(1);
    const logging = configs[0] ?? {};
    expect(refOf(logging.ResourceArn)).toBe(Object.keys(resources(template, 'AWS::WAFv2::WebACL'))[0]);
    const redactedHeaders = (logging.RedactedFields as Props[]).map((f) => (f.SingleHeader?.Name as string | undefined)?.toLowerCase());
    expect(redactedHeaders).toEqual(expect.arrayContaining(['cookie', 'authorization']));
    expect(logging.RedactedFields).toContainEqual({ QueryString: {} });
  });

  it("WAF logs leave out the anonymous survey's allowed requests (labelled by path), and keep blocked ones", () => {
    const acl = Object.values(resources(template, 'AWS::WAFv2::WebACL'))[0]?.Properties ?? {};
    const labelling = ((acl.Rules ?? []) as Props[]).filter((r) => (r.RuleLabels as Props[] | undefined)?.some((l) => l.Name === SURVEY_WAF_LABEL));
    expect(labelling).toHaveLength(1);
    expect(labelling[0]!.Action).toEqual({ Count: {} });
    expect(labelling[0]!.Statement.ByteMatchStatement).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: SURVEY_PATH_PREFIX });
    // Every survey route, and no other, is under the prefix.
    for (const route of ROUTES) expect(route.path.startsWith(SURVEY_PATH_PREFIX), route.path).toBe(route.function === 'survey');
    const logging = Object.values(resources(template, 'AWS::WAFv2::LoggingConfiguration'))[0]?.Properties ?? {};
    expect(logging.LoggingFilter.DefaultBehavior).toBe('KEEP');
    const filters = (logging.LoggingFilter.Filters as Props[]).filter((f) => JSON.stringify(f.Conditions).includes(SURVEY_WAF_LABEL));
    expect(filters).toHaveLength(1);
    const filter = filters[0];
    expect(filter).toMatchObject({ Behavior: 'DROP', Requirement: 'MEETS_ALL' });
    const conditions = filter!.Conditions as Props[];
    expect(conditions).toContainEqual({ ActionCondition: { Action: 'ALLOW' } });
    expect(JSON.stringify(conditions.find((c) => c.LabelNameCondition))).toContain(SURVEY_WAF_LABEL);
  });
});
