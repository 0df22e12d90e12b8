/** AWS errors translated at the edge: throttling → 429/503 with Retry-After, never a bare 500. */
import { translateCognitoError, translateTransient } from '../../../lambda/oauth/aws-errors';
import { OAuthError } from '../../../lambda/shared/errors';

const named = (name: string, message = name) => Object.assign(new Error(message), { name });

beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());

test.each([
  ['TooManyRequestsException', 429, 'temporarily_unavailable', '2'],
  ['LimitExceededException', 503, 'temporarily_unavailable', '3600'],
  ['InternalErrorException', 503, 'temporarily_unavailable', '2'],
  ['TimeoutError', 503, 'temporarily_unavailable', '2'],
  ['InvalidParameterException', 400, 'invalid_client_metadata', undefined],
  // Client faults the registered metadata can cause: the client's 400, never a 500 (RFC 7591 §3.2.2).
  ['InvalidOAuthFlowException', 400, 'invalid_client_metadata', undefined],
  ['ScopeDoesNotExistException', 400, 'invalid_client_metadata', undefined],
  ['ConcurrentModificationException', 503, 'temporarily_unavailable', '2'],
])('Cognito %s → %i %s', (name, status, code, retryAfter) => {
  const out = translateCognitoError(named(name)) as OAuthError;
  expect(out).toBeInstanceOf(OAuthError);
  expect(out.statusCode).toBe(status);
  expect(out.errorCode).toBe(code);
  expect(out.headers['retry-after']).toBe(retryAfter);
});

test.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'InternalServerError', 'ECONNREFUSED'])(
  'DynamoDB / network %s → 503 with Retry-After',
  (name) => {
    const out = translateTransient(name === 'ECONNREFUSED' ? Object.assign(new Error('connect'), { code: name }) : named(name)) as OAuthError;
    expect(out.statusCode).toBe(503);
    expect(out.headers['retry-after']).toBe('2');
  },
);

test.each(['ResourceNotFoundException', 'AccessDeniedException', 'FeatureUnavailableInTierException'])('%s is left as it is (a server error)', (name) => {
  const err = named(name);
  expect(translateCognitoError(err)).toBe(err);
});
