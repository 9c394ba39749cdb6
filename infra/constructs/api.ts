import { ArnFormat, Duration, Fn, type SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as apigwV1 from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ORIGIN_HEADER } from '#shared/http/origin.ts';
import { DEFAULT_ROUTE_FUNCTION, ROUTES, type HttpFunctionId } from '#shared/http/routes.ts';
import { CSP_REPORTS_PATH, HSTS } from '#shared/http/security-headers.ts';
import type { PlatformFunction } from './platform-function.ts';

/** WAF's rate-based rules count over 5 minutes; a page that breaks its CSP sends a few reports per load. */
const CSP_REPORTS_PER_IP_PER_5_MINUTES = 100;

/** The partnership is U.S. child welfare agencies: the states, D.C. and the territories. */
/** Every route of the anonymous survey starts with this (test/infra/api.test.ts checks the routes against it). */
export const SURVEY_PATH_PREFIX = '/survey/';
/** The WAF label of the anonymous survey's requests (under the web ACL's label namespace). */
export const SURVEY_WAF_LABEL = 'npcs:anonymous-survey';

const ALLOWED_COUNTRIES = ['US', 'PR', 'VI', 'GU', 'AS', 'MP', 'UM'];

export interface ApiProps {
  readonly functions: Record<HttpFunctionId, PlatformFunction>;
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly accessLogs: s3.IBucket;
  readonly staticAssets: s3.IBucket;
  readonly domainName?: string;
  readonly certificateArn?: string;
  /** The value CloudFront adds as ORIGIN_HEADER to every request it forwards (a Secrets Manager dynamic reference). */
  readonly originSecret: SecretValue;
}

/** The HTTP API (routes from shared/http/routes.ts) behind CloudFront with a WAF web ACL. */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'NPCS platform API and server-rendered pages',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('FallbackIntegration', props.functions[DEFAULT_ROUTE_FUNCTION].fn),
    });
    const accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, encryptionKey: props.key });
    new apigw.HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      // Request metadata only: no bodies, no query strings, no headers that could carry tokens.
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogGroup),
        format: apigwV1.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const integrations = new Map<HttpFunctionId, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.function}-integration`, props.functions[route.function].fn);
        integrations.set(route.function, integration);
      }
      this.httpApi.addRoutes({ path: route.path, methods: [apigw.HttpMethod[route.method]], integration });
    }
    for (const route of this.httpApi.node.findAll()) {
      if (route instanceof apigw.HttpRoute) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'Authentication is done in the function: sessions are verified by the shared HTTP middleware; public routes (health, registry) carry no records.',
        });
      }
    }

    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'npcs-web-acl', sampledRequestsEnabled: true },
      rules: [
        managedRule('AWSManagedRulesAmazonIpReputationList', 0),
        managedRule('AWSManagedRulesCommonRuleSet', 1, [
          // Form bodies (long narratives) legitimately exceed the 8 KB body inspection limit; size is enforced in code.
          'SizeRestrictions_BODY',
        ]),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 2),
        {
          name: 'RateLimitPerIp',
          priority: 3,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: 1000, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'rate-limit', sampledRequestsEnabled: true },
        },
        {
          // Browsers send a report per blocked resource: one page gone wrong must not flood the report log.
          name: 'CspReportsRateLimitPerIp',
          priority: 4,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: CSP_REPORTS_PER_IP_PER_5_MINUTES,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'EXACTLY',
                  searchString: CSP_REPORTS_PATH,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'csp-reports-rate-limit', sampledRequestsEnabled: true },
        },
        {
          // Counts nothing away: it only labels the anonymous survey's requests, so that the logging filter below
          // can keep them out of the WAF logs (docs/survey.md: what AWS-side logs could reveal).
          name: 'LabelAnonymousSurvey',
          priority: 5,
          action: { count: {} },
          ruleLabels: [{ name: SURVEY_WAF_LABEL }],
          statement: {
            byteMatchStatement: {
              fieldToMatch: { uriPath: {} },
              positionalConstraint: 'STARTS_WITH',
              searchString: SURVEY_PATH_PREFIX,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'anonymous-survey', sampledRequestsEnabled: false },
        },
      ],
    });

    // WAF logs name the request but never its secrets: session cookies and authorization headers are redacted.
    const wafLogs = new logs.LogGroup(this, 'WafLogs', {
      logGroupName: `aws-waf-logs-${Stack.of(this).stackName}`, // WAF requires this name prefix
      retention: props.logRetention,
      encryptionKey: props.key,
    });
    new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: webAcl.attrArn,
      logDestinationConfigs: [Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: wafLogs.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      redactedFields: [{ singleHeader: { Name: 'cookie' } }, { singleHeader: { Name: 'authorization' } }, { queryString: {} }],
      // The anonymous survey's allowed requests are not logged at all (who answered when is what anonymity rules
      // out); blocked ones still are, as attacks.
      loggingFilter: {
        DefaultBehavior: 'KEEP',
        Filters: [
          {
            Behavior: 'DROP',
            Requirement: 'MEETS_ALL',
            Conditions: [
              { ActionCondition: { Action: 'ALLOW' } },
              { LabelNameCondition: { LabelName: Fn.join('', [webAcl.attrLabelNamespace, SURVEY_WAF_LABEL]) } },
            ],
          },
        ],
      },
    });

    // Static assets come from S3, not from a function: CloudFront adds the headers the functions send with pages.
    const assetHeaders = new cloudfront.ResponseHeadersPolicy(this, 'AssetHeaders', {
      comment: 'Security headers of the static assets (the same HSTS and nosniff as the pages)',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS.maxAgeSeconds), includeSubdomains: HSTS.includeSubDomains, preload: false, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const apiDomain = Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));
    const certificate = props.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined;
    // CachingDisabled (all TTLs 0) cannot take the Accept-Encoding settings, so CloudFront would send pages and JSON
    // uncompressed. This policy still caches nothing the functions mark no-store (min and default TTL 0), allows 1 s
    // for what they mark public, and keys on every cookie, query string and the Authorization header, so even that
    // second is never shared between sessions.
    const dynamicCachePolicy = new cloudfront.CachePolicy(this, 'DynamicCachePolicy', {
      comment: 'NPCS API and pages: compressed (gzip, br), not cached unless the function allows it, keyed per session',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
      cookieBehavior: cloudfront.CacheCookieBehavior.all(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Authorization'),
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'NPCS platform',
      webAclId: webAcl.attrArn,
      domainNames: props.domainName ? [props.domainName] : undefined,
      certificate,
      minimumProtocolVersion: certificate ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      geoRestriction: cloudfront.GeoRestriction.allowlist(...ALLOWED_COUNTRIES),
      enableLogging: true,
      logBucket: props.accessLogs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: new origins.HttpOrigin(apiDomain, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          readTimeout: Duration.seconds(30),
          // Resolved by CloudFormation at deploy time; the template holds only the secret's reference.
          customHeaders: { [ORIGIN_HEADER]: props.originSecret.unsafeUnwrap() },
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: dynamicCachePolicy,
        compress: true,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      additionalBehaviors: {
        '/assets/*': {
          origin: origins.S3BucketOrigin.withOriginAccessControl(props.staticAssets),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: assetHeaders,
          compress: true,
        },
      },
    });
    if (!props.domainName) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'Dev stage only: without a custom domain CloudFront serves its default certificate, which cannot pin TLS 1.2; every other stage must set domainName and certificateArn (enforced by infra/config.ts).',
      });
    }
  }
}

function managedRule(name: string, priority: number, excluded: string[] = []): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ruleActionOverrides: excluded.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
      },
    },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
  };
}
