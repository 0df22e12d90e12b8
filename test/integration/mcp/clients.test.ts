/**
 * Real MCP clients over HTTP against the handler served by lambdaServer (API Gateway v2 events):
 * the SDK v2 client pinned to 2026-07-28 and the SDK v1 client (2025-11-25), each with a bearer
 * token in its request headers; plus raw 2025-era exchanges (2025-06-18, notifications, ping).
 */
import { Client } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lambdaServer } from '../../../scripts/local/lambda-http';
import { startFixture, SCOPE_READ, type Fixture } from './support';

let fx: Fixture;
let server: Server;
let url: string;
let token: string;

beforeAll(async () => {
  fx = await startFixture();
  server = lambdaServer(fx.handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  token = await fx.token({ sub: 'client-user', username: 'carol' });
});

afterAll(async () => {
  const closed = new Promise<void>((ok) => server.close(() => ok()));
  server.closeAllConnections();
  await closed;
  await fx.stop();
});

const legacyPost = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });

test('SDK v2 client pinned to 2026-07-28: server/discover, tools/list, tools/call', async () => {
  const client = new Client({ name: 'jest-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  try {
    await client.connect(transport);
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect(client.getDiscoverResult()?.supportedVersions).toContain('2026-07-28');
    expect(client.getServerVersion()?.name).toBe('mcp-auth-aws');
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(['whoami', 'notes_list', 'notes_add']);
    const who = await client.callTool({ name: 'whoami', arguments: {} });
    expect(who.structuredContent).toMatchObject({ subject: 'client-user', username: 'carol' });
    const added = await client.callTool({ name: 'notes_add', arguments: { text: 'from v2' } });
    expect(added.isError).toBeFalsy();
  } finally {
    await client.close();
  }
});

test('SDK v1 client (2025-11-25): initialize, tools/list, tools/call', async () => {
  const client = new ClientV1({ name: 'jest-v1', version: '1.0.0' });
  const transport = new TransportV1(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  try {
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe('mcp-auth-aws');
    expect(transport.protocolVersion).toBe('2025-11-25');
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(['whoami', 'notes_list', 'notes_add']);
    const listed = await client.callTool({ name: 'notes_list', arguments: {} });
    expect(JSON.stringify(listed.structuredContent)).toContain('from v2');
    await client.ping();
  } finally {
    await client.close();
  }
});

test('2025-era answers are JSON, not SSE, and carry no session id', async () => {
  const response = await legacyPost(
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('mcp-session-id')).toBeNull();
  expect((await response.json()).result.protocolVersion).toBe('2025-06-18');
});

test.each(['2025-06-18', '2025-11-25'])('%s: tools/list and ping without initialize (stateless), honouring MCP-Protocol-Version', async (version) => {
  const list = await legacyPost({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }, { 'mcp-protocol-version': version });
  expect(list.status).toBe(200);
  expect((await list.json()).result.tools).toHaveLength(3);
  const ping = await legacyPost({ jsonrpc: '2.0', id: 3, method: 'ping' }, { 'mcp-protocol-version': version });
  expect(await ping.json()).toMatchObject({ id: 3, result: {} });
});

test('2025-era notification → 202', async () => {
  const response = await legacyPost({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-protocol-version': '2025-11-25' });
  expect(response.status).toBe(202);
});

test('2025-era unsupported MCP-Protocol-Version → 400', async () => {
  const response = await legacyPost({ jsonrpc: '2.0', id: 4, method: 'tools/list', params: {} }, { 'mcp-protocol-version': '1999-01-01' });
  expect(response.status).toBe(400);
});

test('2025-era step-up: read-only token → 403 insufficient_scope on notes_add', async () => {
  const readOnly = await fx.token({ scope: SCOPE_READ });
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'notes_add', arguments: { text: 'x' } } }),
  });
  expect(response.status).toBe(403);
  expect(response.headers.get('www-authenticate')).toContain('insufficient_scope');
});

test('v1 client without a token gets 401 with the challenge', async () => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
});
