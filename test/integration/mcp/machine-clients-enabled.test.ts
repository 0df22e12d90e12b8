/**
 * MACHINE_CLIENTS=true: tokens that name no user are accepted with their scopes, and their use
 * does not keep a registration alive (lastUsedAt is written only for a user's token).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { modernCall, parse, SCOPE_READ, SCOPE_WRITE, startFixture, type Fixture } from './support';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture({ MACHINE_CLIENTS: 'true' });
});
afterAll(() => fx.stop());

const machine = (clientId: string, scope = SCOPE_READ) => fx.token({ sub: clientId, client_id: clientId, username: undefined, scope });
const lastUsedAt = async (clientId: string) =>
  (await fx.ddb.send(new GetItemCommand({ TableName: 'registrations', Key: { pk: { S: `client#${clientId}` } }, ConsistentRead: true }))).Item?.lastUsedAt;

test('a machine token is accepted; whoami shows the client as subject and no username', async () => {
  await fx.register('m2m-on');
  const result = await fx.handler(modernCall(await machine('m2m-on'), 'tools/call', { name: 'whoami', arguments: {} }));
  expect(result.statusCode).toBe(200);
  expect(parse(result).result.structuredContent).toEqual({ subject: 'm2m-on', username: null, clientId: 'm2m-on', scopes: [SCOPE_READ] });
});

test('a machine token writes no lastUsedAt; a user token of the same client does', async () => {
  await fx.register('m2m-use');
  expect((await fx.handler(modernCall(await machine('m2m-use'), 'tools/list'))).statusCode).toBe(200);
  expect(await lastUsedAt('m2m-use')).toBeUndefined();
  expect((await fx.handler(modernCall(await fx.token({ client_id: 'm2m-use' }), 'tools/list'))).statusCode).toBe(200);
  expect((await lastUsedAt('m2m-use'))?.N).toBeDefined();
});

test('a machine token still needs the tool scopes, and a deleted machine client is refused', async () => {
  await fx.register('m2m-scope');
  const add = await fx.handler(modernCall(await machine('m2m-scope'), 'tools/call', { name: 'notes_add', arguments: { text: 'x' } }));
  expect(add.statusCode).toBe(403);
  const written = await fx.handler(modernCall(await machine('m2m-scope', `${SCOPE_READ} ${SCOPE_WRITE}`), 'tools/call', { name: 'notes_add', arguments: { text: 'x' } }));
  expect(written.statusCode).toBe(200);
  await fx.unregister('m2m-scope');
  expect((await fx.handler(modernCall(await machine('m2m-scope'), 'tools/list'))).statusCode).toBe(401);
});
