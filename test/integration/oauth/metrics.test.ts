/**
 * Registration metrics through the facade against dynalite and cognito-local (issue 15):
 * created / updated / deleted, refusals by operation and reason, rate-limit refusals, all as
 * embedded-metric lines whose dimensions never carry a client id, a token or an address.
 */
import { configureMetrics, setMetricsPool } from '../../../lambda/shared/metrics';
import { captureWrites, metricsIn } from '../../support/metrics-capture';
import { bodyOf, buildHandler, event, newEnvironment, publicClient, startServices, stopServices, type Environment, type Services } from './harness';

let services: Services;
let environment: Environment;
let written: string[];

beforeAll(async () => {
  services = await startServices();
});
afterAll(() => stopServices(services));
beforeEach(async () => {
  environment = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '4' });
  configureMetrics('oauth', environment.poolId);
  written = captureWrites();
});
afterEach(() => {
  jest.restoreAllMocks();
  setMetricsPool(undefined);
});

const named = (name: string) => metricsIn(written).filter((m) => m.name === name);

test('created, updated and deleted registrations are counted; refusals by operation and reason', async () => {
  const { handler } = buildHandler(services, environment);
  const created = bodyOf(await handler(event('POST', '/register', { body: publicClient() })));
  const id = created.client_id as string;
  let token = created.registration_access_token as string;
  const auth = () => ({ authorization: `Bearer ${token}` });

  expect((await handler(event('POST', '/register', { body: publicClient({ redirect_uris: ['http://evil.example.com/cb'] }) }))).statusCode).toBe(400);
  expect((await handler(event('GET', `/register/${id}`, { headers: { authorization: 'Bearer wrong' } }))).statusCode).toBe(401);
  const read = await handler(event('GET', `/register/${id}`, { headers: auth() }));
  token = bodyOf(read).registration_access_token as string;
  const updated = await handler(event('PUT', `/register/${id}`, { headers: auth(), body: { ...publicClient({ client_name: 'Renamed' }), client_id: id } }));
  expect(updated.statusCode).toBe(200);
  token = bodyOf(updated).registration_access_token as string;
  expect((await handler(event('DELETE', `/register/${id}`, { headers: auth() }))).statusCode).toBe(204);
  expect((await handler(event('DELETE', `/register/${id}`, { headers: auth() }))).statusCode).toBe(401);

  const pool = { service: 'oauth', UserPoolId: environment.poolId };
  expect(named('RegistrationsCreated')).toEqual([{ name: 'RegistrationsCreated', value: 1, dimensions: pool }]);
  expect(named('RegistrationsUpdated')).toEqual([{ name: 'RegistrationsUpdated', value: 1, dimensions: pool }]);
  expect(named('RegistrationsDeleted')).toEqual([{ name: 'RegistrationsDeleted', value: 1, dimensions: pool }]);
  expect(named('RegistrationsRefused').map((m) => m.dimensions)).toEqual([
    { ...pool, Operation: 'register', Reason: 'invalid_redirect_uri' },
    { ...pool, Operation: 'read', Reason: 'invalid_token' },
    { ...pool, Operation: 'delete', Reason: 'invalid_token' },
  ]);
  // Low cardinality: no dimension value is a client id, a token or an address.
  const values = metricsIn(written).flatMap((m) => Object.values(m.dimensions).map(String));
  for (const secretish of [id, token, '203.0.113.7']) expect(values).not.toContain(secretish);
});

test('a rate-limit refusal is counted as such and as a refused registration with reason rate_limit', async () => {
  const { handler } = buildHandler(services, environment);
  for (let i = 0; i < 4; i++) expect((await handler(event('POST', '/register', { body: publicClient() }))).statusCode).toBe(201);
  expect((await handler(event('POST', '/register', { body: publicClient() }))).statusCode).toBe(429);
  expect(named('RateLimitRefusals')).toEqual([{ name: 'RateLimitRefusals', value: 1, dimensions: { service: 'oauth', UserPoolId: environment.poolId } }]);
  expect(named('RegistrationsRefused').map((m) => m.dimensions)).toEqual([{ service: 'oauth', UserPoolId: environment.poolId, Operation: 'register', Reason: 'rate_limit' }]);
  expect(named('RegistrationsCreated')).toHaveLength(4);
});

test('the pool budget refusal has its own reason', async () => {
  environment = await newEnvironment(services, { REGISTRATION_POOL_BUDGET: '1', REGISTRATION_RATE_LIMIT: '100' });
  configureMetrics('oauth', environment.poolId);
  const { handler } = buildHandler(services, environment);
  expect((await handler(event('POST', '/register', { body: publicClient() }))).statusCode).toBe(201);
  expect((await handler(event('POST', '/register', { body: publicClient() }))).statusCode).toBe(503);
  expect(named('RegistrationsRefused').map((m) => m.dimensions.Reason)).toEqual(['pool_budget']);
});
