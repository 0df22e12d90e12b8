/**
 * The Response the MCP bundle injects for the SDK (lambda/mcp/sdk-response.ts), side by side with
 * Node's own (undici's): the same inputs give the same status, headers and body.
 */
import { Response as BundledResponse } from '../../../lambda/mcp/sdk-response';
import { FetchHeaders } from '../../../lambda/mcp/fetch-headers';

type AnyResponse = BundledResponse | Response;
const both = (make: (R: typeof Response) => AnyResponse) => [make(BundledResponse as unknown as typeof Response), make(Response)] as const;

async function view(response: AnyResponse) {
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => headers.push([name, value]));
  return { status: response.status, statusText: response.statusText, ok: response.ok, headers, text: await response.text(), bodyUsed: response.bodyUsed };
}

test.each([
  ['Response.json with the SDK headers', (R: typeof Response) => R.json({ jsonrpc: '2.0', id: 1, result: { ok: true } }, { status: 200, headers: { 'Content-Type': 'application/json', 'MCP-Session-Id': ' abc ' } })],
  ['Response.json without headers gets application/json', (R: typeof Response) => R.json({ error: 'x' }, { status: 400 })],
  ['a 202 without a body', (R: typeof Response) => new R(null, { status: 202 })],
  ['a 499 without a body (the SDK on a closed connection)', (R: typeof Response) => new R(null, { status: 499 })],
  ['a string body gets text/plain', (R: typeof Response) => new R('hello', { status: 201, statusText: 'Created' })],
  ['bytes', (R: typeof Response) => new R(new TextEncoder().encode('héllo'), { headers: [['X-A', '1'], ['x-a', '2']] })],
  ['a stream body (the SDK SSE answers)', (R: typeof Response) => new R(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('event: message\n')); c.enqueue(new TextEncoder().encode('data: {}\n\n')); c.close(); } }), { headers: { 'content-type': 'text/event-stream' } })],
])('%s', async (_name, make) => {
  const [bundled, node] = both(make);
  expect(await view(bundled)).toEqual(await view(node));
});

test('json() and arrayBuffer() read the body as undici does', async () => {
  const [a, b] = both((R) => R.json({ n: 1 }));
  expect(await a.json()).toEqual(await b.json());
  const [c, d] = both((R) => new R('abc'));
  expect(new Uint8Array(await c.arrayBuffer())).toEqual(new Uint8Array(await d.arrayBuffer()));
});

test('a body is read once; clone() before reading gives a second reader', async () => {
  const response = new BundledResponse('once');
  const copy = response.clone();
  expect(await response.text()).toBe('once');
  await expect(response.text()).rejects.toThrow(TypeError);
  expect(() => response.clone()).toThrow(TypeError);
  expect(await copy.text()).toBe('once');
});

test('body is a stream only when asked for, and reads back the same', async () => {
  const response = BundledResponse.json({ a: 1 });
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toBe('{"a":1}');
  expect(new BundledResponse(null).body).toBeNull();
});

function errorName(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return (err as Error).name;
  }
}

test('invalid statuses and bodies fail as undici fails', () => {
  for (const R of [BundledResponse as unknown as typeof Response, Response]) {
    // By name: undici's errors come from another realm than jest's test code.
    expect(errorName(() => new R(null, { status: 199 }))).toBe('RangeError');
    expect(errorName(() => new R(null, { status: 600 }))).toBe('RangeError');
    expect(errorName(() => new R('x', { status: 204 }))).toBe('TypeError');
    expect(errorName(() => R.json(undefined))).toBe('TypeError');
  }
  // A body type the SDK does not use is refused loudly rather than sent as "[object Object]".
  expect(() => new BundledResponse(new URLSearchParams('a=1') as never)).toThrow(/not supported/);
});

test('FetchHeaders: case-insensitive, joined, trimmed and ordered as Headers', () => {
  const init: [string, string][] = [['Content-Type', ' application/json '], ['x-b', '2'], ['X-A', '1'], ['x-a', '3']];
  const ours = new FetchHeaders(init);
  const node = new Headers(init);
  expect([...ours]).toEqual([...node]);
  ours.set('X-B', 'two');
  node.set('X-B', 'two');
  ours.delete('CONTENT-TYPE');
  node.delete('CONTENT-TYPE');
  expect([...ours]).toEqual([...node]);
  expect(ours.get('x-A')).toBe(node.get('x-A'));
  expect(ours.has('nope')).toBe(false);
  expect([...new FetchHeaders(node)]).toEqual([...node]);
  expect([...new FetchHeaders({ a: '1', b: undefined })]).toEqual([['a', '1']]);
});

test('FetchHeaders refuses what Headers refuses: a bad name, a value with CR, LF or NUL', () => {
  for (const [name, value] of [['x-a', 'one\r\nset-cookie: evil=1'], ['x-b', 'a\nb'], ['x-c', 'a\0b'], ['bad name', 'v'], ['', 'v']]) {
    expect(errorName(() => new FetchHeaders({ [name]: value }))).toBe('TypeError');
    expect(errorName(() => new Headers({ [name]: value }))).toBe('TypeError');
  }
  expect(errorName(() => BundledResponse.json({}, { headers: { 'x-a': 'v\r\nx-b: w' } }))).toBe('TypeError');
});
