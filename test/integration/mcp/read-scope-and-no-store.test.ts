/**
 * Every authenticated method needs the read scope, tools their own on top (issue 12.7), and every
 * `/mcp` answer says `Cache-Control: no-store` (issue 12.8), whatever produced it: the handler's
 * own refusals, the SDK's results and errors, 2025 and 2026 eras alike.
 */
import { event, headerOf, META, modernCall, modernHeaders, parse, PRM_URL, SCOPE_READ, SCOPE_WRITE, startFixture, type Fixture } from './support';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture({ ALLOWED_ORIGINS: 'https://app.example' });
});
afterAll(() => fx.stop());

const openidOnly = () => fx.token({ scope: `openid ${SCOPE_WRITE}` });
const legacyCall = (token: string, body: unknown) =>
  event('POST', '/mcp', { headers: { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' }, body });

describe('the read scope', () => {
  test.each([
    ['tools/list', {}],
    ['server/discover', {}],
    ['resources/list', {}],
  ])('2026-07-28 %s without read → 403 insufficient_scope naming read', async (method, params) => {
    const result = await fx.handler(modernCall(await openidOnly(), method, params, 'r-1'));
    expect(result.statusCode).toBe(403);
    expect(headerOf(result, 'www-authenticate')).toBe(
      `Bearer error="insufficient_scope", scope="${SCOPE_READ}", resource_metadata="${PRM_URL}", error_description="This operation needs the scope ${SCOPE_READ}"`,
    );
    expect(parse(result).id).toBe('r-1');
  });

  test.each([
    ['initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } }, 7],
    ['tools/list', {}, 8],
    ['ping', {}, 9],
    ['notifications/initialized', undefined, undefined],
  ])('2025-11-25 %s without read → 403', async (method, params, id) => {
    const result = await fx.handler(legacyCall(await openidOnly(), { jsonrpc: '2.0', method, ...(params ? { params } : {}), ...(id !== undefined ? { id } : {}) }));
    expect(result.statusCode).toBe(403);
    expect(headerOf(result, 'www-authenticate')).toContain(`scope="${SCOPE_READ}"`);
  });

  test('a tool needing write asks for read and write, read first', async () => {
    const result = await fx.handler(modernCall(await fx.token({ scope: SCOPE_WRITE }), 'tools/call', { name: 'notes_add', arguments: { text: 'x' } }));
    expect(result.statusCode).toBe(403);
    expect(headerOf(result, 'www-authenticate')).toContain(`scope="${SCOPE_READ} ${SCOPE_WRITE}"`);
  });

  test('read alone lists tools', async () => {
    expect((await fx.handler(modernCall(await fx.token({ scope: SCOPE_READ }), 'tools/list'))).statusCode).toBe(200);
  });
});

describe('Cache-Control: no-store on every /mcp answer', () => {
  const cases: [string, () => Promise<ReturnType<typeof event>>, number][] = [
    ['2026-07-28 tools/list result', async () => modernCall(await fx.token(), 'tools/list'), 200],
    ['2026-07-28 tools/call result', async () => modernCall(await fx.token(), 'tools/call', { name: 'whoami', arguments: {} }), 200],
    ['2026-07-28 SDK error (unknown method)', async () => modernCall(await fx.token(), 'nope/nothing'), 404],
    ['2026-07-28 SDK error (header mismatch)', async () => event('POST', '/mcp', { headers: modernHeaders(await fx.token(), 'tools/call'), body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: META } } }), 400],
    ['2025-11-25 result', async () => legacyCall(await fx.token(), { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }), 200],
    ['2025-11-25 notification (202)', async () => legacyCall(await fx.token(), { jsonrpc: '2.0', method: 'notifications/initialized' }), 202],
    ['401 no token', async () => event('POST', '/mcp', { body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } }), 401],
    ['401 bad token', async () => legacyCall('not-a-jwt', { jsonrpc: '2.0', id: 1, method: 'tools/list' }), 401],
    ['403 scope', async () => modernCall(await openidOnly(), 'tools/list'), 403],
    ['403 origin', async () => event('POST', '/mcp', { headers: { origin: 'https://evil.example' }, body: {} }), 403],
    ['405 GET', async () => event('GET', '/mcp'), 405],
    ['204 OPTIONS preflight', async () => event('OPTIONS', '/mcp', { headers: { origin: 'https://app.example' } }), 204],
    ['400 parse error', async () => event('POST', '/mcp', { headers: { authorization: `Bearer ${await fx.token()}` }, body: '{oops' }), 400],
    ['413 too large', async () => event('POST', '/mcp', { body: 'x'.repeat(70 * 1024) }), 413],
  ];
  test.each(cases)('%s', async (_name, make, status) => {
    const result = await fx.handler(await make());
    expect(result.statusCode).toBe(status);
    expect(headerOf(result, 'cache-control')).toBe('no-store');
  });
});
