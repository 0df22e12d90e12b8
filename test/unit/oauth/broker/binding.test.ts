/** The browser binding cookie and CSRF tokens. */
import { bindingCookie, bindingCookieName, csrfToken, csrfValid, newBinding, readBinding } from '../../../../lambda/oauth/broker/binding';
import { httpEvent } from '../../../support/http-event';

const key = Buffer.alloc(32, 7);
const https = { issuerUrl: 'https://as.example.test', consentRememberSeconds: 0 };
const http = { issuerUrl: 'http://127.0.0.1:3000', consentRememberSeconds: 0 };

function withCookie(cookie: string) {
  return { ...httpEvent('GET', '/callback'), cookies: [cookie] };
}

test('on https: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain', () => {
  const cookie = bindingCookie(https, key, newBinding());
  expect(cookie).toMatch(/^__Host-mcp_broker_binding=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; /);
  for (const attribute of ['Path=/', 'HttpOnly', 'SameSite=Lax', 'Secure', 'Max-Age=3600']) expect(cookie.split('; ')).toContain(attribute);
  expect(cookie).not.toMatch(/Domain=/i);
});

test('on http (local stack): no prefix and no Secure, which browsers would refuse there', () => {
  const cookie = bindingCookie(http, key, newBinding());
  expect(cookie.startsWith(`${bindingCookieName(http)}=`)).toBe(true);
  expect(bindingCookieName(http)).toBe('mcp_broker_binding');
  expect(cookie).not.toContain('Secure');
});

test('remembered consent keeps the cookie as long as it is remembered', () => {
  expect(bindingCookie({ ...https, consentRememberSeconds: 86400 }, key, newBinding())).toContain('Max-Age=86400');
});

test('a signed cookie reads back; a forged, re-signed or unprefixed one does not', () => {
  const binding = newBinding();
  const value = bindingCookie(https, key, binding).split(';')[0];
  expect(readBinding(withCookie(value), https, key)).toBe(binding);
  // Also from a Cookie header (the local stack and tests may send one).
  expect(readBinding({ ...httpEvent('GET', '/x', { headers: { cookie: `a=b; ${value}` } }) }, https, key)).toBe(binding);
  const [name, signed] = value.split('=');
  const forged = `${name}=${newBinding()}.${signed.split('.')[1]}`;
  expect(readBinding(withCookie(forged), https, key)).toBeUndefined();
  expect(readBinding(withCookie(value), https, Buffer.alloc(32, 8))).toBeUndefined();
  expect(readBinding(withCookie(`mcp_broker_binding=${signed}`), https, key)).toBeUndefined();
  expect(readBinding(withCookie(`${name}=${binding}`), https, key)).toBeUndefined();
});

test('CSRF tokens are bound to the browser and the request', () => {
  const binding = newBinding();
  const token = csrfToken(key, binding, 'req-1');
  expect(csrfValid(key, binding, 'req-1', token)).toBe(true);
  expect(csrfValid(key, newBinding(), 'req-1', token)).toBe(false);
  expect(csrfValid(key, binding, 'req-2', token)).toBe(false);
  expect(csrfValid(key, binding, 'req-1', undefined)).toBe(false);
  expect(csrfValid(key, binding, 'req-1', `${token}x`)).toBe(false);
});
