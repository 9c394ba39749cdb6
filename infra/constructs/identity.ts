import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLE_LABELS, ROLES } from '#shared/auth/policy.ts';
import { roleGroupName } from '#shared/auth/principal.ts';

export interface IdentityProps {
  /** Outside dev the user pool has deletion protection and is kept when the stack is deleted. */
  readonly retain: boolean;
  /**
   * Prefix of the managed login domain `https://<prefix>.auth.<region>.amazoncognito.com`; unique in the region,
   * lowercase letters, digits and hyphens, without "aws", "amazon" or "cognito".
   */
  readonly domainPrefix: string;
  /** The app's sign-in callback(s), e.g. `https://platform.example.org/auth/callback`. */
  readonly callbackUrls: string[];
  /** Where Cognito may send the browser after signing out, e.g. `https://platform.example.org/`. */
  readonly logoutUrls: string[];
  /**
   * Names of SAML / OIDC identity providers (added to the pool separately) that the app client accepts; by the
   * platform's convention each is named by the jurisdiction id it serves (docs/auth.md, "Federation").
   * @default [] — Cognito accounts only
   */
  readonly federatedProviderNames?: string[];
}

/**
 * Who may sign in, in AWS: a Cognito user pool (Plus plan: threat protection; MFA required with an authenticator
 * app; strong passwords; email as the user name; no self sign-up) with one group per role (`role:<role>`) and the
 * custom attribute `jurisdiction`, its managed login, and one public app client for the platform (authorization
 * code + PKCE, no client secret: the Lambda functions then need no secret at all, and PKCE binds the code to the
 * sign-in that asked for it).
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  /** OIDC issuer: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuerUrl: string;
  readonly clientId: string;
  /** Cognito's sign-out endpoint (its discovery document announces none). */
  readonly logoutEndpoint: string;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'Users', {
      // Accounts are created by admins (invitation email with a temporary password), never by visitors.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      customAttributes: {
        // Set by admins only: the app client below may read it but not write it.
        jurisdiction: new cognito.StringAttribute({ minLen: 2, maxLen: 40, mutable: true }),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      userInvitation: {
        emailSubject: 'Your account on the NPCS safety platform',
        emailBody:
          'An account was created for you on the National Partnership for Child Safety platform. Sign in with {username} and the temporary password {####} within 3 days; you will choose a new password and set up an authenticator app.',
      },
      // Plus plan: threat protection that blocks risky sign-ins and compromised passwords.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    ROLES.forEach((role, i) => {
      new cognito.UserPoolGroup(this, `Role${role.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}`, {
        userPool: this.userPool,
        groupName: roleGroupName(role),
        description: `${ROLE_LABELS[role]}: see docs/auth.md for what the role may do`,
        // Lower wins when a user is in several groups; the app refuses such users anyway.
        precedence: i,
      });
    });

    this.domain = this.userPool.addDomain('Login', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    this.client = this.userPool.addClient('Web', {
      userPoolClientName: 'npcs-platform',
      generateSecret: false,
      // No direct password or SRP sign-in with this client id: managed login (which enforces MFA) is the only way.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        // No aws.cognito.signin.user.admin scope: tokens cannot be used to change one's own attributes.
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
      },
      supportedIdentityProviders: [
        cognito.UserPoolClientIdentityProvider.COGNITO,
        ...(props.federatedProviderNames ?? []).map((name) => cognito.UserPoolClientIdentityProvider.custom(name)),
      ],
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('jurisdiction'),
      // Federated sign-in writes the mapped attributes; `jurisdiction` is never among them.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // The app reads the ID token once at sign-in and keeps its own server-side session; tokens stay short.
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.minutes(60),
      authSessionValidity: Duration.minutes(5),
    });

    // The newer managed login shows its pages only once a branding style exists for the client.
    new cognito.CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    // Cognito's documented issuer form (the same string the ID tokens carry in `iss`).
    this.issuerUrl = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.clientId = this.client.userPoolClientId;
    this.logoutEndpoint = `${this.domain.baseUrl()}/logout`;
  }

  /** The environment a function needs to sign users in (add APP_ORIGIN and TABLE_NAME alongside). */
  functionEnvironment(): Record<string, string> {
    return { OIDC_ISSUER: this.issuerUrl, OIDC_CLIENT_ID: this.clientId, OIDC_LOGOUT_ENDPOINT: this.logoutEndpoint };
  }
}
