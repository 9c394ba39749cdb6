/**
 * Template lookups shared by the infra tests. They read the synthesized CloudFormation the way a reviewer would:
 * by resource type, by the `npcs:function-id` metadata and by following Ref / Fn::GetAtt, never by snapshot.
 */
import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp } from '#infra/build-app.ts';
import { FUNCTION_ID_METADATA } from '#infra/constructs/platform-function.ts';
import type { PlatformStack } from '#infra/platform-stack.ts';

/** Context that makes the function assets skip bundling (placeholder asset): synth in seconds, no bundles. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

/** For tests that synthesize inside the test body: a full synth with the nag packs takes seconds, more under load. */
export const SYNTH_TIMEOUT = 60_000;

/** Context of a complete, valid prod deployment (domain + certificate + addresses). */
export const PROD_CONTEXT = {
  stage: 'prod',
  domainName: 'platform.npcs.example.org',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  senderAddress: 'no-reply@npcs.example.org',
  inboundDomain: 'replies.npcs.example.org',
  alarmEmail: 'alarms@npcs.example.org',
};

// Properties of CloudFormation resources are free-form JSON: tests navigate them, so `any` is deliberate here.
export type Props = Record<string, any>;

export interface CfnResource {
  Type: string;
  Properties?: Props;
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

export interface Synthesized {
  app: App;
  stack: PlatformStack;
  template: Template;
}

/** Builds the app (bundling skipped) and synthesizes it; the cdk-nag packs run as part of that synth. */
export function synth(context: Record<string, unknown> = {}): Synthesized {
  const { app, stack } = buildApp({ context: { ...SKIP_BUNDLING, ...context } });
  return { app, stack, template: Template.fromStack(stack) };
}

export function resources(template: Template, type?: string): Record<string, CfnResource> {
  const all = (template.toJSON() as { Resources: Record<string, CfnResource> }).Resources;
  return Object.fromEntries(Object.entries(all).filter(([, r]) => type === undefined || r.Type === type));
}

export function resource(template: Template, logicalId: string): CfnResource {
  const found = resources(template)[logicalId];
  if (!found) throw new Error(`no resource ${logicalId} in the template`);
  return found;
}

/** The logical id CloudFormation gives to a construct's default (L1) resource. */
export function logicalIdOf(construct: IConstruct): string {
  const cfn = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(cfn.logicalId) as string;
}

/** A direct child of the platform stack, checked against its class (Data, Buckets, Api, Workflows, ...). */
export function child<T>(stack: Stack, id: string, cls: abstract new (...args: never[]) => T): T {
  const found = stack.node.findChild(id);
  if (!(found instanceof cls)) throw new Error(`${id} is not a ${cls.name}`);
  return found;
}

export interface FunctionResource {
  id: string;
  logicalId: string;
  resource: CfnResource;
  props: Props;
}

/** Project functions (those with `npcs:function-id` metadata), by function id. */
export function functionsById(template: Template): Map<string, FunctionResource> {
  const out = new Map<string, FunctionResource>();
  for (const [logicalId, r] of Object.entries(resources(template, 'AWS::Lambda::Function'))) {
    const id = r.Metadata?.[FUNCTION_ID_METADATA];
    if (typeof id !== 'string') continue;
    if (out.has(id)) throw new Error(`two functions carry ${FUNCTION_ID_METADATA}=${id}`);
    out.set(id, { id, logicalId, resource: r, props: r.Properties ?? {} });
  }
  return out;
}

export function fn(template: Template, id: string): FunctionResource {
  const found = functionsById(template).get(id);
  if (!found) throw new Error(`no function with ${FUNCTION_ID_METADATA}=${id}`);
  return found;
}

/** Logical id named by `{Ref: X}` or `{"Fn::GetAtt": [X, attr]}`; undefined for anything else. */
export function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Props;
    if (typeof v.Ref === 'string') return v.Ref;
    if (Array.isArray(v['Fn::GetAtt']) && typeof v['Fn::GetAtt'][0] === 'string') return v['Fn::GetAtt'][0];
  }
  return undefined;
}

/** Every logical id referenced (Ref / GetAtt) anywhere inside a value. */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, into);
  } else if (value && typeof value === 'object') {
    const ref = refOf(value);
    if (ref) into.add(ref);
    for (const v of Object.values(value)) referencedIds(v, into);
  }
  return into;
}

export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Condition?: Props;
  Principal?: unknown;
}

export interface PolicyDoc {
  /** Logical id of the resource holding the document (policy, role, bucket policy, key, ...). */
  owner: string;
  type: string;
  statements: Statement[];
}

/** Every policy document of the template: identity policies (inline, managed, role-inline) and resource policies. */
export function policyDocuments(template: Template): PolicyDoc[] {
  const docs: PolicyDoc[] = [];
  const add = (owner: string, type: string, doc: unknown) => {
    if (doc && typeof doc === 'object') docs.push({ owner, type, statements: asArray((doc as Props).Statement) as Statement[] });
  };
  for (const [id, r] of Object.entries(resources(template))) {
    const p = r.Properties ?? {};
    if (p.PolicyDocument) add(id, r.Type, p.PolicyDocument);
    if (p.KeyPolicy) add(id, r.Type, p.KeyPolicy);
    for (const inline of asArray(p.Policies as Props[] | undefined)) add(id, r.Type, inline.PolicyDocument);
  }
  return docs;
}

