/** JSON-RPC ids on the handler's own error answers when nothing else (SDK, token check) answers. */
import { createMcpApp } from '../../../lambda/mcp/app';
import { loadConfig } from '../../../lambda/mcp/config';
import type { TokenVerifier } from '../../../lambda/mcp/token-verifier';
import { TOOLS } from '../../../lambda/mcp/tools';
import type { HttpEvent } from '../../../lambda/shared/http';
import { httpEvent } from '../../support/http-event';

const config = loadConfig({
  RESOURCE_URL: 'https://api.example/mcp',
  AUTHORIZATION_SERVER_URL: 'https://as.example',
  STATIC_CLIENT_ID: 'static',
  REGISTRATIONS_TABLE: 'r',
  NOTES_TABLE: 'n',
  SCOPE_READ: 'https://api.example/mcp/read',
  SCOPE_WRITE: 'https://api.example/mcp/write',
  USER_POOL_ID: 'us-east-1_abc',
  LOG_LEVEL: 'error',
});
const verify = Object.assign(async () => ({ subject: 'u', clientId: 'static', namesUser: true, scopes: [config.scopeRead], expiresAt: 4_000_000_000 }), {
  hydrate: async () => undefined,
}) as TokenVerifier;
const app = createMcpApp({
  config,
  verify,
  endpoint: async () => {
    throw new Error('boom');
  },
  tools: TOOLS,
});

const post = (body: string): HttpEvent => httpEvent('POST', '/mcp', { headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body });

test('an unexpected failure answers 500 -32603 with the request id', async () => {
  const result = await app(post(JSON.stringify({ jsonrpc: '2.0', id: 'x-9', method: 'tools/list', params: {} })));
  expect(result.statusCode).toBe(500);
  expect(JSON.parse(result.body as string)).toEqual({ jsonrpc: '2.0', id: 'x-9', error: { code: -32603, message: 'Internal error' } });
});

test('base64-encoded bodies are peeked too', async () => {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list', params: {} })).toString('base64');
  const result = await app({ ...post(body), isBase64Encoded: true, headers: { ...post('').headers, origin: 'https://evil.example' } });
  expect(result.statusCode).toBe(403);
  expect(JSON.parse(result.body as string).id).toBe(7);
});
