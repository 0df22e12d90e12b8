/**
 * Every way an access token can be wrong, and what the client sees: status, JSON-RPC id and the
 * `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9728 §5.1, MCP authorization).
 */
import { rsaKey, signHs256, signRs256, unsigned } from './jwt';
import { KID, modernCall, headerOf, parse, PRM_URL, SCOPE_READ, SCOPE_WRITE, RESOURCE_URL, startFixture, event, type Fixture } from './support';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.stop());

const now = () => Math.floor(Date.now() / 1000);

async function expectRejected(token: string, description: RegExp) {
  const result = await fx.handler(modernCall(token, 'tools/list', {}, 'req-7'));
  expect(result.statusCode).toBe(401);
  const challenge = headerOf(result, 'www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer /);
  expect(challenge).toContain(`resource_metadata="${PRM_URL}"`);
  expect(challenge).toContain(`scope="${SCOPE_READ}"`);
  expect(challenge).toContain('error="invalid_token"');
  expect(challenge).toMatch(description);
  expect(parse(result).id).toBe('req-7');
  return challenge;
}

test('a valid token is accepted', async () => {
  const result = await fx.handler(modernCall(await fx.token(), 'tools/list'));
  expect(result.statusCode).toBe(200);
});

test('no token: 401 with resource_metadata and scope, no error code', async () => {
  const call = modernCall('x', 'tools/list', {}, 3);
  delete (call.headers as Record<string, string>).authorization;
  const result = await fx.handler(call);
  expect(result.statusCode).toBe(401);
  expect(headerOf(result, 'www-authenticate')).toBe(`Bearer resource_metadata="${PRM_URL}", scope="${SCOPE_READ}"`);
  expect(parse(result).id).toBe(3);
});

test('a non-Bearer scheme counts as no token', async () => {
  const call = modernCall('x', 'tools/list');
  (call.headers as Record<string, string>).authorization = 'Basic dXNlcjpwYXNz';
  const result = await fx.handler(call);
  expect(result.statusCode).toBe(401);
  expect(headerOf(result, 'www-authenticate')).not.toContain('error=');
});

test('the challenge for a tools/call names the tool scopes', async () => {
  const call = modernCall('x', 'tools/call', { name: 'notes_add', arguments: { text: 'hi' } });
  delete (call.headers as Record<string, string>).authorization;
  const result = await fx.handler(call);
  expect(headerOf(result, 'www-authenticate')).toContain(`scope="${SCOPE_READ} ${SCOPE_WRITE}"`);
});

test('malformed token', () => expectRejected('not-a-jwt', /malformed|invalid/));

test('wrong signature (other key, same kid)', async () => {
  const other = rsaKey(KID);
  const forged = signRs256(fx.claims(), { kid: KID }, other.privateKey);
  await expectRejected(forged, /signature/);
});

test('alg none', async () => {
  await expectRejected(unsigned(fx.claims(), { kid: KID }), /invalid|malformed/);
});

test('HS256 signed with the public key as the secret', async () => {
  const pem = fx.key.publicKey.export({ type: 'spki', format: 'pem' });
  await expectRejected(signHs256(fx.claims(), { kid: KID }, pem), /invalid|signature/);
});

test('unknown kid', async () => {
  await expectRejected(await fx.token({}, { kid: 'unknown-kid' }), /unknown key|invalid/);
});

test('wrong issuer', async () => {
  await expectRejected(await fx.token({ iss: 'http://127.0.0.1:1/other' }), /another issuer/);
});

test('expired', async () => {
  await expectRejected(await fx.token({ iat: now() - 7200, exp: now() - 3600 }), /expired/);
});

test('not yet valid (nbf)', async () => {
  await expectRejected(await fx.token({ nbf: now() + 3600 }), /not valid yet/);
});

test('no exp', async () => {
  await expectRejected(await fx.token({ exp: undefined }), /expiry|invalid/);
});

test('ID token (token_use id)', async () => {
  await expectRejected(await fx.token({ token_use: 'id', aud: 'static-client' }), /not an access token/);
});

test('token_use missing and no at+jwt typ', async () => {
  await expectRejected(await fx.token({ token_use: undefined }), /not an access token/);
});

test('RFC 9068 at+jwt without token_use is an access token', async () => {
  const result = await fx.handler(modernCall(await fx.token({ token_use: undefined }, { typ: 'at+jwt' }), 'tools/list'));
  expect(result.statusCode).toBe(200);
});

test('client never registered', async () => {
  await expectRejected(await fx.token({ client_id: 'stranger' }), /no longer registered/);
});

test('registered client accepted; deleted registration rejected (cache TTL 0 here)', async () => {
  await fx.register('dcr-client-1');
  const token = await fx.token({ client_id: 'dcr-client-1' });
  expect((await fx.handler(modernCall(token, 'tools/list'))).statusCode).toBe(200);
  await fx.unregister('dcr-client-1');
  await expectRejected(token, /no longer registered/);
});

test('no client id at all (no client_id, azp or cid)', async () => {
  await expectRejected(await fx.token({ client_id: undefined }), /no client/);
});

test.each([
  ['azp (OIDC)', 'azp'],
  ['cid (Okta)', 'cid'],
])('client id from %s: looked up like client_id', async (_name, claim) => {
  const clientId = `dcr-${claim}-client`;
  const token = await fx.token({ client_id: undefined, [claim]: clientId });
  await expectRejected(token, /no longer registered/);
  await fx.register(clientId);
  expect((await fx.handler(modernCall(token, 'tools/list'))).statusCode).toBe(200);
  await fx.unregister(clientId);
});

test('client_id wins over azp: an unregistered client_id is refused even with a live azp', async () => {
  await fx.register('dcr-azp-live');
  await expectRejected(await fx.token({ client_id: 'stranger', azp: 'dcr-azp-live' }), /no longer registered/);
  await fx.unregister('dcr-azp-live');
});

test('no aud and no scope of this resource', async () => {
  await expectRejected(await fx.token({ scope: 'openid email' }), /no scope of this resource/);
});

test('aud equal to the resource is accepted, even without resource scopes (then 403 for lack of read)', async () => {
  const result = await fx.handler(modernCall(await fx.token({ aud: RESOURCE_URL, scope: 'openid' }), 'tools/list'));
  expect(result.statusCode).toBe(403);
  expect(headerOf(result, 'www-authenticate')).toContain('error="insufficient_scope"');
});

test('wrong aud', async () => {
  await expectRejected(await fx.token({ aud: 'https://other.example/mcp' }), /another resource/);
});

test('a scope of another resource does not stand in for aud', async () => {
  await expectRejected(await fx.token({ scope: 'http://127.0.0.1:9/mcpx/read' }), /no scope of this resource/);
});

test('GET /mcp answers 405 before any token check', async () => {
  const result = await fx.handler(event('GET', '/mcp'));
  expect(result.statusCode).toBe(405);
});
