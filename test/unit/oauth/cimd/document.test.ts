/** CIMD document checks: client_id equals the URL, name and redirect URIs present, public client of the code grant, DCR rules for the rest. */
import { isCimdClientId } from '../../../../lambda/oauth/cimd';
import { validateCimdDocument } from '../../../../lambda/oauth/cimd/document';
import type { MetadataPolicy } from '../../../../lambda/oauth/client-metadata';

const R = 'https://mcp.example.test/mcp';
const policy: MetadataPolicy = {
  allowedScopes: [`${R}/read`, `${R}/write`, 'openid'],
  defaultScopes: [`${R}/read`],
  resourceScopes: [`${R}/read`, `${R}/write`],
  maxRedirectUris: 3,
  machineClients: true,
  registrationMode: 'token',
};
const URL_ = 'https://app.example.com/oauth/client.json';
const doc = (extra: Record<string, unknown> = {}) => ({
  client_id: URL_,
  client_name: 'Example App',
  redirect_uris: ['http://127.0.0.1:33418/callback', 'https://app.example.com/cb'],
  ...extra,
});

test('a minimal document registers as a public code client with the resource scopes', () => {
  expect(validateCimdDocument(doc(), URL_, policy)).toEqual({
    client_id: URL_,
    client_name: 'Example App',
    redirect_uris: ['http://127.0.0.1:33418/callback', 'https://app.example.com/cb'],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: `${R}/read ${R}/write`,
  });
});

test('explicit none, the code and refresh grants, a scope and descriptive fields are accepted', () => {
  const out = validateCimdDocument(
    doc({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'openid offline_access', client_uri: 'https://app.example.com', logo_uri: 'https://app.example.com/logo.png', jwks_uri: 'https://x' }),
    URL_,
    policy,
  );
  expect(out).toMatchObject({ scope: `openid ${R}/read ${R}/write`, client_uri: 'https://app.example.com', logo_uri: 'https://app.example.com/logo.png' });
  expect(out).not.toHaveProperty('jwks_uri');
});

describe('refused', () => {
  test.each([
    ['not an object', [], /not a JSON object/],
    ['null', null, /not a JSON object/],
    ['client_id missing', doc({ client_id: undefined }), /client_id must equal its URL/],
    ['client_id of another URL', doc({ client_id: 'https://evil.example.com/client.json' }), /client_id must equal its URL/],
    ['client_id differing only by a trailing slash', doc({ client_id: `${URL_}/` }), /client_id must equal/],
    ['client_id differing in case', doc({ client_id: URL_.replace('app.', 'APP.') }), /client_id must equal/],
    ['client_name missing', doc({ client_name: undefined }), /client_name/],
    ['client_name blank', doc({ client_name: '  ' }), /client_name/],
    ['client_name not a string', doc({ client_name: 5 }), /client_name/],
    ['redirect_uris missing', doc({ redirect_uris: undefined }), /redirect_uris/],
    ['redirect_uris empty', doc({ redirect_uris: [] }), /redirect_uris/],
    ['a client_secret', doc({ client_secret: 's3cret' }), /client_secret/],
    ['client_secret_expires_at', doc({ client_secret_expires_at: 0 }), /client_secret_expires_at/],
    ['client_secret_basic', doc({ token_endpoint_auth_method: 'client_secret_basic' }), /token_endpoint_auth_method must be "none"/],
    ['private_key_jwt', doc({ token_endpoint_auth_method: 'private_key_jwt' }), /token_endpoint_auth_method/],
    ['client_credentials', doc({ grant_types: ['authorization_code', 'client_credentials'] }), /grant_types/],
    ['implicit', doc({ grant_types: ['implicit'] }), /grant_types/],
    ['refresh_token alone', doc({ grant_types: ['refresh_token'] }), /grant_types/],
    ['response_types token', doc({ response_types: ['token'] }), /response_types/],
    // The DCR redirect rules apply (issue 12 item 6 included).
    ['an http redirect on a public host', doc({ redirect_uris: ['http://app.example.com/cb'] }), /must use https/],
    ['a non-canonical redirect', doc({ redirect_uris: ['http://2130706433/cb'] }), /canonical form/],
    ['a short private-use scheme', doc({ redirect_uris: ['ms-msdt:/x'] }), /not allowed/],
    ['too many redirect URIs', doc({ redirect_uris: ['https://a.example/1', 'https://a.example/2', 'https://a.example/3', 'https://a.example/4'] }), /At most 3/],
    ['a control character in the name', doc({ client_name: 'a\u0007b' }), /control characters/],
  ])('%s', (_name, body, message) => {
    expect(() => validateCimdDocument(body, URL_, policy)).toThrow(message);
  });
});

describe('isCimdClientId', () => {
  test.each([
    ['https://app.example.com/client.json', true],
    ['https://app.example.com/a/b?x=1', true],
    ['http://127.0.0.1:8123/client.json', true], // recognised, then refused unless a trusted local origin
    ['https://app.example.com/', false],
    ['https://app.example.com', false],
    ['4p1s2kq8d3rbg0m6l8h3b9u1ab', false],
    ['ftp://app.example.com/x', false],
    ['https://', false],
  ])('%s → %s', (value, expected) => {
    expect(isCimdClientId(value)).toBe(expected);
  });
});
