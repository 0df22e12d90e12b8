/** The facade's config: defaults, validation, and failures at cold start. */
import { DEFAULT_REGISTRATION_IDLE_DAYS, DEFAULT_REGISTRATION_UNUSED_HOURS, loadConfig, loadSweeperConfig } from '../../../lambda/oauth/config';

const R = 'https://mcp.example.test/mcp';
const env = {
  USER_POOL_ID: 'eu-west-1_abc',
  REGISTRATIONS_TABLE: 'regs',
  RESOURCE_URL: R,
  ISSUER_URL: 'https://as.example.test/',
  COGNITO_DOMAIN_URL: 'https://login.example.test',
  JWKS_URI: 'https://cognito-idp.example.test/jwks.json',
  ALLOWED_SCOPES: `${R}/read ${R}/write openid`,
  STATIC_CLIENT_ID: 'static',
  STATIC_CLIENT_REDIRECT_URIS: 'http://127.0.0.1:8765/callback http://localhost:8765/callback',
  BROKER_SIGNING_KEY: 'ab'.repeat(32),
};

test('defaults from docs/contracts.md', () => {
  expect(loadConfig(env)).toMatchObject({
    issuerUrl: 'https://as.example.test',
    defaultScopes: [`${R}/read`],
    registrationMode: 'open',
    registrationRateLimit: 10,
    registrationRateWindowSeconds: 3600,
    maxRedirectUris: 10,
    accessTokenValidityMinutes: 60,
    idTokenValidityMinutes: 60,
    refreshTokenValidityDays: 30,
    // The CDK context refreshTokenRotationGracePeriodSeconds defaults to 0 too.
    rotationGraceSeconds: 0,
    machineClients: false,
    registrationPoolBudget: 500,
    localCimdTrustedOrigins: [],
  });
  expect(Object.isFrozen(loadConfig(env))).toBe(true);
});

test('MACHINE_CLIENTS, REGISTRATION_POOL_BUDGET and LOCAL_CIMD_TRUSTED_ORIGINS are read', () => {
  expect(
    loadConfig({ ...env, MACHINE_CLIENTS: 'true', REGISTRATION_POOL_BUDGET: '250', LOCAL_CIMD_TRUSTED_ORIGINS: 'http://127.0.0.1:8123, http://localhost:9000/' }),
  ).toMatchObject({ machineClients: true, registrationPoolBudget: 250, localCimdTrustedOrigins: ['http://127.0.0.1:8123', 'http://localhost:9000'] });
});

test.each([
  ['a missing USER_POOL_ID', { USER_POOL_ID: '' }, /USER_POOL_ID/],
  ['a missing ALLOWED_SCOPES', { ALLOWED_SCOPES: '' }, /ALLOWED_SCOPES/],
  ['DEFAULT_SCOPES outside ALLOWED_SCOPES', { DEFAULT_SCOPES: 'admin' }, /subset/],
  ['an unknown REGISTRATION_MODE', { REGISTRATION_MODE: 'maybe' }, /REGISTRATION_MODE/],
  ['token mode without a hash', { REGISTRATION_MODE: 'token' }, /INITIAL_ACCESS_TOKEN_SHA256/],
  ['a malformed hash', { INITIAL_ACCESS_TOKEN_SHA256: 'abc' }, /INITIAL_ACCESS_TOKEN_SHA256/],
  ['a rotation grace over 60 s', { REFRESH_TOKEN_ROTATION_GRACE_SECONDS: '61' }, /ROTATION/],
  ['more than 100 redirect URIs', { MAX_REDIRECT_URIS: '101' }, /MAX_REDIRECT_URIS/],
  ['MACHINE_CLIENTS that is not a boolean', { MACHINE_CLIENTS: 'yes please' }, /MACHINE_CLIENTS/],
  ['a zero REGISTRATION_POOL_BUDGET', { REGISTRATION_POOL_BUDGET: '0' }, /REGISTRATION_POOL_BUDGET/],
  ['a trusted CIMD origin with a path', { LOCAL_CIMD_TRUSTED_ORIGINS: 'http://127.0.0.1:8123/docs' }, /LOCAL_CIMD_TRUSTED_ORIGINS/],
  ['a trusted CIMD origin that is not a URL', { LOCAL_CIMD_TRUSTED_ORIGINS: '127.0.0.1:8123' }, /LOCAL_CIMD_TRUSTED_ORIGINS/],
  ['an access token validity under 5 minutes', { ACCESS_TOKEN_VALIDITY_MINUTES: '1' }, /ACCESS_TOKEN/],
  ['a relative ISSUER_URL', { ISSUER_URL: '/as' }, /ISSUER_URL/],
  ['a missing STATIC_CLIENT_ID', { STATIC_CLIENT_ID: '' }, /STATIC_CLIENT_ID/],
  ['no STATIC_CLIENT_REDIRECT_URIS', { STATIC_CLIENT_REDIRECT_URIS: ' ' }, /STATIC_CLIENT_REDIRECT_URIS/],
  ['no signing key at all', { BROKER_SIGNING_KEY: '' }, /BROKER_SIGNING_KEY_SECRET_ARN/],
  ['a signing key under 32 bytes', { BROKER_SIGNING_KEY: 'ab'.repeat(31) }, /BROKER_SIGNING_KEY/],
  ['a signing key that is not hex', { BROKER_SIGNING_KEY: 'zz'.repeat(32) }, /BROKER_SIGNING_KEY/],
  ['MACHINE_CLIENTS=maybe', { MACHINE_CLIENTS: 'maybe' }, /MACHINE_CLIENTS/],
  ['a negative CONSENT_REMEMBER_SECONDS', { CONSENT_REMEMBER_SECONDS: '-1' }, /CONSENT_REMEMBER_SECONDS/],
])('fails loudly on %s', (_name, override, message) => {
  expect(() => loadConfig({ ...env, ...override })).toThrow(message);
});

