import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { Identity, type IdentityProps } from '#infra/constructs/identity.ts';
import { ROLES } from '#shared/auth/policy.ts';

const PROPS: IdentityProps = {
  retain: false,
  domainPrefix: 'npcs-test-login',
  callbackUrls: ['https://platform.npcs.example.org/auth/callback'],
  logoutUrls: ['https://platform.npcs.example.org/'],
};

function build(props: Partial<IdentityProps> = {}, extra?: (stack: Stack) => void) {
  // In-memory app mode: a failed validation throws with the whole report in the message.
  const app = new App({ context: { '@aws-cdk/core:appMode': 'inmemory' } });
  const stack = new Stack(app, 'IdentityTest', { env: { region: 'us-east-1', account: '123456789012' } });
  const identity = new Identity(stack, 'Identity', { ...PROPS, ...props });
  extra?.(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  Validations.of(app).addPlugins(new HIPAASecurityChecks(app));
  Validations.of(app).addPlugins(new NIST80053R5Checks(app));
  // Template.fromStack synthesizes: build the tree completely first.
  return { app, stack, identity, template: Template.fromStack(stack) };
}

describe('Identity construct (Cognito)', () => {
  const { template, identity, stack } = build();

  it('requires MFA with an authenticator app (no SMS) and runs on the Plus plan with threat protection', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
    });
  });

  it('has a strong password policy', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }),
      },
    });
  });

  it('declares the mutable custom attribute jurisdiction', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([Match.objectLike({ Name: 'jurisdiction', AttributeDataType: 'String', Mutable: true })]),
    });
  });

  it('has one group role:<role> per role', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(ROLES.map((r) => `role:${r}`).sort());
  });

  it('has a public code-flow client: no secret, no password flows, OIDC scopes only, cannot write jurisdiction', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayEquals(['openid', 'email', 'profile']),
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      CallbackURLs: PROPS.callbackUrls,
      LogoutURLs: PROPS.logoutUrls,
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      ReadAttributes: Match.arrayWith(['custom:jurisdiction']),
    });
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0]!;
    expect(client.Properties.WriteAttributes).not.toContain('custom:jurisdiction');
  });

  it('has a managed login domain with branding', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: PROPS.domainPrefix, ManagedLoginVersion: 2 });
    template.resourceCountIs('AWS::Cognito::ManagedLoginBranding', 1);
  });

  it('exposes the issuer URL, client id and logout endpoint for the functions', () => {
    const env = stack.resolve(identity.functionEnvironment()) as Record<string, unknown>;
    expect(JSON.stringify(env.OIDC_ISSUER)).toContain('https://cognito-idp.us-east-1.amazonaws.com/');
    expect(env.OIDC_CLIENT_ID).toEqual({ Ref: expect.stringMatching(/WebClient|Web/) });
    expect(JSON.stringify(env.OIDC_LOGOUT_ENDPOINT)).toContain('/logout');
  });

  it('keeps the pool outside dev (deletion protection, retain) and not in dev', () => {
    const kept = build({ retain: true }).template;
    kept.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }) });
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtection: 'INACTIVE' }) });
  });

  it('accepts the federated providers it is given', () => {
    build({ federatedProviderNames: ['ky-dcbs'] }).template.hasResourceProperties('AWS::Cognito::UserPoolClient', { SupportedIdentityProviders: ['COGNITO', 'ky-dcbs'] });
  });

  it('passes AwsSolutions, HIPAA.Security and NIST.800.53.R5 with no acknowledgement', () => {
    const { app } = build();
    expect(() => app.synth()).not.toThrow();
  }, 60_000);

  it('the packs do run: a plain user pool beside it fails synth', () => {
    expect(() => build({}, (s) => new cognito.UserPool(s, 'PlainPool'))).toThrow(/AwsSolutions-COG8/);
  }, 60_000);
});
