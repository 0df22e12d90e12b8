/** Registration modes: open, token (initial access token, by hash), closed. */
import { authorizeRegistration } from '../../../lambda/oauth/registration-policy';
import { sha256Hex } from '../../../lambda/shared/tokens';

const initialAccessTokenSha256 = sha256Hex('let-me-in');

test('open lets anyone register', () => {
  expect(() => authorizeRegistration({ registrationMode: 'open' }, undefined)).not.toThrow();
});

test('closed refuses with 403 access_denied', () => {
  expect(() => authorizeRegistration({ registrationMode: 'closed' }, 'Bearer let-me-in')).toThrow(
    expect.objectContaining({ statusCode: 403, errorCode: 'access_denied' }),
  );
});

test('token mode accepts the initial access token', () => {
  expect(() => authorizeRegistration({ registrationMode: 'token', initialAccessTokenSha256 }, 'Bearer let-me-in')).not.toThrow();
});

test.each([undefined, 'Bearer wrong', 'Basic let-me-in', 'Bearer ', `Bearer ${initialAccessTokenSha256}`])('token mode refuses %p with 401', (authorization) => {
  expect(() => authorizeRegistration({ registrationMode: 'token', initialAccessTokenSha256 }, authorization)).toThrow(
    expect.objectContaining({ statusCode: 401, errorCode: 'invalid_token', headers: { 'www-authenticate': expect.stringMatching(/^Bearer error="invalid_token"/) } }),
  );
});
