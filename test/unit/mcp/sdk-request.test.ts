/** The request stand-in the MCP SDK reads: method, URL and headers as a web `Request` gives them. */
import { sdkRequest } from '../../../lambda/mcp/sdk-request';
import { httpEvent } from '../../support/http-event';

const event = httpEvent('post', '/mcp', {
  domainName: 'api.example',
  headers: { 'Content-Type': 'application/json', 'mcp-protocol-version': '2026-07-28', Accept: 'application/json, text/event-stream' },
});

test('method upper-case and the URL the client addressed', () => {
  const request = sdkRequest(event);
  expect(request.method).toBe('POST');
  expect(request.url).toBe('https://api.example/mcp');
});

test('headers are read case-insensitively, and a missing one is null, as with Headers.get', () => {
  const { headers } = sdkRequest(event);
  expect(headers.get('content-type')).toBe('application/json');
  expect(headers.get('MCP-Protocol-Version')).toBe('2026-07-28');
  expect(headers.get('mcp-session-id')).toBeNull();
  expect(headers.has('accept')).toBe(true);
  expect(headers.has('authorization')).toBe(false);
});

test('iteration gives lower-case names in order, like Headers', () => {
  const names: string[] = [];
  sdkRequest(event).headers.forEach((_value, name) => names.push(name));
  expect(names).toEqual(['accept', 'content-type', 'mcp-protocol-version']);
  expect([...sdkRequest(event).headers]).toEqual([...new Headers(event.headers as Record<string, string>)]);
});

test('no abort signal and no body: the SDK gets the body parsed and hangs no abort listener', () => {
  const request = sdkRequest(event);
  expect(request.signal).toBeUndefined();
  expect(request.body).toBeNull();
});
