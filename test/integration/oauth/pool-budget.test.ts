/**
 * The pool-wide budget (issue 12 item 5): `budget#pool` counts the app clients this system created;
 * open registrations stop at REGISTRATION_POOL_BUDGET with 503 + Retry-After, token-mode ones are
 * counted but pass; every delete path (RFC 7592 DELETE, compensation) gives the slot back once.
 */
import { CreateUserPoolClientCommand, DeleteUserPoolClientCommand, InternalErrorException } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../../../lambda/shared/tokens';
import type { OAuthDeps } from '../../../lambda/oauth/deps';
import {
  bodyOf,
  buildHandler,
  event,
  faulty,
  headerOf,
  listClients,
  newEnvironment,
  publicClient,
  quietLogs,
  registrationItems,
  startServices,
  stopServices,
  type Environment,
  type Handler,
  type Services,
} from './harness';

let services: Services;

beforeAll(async () => {
  services = await startServices();
});
afterAll(() => stopServices(services));
quietLogs();

async function budgetCount(environment: Environment): Promise<number | undefined> {
  const out = await services.ddb.send(new GetCommand({ TableName: environment.table, Key: { pk: 'budget#pool' }, ConsistentRead: true }));
  return out.Item?.count as number | undefined;
}

const post = (handler: Handler, ip: string, headers: Record<string, string> = {}) =>
  handler(event('POST', '/register', { body: publicClient(), sourceIp: ip, headers }));

describe('open registration mode', () => {
  test('at the budget: 503 temporarily_unavailable with Retry-After, nothing created; a DELETE frees a slot', async () => {
    const environment = await newEnvironment(services, { REGISTRATION_POOL_BUDGET: '2' });
    const { handler } = buildHandler(services, environment);
    const first = bodyOf(await handler(event('POST', '/register', { body: publicClient(), sourceIp: '198.51.100.1' })));
    expect((await post(handler, '198.51.100.2')).statusCode).toBe(201);
    const refused = await handler(event('POST', '/register', { body: publicClient(), sourceIp: '198.51.100.3' }));
    expect(refused.statusCode).toBe(503);
    expect(bodyOf(refused)).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/registered as many clients as it allows \(2\)/) });
    expect(Number(headerOf(refused, 'retry-after'))).toBeGreaterThanOrEqual(60);
    expect(await listClients(services, environment.poolId)).toHaveLength(2);
    expect(await registrationItems(services, environment.table)).toHaveLength(2);
    expect(await budgetCount(environment)).toBe(2);

    const token = first.registration_access_token as string;
    const deleted = await handler(event('DELETE', `/register/${first.client_id}`, { headers: { authorization: `Bearer ${token}` } }));
    expect(deleted.statusCode).toBe(204);
    expect(await budgetCount(environment)).toBe(1);
    expect((await post(handler, '198.51.100.3')).statusCode).toBe(201);
    expect(await budgetCount(environment)).toBe(2);
  });

  test('concurrent registrations from many addresses over two instances never pass the budget', async () => {
    const environment = await newEnvironment(services, { REGISTRATION_POOL_BUDGET: '3' });
    const handlers = [buildHandler(services, environment).handler, buildHandler(services, environment).handler];
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post(handlers[i % 2]!, `192.0.2.${i + 1}`)));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(3);
    expect(results.filter((r) => r.statusCode === 503)).toHaveLength(5);
    expect(await listClients(services, environment.poolId)).toHaveLength(3);
    expect(await budgetCount(environment)).toBe(3);
  });

  test('a rejected request (400) spends no slot', async () => {
    const environment = await newEnvironment(services, { REGISTRATION_POOL_BUDGET: '1' });
    const { handler } = buildHandler(services, environment);
    const bad = await handler(event('POST', '/register', { body: publicClient({ redirect_uris: ['http://evil.example/cb'] }) }));
    expect(bad.statusCode).toBe(400);
    expect(await budgetCount(environment)).toBeUndefined();
    expect((await post(handler, '203.0.113.50')).statusCode).toBe(201);
  });
});

describe('token registration mode', () => {
  test('registrations are counted but may pass the budget (headroom for the operator)', async () => {
    const environment = await newEnvironment(services, {
      REGISTRATION_POOL_BUDGET: '1',
      REGISTRATION_MODE: 'token',
      INITIAL_ACCESS_TOKEN_SHA256: sha256Hex('iat'),
    });
    const { handler } = buildHandler(services, environment);
    for (let i = 0; i < 3; i++) expect((await post(handler, `198.51.100.${60 + i}`, { authorization: 'Bearer iat' })).statusCode).toBe(201);
    expect(await budgetCount(environment)).toBe(3);
  });
});

describe('compensation gives the slot back (or keeps it for an app client that is still there)', () => {
  let environment: Environment;
  beforeEach(async () => {
    environment = await newEnvironment(services, { REGISTRATION_POOL_BUDGET: '5' });
  });
  const withFaults = (cognito: (c: unknown) => Error | undefined, dynamo: (c: unknown) => Error | undefined = () => undefined) =>
    buildHandler(services, environment, (deps: OAuthDeps) => ({ ...deps, idp: faulty(deps.idp, cognito), ddb: faulty(deps.ddb, dynamo) })).handler;
  const boom = () => new InternalErrorException({ message: 'boom', $metadata: {} });

  test('CreateUserPoolClient fails: slot released', async () => {
    const handler = withFaults((c) => (c instanceof CreateUserPoolClientCommand ? boom() : undefined));
    expect((await post(handler, '192.0.2.100')).statusCode).toBe(503);
    expect(await budgetCount(environment)).toBe(0);
  });

  test('the record write fails: the app client is deleted and the slot released', async () => {
    const handler = withFaults(() => undefined, (c) => (c instanceof PutCommand ? new Error('write failed') : undefined));
    expect((await post(handler, '192.0.2.101')).statusCode).toBe(500);
    expect(await listClients(services, environment.poolId)).toHaveLength(0);
    expect(await budgetCount(environment)).toBe(0);
  });

  test('the record write fails and the undo fails too: the orphan app client keeps its slot', async () => {
    const handler = withFaults(
      (c) => (c instanceof DeleteUserPoolClientCommand ? boom() : undefined),
      (c) => (c instanceof PutCommand ? new Error('write failed') : undefined),
    );
    expect((await post(handler, '192.0.2.102')).statusCode).toBe(500);
    expect(await listClients(services, environment.poolId)).toHaveLength(1);
    expect(await budgetCount(environment)).toBe(1);
  });
});
