/**
 * Tokens that name no user (client_credentials) with MACHINE_CLIENTS unset (the default): refused
 * with 401 invalid_token before any liveness lookup, so nothing is written (docs/mcp-server.md,
 * "Machine clients").
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { NO_USER } from '../../../lambda/mcp/token-verifier';
import { headerOf, modernCall, parse, PRM_URL, SCOPE_READ, startFixture, STATIC_CLIENT_ID, type Fixture } from './support';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.stop());

/** A Cognito client_credentials access token: the client is the subject, no username. */
const machineClaims = (clientId: string) => ({ sub: clientId, client_id: clientId, username: undefined });

async function expectNoUser(token: string) {
  const result = await fx.handler(modernCall(token, 'tools/call', { name: 'whoami', arguments: {} }, 'm-1'));
  expect(result.statusCode).toBe(401);
  const challenge = headerOf(result, 'www-authenticate') ?? '';
  expect(challenge).toContain('error="invalid_token"');
  expect(challenge).toContain(`resource_metadata="${PRM_URL}"`);
  expect(challenge).toContain(`scope="${SCOPE_READ}"`);
  expect(challenge).toContain('names no user');
  expect(parse(result)).toMatchObject({ id: 'm-1', error: { message: `Unauthorized: ${NO_USER}` } });
}

test('a client_credentials token of a registered machine client is refused, and not counted as use', async () => {
  await fx.register('m2m-client');
  await expectNoUser(await fx.token(machineClaims('m2m-client')));
  const item = await fx.ddb.send(new GetItemCommand({ TableName: 'registrations', Key: { pk: { S: 'client#m2m-client' } }, ConsistentRead: true }));
  expect(item.Item?.lastUsedAt).toBeUndefined();
});

test('a Cognito-shaped token without username is refused even when sub differs from the client id', async () => {
  await expectNoUser(await fx.token({ sub: 'not-the-client', client_id: STATIC_CLIENT_ID, username: undefined }));
});

test('another issuer’s machine token (Auth0 gty) is refused', async () => {
  await expectNoUser(await fx.token({ sub: 'x@clients', token_use: undefined, gty: 'client-credentials' }, { typ: 'at+jwt' }));
});

test('a user’s token through the same client is accepted', async () => {
  const result = await fx.handler(modernCall(await fx.token({ client_id: 'm2m-client' }), 'tools/call', { name: 'whoami', arguments: {} }));
  expect(result.statusCode).toBe(200);
});
