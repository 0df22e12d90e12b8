/**
 * MCP 2026-07-28 transport rules on POST /mcp: standard headers, the per-request `_meta`
 * envelope, versions, methods, caching hints, batches, other HTTP methods, Origin.
 */
import { event, headerOf, META, modernCall, modernHeaders, parse, startFixture, type Fixture } from './support';

let fx: Fixture;
let token: string;
beforeAll(async () => {
  fx = await startFixture({ ALLOWED_ORIGINS: 'https://app.example' });
  token = await fx.token();
});
afterAll(() => fx.stop());

const post = (headers: Record<string, string>, body: unknown) => fx.handler(event('POST', '/mcp', { headers, body }));
const request = (method: string, params: Record<string, unknown>, id: number | string = 'r1') => ({ jsonrpc: '2.0', id, method, params });

describe('accepted', () => {
  test('server/discover: supported versions, capabilities, server info', async () => {
    const result = await fx.handler(modernCall(token, 'server/discover'));
    expect(result.statusCode).toBe(200);
    expect(headerOf(result, 'content-type')).toMatch(/^application\/json/);
    const body = parse(result);
    expect(body.id).toBe(1);
    expect(body.result.supportedVersions).toContain('2026-07-28');
    expect(body.result.capabilities.tools).toEqual({ listChanged: false });
    expect(body.result._meta['io.modelcontextprotocol/serverInfo']).toEqual({ name: 'mcp-auth-aws', version: '0.1.0' });
  });

  test('tools/list: stable order, caching hints, JSON Schema 2020-12 inputs', async () => {
    const first = parse(await fx.handler(modernCall(token, 'tools/list')));
    const second = parse(await fx.handler(modernCall(token, 'tools/list')));
    expect(first.result.tools.map((t: { name: string }) => t.name)).toEqual(['whoami', 'notes_list', 'notes_add']);
    expect(second.result.tools).toEqual(first.result.tools);
    expect(first.result.ttlMs).toBe(300000);
    expect(first.result.cacheScope).toBe('public');
    for (const tool of first.result.tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.inputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });

  test('header names are case-insensitive and values trimmed', async () => {
    const result = await post(
      { Authorization: `Bearer ${token}`, 'MCP-PROTOCOL-VERSION': ' 2026-07-28 ', 'mcp-METHOD': 'tools/list  ', accept: 'application/json' },
      request('tools/list', { _meta: META }),
    );
    expect(result.statusCode).toBe(200);
  });

  test('tools/call with Mcp-Name', async () => {
    const result = await fx.handler(modernCall(token, 'tools/call', { name: 'whoami', arguments: {} }, 9));
    expect(result.statusCode).toBe(200);
    expect(parse(result).result.structuredContent.subject).toBe('user-1');
  });

  test('clientInfo in _meta is optional but accepted', async () => {
    const result = await post(modernHeaders(token, 'tools/list'), request('tools/list', { _meta: { ...META, 'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' } } }));
    expect(result.statusCode).toBe(200);
  });
});

describe('rejected', () => {
  test.each([
    ['no _meta at all, modern header', {}],
    ['missing protocolVersion', { _meta: { 'io.modelcontextprotocol/clientCapabilities': {} } }],
    ['missing clientCapabilities', { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } }],
  ])('%s → 400 -32602 with the id', async (_name, params) => {
    const result = await post(modernHeaders(token, 'tools/list'), request('tools/list', params, 'id-32602'));
    expect(result.statusCode).toBe(400);
    expect(parse(result)).toMatchObject({ id: 'id-32602', error: { code: -32602 } });
  });

  test.each([
    ['MCP-Protocol-Version missing', { 'mcp-protocol-version': undefined }],
    ['MCP-Protocol-Version disagrees with _meta', { 'mcp-protocol-version': '2025-11-25' }],
    ['Mcp-Method missing', { 'mcp-method': undefined }],
    ['Mcp-Method disagrees', { 'mcp-method': 'tools/call' }],
    ['Mcp-Method differs in case (values are case-sensitive)', { 'mcp-method': 'Tools/List' }],
  ])('%s → 400 -32020 with the id', async (_name, change) => {
    const headers: Record<string, string | undefined> = { ...modernHeaders(token, 'tools/list'), ...change };
    for (const key of Object.keys(headers)) if (headers[key] === undefined) delete headers[key];
    const result = await post(headers as Record<string, string>, request('tools/list', { _meta: META }, 41));
    expect(result.statusCode).toBe(400);
    expect(parse(result)).toMatchObject({ id: 41, error: { code: -32020 } });
  });

  test.each([
    ['Mcp-Name missing', undefined],
    ['Mcp-Name disagrees with params.name', 'notes_list'],
  ])('tools/call: %s → 400 -32020', async (_name, mcpName) => {
    const headers = modernHeaders(token, 'tools/call', mcpName);
    const result = await post(headers, request('tools/call', { name: 'whoami', arguments: {}, _meta: META }, 42));
    expect(result.statusCode).toBe(400);
    expect(parse(result)).toMatchObject({ id: 42, error: { code: -32020 } });
  });

  test('unsupported version → 400 -32022 with supported versions in data', async () => {
    const headers = { ...modernHeaders(token, 'tools/list'), 'mcp-protocol-version': '2099-01-01' };
    const result = await post(headers, request('tools/list', { _meta: { ...META, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } }, 43));
    expect(result.statusCode).toBe(400);
    const body = parse(result);
    expect(body).toMatchObject({ id: 43, error: { code: -32022 } });
    expect(body.error.data.supported).toContain('2026-07-28');
  });

  test('unknown method → -32601 with the id', async () => {
    const result = await fx.handler(modernCall(token, 'foo/bar', {}, 44));
    expect(parse(result)).toMatchObject({ id: 44, error: { code: -32601 } });
  });

  test('ping does not exist in 2026-07-28', async () => {
    const result = await fx.handler(modernCall(token, 'ping', {}, 45));
    expect(parse(result)).toMatchObject({ id: 45, error: { code: -32601 } });
  });

  test('subscriptions/listen → -32601 (no stream on Lambda)', async () => {
    const result = await fx.handler(modernCall(token, 'subscriptions/listen', { notifications: { toolsListChanged: true } }, 46));
    expect(result.statusCode).toBe(404);
    expect(parse(result)).toMatchObject({ id: 46, error: { code: -32601 } });
  });

  test('unknown tool → -32602 with the id', async () => {
    const result = await fx.handler(modernCall(token, 'tools/call', { name: 'nope', arguments: {} }, 47));
    expect(parse(result)).toMatchObject({ id: 47, error: { code: -32602 } });
  });

  test('batches → 400', async () => {
    const result = await post(modernHeaders(token, 'tools/list'), [request('tools/list', { _meta: META }, 1), request('tools/list', { _meta: META }, 2)]);
    expect(result.statusCode).toBe(400);
    expect(parse(result).error.code).toBe(-32600);
  });

  test('body not JSON → 400 -32700, id null', async () => {
    const result = await post(modernHeaders(token, 'tools/list'), '{not json');
    expect(result.statusCode).toBe(400);
    expect(parse(result).error.code).toBe(-32700);
    expect(parse(result).id).toBeNull();
  });

  test('wrong content type → 415', async () => {
    const result = await post({ ...modernHeaders(token, 'tools/list'), 'content-type': 'text/plain' }, JSON.stringify(request('tools/list', { _meta: META })));
    expect(result.statusCode).toBe(415);
  });

  test('body over 64 KiB → 413 with id null (the body is not read)', async () => {
    const result = await post(modernHeaders(token, 'tools/call', 'notes_add'), request('tools/call', { name: 'notes_add', arguments: { text: 'x'.repeat(70_000) }, _meta: META }, 'big-2'));
    expect(result.statusCode).toBe(413);
    expect(parse(result).id).toBeNull();
  });

  test.each(['GET', 'DELETE', 'PUT'])('%s /mcp → 405 Allow: POST, id null', async (verb) => {
    const result = await fx.handler(event(verb, '/mcp', { headers: { authorization: `Bearer ${token}` } }));
    expect(result.statusCode).toBe(405);
    expect(headerOf(result, 'allow')).toBe('POST');
    expect(parse(result).id).toBeNull();
  });
});

