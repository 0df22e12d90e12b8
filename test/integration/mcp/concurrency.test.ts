/**
 * Concurrent requests on one container: each gets a pooled MCP server of its own, in both eras
 * (a server handed out is not handed out again until its request is over).
 */
import { event, modernCall, parse, startFixture, type Fixture } from './support';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.stop());

const legacyCall = (token: string, id: number) =>
  event('POST', '/mcp', {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
    body: { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
  });

test.each(['2026-07-28', '2025-11-25'])('%s: 30 concurrent whoami calls all succeed', async (era) => {
  const token = await fx.token();
  const calls = Array.from({ length: 30 }, (_, i) =>
    fx.handler(era === '2025-11-25' ? legacyCall(token, i) : modernCall(token, 'tools/call', { name: 'whoami', arguments: {} }, i)),
  );
  const results = await Promise.all(calls);
  expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 200));
  expect(results.map((r) => parse(r).id)).toEqual(results.map((_, i) => i));
  expect(results.every((r) => parse(r).result.structuredContent.subject === 'user-1')).toBe(true);
});
