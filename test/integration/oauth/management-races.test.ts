/**
 * Racing RFC 7592 calls on one registration with one token (issue 12 item 12): PUT/DELETE,
 * PUT/PUT, GET/DELETE, DELETE/DELETE, many times each, against dynalite and cognito-local. No
 * answer is a 5xx, and afterwards the app client, the record and the pool budget agree.
 */
import { DeleteUserPoolClientCommand, InternalErrorException, UpdateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { loadSweeperConfig } from '../../../lambda/oauth/config';
import { sweepRegistrations } from '../../../lambda/oauth/sweep';
import type { OAuthDeps } from '../../../lambda/oauth/deps';
import { bodyOf, buildHandler, describeClient, event, faulty, newEnvironment, publicClient, quietLogs, registrationItems, startServices, stopServices, type Environment, type Handler, type Services } from './harness';

const ITERATIONS = 12;

let services: Services;
let environment: Environment;
let handlers: Handler[];

beforeAll(async () => {
  services = await startServices();
  environment = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '100000' });
  // Two instances, as two Lambda containers would serve the two requests.
  handlers = [buildHandler(services, environment).handler, buildHandler(services, environment).handler];
});
afterAll(() => stopServices(services));
quietLogs();

async function appClientExists(clientId: string): Promise<boolean> {
  try {
    return Boolean(await describeClient(services, environment.poolId, clientId));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}

async function budget(): Promise<number> {
  const out = await services.ddb.send(new GetCommand({ TableName: environment.table, Key: { pk: 'budget#pool' }, ConsistentRead: true }));
  return (out.Item?.count as number | undefined) ?? 0;
}

function call(handler: Handler, verb: string, id: string, token: string) {
  const body = verb === 'PUT' ? { ...publicClient({ client_name: `Renamed ${Math.random()}` }), client_id: id } : undefined;
  return handler(event(verb, `/register/${id}`, { headers: { authorization: `Bearer ${token}` }, body }));
}

const ALLOWED: Record<string, number[]> = {
  // 401: authenticated after the other request rotated the token or removed the record;
  // 404: the registration was deleted underneath; 409: the other request changed it first.
  GET: [200, 401, 404],
  PUT: [200, 401, 404, 409],
  DELETE: [204, 401, 409],
};

describe.each([
  ['PUT', 'DELETE'],
  ['PUT', 'PUT'],
  ['GET', 'DELETE'],
  ['DELETE', 'DELETE'],
])('%s racing %s', (first, second) => {
  test(`${ITERATIONS} races: no 5xx, and the app client, the record and the budget agree`, async () => {
    for (let i = 0; i < ITERATIONS; i++) {
      const created = bodyOf(await handlers[0]!(event('POST', '/register', { body: publicClient() })));
      const id = created.client_id as string;
      const token = created.registration_access_token as string;
      const before = await budget();
      const results = await Promise.all([call(handlers[0]!, first, id, token), call(handlers[1]!, second, id, token)]);
      results.forEach((result, n) => {
        const verb = n === 0 ? first : second;
        expect(ALLOWED[verb]).toContain(result.statusCode);
      });

      const record = (await registrationItems(services, environment.table)).find((item) => item.clientId === id);
      const exists = await appClientExists(id);
      const deleted = results.some((result, n) => (n === 0 ? first : second) === 'DELETE' && result.statusCode === 204);
      // Consistent: both sides or neither, and no record left half-deleted.
      expect({ record: Boolean(record), appClient: exists }).toEqual({ record: !deleted, appClient: !deleted });
      expect(record?.deletingAt).toBeUndefined();
      expect(await budget()).toBe(deleted ? before - 1 : before);
      if (record) {
        // The registration still works with the token one of the answers carries (or the original one).
        const tokens = [token, ...results.map((r) => bodyOf(r).registration_access_token as string | undefined)].filter(Boolean) as string[];
        const working = await Promise.all(tokens.map((t) => handlers[0]!(event('GET', `/register/${id}`, { headers: { authorization: `Bearer ${t}` } }))));
        expect(working.filter((r) => r.statusCode === 200)).toHaveLength(1);
      }
    }
  });
});

describe('the interleavings, one at a time (injected at the exact step)', () => {
  async function registered() {
    const created = bodyOf(await handlers[0]!(event('POST', '/register', { body: publicClient() })));
    return { id: created.client_id as string, token: created.registration_access_token as string };
  }

  test('PUT whose app client a DELETE removed before UpdateUserPoolClient: 404, not 500; the DELETE completes', async () => {
    const { id, token } = await registered();
    let deleteAnswer: number | undefined;
    const racing = buildHandler(services, environment, (deps: OAuthDeps) => ({
      ...deps,
      idp: faulty(deps.idp, async (command) => {
        if (command instanceof UpdateUserPoolClientCommand) deleteAnswer = (await call(handlers[1]!, 'DELETE', id, token)).statusCode;
      }),
    })).handler;
    const put = await call(racing, 'PUT', id, token);
    expect(put.statusCode).toBe(404);
    expect(bodyOf(put)).toEqual({ error: 'not_found', error_description: expect.stringMatching(/deleted by a concurrent request/) });
    expect(deleteAnswer).toBe(204);
    expect(await appClientExists(id)).toBe(false);
    expect((await registrationItems(services, environment.table)).find((item) => item.clientId === id)).toBeUndefined();
  });

  test('DELETE is conditional on the token hash it authenticated with: a GET that rotated the token first wins, 409, nothing deleted', async () => {
    const { id, token } = await registered();
    let rotated: string | undefined;
    const racing = buildHandler(services, environment, (deps: OAuthDeps) => ({
      ...deps,
      ddb: faulty(deps.ddb, async (command) => {
        // Right before the delete marks the record: another request reads it (and rotates the token).
        if (command instanceof UpdateCommand && command.input.UpdateExpression?.includes('deletingAt') && !rotated) {
          rotated = bodyOf(await call(handlers[1]!, 'GET', id, token)).registration_access_token as string;
        }
      }),
    })).handler;
    const deleted = await call(racing, 'DELETE', id, token);
    expect(deleted.statusCode).toBe(409);
    expect(await appClientExists(id)).toBe(true);
    const record = (await registrationItems(services, environment.table)).find((item) => item.clientId === id);
    expect(record).toBeDefined();
    expect(record?.deletingAt).toBeUndefined();
    expect((await call(handlers[0]!, 'DELETE', id, rotated!)).statusCode).toBe(204);
  });

  test('a registration marked for deletion (a delete that failed half-way) refuses GET and PUT with 404; a DELETE retry finishes it', async () => {
    const { id, token } = await registered();
    const failing = buildHandler(services, environment, (deps: OAuthDeps) => ({
      ...deps,
      idp: faulty(deps.idp, (command) => (command instanceof DeleteUserPoolClientCommand ? new InternalErrorException({ message: 'down', $metadata: {} }) : undefined)),
    })).handler;
    expect((await call(failing, 'DELETE', id, token)).statusCode).toBe(503);
    for (const verb of ['GET', 'PUT']) expect((await call(handlers[0]!, verb, id, token)).statusCode).toBe(404);
    expect((await call(handlers[0]!, 'DELETE', id, token)).statusCode).toBe(204);
    expect(await appClientExists(id)).toBe(false);
  });

  test('the sweeper finishes a delete that failed half-way, however recently the client was used', async () => {
    const { id, token } = await registered();
    const failing = buildHandler(services, environment, (deps: OAuthDeps) => ({
      ...deps,
      ddb: faulty(deps.ddb, (command) => (command instanceof DeleteCommand ? new Error('disk on fire') : undefined)),
    })).handler;
    const slotsBefore = await budget();
    expect((await call(failing, 'DELETE', id, token)).statusCode).toBe(500);
    expect(await appClientExists(id)).toBe(false);
    const { deps } = buildHandler(services, environment);
    const summary = await sweepRegistrations({ config: loadSweeperConfig(environment.env), ddb: deps.ddb, idp: deps.idp, now: () => new Date(), sleep: async () => undefined });
    expect(summary.deleted).toBeGreaterThanOrEqual(1);
    expect((await registrationItems(services, environment.table)).find((item) => item.clientId === id)).toBeUndefined();
    expect(await budget()).toBe(slotsBefore - 1);
  });
});
