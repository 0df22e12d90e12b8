/**
 * CIMD end to end against dynalite and cognito-local, with a real local HTTP server as the document
 * host (trusted through LOCAL_CIMD_TRUSTED_ORIGINS, as the local stack does): provisioning one app
 * client per URL (also under concurrency), caching, refetch, RFC 7592 refusing CIMD records, the
 * sweeper, the pool budget, and every refused fetch (SSRF rules, redirect, size, time, document).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadSweeperConfig } from '../../../lambda/oauth/config';
import { resolveCimdClient, type CimdClient } from '../../../lambda/oauth/cimd';
import { cimdKey } from '../../../lambda/oauth/cimd/store';
import type { OAuthDeps } from '../../../lambda/oauth/deps';
import { sweepRegistrations } from '../../../lambda/oauth/sweep';
import { captureWrites, metricsIn } from '../../support/metrics-capture';
import { bodyOf, buildHandler, describeClient, event, listClients, newEnvironment, publicClient, quietLogs, READ, registrationItems, startServices, stopServices, WRITE, type Environment, type Services } from './harness';

let services: Services;
let server: Server;
let origin: string;
const fetches = new Map<string, number>();
const hostHeaders: IncomingHttpHeaders[] = [];
let names: Record<string, string> = {};

const documentFor = (url: string, extra: Record<string, unknown> = {}) => ({
  client_id: url,
  client_name: names[new URL(url).pathname] ?? 'Local CIMD client',
  redirect_uris: ['http://127.0.0.1:33418/callback'],
  scope: READ,
  ...extra,
});

beforeAll(async () => {
  services = await startServices();
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    fetches.set(path, (fetches.get(path) ?? 0) + 1);
    hostHeaders.push(req.headers);
    const url = `http://${req.headers.host}${path}`;
    const send = (body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
      res.end(text);
    };
    if (path === '/redirect.json') {
      res.writeHead(302, { location: `${origin}/ok.json` });
      res.end();
    } else if (path === '/big.json') send({ ...documentFor(url), padding: 'x'.repeat(6000) });
    else if (path === '/big-chunked.json') {
      res.writeHead(200, { 'content-type': 'application/json' }); // no content-length: chunked
      res.write(`{"client_id":"${url}","padding":"`);
      for (let i = 0; i < 10; i++) res.write('y'.repeat(1000));
      res.end('"}');
    } else if (path === '/slow.json') setTimeout(() => send(documentFor(url)), 3000);
    else if (path === '/mismatch.json') send(documentFor(url, { client_id: `${origin}/other.json` }));
    else if (path === '/secret.json') send(documentFor(url, { client_secret: 'shared', token_endpoint_auth_method: 'client_secret_basic' }));
    else if (path === '/not-json.json') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>');
    } else if (path === '/missing.json') {
      res.writeHead(404);
      res.end();
    } else send(documentFor(url), { 'cache-control': 'max-age=600' });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  await stopServices(services);
});
quietLogs();
beforeEach(() => {
  names = {};
});

let clock = new Date('2026-12-01T12:00:00Z');
async function setup(extraEnv: Record<string, string> = {}): Promise<{ environment: Environment; deps: OAuthDeps }> {
  const environment = await newEnvironment(services, { LOCAL_CIMD_TRUSTED_ORIGINS: origin, REGISTRATION_RATE_LIMIT: '1000', ...extraEnv });
  const { deps } = buildHandler(services, environment, (d) => ({ ...d, now: () => clock }));
  return { environment, deps };
}

async function item(environment: Environment, pk: string) {
  return (await services.ddb.send(new GetCommand({ TableName: environment.table, Key: { pk }, ConsistentRead: true }))).Item;
}

describe('provisioning', () => {
  test('first use creates one app client, the cimd# mapping, the client# record (no registration token) and counts it in the budget', async () => {
    const { environment, deps } = await setup();
    const url = `${origin}/first.json`;
    const client = await resolveCimdClient(deps, url);
    expect(client).toEqual<CimdClient>({
      clientId: url,
      cognitoClientId: expect.any(String),
      clientName: 'Local CIMD client',
      redirectUris: ['http://127.0.0.1:33418/callback'],
      scopes: [READ, WRITE],
      documentHost: new URL(origin).host,
    });
    const appClients = await listClients(services, environment.poolId);
    expect(appClients.map((c) => c.ClientId)).toEqual([client.cognitoClientId]);
    expect(await describeClient(services, environment.poolId, client.cognitoClientId)).toMatchObject({ AllowedOAuthFlows: ['code'], AllowedOAuthScopes: [READ, WRITE] });
    expect(await item(environment, cimdKey(url))).toEqual({
      pk: cimdKey(url),
      url,
      cognitoClientId: client.cognitoClientId,
      document: expect.objectContaining({ client_id: url, client_name: 'Local CIMD client', token_endpoint_auth_method: 'none' }),
      fetchedAt: clock.toISOString(),
      cacheUntil: Math.floor(clock.getTime() / 1000) + 600,
    });
    const record = await item(environment, `client#${client.cognitoClientId}`);
    expect(record).toMatchObject({ clientId: client.cognitoClientId, cimdUrl: url, confidential: false, createdAt: clock.toISOString() });
    expect(record).not.toHaveProperty('registrationTokenHash');
    expect(await item(environment, 'budget#pool')).toMatchObject({ count: 1 });
  });

  test('concurrent first uses over two instances end with one app client, one record, one slot; all get the same client', async () => {
    const { environment, deps } = await setup();
    const other = buildHandler(services, environment, (d) => ({ ...d, now: () => clock })).deps;
    const url = `${origin}/concurrent.json`;
    const clients = await Promise.all(Array.from({ length: 6 }, (_, i) => resolveCimdClient(i % 2 ? deps : other, url)));
    const ids = new Set(clients.map((c) => c.cognitoClientId));
    expect(ids.size).toBe(1);
    expect((await listClients(services, environment.poolId)).map((c) => c.ClientId)).toEqual([...ids]);
    expect((await registrationItems(services, environment.table)).map((r) => r.clientId)).toEqual([...ids]);
    expect(await item(environment, 'budget#pool')).toMatchObject({ count: 1 });
  });

  test('a fresh cached document is not fetched again; a stale one is, and a changed name follows to the app client', async () => {
    const { environment, deps } = await setup();
    const url = `${origin}/cached.json`;
    const first = await resolveCimdClient(deps, url);
    const fetched = fetches.get('/cached.json');
    clock = new Date(clock.getTime() + 599_000);
    await resolveCimdClient(deps, url);
    expect(fetches.get('/cached.json')).toBe(fetched);
    names['/cached.json'] = 'Renamed client';
    clock = new Date(clock.getTime() + 2_000);
    const second = await resolveCimdClient(deps, url);
    expect(fetches.get('/cached.json')).toBe(fetched! + 1);
    expect(second).toMatchObject({ cognitoClientId: first.cognitoClientId, clientName: 'Renamed client' });
    expect((await describeClient(services, environment.poolId, first.cognitoClientId))?.ClientName).toBe('dcr Renamed client');
    expect((await item(environment, `client#${first.cognitoClientId}`))?.metadata).toMatchObject({ client_name: 'Renamed client' });
  });

  test('RFC 7592 refuses a CIMD client record: 401 for GET, PUT and DELETE, whatever the token', async () => {
    const { environment, deps } = await setup();
    const client = await resolveCimdClient(deps, `${origin}/no7592.json`);
    const { handler } = buildHandler(services, environment);
    for (const verb of ['GET', 'PUT', 'DELETE']) {
      for (const authorization of ['Bearer anything-at-all', `Bearer ${'0'.repeat(43)}`]) {
        const result = await handler(event(verb, `/register/${client.cognitoClientId}`, { headers: { authorization }, body: publicClient({ client_id: client.cognitoClientId }) }));
        expect(result.statusCode).toBe(401);
        expect(bodyOf(result).error).toBe('invalid_token');
      }
    }
    expect(await describeClient(services, environment.poolId, client.cognitoClientId)).toBeDefined();
  });

  test('the sweeper deletes a never-used CIMD client with its cimd# mapping and slot; the next use provisions anew', async () => {
    const { environment, deps } = await setup();
    const url = `${origin}/swept.json`;
    const client = await resolveCimdClient(deps, url);
    const later = new Date(clock.getTime() + 25 * 3600_000);
    const summary = await sweepRegistrations({ config: loadSweeperConfig(environment.env), ddb: deps.ddb, idp: deps.idp, now: () => later, sleep: async () => undefined });
    expect(summary).toMatchObject({ scanned: 1, deleted: 1 });
    expect(await listClients(services, environment.poolId)).toHaveLength(0);
    expect(await item(environment, cimdKey(url))).toBeUndefined();
    expect(await item(environment, `client#${client.cognitoClientId}`)).toBeUndefined();
    expect(await item(environment, 'budget#pool')).toMatchObject({ count: 0 });
    const again = await resolveCimdClient(deps, url);
    expect(again.cognitoClientId).not.toBe(client.cognitoClientId);
  });

  test('CIMD provisioning is refused at the pool budget (503), creating nothing', async () => {
    const { environment, deps } = await setup({ REGISTRATION_POOL_BUDGET: '1' });
    const { handler } = buildHandler(services, environment);
    expect((await handler(event('POST', '/register', { body: publicClient() }))).statusCode).toBe(201);
    const written = captureWrites();
    await expect(resolveCimdClient(deps, `${origin}/over-budget.json`)).rejects.toMatchObject({ errorCode: 'temporarily_unavailable', statusCode: 503 });
    jest.restoreAllMocks();
    // Counted as the pool-budget alarm reads it (lib/constructs/refusal-metrics.ts).
    expect(metricsIn(written).filter((m) => m.name === 'RegistrationsRefused').map((m) => m.dimensions)).toEqual([
      expect.objectContaining({ Operation: 'cimd', Reason: 'pool_budget' }),
    ]);
    expect(await listClients(services, environment.poolId)).toHaveLength(1);
    expect(await item(environment, cimdKey(`${origin}/over-budget.json`))).toBeUndefined();
  });
});

test.each(['token', 'closed', 'off'])('registration mode %s (off: open with CIMD_ENABLED=false): a CIMD client is refused before anything is fetched or created', async (mode) => {
  const extra: Record<string, string> =
    mode === 'token' ? { REGISTRATION_MODE: 'token', INITIAL_ACCESS_TOKEN_SHA256: 'a'.repeat(64) } : mode === 'closed' ? { REGISTRATION_MODE: 'closed' } : { CIMD_ENABLED: 'false' };
  const { environment, deps } = await setup(extra);
  const url = `${origin}/closed-${mode}.json`;
  await expect(resolveCimdClient(deps, url)).rejects.toMatchObject({ errorCode: 'invalid_client', description: expect.stringMatching(/accepts only registered clients/) });
  expect(fetches.get(`/closed-${mode}.json`)).toBeUndefined();
  expect(await listClients(services, environment.poolId)).toHaveLength(0);
  expect(await registrationItems(services, environment.table)).toHaveLength(0);
});

describe('refusals: invalid_client with the reason, nothing created', () => {
  let environment: Environment;
  let deps: OAuthDeps;
  beforeAll(async () => {
    ({ environment, deps } = await setup());
  });
  afterEach(async () => {
    expect(await listClients(services, environment.poolId)).toHaveLength(0);
    expect(await registrationItems(services, environment.table)).toHaveLength(0);
  });
  const refused = (url: () => string, message: RegExp, policy?: Parameters<typeof resolveCimdClient>[2]) =>
    expect(resolveCimdClient(deps, url(), policy)).rejects.toMatchObject({ errorCode: 'invalid_client', statusCode: 401, description: expect.stringMatching(message) });

  test.each([
    ['a redirect', () => `${origin}/redirect.json`, /redirect \(HTTP 302\); redirects are not followed/],
    ['a document over 5 KB (Content-Length)', () => `${origin}/big.json`, /larger than 5120 bytes/],
    ['a document over 5 KB (chunked)', () => `${origin}/big-chunked.json`, /larger than 5120 bytes/],
    ['a client_id that is not the URL', () => `${origin}/mismatch.json`, /client_id must equal its URL/],
    ['a document with a secret', () => `${origin}/secret.json`, /must not contain client_secret/],
    ['a body that is not JSON', () => `${origin}/not-json.json`, /not JSON/],
    ['a 404', () => `${origin}/missing.json`, /HTTP 404/],
    ['http from an origin that is not trusted', () => `${origin.replace('127.0.0.1', 'localhost')}/ok.json`, /must use https/],
    ['https to a host that resolves to loopback', () => 'https://localhost/client.json', /resolves to a loopback address/],
    ['https to a loopback literal', () => 'https://127.0.0.1/client.json', /loopback address \(127\.0\.0\.1\)/],
    ['https to the metadata address', () => 'https://169.254.169.254/latest/meta-data.json', /link-local address/],
    ['https to an IPv4-mapped IPv6 literal', () => 'https://[::ffff:7f00:1]/client.json', /ipv4-mapped address/],
    ['a URL with a fragment', () => `${origin}/ok.json#x`, /fragment/],
    ['a URL with user information', () => `https://user@app.example.com/client.json`, /user information/],
    ['a URL with dot segments', () => `${origin}/a/../ok.json`, /canonical form/],
  ])('%s', async (_name, url, message) => {
    await refused(url, message);
  });

  test('a document slower than the deadline', async () => {
    await refused(() => `${origin}/slow.json`, /not fetched within 200 ms/, { trustedOrigins: [origin], timeoutMs: 200 });
  });

  test('a public-looking hostname whose DNS answer is 127.0.0.1 (not trusted): refused before connecting', async () => {
    const before = hostHeaders.length;
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    await refused(() => 'https://cimd.attacker.example/client.json', /cimd\.attacker\.example resolves to a loopback address/, { trustedOrigins: [origin], resolve });
    expect(hostHeaders.length).toBe(before);
  });

  test('a hostname with one public and one private address: refused (every address must pass)', async () => {
    const resolve = async () => [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.7', family: 4 }];
    await refused(() => 'https://mixed.example/client.json', /private address \(10\.0\.0\.7\)/, { trustedOrigins: [], resolve });
  });
});

test('the connection goes to the checked address (no second DNS lookup), with the hostname as Host', async () => {
  const { environment, deps } = await setup();
  const port = new URL(origin).port;
  const trusted = `http://cimd-rebind.invalid:${port}`; // .invalid never resolves in real DNS
  let lookups = 0;
  const resolve = async (hostname: string) => {
    lookups++;
    expect(hostname).toBe('cimd-rebind.invalid');
    return [{ address: '127.0.0.1', family: 4 }];
  };
  const client = await resolveCimdClient(deps, `${trusted}/pinned.json`, { trustedOrigins: [trusted], resolve });
  expect(client.clientId).toBe(`${trusted}/pinned.json`);
  expect(lookups).toBe(1);
  expect(hostHeaders.at(-1)?.host).toBe(`cimd-rebind.invalid:${port}`);
  expect(await listClients(services, environment.poolId)).toHaveLength(1);
});