/** The logical id of the execution role of a function. */
export function roleOf(f: FunctionResource): string {
  const role = refOf(f.props.Role);
  if (!role) throw new Error(`function ${f.id} has no role reference`);
  return role;
}

/** Identity-policy resources that attach to a role, by kind. */
export function policiesOfRole(template: Template, roleId: string): { inline: string[]; managed: string[]; roleInline: number } {
  const attaches = (p: Props) => asArray(p.Roles).some((r) => refOf(r) === roleId);
  const inline = Object.entries(resources(template, 'AWS::IAM::Policy')).filter(([, r]) => attaches(r.Properties ?? {})).map(([id]) => id);
  const managedByRoles = Object.entries(resources(template, 'AWS::IAM::ManagedPolicy')).filter(([, r]) => attaches(r.Properties ?? {})).map(([id]) => id);
  const role = resource(template, roleId).Properties ?? {};
  const managedByArn = asArray(role.ManagedPolicyArns).map(refOf).filter((id): id is string => id !== undefined);
  return { inline, managed: [...new Set([...managedByRoles, ...managedByArn])], roleInline: asArray(role.Policies).length };
}

/** Every statement a role gets from its identity policies (inline, customer-managed, role-inline). */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  const { inline, managed } = policiesOfRole(template, roleId);
  const docs = policyDocuments(template).filter((d) => d.owner === roleId || inline.includes(d.owner) || managed.includes(d.owner));
  return docs.flatMap((d) => d.statements);
}

/** Every Allow statement a role gets from its identity policies. */
export function allowStatementsOfRole(template: Template, roleId: string): Statement[] {
  return statementsOfRole(template, roleId).filter((s) => s.Effect === 'Allow');
}

/** IAM-style glob: `*` matches any run of characters, `?` one; case-insensitive like IAM actions. */
export function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(value);
}

/** Whether an Allow statement grants `action` (wildcards in the statement count; NotAction counts as granting). */
export function allows(statement: Statement, action: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (statement.NotAction !== undefined) return !asArray(statement.NotAction).some((p) => globMatches(p, action));
  return asArray(statement.Action).some((p) => globMatches(p, action));
}

/** Allowed actions (as written) of the statements that reference `logicalId` in their Resource. */
export function actionsOn(statements: Statement[], logicalId: string): string[] {
  return statements.filter((s) => referencedIds(s.Resource).has(logicalId)).flatMap((s) => asArray(s.Action));
}

export interface ResolvedDefinition {
  /** The parsed Amazon States Language document. */
  asl: Props;
  /** Placeholder string -> the intrinsic it stands for (Ref, Fn::GetAtt, ...). */
  tokens: Map<string, unknown>;
}

/**
 * Turns a state machine's DefinitionString (a string or a Fn::Join of strings and intrinsics) into ASL JSON:
 * string parts are joined, each intrinsic becomes a placeholder `__TOKEN_<n>__` remembered in `tokens`.
 */
export function resolveDefinition(definition: unknown): ResolvedDefinition {
  const tokens = new Map<string, unknown>();
  let text: string;
  if (typeof definition === 'string') {
    text = definition;
  } else {
    const join = (definition as Props)['Fn::Join'] as [string, unknown[]] | undefined;
    if (!join) throw new Error(`unexpected DefinitionString: ${JSON.stringify(definition).slice(0, 200)}`);
    const [separator, parts] = join;
    text = parts
      .map((part) => {
        if (typeof part === 'string') return part;
        const placeholder = `__TOKEN_${tokens.size}__`;
        tokens.set(placeholder, part);
        return placeholder;
      })
      .join(separator);
  }
  return { asl: JSON.parse(text) as Props, tokens };
}

export interface Acknowledgement {
  path: string;
  /** As recorded, e.g. `Annotation::AwsSolutions-IAM5[Resource::*]`. */
  qualifiedId: string;
  /** Namespace of the record (`Annotation` for ids given without one). */
  namespace: string;
  /** The rule id without its namespace, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  ruleId: string;
  reason: unknown;
}

/** Every `Validations.of(x).acknowledge(...)` recorded in the construct tree. */
export function acknowledgements(root: IConstruct): Acknowledgement[] {
  const out: Acknowledgement[] = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [qualifiedId, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        const m = /^([^:[\]]+)::(.+)$/.exec(qualifiedId);
        out.push({ path: c.node.path, qualifiedId, namespace: m?.[1] ?? '', ruleId: m?.[2] ?? qualifiedId, reason });
      }
    }
  }
  return out;
}

/** Runs `f`, expecting it to throw; returns the error message. */
export function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected an error, but none was thrown');
}
