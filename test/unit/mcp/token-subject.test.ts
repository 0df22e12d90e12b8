/** Which verified access tokens name a user (token-subject.ts): machine tokens of each issuer kind. */
import { namesUser } from '../../../lambda/mcp/token-subject';

test.each([
  ['Cognito user token (authorization code)', { sub: '5f3c-uuid', username: 'alice', client_id: 'abc123', token_use: 'access' }, 'abc123', true],
  ['Cognito client_credentials token: sub is the client id, no username', { sub: 'abc123', client_id: 'abc123', token_use: 'access' }, 'abc123', false],
  ['Cognito-shaped token without username, sub differs', { sub: 'someone', client_id: 'abc123', token_use: 'access' }, 'abc123', false],
  ['Cognito-shaped token with an empty username', { sub: 'someone', username: '', client_id: 'abc123', token_use: 'access' }, 'abc123', false],
  ['username present but sub is the client id', { sub: 'abc123', username: 'abc123', client_id: 'abc123', token_use: 'access' }, 'abc123', false],
  ['RFC 9068 user token of another issuer (no username claim)', { sub: 'auth0|42', client_id: 'xyz' }, 'xyz', true],
  ['Okta client credentials: sub equals cid', { sub: 'xyz', cid: 'xyz' }, 'xyz', false],
  ['Auth0 client credentials: gty', { sub: 'xyz@clients', azp: 'xyz', gty: 'client-credentials' }, 'xyz', false],
  ['Entra ID app-only token: idtyp app', { sub: 'object-id', azp: 'xyz', idtyp: 'app' }, 'xyz', false],
  ['another issuer, no client named (CLIENT_CHECK=none)', { sub: 'user-1' }, undefined, true],
])('%s', (_name, payload, clientId, expected) => {
  expect(namesUser(payload, clientId)).toBe(expected);
});