describe('Origin (DNS rebinding)', () => {
  test('a foreign Origin → 403, before any token check, echoing the body id', async () => {
    const result = await post({ ...modernHeaders(token, 'tools/list'), origin: 'https://evil.example' }, request('tools/list', { _meta: META }, 'o-1'));
    expect(result.statusCode).toBe(403);
    expect(parse(result)).toMatchObject({ jsonrpc: '2.0', id: 'o-1', error: { code: -32000 } });
    const numeric = await post({ origin: 'https://evil.example' }, request('tools/list', { _meta: META }, 42));
    expect(parse(numeric).id).toBe(42);
  });

  test('a foreign Origin on a body with no single id → 403 with id null', async () => {
    const headers = { ...modernHeaders(token, 'tools/list'), origin: 'https://evil.example' };
    for (const body of ['{not json', JSON.stringify([request('tools/list', {}, 'b-1')]), JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })]) {
      const result = await post(headers, body);
      expect(result.statusCode).toBe(403);
      expect(parse(result).id).toBeNull();
    }
  });

  test('a foreign Origin with a body over 64 KiB → 403 with id null (not read)', async () => {
    const big = request('tools/call', { name: 'notes_add', arguments: { text: 'x'.repeat(70_000) }, _meta: META }, 'big-1');
    const result = await post({ ...modernHeaders(token, 'tools/call', 'notes_add'), origin: 'https://evil.example' }, big);
    expect(result.statusCode).toBe(403);
    expect(parse(result).id).toBeNull();
  });

  test('a foreign Origin on GET → 403 with id null', async () => {
    const result = await fx.handler(event('GET', '/mcp', { headers: { origin: 'https://evil.example' } }));
    expect(result.statusCode).toBe(403);
    expect(parse(result).id).toBeNull();
  });

  test('the null origin → 403', async () => {
    const result = await post({ ...modernHeaders(token, 'tools/list'), origin: 'null' }, request('tools/list', { _meta: META }));
    expect(result.statusCode).toBe(403);
  });

  test('a configured Origin passes and gets CORS headers', async () => {
    const result = await post({ ...modernHeaders(token, 'tools/list'), origin: 'https://app.example' }, request('tools/list', { _meta: META }));
    expect(result.statusCode).toBe(200);
    expect(headerOf(result, 'access-control-allow-origin')).toBe('https://app.example');
    expect(headerOf(result, 'access-control-expose-headers')).toContain('www-authenticate');
  });

  test('preflight from a configured Origin', async () => {
    const result = await fx.handler(event('OPTIONS', '/mcp', { headers: { origin: 'https://app.example' } }));
    expect(result.statusCode).toBe(204);
    expect(headerOf(result, 'access-control-allow-headers')).toContain('mcp-protocol-version');
  });

  test('no Origin (non-browser clients) passes', async () => {
    expect((await fx.handler(modernCall(token, 'tools/list'))).statusCode).toBe(200);
  });
});

test('unknown paths → 404 JSON', async () => {
  for (const path of ['/', '/nope', '/.well-known/oauth-authorization-server', '/mcp/extra']) {
    const result = await fx.handler(event('GET', path));
    expect(result.statusCode).toBe(404);
    expect(headerOf(result, 'content-type')).toBe('application/json');
  }
});