test('broker settings: static client redirect URIs split on spaces only, the callback derived from the issuer, safe defaults', () => {
  const config = loadConfig({ ...env, STATIC_CLIENT_REDIRECT_URIS: ' https://app.example/cb?a=1,2  http://127.0.0.1:8765/callback ' });
  expect(config).toMatchObject({
    staticClientId: 'static',
    staticClientRedirectUris: ['https://app.example/cb?a=1,2', 'http://127.0.0.1:8765/callback'],
    brokerCallbackUrl: 'https://as.example.test/callback',
    brokerSigningKey: { hex: 'ab'.repeat(32) },
    consentRememberSeconds: 0,
    machineClients: false,
  });
  const { BROKER_SIGNING_KEY: _key, ...withoutKey } = env;
  expect(loadConfig({ ...withoutKey, BROKER_SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:k' }).brokerSigningKey).toEqual({
    secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:k',
  });
  expect(loadConfig({ ...env, MACHINE_CLIENTS: 'true', CONSENT_REMEMBER_SECONDS: '600' })).toMatchObject({ machineClients: true, consentRememberSeconds: 600 });
});

test('token mode with a hash', () => {
  const hash = 'A'.repeat(64);
  expect(loadConfig({ ...env, REGISTRATION_MODE: 'token', INITIAL_ACCESS_TOKEN_SHA256: hash })).toMatchObject({
    registrationMode: 'token',
    initialAccessTokenSha256: hash.toLowerCase(),
  });
});

describe('loadSweeperConfig', () => {
  const sweeperEnv = { USER_POOL_ID: 'eu-west-1_abc', REGISTRATIONS_TABLE: 'regs' };

  test('needs only the pool and the table; idle 90 days and unused 24 hours by default', () => {
    expect(loadSweeperConfig(sweeperEnv)).toEqual({
      region: 'us-east-1',
      userPoolId: 'eu-west-1_abc',
      registrationsTable: 'regs',
      registrationIdleDays: DEFAULT_REGISTRATION_IDLE_DAYS,
      registrationUnusedHours: DEFAULT_REGISTRATION_UNUSED_HOURS,
      dynamodbEndpoint: undefined,
      cognitoEndpoint: undefined,
      logLevel: undefined,
    });
    expect([DEFAULT_REGISTRATION_IDLE_DAYS, DEFAULT_REGISTRATION_UNUSED_HOURS]).toEqual([90, 24]);
    expect(Object.isFrozen(loadSweeperConfig(sweeperEnv))).toBe(true);
  });

  test('reads the windows', () => {
    expect(loadSweeperConfig({ ...sweeperEnv, REGISTRATION_IDLE_DAYS: '30', REGISTRATION_UNUSED_HOURS: '6' })).toMatchObject({
      registrationIdleDays: 30,
      registrationUnusedHours: 6,
    });
  });

  test.each([
    ['a missing USER_POOL_ID', { USER_POOL_ID: '' }, /USER_POOL_ID/],
    ['a missing REGISTRATIONS_TABLE', { REGISTRATIONS_TABLE: '' }, /REGISTRATIONS_TABLE/],
    ['REGISTRATION_IDLE_DAYS=0 (the CDK app deploys no sweeper then)', { REGISTRATION_IDLE_DAYS: '0' }, /REGISTRATION_IDLE_DAYS/],
    ['a fractional REGISTRATION_UNUSED_HOURS', { REGISTRATION_UNUSED_HOURS: '1.5' }, /REGISTRATION_UNUSED_HOURS/],
  ])('fails loudly on %s', (_name, override, message) => {
    expect(() => loadSweeperConfig({ ...sweeperEnv, ...override })).toThrow(message);
  });
});
