/**
 * The local stack's settings: `MCP_LOCAL_CIMD_TRUSTED_ORIGINS` is parsed strictly and reaches the
 * facade as `LOCAL_CIMD_TRUSTED_ORIGINS` (docs/local-stack.md), and only when set.
 */
import { handlerEnv, localUrls, parseCimdTrustedOrigins } from '../../../scripts/local/config';

describe('parseCimdTrustedOrigins', () => {
  test.each([
    [undefined, []],
    ['', []],
    ['http://127.0.0.1:8123', ['http://127.0.0.1:8123']],
    [' http://127.0.0.1:8123 , https://docs.example ', ['http://127.0.0.1:8123', 'https://docs.example']],
    ['http://[::1]:9000,http://localhost:8000', ['http://[::1]:9000', 'http://localhost:8000']],
  ])('%j → %j', (value, origins) => {
    expect(parseCimdTrustedOrigins(value)).toEqual(origins);
  });

  test.each([
    ['a trailing slash', 'http://127.0.0.1:8123/'],
    ['a path', 'http://127.0.0.1:8123/clients'],
    ['a query', 'http://127.0.0.1:8123?x=1'],
    ['credentials', 'http://user:pw@127.0.0.1:8123'],
    ['another scheme', 'file:///etc/passwd'],
    ['a wildcard', 'http://*:8123'],
    ['no scheme', '127.0.0.1:8123'],
    ['an empty entry', 'http://127.0.0.1:8123,'],
    ['an upper-case host (not as serialized)', 'http://LOCALHOST:8123'],
    ['a default port written out', 'https://docs.example:443'],
  ])('%s is refused, naming the entry', (_what, value) => {
    expect(() => parseCimdTrustedOrigins(value)).toThrow(/MCP_LOCAL_CIMD_TRUSTED_ORIGINS: .* is not an origin/);
  });
});

describe('handlerEnv', () => {
  const urls = localUrls('127.0.0.1', 3000);
  const ids = { userPoolId: 'local_pool', staticClientId: 'static', loginClientId: 'login' };
  const endpoints = { dynamodb: 'http://127.0.0.1:1', cognito: 'http://127.0.0.1:2' };
  const options = { clientCheckTtlSeconds: 5, logLevel: 'warn', allowedOrigins: '', brokerSigningKey: 'ab'.repeat(32), staticClientRedirectUris: ['http://127.0.0.1:8765/callback'] };

  test('passes the trusted origins to the facade as LOCAL_CIMD_TRUSTED_ORIGINS', () => {
    const env = handlerEnv(urls, ids, endpoints, { ...options, cimdTrustedOrigins: ['http://127.0.0.1:8123', 'https://docs.example'] });
    expect(env.LOCAL_CIMD_TRUSTED_ORIGINS).toBe('http://127.0.0.1:8123,https://docs.example');
  });

  test('MCP_LOCAL_CIMD=off reaches the facade as CIMD_ENABLED=false; on by default', () => {
    expect(handlerEnv(urls, ids, endpoints, { ...options, cimd: false }).CIMD_ENABLED).toBe('false');
    expect(handlerEnv(urls, ids, endpoints, options)).not.toHaveProperty('CIMD_ENABLED');
  });

  test('sets nothing when none are given', () => {
    expect(handlerEnv(urls, ids, endpoints, options)).not.toHaveProperty('LOCAL_CIMD_TRUSTED_ORIGINS');
    expect(handlerEnv(urls, ids, endpoints, { ...options, cimdTrustedOrigins: [] })).not.toHaveProperty('LOCAL_CIMD_TRUSTED_ORIGINS');
  });
});
