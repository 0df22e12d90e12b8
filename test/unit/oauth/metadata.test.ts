/** RFC 8414 metadata and its OIDC variant, built in one place from config. */
import { authorizationServerMetadata, openIdConfiguration } from '../../../lambda/oauth/metadata';

const config = {
  issuerUrl: 'https://as.example.test',
  cognitoDomainUrl: 'https://login.auth.eu-west-1.amazoncognito.com',
  jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json',
  allowedScopes: ['https://mcp.example.test/mcp/read', 'openid'],
};

test('RFC 8414 fields point at Cognito for authorize/token/revoke and at the bridge for registration', () => {
  expect(authorizationServerMetadata(config)).toEqual({
    issuer: 'https://as.example.test',
    authorization_endpoint: 'https://login.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
    token_endpoint: 'https://login.auth.eu-west-1.amazoncognito.com/oauth2/token',
    revocation_endpoint: 'https://login.auth.eu-west-1.amazoncognito.com/oauth2/revoke',
    registration_endpoint: 'https://as.example.test/register',
    jwks_uri: config.jwksUri,
    scopes_supported: config.allowedScopes,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
  });
});

test('service_documentation appears only when configured', () => {
  expect(authorizationServerMetadata({ ...config, serviceDocumentation: 'https://docs.example.test' })).toMatchObject({
    service_documentation: 'https://docs.example.test',
  });
});

test('no userinfo or RFC 9207 claim in the OAuth document', () => {
  const doc = authorizationServerMetadata(config);
  expect(doc).not.toHaveProperty('userinfo_endpoint');
  expect(doc).not.toHaveProperty('authorization_response_iss_parameter_supported');
});

test('openid-configuration adds what OIDC Discovery requires', () => {
  expect(openIdConfiguration(config)).toEqual({
    ...authorizationServerMetadata(config),
    userinfo_endpoint: 'https://login.auth.eu-west-1.amazoncognito.com/oauth2/userInfo',
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  });
});
