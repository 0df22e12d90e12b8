/** RFC 8414 metadata, built in one place from config: every endpoint is the facade's own. */
import { authorizationServerMetadata } from '../../../lambda/oauth/metadata';
import * as metadata from '../../../lambda/oauth/metadata';

const config = {
  issuerUrl: 'https://as.example.test',
  jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json',
  allowedScopes: ['https://mcp.example.test/mcp/read', 'openid'],
  registrationMode: 'open' as const,
  machineClients: false,
  cimdEnabled: true,
};

test('RFC 8414 fields: the broker serves authorize, token and revoke; RFC 9207 iss and CIMD are advertised; the issuer is unchanged', () => {
  expect(authorizationServerMetadata(config)).toEqual({
    issuer: 'https://as.example.test',
    authorization_endpoint: 'https://as.example.test/authorize',
    token_endpoint: 'https://as.example.test/token',
    revocation_endpoint: 'https://as.example.test/revoke',
    registration_endpoint: 'https://as.example.test/register',
    jwks_uri: config.jwksUri,
    scopes_supported: config.allowedScopes,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
  });
});

test('service_documentation appears only when configured', () => {
  expect(authorizationServerMetadata({ ...config, serviceDocumentation: 'https://docs.example.test' })).toMatchObject({
    service_documentation: 'https://docs.example.test',
  });
});

test('no userinfo endpoint and no OIDC discovery document: Cognito ID tokens carry the pool issuer, not this one (issue 12.16)', () => {
  expect(authorizationServerMetadata(config)).not.toHaveProperty('userinfo_endpoint');
  expect(Object.keys(metadata)).not.toContain('openIdConfiguration');
});

test('client_credentials is advertised only with machine clients enabled (issue 12.1)', () => {
  expect(authorizationServerMetadata({ ...config, registrationMode: 'token', machineClients: true }).grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
});

test.each(['token', 'closed'] as const)('registration mode %s: CIMD is not advertised (only registered clients)', (registrationMode) => {
  expect(authorizationServerMetadata({ ...config, registrationMode })).not.toHaveProperty('client_id_metadata_document_supported');
});

test('CIMD_ENABLED=false: CIMD is not advertised in open mode either', () => {
  expect(authorizationServerMetadata({ ...config, cimdEnabled: false })).not.toHaveProperty('client_id_metadata_document_supported');
});
