/**
 * Binding a flow to the browser that consented (the FastMCP advisory GHSA-rww4-4w9c-7733: consent
 * given in one browser, callback completed in another). A random binding value lives in an
 * HMAC-signed cookie (`__Host-` prefixed, Secure on https; HttpOnly; SameSite=Lax so it is sent on
 * the top-level redirect back from Cognito); pending items store only its SHA-256 and are consumed
 * only by a request carrying the same cookie. CSRF tokens are HMACs of the binding and the request.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { header, type HttpEvent } from '../../shared/http';
import { sameText, sha256Hex } from '../../shared/tokens';
import type { OAuthConfig } from '../config';

/** The cookie lives at least this long (a login may take a while), or as long as remembered consent. */
export const BINDING_COOKIE_MIN_SECONDS = 3600;
const COOKIE_BASE_NAME = 'mcp_broker_binding';
const BINDING = /^[A-Za-z0-9_-]{43}$/;

export type BindingConfig = Pick<OAuthConfig, 'issuerUrl' | 'consentRememberSeconds'>;

const secure = (config: BindingConfig) => config.issuerUrl.startsWith('https://');

/** RFC 6265bis §4.1.3.2: `__Host-` needs Secure, Path=/ and no Domain; only possible on https. */
export function bindingCookieName(config: BindingConfig): string {
  return secure(config) ? `__Host-${COOKIE_BASE_NAME}` : COOKIE_BASE_NAME;
}

function mac(key: Buffer, label: string, ...parts: string[]): string {
  return createHmac('sha256', key).update([label, ...parts].join('\n'), 'utf8').digest('base64url');
}

export function newBinding(): string {
  return randomBytes(32).toString('base64url');
}

/** What pending items store: the binding's SHA-256, never the binding. */
export function bindingHash(binding: string): string {
  return sha256Hex(binding);
}

/** The Set-Cookie value carrying `binding`. */
export function bindingCookie(config: BindingConfig, key: Buffer, binding: string): string {
  const maxAge = Math.max(BINDING_COOKIE_MIN_SECONDS, config.consentRememberSeconds);
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAge}`, ...(secure(config) ? ['Secure'] : [])];
  return `${bindingCookieName(config)}=${binding}.${mac(key, 'cookie', binding)}; ${attributes.join('; ')}`;
}

function cookieValues(event: HttpEvent, name: string): string[] {
  const pairs = [...(event.cookies ?? []), ...(header(event, 'cookie')?.split(';') ?? [])];
  return pairs.map((pair) => pair.trim()).filter((pair) => pair.startsWith(`${name}=`)).map((pair) => pair.slice(name.length + 1));
}

/** The browser's binding, if it sent a cookie with a valid signature. */
export function readBinding(event: HttpEvent, config: BindingConfig, key: Buffer): string | undefined {
  for (const value of cookieValues(event, bindingCookieName(config))) {
    const [binding, signature] = value.split('.');
    if (binding && signature && BINDING.test(binding) && sameText(signature, mac(key, 'cookie', binding))) return binding;
  }
  return undefined;
}

/** The CSRF token of the consent form for `requestId` in the browser holding `binding`. */
export function csrfToken(key: Buffer, binding: string, requestId: string): string {
  return mac(key, 'csrf', binding, requestId);
}

export function csrfValid(key: Buffer, binding: string, requestId: string, token: string | undefined): boolean {
  return token !== undefined && sameText(token, csrfToken(key, binding, requestId));
}
