/** Client authentication at /token and /revoke (RFC 6749 §2.3.1): which client, which secret, which method. */
import { clientCredentials } from '../../../../lambda/oauth/broker/client-auth';
import { httpEvent } from '../../../support/http-event';

const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const withAuth = (authorization: string) => httpEvent('POST', '/token', { headers: { authorization } });
const none = httpEvent('POST', '/token');
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

test('public client: client_id alone', () => {
  expect(clientCredentials(none, form({ client_id: 'abc' }))).toEqual({ clientId: 'abc', method: 'none' });
});

test('client_secret_post and client_secret_basic (form-urlencoded parts, RFC 6749 §2.3.1)', () => {
  expect(clientCredentials(none, form({ client_id: 'abc', client_secret: 's' }))).toEqual({ clientId: 'abc', secret: 's', method: 'client_secret_post' });
  expect(clientCredentials(withAuth(basic('abc', 'a%3Ab+c')), form({}))).toEqual({ clientId: 'abc', secret: 'a:b c', method: 'client_secret_basic' });
  expect(clientCredentials(withAuth(basic('abc', 's')), form({ client_id: 'abc' }))).toMatchObject({ clientId: 'abc', method: 'client_secret_basic' });
});

test.each([
  ['no client at all', none, {}, 'invalid_client', 401],
  ['a Bearer header', withAuth('Bearer xyz'), { client_id: 'abc' }, 'invalid_client', 401],
  ['Basic without a colon', withAuth(`Basic ${Buffer.from('abc').toString('base64')}`), {}, 'invalid_client', 401],
  ['Basic with a broken escape', withAuth(basic('abc', '%zz')), {}, 'invalid_client', 401],
  ['two methods at once', withAuth(basic('abc', 's')), { client_secret: 's' }, 'invalid_request', 400],
  ['a body client_id that differs from Basic', withAuth(basic('abc', 's')), { client_id: 'other' }, 'invalid_request', 400],
])('%s → %s', (_name, event, fields, error, status) => {
  expect(() => clientCredentials(event, form(fields as Record<string, string>))).toThrow(expect.objectContaining({ errorCode: error, statusCode: status }));
});

test('a malformed Basic header answers with a Basic challenge', () => {
  try {
    clientCredentials(withAuth('Basic !!!'), form({}));
    throw new Error('no error');
  } catch (err) {
    expect((err as { headers: Record<string, string> }).headers['www-authenticate']).toMatch(/^Basic/);
  }
});
