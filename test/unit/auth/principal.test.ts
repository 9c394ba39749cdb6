import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '#shared/errors.ts';
import { principalFromClaims } from '#shared/auth/principal.ts';
import { demoUserClaims, loadDemoUsers } from '#local/oidc/users.ts';

/** What a Cognito ID token of a native (non-federated) user looks like, trimmed. */
const cognito = (extra: Record<string, unknown> = {}) => ({
  sub: '0b5f3a1e-7c2d-4e8f-9a6b-1c2d3e4f5a6b',
  iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example',
  aud: 'clientid',
  token_use: 'id',
  'cognito:username': '0b5f3a1e-7c2d-4e8f-9a6b-1c2d3e4f5a6b',
  'cognito:groups': ['role:reviewer'],
  'custom:jurisdiction': 'ky-dcbs',
  email: 'review-lead@ky-dcbs.example.org',
  name: 'Riley Haddad',
  ...extra,
});

const rejects = (claims: Record<string, unknown>) => expect(() => principalFromClaims(claims)).toThrow(UnauthorizedError);

describe('principalFromClaims', () => {
  it('maps a Cognito ID token', () => {
    expect(principalFromClaims(cognito())).toEqual({
      subject: '0b5f3a1e-7c2d-4e8f-9a6b-1c2d3e4f5a6b',
      role: 'reviewer',
      jurisdictionId: 'ky-dcbs',
      displayName: 'Riley Haddad',
    });
  });

  it('maps every demo user of the local provider (same claim names as Cognito)', () => {
    for (const user of loadDemoUsers()) {
      expect(principalFromClaims(demoUserClaims(user))).toEqual({
        subject: user.sub,
        role: user.role,
        ...(user.jurisdictionId ? { jurisdictionId: user.jurisdictionId } : {}),
        displayName: user.name,
      });
    }
  });

  it('ignores groups that are not roles (Cognito adds one per federated provider)', () => {
    expect(principalFromClaims(cognito({ 'cognito:groups': ['us-east-1_Example_ky-dcbs', 'role:submitter'] })).role).toBe('submitter');
  });

  it('takes a single group given as a string', () => {
    expect(principalFromClaims(cognito({ 'cognito:groups': 'role:submitter' })).role).toBe('submitter');
  });

  it('builds the display name from given and family name, or leaves it out', () => {
    expect(principalFromClaims(cognito({ name: undefined, given_name: 'Riley', family_name: 'Haddad' })).displayName).toBe('Riley Haddad');
    expect(principalFromClaims(cognito({ name: undefined })).displayName).toBeUndefined();
    expect('displayName' in principalFromClaims(cognito({ name: undefined }))).toBe(false);
  });

  it('drops a jurisdiction attribute of a partnership-wide role', () => {
    expect(principalFromClaims(cognito({ 'cognito:groups': ['role:platform_admin'] }))).toEqual({
      subject: expect.any(String),
      role: 'platform_admin',
      displayName: 'Riley Haddad',
    });
  });

  it('rejects missing, unknown and multiple roles', () => {
    rejects(cognito({ 'cognito:groups': undefined }));
    rejects(cognito({ 'cognito:groups': [] }));
    rejects(cognito({ 'cognito:groups': ['admins'] }));
    rejects(cognito({ 'cognito:groups': ['role:superuser'] }));
    rejects(cognito({ 'cognito:groups': ['role:Reviewer'] }));
    rejects(cognito({ 'cognito:groups': ['role:reviewer', 'role:platform_admin'] }));
    rejects(cognito({ 'cognito:groups': 42 }));
  });

  it('rejects a jurisdiction role without a well-formed jurisdiction', () => {
    rejects(cognito({ 'custom:jurisdiction': undefined }));
    rejects(cognito({ 'custom:jurisdiction': '' }));
    rejects(cognito({ 'custom:jurisdiction': 'KY DCBS' }));
    rejects(cognito({ 'custom:jurisdiction': 'ky-dcbs#AUDIT' }));
  });

  it('rejects a token without a subject', () => {
    rejects(cognito({ sub: undefined }));
    rejects(cognito({ sub: '' }));
  });

  describe('federated users (provider named by the jurisdiction id)', () => {
    const federated = (providerName: string, extra: Record<string, unknown> = {}) =>
      cognito({
        'custom:jurisdiction': undefined,
        identities: [{ userId: 'u1', providerName, providerType: 'SAML', issuer: null, primary: 'true', dateCreated: '1700000000000' }],
        ...extra,
      });

    it('belong to the jurisdiction their provider serves', () => {
      expect(principalFromClaims(federated('ky-dcbs')).jurisdictionId).toBe('ky-dcbs');
    });

    it('accept the identities claim in its string form', () => {
      expect(principalFromClaims(federated('ky-dcbs', { identities: JSON.stringify([{ providerName: 'ky-dcbs', providerType: 'OIDC' }]) })).jurisdictionId).toBe('ky-dcbs');
    });

    it("cannot claim another agency's jurisdiction", () => {
      rejects(federated('ky-dcbs', { 'custom:jurisdiction': 'oh-franklin-fccs' }));
    });

    it('cannot hold a partnership-wide role', () => {
      rejects(federated('ky-dcbs', { 'cognito:groups': ['role:platform_admin'] }));
      rejects(federated('ky-dcbs', { 'cognito:groups': ['role:partnership_lead'] }));
    });

    it('reject a malformed identities claim', () => {
      rejects(federated('ky-dcbs', { identities: '{not json' }));
      rejects(federated('ky-dcbs', { identities: [{ nope: true }] }));
    });
  });
});
