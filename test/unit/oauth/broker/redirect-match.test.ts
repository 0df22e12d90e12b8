/**
 * Redirect URI matching (OAuth 2.1 §2.3.1, RFC 9700 §4.1.3: exact string match; RFC 8252 §7.3: a
 * loopback URI may differ in port). Each look-alike below is an open-redirect attempt from the
 * published advisories against OAuth servers and MCP proxies.
 */
import { allLoopback, matchRedirectUri } from '../../../../lambda/oauth/broker/redirect-match';

const WEB = 'https://app.example.com/callback';
const LOOP = 'http://127.0.0.1:43210/callback';
const registered = [WEB, LOOP, 'http://localhost/cb?x=1', 'com.example.app:/oauth', 'http://[::1]:8080/cb'];

test('exact matches are accepted as given', () => {
  for (const uri of registered) expect(matchRedirectUri(registered, uri)).toBe(uri);
});

test.each([
  ['a trailing slash', 'https://app.example.com/callback/'],
  ['an extra query', 'https://app.example.com/callback?next=https://evil.example'],
  ['a fragment', 'https://app.example.com/callback#x'],
  ['dot segments', 'https://app.example.com/other/../callback'],
  ['encoded dot segments', 'https://app.example.com/%2e%2e/callback'],
  ['userinfo', 'https://app.example.com@evil.example/callback'],
  ['userinfo before the host', 'https://evil.example@app.example.com/callback'],
  ['a look-alike host (suffix)', 'https://app.example.com.evil.example/callback'],
  ['a look-alike host (prefix)', 'https://evilapp.example.com/callback'],
  ['a different case', 'https://APP.example.com/callback'],
  ['a port on an https URI', 'https://app.example.com:8443/callback'],
  ['http instead of https', 'http://app.example.com/callback'],
  ['javascript scheme', 'javascript:alert(1)//https://app.example.com/callback'],
  ['leading whitespace', ' https://app.example.com/callback'],
  ['a backslash', 'https://app.example.com\\@evil.example/callback'],
  ['a loopback on another path', 'http://127.0.0.1:43210/callback/../x'],
  ['a loopback with another host spelling', 'http://localhost:43210/callback'],
  ['a loopback with userinfo', 'http://127.0.0.1:1@evil.example/callback'],
  ['a loopback with https', 'https://127.0.0.1:43210/callback'],
  ['a loopback with a query added', 'http://127.0.0.1:5000/callback?x=1'],
  ['a loopback port 0', 'http://127.0.0.1:0/callback'],
  ['a loopback port out of range', 'http://127.0.0.1:70000/callback'],
  ['a loopback port with a leading zero', 'http://127.0.0.1:0443/callback'],
  ['the private-use scheme with another path', 'com.example.app:/other'],
  ['a look-alike private-use scheme', 'com.example.app.evil:/oauth'],
])('%s is refused', (_name, uri) => {
  expect(matchRedirectUri(registered, uri)).toBeUndefined();
});

test('RFC 8252 §7.3: a loopback URI may differ only in its port (any port, or none)', () => {
  expect(matchRedirectUri(registered, 'http://127.0.0.1:5555/callback')).toBe(LOOP);
  expect(matchRedirectUri(registered, 'http://127.0.0.1/callback')).toBe(LOOP);
  expect(matchRedirectUri(registered, 'http://localhost:9999/cb?x=1')).toBe('http://localhost/cb?x=1');
  expect(matchRedirectUri(registered, 'http://[::1]:1/cb')).toBe('http://[::1]:8080/cb');
});

test('a non-loopback https URI may not change its port', () => {
  expect(matchRedirectUri(['https://app.example.com:8443/cb'], 'https://app.example.com:8444/cb')).toBeUndefined();
});

test('allLoopback', () => {
  expect(allLoopback([LOOP, 'http://localhost:1/x'])).toBe(true);
  expect(allLoopback([LOOP, WEB])).toBe(false);
  expect(allLoopback([])).toBe(false);
});
