import { ArnFormat, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as apigwV1 from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { DEFAULT_ROUTE_FUNCTION, ROUTES, SECRET_PATH_PREFIXES, type HttpFunctionId } from '#shared/http/routes.ts';
import { CSP_REPORTS_PATH, HSTS } from '#shared/http/security-headers.ts';
import type { PlatformFunction } from './platform-function.ts';

/** WAF's rate-based rules count over 5 minutes; a page that breaks its CSP sends a few reports per load. */
const CSP_REPORTS_PER_IP_PER_5_MINUTES = 100;

/** The partnership is U.S. child welfare agencies: the states, D.C. and the territories. */
/** Every route of the anonymous survey starts with this (test/infra/api.test.ts checks the routes against it). */
export const SURVEY_PATH_PREFIX = '/survey/';
/** The WAF label of the anonymous survey's requests (under the web ACL's label namespace). */
export const SURVEY_WAF_LABEL = 'npcs:anonymous-survey';
/** The WAF label of requests whose path carries a secret (an emailed link's id: shared/http/routes.ts). */
export const SECRET_PATH_WAF_LABEL = 'npcs:secret-path';

/**
 * What CloudFront's access log keeps of a request (standard logging v2 lets the fields be chosen). Left out:
 * the path and query string (`cs-uri-stem`, `cs-uri-query`: emailed links carry ids in the path, the sign-in
 * callback a code and state in the query), `cs(Referer)` (the previous page's address, with the same), cookies,
 * headers and `x-forwarded-for`. The API's own access log names the route template of each request.
 */
export const CLOUDFRONT_LOG_FIELDS = [
  'timestamp(ms)',
  'x-edge-location',
  'x-edge-request-id',
  'c-ip',
  'c-country',
  'cs-method',
  'cs-protocol',
  'cs-protocol-version',
  'cache-behavior-path-pattern',
  'sc-status',
  'sc-bytes',
  'cs-bytes',
  'sc-content-type',
  'time-taken',
  'time-to-first-byte',
  'x-edge-result-type',
  'x-edge-response-result-type',
  'x-edge-detailed-result-type',
  'ssl-protocol',
  'ssl-cipher',
] as const;

/**
 * What the API's access log keeps: request metadata only. `$context.routeKey` is the route template
 * (`GET /actions/{actionId}`), never the path (`$context.path`), so no link id or query string is logged.
 */
export const API_ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  time: '$context.requestTime',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  protocol: '$context.protocol',
  status: '$context.status',
  responseBytes: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
} as const;

const ALLOWED_COUNTRIES = ['US', 'PR', 'VI', 'GU', 'AS', 'MP', 'UM'];

export interface ApiProps {
  readonly functions: Record<HttpFunctionId, PlatformFunction>;
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly staticAssets: s3.IBucket;
  readonly domainName?: string;
  readonly certificateArn?: string;
  /** The Lambda@Edge function version that adds the origin proof to every request forwarded to the API. */
  readonly originSigner: lambda.IVersion;
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
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogGroup),
        format: apigwV1.AccessLogFormat.custom(JSON.stringify(API_ACCESS_LOG_FORMAT)),
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
          reason:
            "API Gateway authorizes nothing on purpose: each route's function refuses, before any handler, a request without CloudFront's origin proof, then checks the session and the route's action against shared/auth/policy.ts (the jurisdiction included). The public actions (PUBLIC_ACTIONS: health, registry, sign-in and sign-out, record-free pages, dictionary, OpenAPI, CSP reports, the anonymous survey behind its link token, and the emailed-link pages, which never write) show or change no jurisdiction's record without a signed-in session.",
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
        {
          // Counts nothing away: it labels the requests whose path carries an emailed link's id, so that the
          // logging filter below keeps them out of the WAF logs.
          name: 'LabelSecretPaths',
          priority: 6,
          action: { count: {} },
          ruleLabels: [{ name: SECRET_PATH_WAF_LABEL }],
          statement: anyPathStartsWith(SECRET_PATH_PREFIXES),
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'secret-paths', sampledRequestsEnabled: false },
        },
      ],
    });

    // WAF logs name the request but never its secrets: session cookies, authorization headers and query strings
    // (the sign-in callback's code and state) are redacted, and requests whose path carries a link id are not logged.
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
          {
            // Allowed or blocked: a blocked request's path is the link id as much as an allowed one's. CloudFront's
            // log still records the request (time, address, status), without its path.
            Behavior: 'DROP',
            Requirement: 'MEETS_ALL',
            Conditions: [{ LabelNameCondition: { LabelName: Fn.join('', [webAcl.attrLabelNamespace, SECRET_PATH_WAF_LABEL]) } }],
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
      defaultBehavior: {
        origin: new origins.HttpOrigin(apiDomain, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          readTimeout: Duration.seconds(30),
        }),
        // Adds the origin proof (shared/http/origin.ts): no secret, nor a reference to one, in this configuration.
        edgeLambdas: [{ functionVersion: props.originSigner, eventType: cloudfront.LambdaEdgeEventType.ORIGIN_REQUEST }],
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
    this.logCloudFrontAccess(props);

    if (!props.domainName) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'Dev stage only: without a custom domain CloudFront serves its default certificate, which cannot pin TLS 1.2; every other stage must set domainName and certificateArn (enforced by infra/config.ts).',
      });
    }
  }

  /**
   * CloudFront standard logging v2: only CLOUDFRONT_LOG_FIELDS, to a log group encrypted with the platform key.
   * Legacy logging writes every field (path and query string included) and only to S3.
   */
  private logCloudFrontAccess(props: ApiProps): void {
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'CloudFrontLogs', { retention: props.logRetention, encryptionKey: props.key });
    const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    // The log delivery service writes for this account's deliveries only (CloudWatch Logs, "Logs sent to CloudWatch Logs").
    logGroup.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroupArn}:log-stream:*`],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
        },
      }),
    );
    // Delivery sources and destinations need names; derived from the stack's, so two stages never collide.
    const source = new logs.CfnDeliverySource(this, 'CloudFrontLogSource', {
      name: `${stack.stackName}-cloudfront`,
      logType: 'ACCESS_LOGS',
      resourceArn: stack.formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: this.distribution.distributionId }),
    });
    const destination = new logs.CfnDeliveryDestination(this, 'CloudFrontLogDestination', {
      name: `${stack.stackName}-cloudfront-logs`,
      destinationResourceArn: logGroupArn,
      outputFormat: 'json',
    });
    const delivery = new logs.CfnDelivery(this, 'CloudFrontLogDelivery', {
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.attrArn,
      recordFields: [...CLOUDFRONT_LOG_FIELDS],
    });
    delivery.node.addDependency(source);
    delivery.node.addDependency(destination);
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'Access logging is on through CloudFront standard logging v2 (AWS::Logs::Delivery of this distribution, chosen fields only, to a KMS-encrypted log group); the rule reads only the legacy Logging property, which would log paths and query strings.',
    });
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

/** A statement that matches a request whose path starts with any of `prefixes`. */
function anyPathStartsWith(prefixes: readonly string[]): wafv2.CfnWebACL.StatementProperty {
  const statements = prefixes.map((searchString) => ({
    byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'STARTS_WITH', searchString, textTransformations: [{ priority: 0, type: 'NONE' }] },
  }));
  if (statements.length === 0) throw new Error('No secret path prefixes: shared/http/routes.ts names none');
  return statements.length === 1 ? statements[0]! : { orStatement: { statements } };
}
