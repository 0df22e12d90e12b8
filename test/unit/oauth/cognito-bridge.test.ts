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

test('a public code client: code flow, rotation on, no ALLOW_REFRESH_TOKEN_AUTH; the broker\'s /callback is its only callback, never the client\'s own redirect URIs', () => {
  expect(appClientSettings(publicCode, settings)).toEqual({
    UserPoolId: 'pool',
    ClientName: 'dcr X y',
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['a', 'b'],
    CallbackURLs: ['https://as.example.test/callback'],
    SupportedIdentityProviders: ['COGNITO'],
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'],
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
