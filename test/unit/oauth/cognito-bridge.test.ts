/** Metadata → Cognito app client settings (one mapping for create and update). */
import { appClientSettings } from '../../../lambda/oauth/cognito-bridge';
import type { ClientMetadata } from '../../../lambda/oauth/client-metadata';

const settings = { userPoolId: 'pool', accessTokenValidityMinutes: 15, idTokenValidityMinutes: 30, refreshTokenValidityDays: 7, rotationGraceSeconds: 5, brokerCallbackUrl: 'https://as.example.test/callback' };
const publicCode: ClientMetadata = {
  redirect_uris: ['http://localhost:1/cb'],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  scope: 'a b',
  client_name: 'X (y)',
};

test('a public code client: code flow, rotation on, no password, SRP or refresh flow, only the email attributes; the broker\'s /callback is its only callback, never the client\'s own redirect URIs', () => {
  expect(appClientSettings(publicCode, settings)).toEqual({
    UserPoolId: 'pool',
    ClientName: 'dcr X y',
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['a', 'b'],
    CallbackURLs: ['https://as.example.test/callback'],
    SupportedIdentityProviders: ['COGNITO'],
    ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH'],
    ReadAttributes: ['email', 'email_verified'],
    WriteAttributes: ['email'],
    EnableTokenRevocation: true,
    PreventUserExistenceErrors: 'ENABLED',
    AccessTokenValidity: 15,
    IdTokenValidity: 30,
    RefreshTokenValidity: 7,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 5 },
  });
});

test('a confidential client_credentials client: that flow only, no callbacks, no rotation', () => {
  const out = appClientSettings(
    { ...publicCode, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
    settings,
  );
  expect(out).toMatchObject({ AllowedOAuthFlows: ['client_credentials'], ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] });
  expect(out.CallbackURLs).toBeUndefined();
  expect(out.RefreshTokenRotation).toBeUndefined();
});

test.each([
  ['public code', publicCode],
  ['confidential code', { ...publicCode, token_endpoint_auth_method: 'client_secret_post' as const }],
])('a %s client gets no direct sign-in flow (issue 12 item 10)', (_name, metadata) => {
  const flows = appClientSettings(metadata, settings).ExplicitAuthFlows ?? [];
  expect(flows.length).toBeGreaterThan(0); // an empty list would mean Cognito's defaults, SRP included
  for (const direct of ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_AUTH', 'USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH']) {
    expect(flows).not.toContain(direct);
  }
});
