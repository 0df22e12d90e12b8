import { ConfigError, DEFAULT_CONFIG, parseConfig } from '../../lib/config';
import { cdkJsonContext } from './app-fixture';

const fromContext = (context: Record<string, unknown>) => parseConfig((key) => context[key]);

describe('parseConfig', () => {
  it('returns the documented defaults for an empty context', () => {
    expect(fromContext({})).toEqual({ ...DEFAULT_CONFIG, domainPrefix: undefined, initialAccessTokenSha256: undefined });
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

  it.each([
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
  ])('rejects %j', (context, message) => {
    expect(() => fromContext(context)).toThrow(ConfigError);
    expect(() => fromContext(context)).toThrow(message);
  });
});
