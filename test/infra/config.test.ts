import { ConfigError, DEFAULT_CONFIG, parseConfig } from '../../lib/config';
import { cdkJsonContext } from './app-fixture';

const fromContext = (context: Record<string, unknown>) => parseConfig((key) => context[key]);

describe('parseConfig', () => {
  it('returns the documented defaults for an empty context', () => {
    expect(fromContext({})).toEqual({
      ...DEFAULT_CONFIG,
      domainPrefix: undefined,
      initialAccessTokenSha256: undefined,
      resourceDocumentation: undefined,
      tokenIssuer: undefined,
      tokenJwksUri: undefined,
      tokenAudience: undefined,
      alarmEmail: undefined,
    });
    expect(DEFAULT_CONFIG).toMatchObject({
      // Issue 12.15: a retry or a second window within 30 s keeps the session.
      refreshTokenRotationGracePeriodSeconds: 30,
      // Issue 12.18: optional TOTP cannot be enrolled from the classic hosted UI.
      mfa: 'off',
      machineClients: false,
      registrationPoolBudget: 500,
      appClientQuota: 1000,
      consentRememberSeconds: 0,
      cimd: true,
      requireAudience: false,
      clientCheck: 'registrations',
      clientCheckTtlSeconds: 60,
    });
  });

  it('cdk.json repeats the defaults rather than diverging from them', () => {
    expect(fromContext(cdkJsonContext())).toEqual(fromContext({}));
  });

  it('accepts -c strings: numbers, booleans, comma lists and JSON lists', () => {
    const config = fromContext({
      stage: 'prod',
      retainData: 'true',
      selfSignUp: 'false',
      throttleRateLimit: '7',
      callbackUrls: 'https://a.example.com/cb, http://127.0.0.1:9000/cb, myapp://cb',
      logoutUrls: '["https://a.example.com/"]',
    });
    expect(config).toMatchObject({
      stage: 'prod',
      retainData: true,
      selfSignUp: false,
      throttleRateLimit: 7,
      callbackUrls: ['https://a.example.com/cb', 'http://127.0.0.1:9000/cb', 'myapp://cb'],
      logoutUrls: ['https://a.example.com/'],
    });
  });

  it('accepts another token issuer with its JWKS, audience, no client check and a documentation URL', () => {
    const config = fromContext({
      requireAudience: 'true',
      tokenIssuer: 'https://login.example.com/realms/mcp',
      tokenJwksUri: 'https://login.example.com/realms/mcp/protocol/openid-connect/certs',
      tokenAudience: 'mcp-api',
      clientCheck: 'none',
      clientCheckTtlSeconds: '0',
      resourceDocumentation: 'https://docs.example.com/mcp',
      registrationIdleDays: '0',
    });
    expect(config).toMatchObject({
      requireAudience: true,
      tokenIssuer: 'https://login.example.com/realms/mcp',
      tokenJwksUri: 'https://login.example.com/realms/mcp/protocol/openid-connect/certs',
      tokenAudience: 'mcp-api',
      clientCheck: 'none',
      clientCheckTtlSeconds: 0,
      resourceDocumentation: 'https://docs.example.com/mcp',
    });
  });

  it('sweeps registrations idle 90 days or never used for 24 hours by default; 0 idle days turns the sweeper off', () => {
    expect(fromContext({})).toMatchObject({ registrationIdleDays: 90, registrationUnusedHours: 24 });
    expect(fromContext({ registrationIdleDays: '0', registrationUnusedHours: '100' })).toMatchObject({ registrationIdleDays: 0, registrationUnusedHours: 100 });
    expect(fromContext({ registrationIdleDays: '7', registrationUnusedHours: '168' })).toMatchObject({ registrationIdleDays: 7, registrationUnusedHours: 168 });
  });

  it('takes machine clients, the pool budget and quota, consent memory and the alarm address from context', () => {
    expect(
      fromContext({
        machineClients: 'true',
        registrationPoolBudget: '800',
        appClientQuota: '2000',
        consentRememberSeconds: '86400',
        cimd: 'false',
        alarmEmail: 'ops@example.com',
      }),
    ).toMatchObject({ machineClients: true, registrationPoolBudget: 800, appClientQuota: 2000, consentRememberSeconds: 86_400, cimd: false, alarmEmail: 'ops@example.com' });
  });

  it('accepts clientCheck=none once the sweeper is off', () => {
    expect(fromContext({ clientCheck: 'none', registrationIdleDays: 0 })).toMatchObject({ clientCheck: 'none', registrationIdleDays: 0 });
  });

  it.each([
    // Issue 12.17: without the registration lookup no lastUsedAt is written and the sweeper deletes everything.
    [{ clientCheck: 'none' }, /clientCheck=none never records a registration's last use, so the registration sweeper would delete every registration registrationUnusedHours \(24\) after it is made: set registrationIdleDays=0/],
    [{ registrationPoolBudget: 1000 }, /registrationPoolBudget \(1000\) must be below appClientQuota \(1000\)/],
    [{ registrationPoolBudget: 300, appClientQuota: 300 }, /registrationPoolBudget \(300\) must be below appClientQuota \(300\)/],
    [{ registrationPoolBudget: '0' }, /registrationPoolBudget/],
    [{ appClientQuota: 'many' }, /appClientQuota/],
    [{ machineClients: 'yes' }, /machineClients must be true or false/],
    [{ consentRememberSeconds: '-1' }, /consentRememberSeconds/],
    [{ consentRememberSeconds: 31_536_001 }, /consentRememberSeconds/],
    [{ alarmEmail: 'not an address' }, /alarmEmail/],
    [{ stage: 'Prod' }, /stage/],
    [{ domainPrefix: 'my-cognito-login' }, /domainPrefix/],
    [{ domainPrefix: 'UPPER' }, /domainPrefix/],
    [{ retainData: 'yes' }, /retainData/],
    [{ accessTokenValidityMinutes: '2' }, /accessTokenValidityMinutes/],
    [{ refreshTokenRotationGracePeriodSeconds: 61 }, /refreshTokenRotationGracePeriodSeconds/],
    [{ callbackUrls: 'http://example.com/cb' }, /http is allowed only on localhost/],
    [{ callbackUrls: 'not a url' }, /invalid URL/],
    [{ mfa: 'sms' }, /mfa/],
    [{ registrationMode: 'token' }, /initialAccessTokenSha256/],
    [{ initialAccessTokenSha256: 'xyz' }, /initialAccessTokenSha256/],
    [{ logRetentionDays: 2 }, /logRetentionDays/],
    [{ scopeRead: 'same', scopeWrite: 'same' }, /differ/],
    [{ scopeWrite: 'has space' }, /scopeWrite/],
    [{ requireAudience: 'yes' }, /requireAudience/],
    [{ tokenIssuer: 'http://login.example.com' }, /tokenIssuer must be an https URL/],
    [{ tokenIssuer: 'login.example.com' }, /tokenIssuer must be an https URL/],
    [{ tokenIssuer: 'https://login.example.com?tenant=a' }, /tokenIssuer must be an https URL/],
    [{ tokenJwksUri: 'https://login.example.com/jwks.json' }, /tokenJwksUri applies only to another token issuer: set tokenIssuer/],
    [{ tokenAudience: 'mcp-api' }, /tokenAudience applies only to another token issuer: set tokenIssuer/],
    [{ tokenIssuer: 'https://login.example.com', tokenJwksUri: 'http://login.example.com/jwks.json' }, /tokenJwksUri must be an https URL/],
    [{ tokenIssuer: 'https://login.example.com', tokenAudience: 'two words' }, /tokenAudience/],
    [{ clientCheck: 'off' }, /clientCheck must be one of registrations, none/],
    [{ clientCheckTtlSeconds: '-1' }, /clientCheckTtlSeconds/],
    [{ clientCheckTtlSeconds: 86_401 }, /clientCheckTtlSeconds/],
    [{ resourceDocumentation: 'http://docs.example.com' }, /resourceDocumentation must be an https URL/],
    [{ registrationIdleDays: '-1' }, /registrationIdleDays/],
    [{ registrationIdleDays: '1.5' }, /registrationIdleDays/],
    [{ registrationUnusedHours: '0' }, /registrationUnusedHours/],
    [{ registrationIdleDays: 1, registrationUnusedHours: 25 }, /registrationUnusedHours \(25\) must not exceed registrationIdleDays × 24 \(24\)/],
  ])('rejects %j', (context, message) => {
    expect(() => fromContext(context)).toThrow(ConfigError);
    expect(() => fromContext(context)).toThrow(message);
  });
});
