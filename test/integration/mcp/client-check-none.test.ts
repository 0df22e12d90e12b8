/**
 * `CLIENT_CHECK=none`: another OIDC issuer whose clients this system did not register. No lookup
 * in the registrations table (neither REGISTRATIONS_TABLE nor STATIC_CLIENT_ID is set here), the
 * client id is read from `client_id`, `azp` or `cid` when present, and every other check (issuer,
 * signature, expiry, token use, audience) still applies.
 */
import { headerOf, modernCall, parse, RESOURCE_URL, SCOPE_READ, startFixture, type Fixture } from './support';

const OTHER_AUDIENCE = 'api://other-idp-audience';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture({ CLIENT_CHECK: 'none', REGISTRATIONS_TABLE: '', STATIC_CLIENT_ID: '', TOKEN_AUDIENCE: OTHER_AUDIENCE });
});
afterAll(() => fx.stop());

async function whoami(claims: Record<string, unknown>) {
  const result = await fx.handler(modernCall(await fx.token(claims), 'tools/call', { name: 'whoami', arguments: {} }, 'w1'));
  expect(result.statusCode).toBe(200);
  const body = parse(result);
  expect(body.result.isError).toBeFalsy();
  return body.result.structuredContent ?? JSON.parse(body.result.content[0].text);
}

test.each([
  ['client_id', { client_id: 'never-registered' }, 'never-registered'],
  ['azp (OIDC)', { client_id: undefined, azp: 'oidc-client' }, 'oidc-client'],
  ['cid (Okta)', { client_id: undefined, cid: 'okta-client' }, 'okta-client'],
  ['client_id before azp and cid', { client_id: 'first', azp: 'second', cid: 'third' }, 'first'],
  ['azp before cid', { client_id: undefined, azp: 'second', cid: 'third' }, 'second'],
])('a client not in the registrations table is accepted, id from %s', async (_name, claims, clientId) => {
  expect((await whoami(claims)).clientId).toBe(clientId);
});

test('a token naming no client is accepted', async () => {
  expect((await whoami({ client_id: undefined })).clientId).toBeNull();
});

test('aud = TOKEN_AUDIENCE is accepted; tools still need their scopes', async () => {
  const ok = await fx.handler(modernCall(await fx.token({ client_id: undefined, azp: 'x', aud: OTHER_AUDIENCE, scope: SCOPE_READ }), 'tools/list'));
  expect(ok.statusCode).toBe(200);
  const noScope = await fx.handler(modernCall(await fx.token({ aud: OTHER_AUDIENCE, scope: 'openid' }), 'tools/call', { name: 'whoami', arguments: {} }));
  expect(noScope.statusCode).toBe(403);
  expect(headerOf(noScope, 'www-authenticate')).toContain('insufficient_scope');
});

test.each([
  ['wrong aud', { aud: 'https://other.example/mcp' }, /another resource/],
  ['wrong issuer', { iss: 'http://127.0.0.1:1/other' }, /another issuer/],
  ['expired', { iat: 1, exp: 2 }, /expired/],
  ['ID token', { token_use: 'id', aud: RESOURCE_URL }, /not an access token/],
  ['no subject', { sub: undefined }, /no subject/],
])('still refused: %s', async (_name, claims, description) => {
  const result = await fx.handler(modernCall(await fx.token(claims), 'tools/list', {}, 'n1'));
  expect(result.statusCode).toBe(401);
  expect(headerOf(result, 'www-authenticate')).toMatch(description);
  expect(parse(result).id).toBe('n1');
});
