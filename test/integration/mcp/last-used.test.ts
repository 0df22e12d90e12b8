/**
 * Client last use (docs/mcp-server.md, "Client last use"): the liveness lookup of a DCR client
 * sets the registration's `lastUsedAt` at most once a day, never recreates a deleted registration,
 * and never fails a request when the write fails. Through the Lambda handler with dynalite; the
 * handler's DynamoDB calls go through a proxy that counts UpdateItem calls and injects faults.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LAST_USED_RESOLUTION_SECONDS } from '../../../lambda/mcp/client-liveness';
import { modernCall, parse, startFixture, STATIC_CLIENT_ID, type Fixture } from './support';

/** The handler's UpdateItem calls, as the fixture's DynamoDB proxy saw them. */
const updates = () => fx.dynamodb.calls.filter((c) => c.operation === 'UpdateItem');

let fx: Fixture;
let stderr: jest.SpyInstance;
let logged: string[];

beforeAll(async () => {
  // warn: the failed-write warning is what one test looks for; the access log (info) stays quiet.
  fx = await startFixture({ LOG_LEVEL: 'warn' });
});
afterAll(() => fx.stop());

beforeEach(() => {
  fx.dynamodb.reset();
  logged = [];
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (logged.push(String(chunk)), true));
});
afterEach(() => stderr.mockRestore());

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function item(clientId: string) {
  const out = await fx.ddb.send(new GetItemCommand({ TableName: 'registrations', Key: { pk: { S: `client#${clientId}` } }, ConsistentRead: true }));
  return out.Item;
}

async function registerUsedAt(clientId: string, lastUsedAt: number) {
  await fx.ddb.send(
    new PutItemCommand({
      TableName: 'registrations',
      Item: { pk: { S: `client#${clientId}` }, clientId: { S: clientId }, createdAt: { S: '2026-01-01T00:00:00.000Z' }, lastUsedAt: { N: String(lastUsedAt) } },
    }),
  );
}

async function toolsList(clientId: string) {
  return fx.handler(modernCall(await fx.token({ client_id: clientId }), 'tools/list'));
}

test('the first authorized request of a DCR client sets lastUsedAt (a Number, epoch seconds), keeping the other attributes', async () => {
  await fx.register('dcr-first');
  expect((await item('dcr-first'))?.lastUsedAt).toBeUndefined();
  const before = nowSeconds();
  const result = await toolsList('dcr-first');
  expect(result.statusCode).toBe(200);
  const stored = await item('dcr-first');
  expect(stored?.lastUsedAt?.N).toBeDefined();
  expect(Number(stored?.lastUsedAt?.N)).toBeGreaterThanOrEqual(before);
  expect(Number(stored?.lastUsedAt?.N)).toBeLessThanOrEqual(nowSeconds());
  expect(stored?.clientId).toEqual({ S: 'dcr-first' });
  expect(updates()).toHaveLength(1);
  expect(updates()[0].outcome).toBe('ok');
  expect(updates()[0].input).toMatchObject({
    TableName: 'registrations',
    Key: { pk: { S: 'client#dcr-first' } },
    UpdateExpression: 'SET lastUsedAt = :now',
    ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
  });
  expect(logged).toEqual([]);
});

test('a second request within a day does not write again', async () => {
  await fx.register('dcr-twice');
  expect((await toolsList('dcr-twice')).statusCode).toBe(200);
  const first = (await item('dcr-twice'))?.lastUsedAt?.N;
  await new Promise((ok) => setTimeout(ok, 1100)); // a later second, so a rewrite would show
  expect((await toolsList('dcr-twice')).statusCode).toBe(200);
  expect((await fx.handler(modernCall(await fx.token({ client_id: 'dcr-twice' }), 'tools/call', { name: 'whoami', arguments: {} }))).statusCode).toBe(200);
  expect((await item('dcr-twice'))?.lastUsedAt?.N).toBe(first);
  expect(updates()).toHaveLength(1);
});

