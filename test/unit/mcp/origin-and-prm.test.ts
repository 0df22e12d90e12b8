import { loadConfig } from '../../../lambda/mcp/config';
import { originAllowed } from '../../../lambda/mcp/origin';
import { protectedResourceMetadata, resourceMetadataUrl } from '../../../lambda/mcp/prm';

const env = {
  RESOURCE_URL: 'https://api.example/mcp',
  AUTHORIZATION_SERVER_URL: 'http://127.0.0.1:3000',
  STATIC_CLIENT_ID: 'static',
  REGISTRATIONS_TABLE: 'r',
  NOTES_TABLE: 'n',
  SCOPE_READ: 'https://api.example/mcp/read',
  SCOPE_WRITE: 'https://api.example/mcp/write',
  USER_POOL_ID: 'us-east-1_abc',
};

describe('originAllowed', () => {
  test.each([
    [undefined, [], true],
    ['', [], true],
    ['https://app.example', [], false],
    ['https://app.example', ['https://app.example'], true],
    ['https://app.example:8443', ['https://app.example'], false],
    ['http://app.example', ['https://app.example'], false],
    ['null', ['https://app.example'], false],
  ])('%s with %j → %s', (origin, allowed, ok) => {
    expect(originAllowed(origin, allowed)).toBe(ok);
  });
});

describe('PRM', () => {
  test('fields exactly from config, http issuer allowed, no offline_access', () => {
    const prm = protectedResourceMetadata(loadConfig(env));
    expect(prm).toEqual({
      resource: 'https://api.example/mcp',
      authorization_servers: ['http://127.0.0.1:3000'],
      scopes_supported: ['https://api.example/mcp/read', 'https://api.example/mcp/write'],
      bearer_methods_supported: ['header'],
      resource_name: 'MCP server',
    });
  });

  test('RFC 9728 §3.1 metadata URL inserts the well-known part before the path', () => {
    expect(resourceMetadataUrl('https://api.example/mcp')).toBe('https://api.example/.well-known/oauth-protected-resource/mcp');
    expect(resourceMetadataUrl('https://api.example')).toBe('https://api.example/.well-known/oauth-protected-resource');
  });
});

describe('config', () => {
  test('defaults', () => {
    const config = loadConfig(env);
    expect(config.clientCheckTtlSeconds).toBe(60);
    expect(config.requireAudience).toBe(false);
    expect(config.allowedOrigins).toEqual([]);
    expect(config.tokenIssuer).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('TOKEN_ISSUER defaults its JWKS URI', () => {
    const config = loadConfig({ ...env, TOKEN_ISSUER: 'http://127.0.0.1:3000/' });
    expect(config.tokenJwksUri).toBe('http://127.0.0.1:3000/.well-known/jwks.json');
  });

  test('TOKEN_ISSUER is kept byte for byte (it is compared with iss), a trailing slash included', () => {
    expect(loadConfig({ ...env, TOKEN_ISSUER: 'https://tenant.auth0.example/' }).tokenIssuer).toBe('https://tenant.auth0.example/');
    expect(loadConfig({ ...env, TOKEN_ISSUER: 'https://idp.example' }).tokenIssuer).toBe('https://idp.example');
    expect(() => loadConfig({ ...env, TOKEN_ISSUER: 'not a url' })).toThrow(/TOKEN_ISSUER/);
  });

  test('a missing required variable fails loudly', () => {
    expect(() => loadConfig({ ...env, SCOPE_WRITE: '' })).toThrow(/SCOPE_WRITE/);
  });

  test('CLIENT_CHECK defaults to registrations, which needs the table and the static client', () => {
    expect(loadConfig(env).clientCheck).toBe('registrations');
    expect(loadConfig({ ...env, CLIENT_CHECK: 'registrations' })).toMatchObject({ staticClientId: 'static', registrationsTable: 'r' });
    expect(() => loadConfig({ ...env, REGISTRATIONS_TABLE: '' })).toThrow(/REGISTRATIONS_TABLE/);
    expect(() => loadConfig({ ...env, STATIC_CLIENT_ID: '' })).toThrow(/STATIC_CLIENT_ID/);
  });

  test('CLIENT_CHECK=none needs neither REGISTRATIONS_TABLE nor STATIC_CLIENT_ID', () => {
    const { REGISTRATIONS_TABLE: _table, STATIC_CLIENT_ID: _client, USER_POOL_ID: _pool, ...rest } = env;
    const config = loadConfig({ ...rest, TOKEN_ISSUER: 'https://idp.example', CLIENT_CHECK: 'none' });
    expect(config.clientCheck).toBe('none');
    expect(config.registrationsTable).toBeUndefined();
    expect(config.staticClientId).toBeUndefined();
  });

  test('an unknown CLIENT_CHECK fails loudly', () => {
    expect(() => loadConfig({ ...env, CLIENT_CHECK: 'off' })).toThrow(/CLIENT_CHECK must be registrations or none/);
  });

  test('neither a pool nor an issuer fails', () => {
    expect(() => loadConfig({ ...env, USER_POOL_ID: '' })).toThrow(/USER_POOL_ID/);
  });
});
