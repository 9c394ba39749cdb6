import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { EDGE_FUNCTION_METADATA, ORIGIN_SIGNER_ID } from '#infra/constructs/origin-signer.ts';
import { DEFAULT_ROUTE_FUNCTION, ROUTES } from '#shared/http/routes.ts';
import { call } from './helpers.ts';

/** Reads the synthesized template on its own (not through the local runtime's parser). */
function deployed() {
  const dir = inject('assemblyDir');
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const stack = Object.values(manifest.artifacts as Record<string, any>).find((a) => a.type === 'aws:cloudformation:stack');
  const resources = JSON.parse(readFileSync(path.join(dir, stack.properties.templateFile), 'utf8')).Resources as Record<string, any>;
  const of = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const fnIdByLogicalId = new Map(of('AWS::Lambda::Function').filter(([, r]) => r.Metadata?.['npcs:function-id']).map(([id, r]) => [id, r.Metadata['npcs:function-id'] as string]));
  const routes = of('AWS::ApiGatewayV2::Route').map(([, r]) => {
    const integrationId = r.Properties.Target['Fn::Join'][1][1].Ref as string;
    const fnLogicalId = resources[integrationId].Properties.IntegrationUri['Fn::GetAtt'][0] as string;
    return { routeKey: r.Properties.RouteKey as string, functionId: fnIdByLogicalId.get(fnLogicalId)! };
  });
  const deployTimeOnly = of('AWS::Lambda::Function').filter(([, r]) => !r.Metadata?.['npcs:function-id'] && !r.Metadata?.[EDGE_FUNCTION_METADATA]).map(([id]) => id);
  const edgeFunctions = of('AWS::Lambda::Function').map(([, r]) => r.Metadata?.[EDGE_FUNCTION_METADATA] as string | undefined).filter((id) => id !== undefined);
  return {
    routes,
    functions: [...fnIdByLogicalId.values()],
    stateMachines: of('AWS::StepFunctions::StateMachine').map(([, r]) => r.Metadata['npcs:workflow-id'] as string),
    schedules: of('AWS::Scheduler::Schedule').map(([, r]) => r.Metadata['npcs:workflow-id'] as string),
    deployTimeOnly,
    edgeFunctions,
  };
}

const sorted = <T>(xs: T[], key: (x: T) => string = String) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));

describe('what runs locally is what deploys', () => {
  const d = deployed();
  const served = inject('served');

  it('serves every deployed route with the deployed function, and no other route', () => {
    expect(sorted(served.routes, (r) => r.routeKey)).toEqual(sorted(d.routes, (r) => r.routeKey));
  });

  it('deploys exactly the routes declared in shared/http/routes.ts, plus $default', () => {
    const declared = [...ROUTES.map((r) => ({ routeKey: `${r.method} ${r.path}`, functionId: r.function })), { routeKey: '$default', functionId: DEFAULT_ROUTE_FUNCTION }];
    expect(sorted(d.routes, (r) => r.routeKey)).toEqual(sorted(declared, (r) => r.routeKey));
  });

  it('runs every deployed function, state machine and schedule locally, and nothing else', () => {
    expect(sorted(served.functions)).toEqual(sorted(d.functions));
    expect(sorted(served.stateMachines)).toEqual(sorted(d.stateMachines));
    expect(sorted(served.schedules)).toEqual(sorted(d.schedules));
    // Functions without an id are CDK's deploy-time custom resource providers, never invoked by the platform.
    for (const logicalId of d.deployTimeOnly) expect(logicalId).toMatch(/CustomResourceProvider|^CustomCDKBucketDeployment/);
  });

  it("plays the one Lambda@Edge function's part: the gateway adds an origin proof the functions accept", async () => {
    expect(d.edgeFunctions).toEqual([ORIGIN_SIGNER_ID]);
    // A function refuses a request without a valid proof with 403; these answer.
    expect((await call('GET', '/api/openapi.json')).status).toBe(200);
    expect((await call('GET', '/api/jurisdictions')).status).toBe(200);
  });

  it('answers each declared route through its own function, and anything else through $default', async () => {
    for (const r of ROUTES) {
      const res = await call(r.method, r.path.replace(/\{[^}]+\}/g, 'ky-dcbs'));
      expect(res.json?.error?.message ?? '', `${r.method} ${r.path}`).not.toMatch(/^There is nothing at|is not allowed on/);
    }
    const other = await call('GET', '/definitely/not/deployed');
    expect(other.status).toBe(404);
  });
});
