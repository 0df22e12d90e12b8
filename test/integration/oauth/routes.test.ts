/**
 * The Lambda entry (`lambda/oauth/handler.mts`) as deployed: env set, its ESM bundle imported, served over
 * HTTP the way API Gateway calls it (scripts/local/lambda-http.ts). Routing, metadata documents,
 * 404/405, CORS.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadBundledHandler } from '../../../scripts/local/handler-bundles';
import { lambdaServer } from '../../../scripts/local/lambda-http';
import { newEnvironment, publicClient, READ, startServices, stopServices, type Services } from './harness';

let services: Services;
let server: Server;
let base: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  services = await startServices();
  const environment = await newEnvironment(services, { LOG_LEVEL: 'info', SERVICE_DOCUMENTATION: 'https://docs.example.test/mcp' });
  Object.assign(process.env, environment.env);
  server = lambdaServer(await loadBundledHandler('oauth'));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  process.env = savedEnv;
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  await stopServices(services);
});

describe.each(['/.well-known/oauth-authorization-server'])('GET %s', (path) => {
  test('200 JSON, cacheable, CORS-open, with PKCE S256 and the broker\'s endpoints', async () => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: 'https://as.example.test',
      registration_endpoint: 'https://as.example.test/register',
      authorization_endpoint: 'https://as.example.test/authorize',
      token_endpoint: 'https://as.example.test/token',
      code_challenge_methods_supported: ['S256'],
      service_documentation: 'https://docs.example.test/mcp',
    });
    expect(doc.scopes_supported).toContain(READ);
  });
});

test.each([
  ['GET', '/.well-known/unknown'],
  // Issue 12.16: no OIDC discovery document that names this issuer for the pool's ID tokens. The
  // TypeScript and Python SDKs try oauth-authorization-server first and fall back on any 4xx.
  ['GET', '/.well-known/openid-configuration'],
  ['GET', '/.well-known/oauth-protected-resource'],
  ['GET', '/'],
  ['POST', '/register/abc/extra'],
])('%s %s → 404 JSON', async (method, path) => {
  const res = await fetch(`${base}${path}`, { method });
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(await res.json()).toEqual({ error: 'not_found', error_description: expect.any(String) });
});

test.each([
  ['POST', '/.well-known/oauth-authorization-server', 'GET, OPTIONS'],
  ['GET', '/register', 'POST, OPTIONS'],
  ['DELETE', '/register', 'POST, OPTIONS'],
  ['POST', '/register/some-client', 'GET, PUT, DELETE, OPTIONS'],
  ['PATCH', '/register/some-client', 'GET, PUT, DELETE, OPTIONS'],
])('%s %s → 405 with Allow: %s', async (method, path, allow) => {
  const res = await fetch(`${base}${path}`, { method });
  expect(res.status).toBe(405);
  expect(res.headers.get('allow')).toBe(allow);
  expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
});

test('OPTIONS preflight on /register answers 204 with CORS headers', async () => {
  const res = await fetch(`${base}/register`, { method: 'OPTIONS' });
  expect(res.status).toBe(204);
  expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
  expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
});

test('register, read and delete over HTTP through the deployed entry', async () => {
  const created = await fetch(`${base}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(publicClient()),
  });
  expect(created.status).toBe(201);
  const body = (await created.json()) as Record<string, string>;
  const uri = new URL(body.registration_client_uri!);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  // RFC 7592 §3: every read answers with a new registration access token; the old one stops working.
  const read = await fetch(`${base}${uri.pathname}`, { headers: bearer(body.registration_access_token!) });
  expect(read.status).toBe(200);
  const readBody = (await read.json()) as Record<string, string>;
  expect(readBody.client_id).toBe(body.client_id);
  const trailing = await fetch(`${base}${uri.pathname}/`, { headers: bearer(readBody.registration_access_token!) });
  expect(trailing.status).toBe(200);
  const auth = bearer(((await trailing.json()) as Record<string, string>).registration_access_token!);
  expect((await fetch(`${base}${uri.pathname}`, { method: 'DELETE', headers: auth })).status).toBe(204);
  expect((await fetch(`${base}${uri.pathname}`, { headers: auth })).status).toBe(401);
});

test('the deployed entry logs through middy and Powertools: one request line with the function, its Lambda context and the request metrics', async () => {
  const written: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  try {
    expect((await fetch(`${base}/.well-known/oauth-authorization-server`)).status).toBe(200);
  } finally {
    out.mockRestore();
  }
  const lines = written.flatMap((w) => w.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const requestLines = lines.filter((l) => l.message === 'request');
  expect(requestLines).toHaveLength(1);
  expect(requestLines[0]).toMatchObject({
    level: 'INFO',
    service: 'oauth',
    function_name: 'mcp-auth-test-oauth',
    cold_start: expect.any(Boolean),
    path: '/.well-known/oauth-authorization-server',
    status: 200,
    Route: '/.well-known/oauth-authorization-server',
    StatusClass: '2xx',
    Requests: 1,
  });
  expect(requestLines[0].function_request_id).toBe(requestLines[0].requestId);
  expect(typeof requestLines[0].timestamp).toBe('string');
  expect(lines.filter((l) => 'Requests' in l)).toHaveLength(1);
});
