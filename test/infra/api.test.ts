import { describe, expect, it } from 'vitest';
import { FUNCTION_ID_METADATA } from '#infra/constructs/platform-function.ts';
import { SURVEY_PATH_PREFIX, SURVEY_WAF_LABEL } from '#infra/constructs/api.ts';
import { Buckets } from '#infra/constructs/buckets.ts';
import { ORIGIN_HEADER } from '#shared/http/origin.ts';
import { DEFAULT_ROUTE_FUNCTION, ROUTES } from '#shared/http/routes.ts';
import { CSP_REPORTS_PATH, HSTS } from '#shared/http/security-headers.ts';
import { asArray, child, logicalIdOf, refOf, referencedIds, resources, synth, type Props } from './helpers.ts';

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

  it('the stage logs access (request metadata only) and is throttled', () => {
    const stages = Object.values(resources(template, 'AWS::ApiGatewayV2::Stage')).map((s) => s.Properties ?? {});
    expect(stages).toHaveLength(1);
    const stage = stages[0] ?? {};
    const logGroup = all[refOf(stage.AccessLogSettings?.DestinationArn) ?? ''];
    expect(logGroup?.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup?.Properties?.KmsKeyId).toBeDefined();
    const format = JSON.parse(stage.AccessLogSettings?.Format as string) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    // No bodies, query strings or headers that could carry tokens.
    expect(Object.values(format).filter((v) => /requestBody|querystring|header|authorizer\.claims/i.test(v))).toEqual([]);
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

    it('logs to the access-log bucket', () => {
      expect(refOf(config.Logging?.Bucket)).toBe(logicalIdOf(buckets.accessLogs));
    });

    it('the default behavior redirects to HTTPS and goes to the API over HTTPS only', () => {
      expect(config.DefaultCacheBehavior?.ViewerProtocolPolicy).toBe('redirect-to-https');
      const origin = (config.Origins as Props[]).find((o) => o.Id === config.DefaultCacheBehavior?.TargetOriginId);
      expect(referencedIds(origin?.DomainName).has(Object.keys(resources(template, 'AWS::ApiGatewayV2::Api'))[0] ?? '')).toBe(true);
      expect(origin?.CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only');
    });

    it('CloudFront sends the origin secret (a Secrets Manager reference) and every HTTP function checks it', () => {
      const origin = (config.Origins as Props[]).find((o) => o.Id === config.DefaultCacheBehavior?.TargetOriginId);
      const header = (asArray(origin?.OriginCustomHeaders) as Props[]).find((h) => h.HeaderName === ORIGIN_HEADER);
      const secretId = Object.entries(resources(template, 'AWS::SecretsManager::Secret')).find(([, r]) => /CloudFront adds/.test(String(r.Properties?.Description)))?.[0];
      expect(secretId).toBeDefined();
      // A dynamic reference resolved at deploy time: the value itself never sits in the template.
      expect(JSON.stringify(header?.HeaderValue)).toMatch(/resolve:secretsmanager:/);
      expect(referencedIds(header?.HeaderValue).has(secretId!)).toBe(true);
      const httpFunctionIds = new Set(ROUTES.map((r) => r.function as string).concat(DEFAULT_ROUTE_FUNCTION));
      const functions = Object.values(resources(template, 'AWS::Lambda::Function')).filter((f) => httpFunctionIds.has(f.Metadata?.[FUNCTION_ID_METADATA] as string));
      expect(functions).toHaveLength(httpFunctionIds.size);
      for (const f of functions) expect(refOf(f.Properties?.Environment?.Variables?.ORIGIN_SECRET_ARN), String(f.Metadata?.[FUNCTION_ID_METADATA])).toBe(secretId);
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

  it('WAF logs redact the cookie and authorization headers', () => {
    const configs = Object.values(resources(template, 'AWS::WAFv2::LoggingConfiguration')).map((c) => c.Properties ?? {});
    expect(configs).toHaveLength(1);
    const logging = configs[0] ?? {};
    expect(refOf(logging.ResourceArn)).toBe(Object.keys(resources(template, 'AWS::WAFv2::WebACL'))[0]);
    const redactedHeaders = (logging.RedactedFields as Props[]).map((f) => (f.SingleHeader?.Name as string | undefined)?.toLowerCase());
    expect(redactedHeaders).toEqual(expect.arrayContaining(['cookie', 'authorization']));
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
    const [filter, ...others] = logging.LoggingFilter.Filters as Props[];
    expect(others).toEqual([]);
    expect(filter).toMatchObject({ Behavior: 'DROP', Requirement: 'MEETS_ALL' });
    const conditions = filter!.Conditions as Props[];
    expect(conditions).toContainEqual({ ActionCondition: { Action: 'ALLOW' } });
    expect(JSON.stringify(conditions.find((c) => c.LabelNameCondition))).toContain(SURVEY_WAF_LABEL);
  });
});