test('a lastUsedAt just under a day old is left alone', async () => {
  const recent = nowSeconds() - LAST_USED_RESOLUTION_SECONDS + 60;
  await registerUsedAt('dcr-recent', recent);
  expect((await toolsList('dcr-recent')).statusCode).toBe(200);
  expect((await item('dcr-recent'))?.lastUsedAt).toEqual({ N: String(recent) });
  expect(updates()).toHaveLength(0);
});

test('a lastUsedAt two days old is refreshed', async () => {
  const old = nowSeconds() - 2 * 86_400;
  await registerUsedAt('dcr-old', old);
  const before = nowSeconds();
  expect((await toolsList('dcr-old')).statusCode).toBe(200);
  const stored = await item('dcr-old');
  expect(Number(stored?.lastUsedAt?.N)).toBeGreaterThanOrEqual(before);
  expect(stored?.createdAt).toEqual({ S: '2026-01-01T00:00:00.000Z' });
  expect(updates().map((u) => u.outcome)).toEqual(['ok']);
});

test('a deleted registration is not recreated: 401, and the item stays absent', async () => {
  await fx.register('dcr-deleted');
  await fx.unregister('dcr-deleted');
  const result = await toolsList('dcr-deleted');
  expect(result.statusCode).toBe(401);
  expect(result.headers?.['www-authenticate']).toContain('invalid_token');
  expect(await item('dcr-deleted')).toBeUndefined();
  expect(updates()).toHaveLength(0);
});

test('a registration deleted between the read and the write is not recreated either (the condition fails quietly)', async () => {
  await fx.register('dcr-race');
  fx.dynamodb.after('GetItem', async (call) => {
    if ((call.input.Key as { pk?: { S?: string } }).pk?.S === 'client#dcr-race') await fx.unregister('dcr-race');
  });
  const result = await toolsList('dcr-race');
  expect(result.statusCode).toBe(200); // live when read
  expect(updates().map((u) => u.outcome)).toEqual(['ConditionalCheckFailedException']);
  expect(await item('dcr-race')).toBeUndefined();
  expect(logged).toEqual([]);
  fx.dynamodb.after('GetItem', null);
  expect((await toolsList('dcr-race')).statusCode).toBe(401);
});

test('a failing UpdateItem still answers 200 and logs a warning without token data', async () => {
  await fx.register('dcr-fail');
  fx.dynamodb.fail('UpdateItem', { type: 'AccessDeniedException', message: 'User is not authorized to perform: dynamodb:UpdateItem' });
  const token = await fx.token({ client_id: 'dcr-fail', sub: 'user-fail', username: 'frank' });
  const result = await fx.handler(modernCall(token, 'tools/call', { name: 'whoami', arguments: {} }));
  expect(result.statusCode).toBe(200);
  expect(parse(result).result.structuredContent).toMatchObject({ subject: 'user-fail', clientId: 'dcr-fail' });
  expect(updates().map((u) => u.outcome)).toEqual(['AccessDeniedException']);
  expect(await item('dcr-fail')).not.toHaveProperty('lastUsedAt');

  const warnings = logged.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.level === 'WARN');
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ message: 'client lastUsedAt not recorded', clientId: 'dcr-fail', errorName: 'AccessDeniedException' });
  const text = logged.join('');
  expect(text).not.toContain(token);
  expect(text).not.toContain(token.split('.')[1]);
  expect(text).not.toMatch(/bearer|user-fail|frank/i);
});

test('a network failure of UpdateItem is no 503 either', async () => {
  await fx.register('dcr-net');
  fx.dynamodb.fail('UpdateItem', 'drop');
  expect((await toolsList('dcr-net')).statusCode).toBe(200);
  expect(logged).toHaveLength(1);
  expect(JSON.parse(logged[0])).toMatchObject({ level: 'WARN', message: 'client lastUsedAt not recorded', clientId: 'dcr-net' });
  expect(updates().map((u) => u.outcome)).toEqual(['dropped']);
});

test('the static client has no item: nothing is written, nothing created', async () => {
  expect((await toolsList(STATIC_CLIENT_ID)).statusCode).toBe(200);
  expect(updates()).toHaveLength(0);
  expect(await item(STATIC_CLIENT_ID)).toBeUndefined();
});
