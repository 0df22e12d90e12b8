/**
 * Which redirect URIs a client may register: what OAuth 2.1 / RFC 8252 allow and Cognito accepts as
 * callback URLs (https; http only on a loopback host, any port; private-use schemes for native apps).
 */
import { InvalidRedirectUriError } from '../shared/errors';

/** Cognito: callback URLs are at most 1,024 characters. */
export const MAX_REDIRECT_URI_LENGTH = 1024;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Schemes that can never be redirect targets, or would hand the code to something other than the client. */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'blob:', 'vbscript:', 'about:', 'ftp:', 'ws:', 'wss:', 'mailto:', 'tel:']);
/**
 * RFC 8252 §7.1: private-use schemes are reverse domain names (`com.example.app:`), so at least one
 * dot. Short schemes are OS protocol handlers far too often (`ms-msdt:`, `search-ms:`, `jar:`) to
 * be a place where the authorization server sends codes.
 */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/;
/**
 * The one exception: a real MCP client whose registered redirect is a short scheme of its own
 * (Cursor: `cursor://anysphere.cursor-mcp/…`). Named one by one, never a pattern.
 */
const KNOWN_CLIENT_SCHEMES = new Set(['cursor:']);

export type RedirectKind = 'https' | 'loopback' | 'private-use';

/** Checks one redirect URI; returns its kind or throws `invalid_redirect_uri` saying what to fix. */
export function checkRedirectUri(value: unknown): RedirectKind {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidRedirectUriError('Each redirect URI must be a non-empty string.');
  if (value.length > MAX_REDIRECT_URI_LENGTH) {
    throw new InvalidRedirectUriError(`Redirect URI is longer than ${MAX_REDIRECT_URI_LENGTH} characters: ${value.slice(0, 80)}…`);
  }
  if (/[\s\u0000-\u001f\u007f]/.test(value)) throw new InvalidRedirectUriError(`Redirect URI contains whitespace or control characters: ${JSON.stringify(value)}`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InvalidRedirectUriError(`Redirect URI is not an absolute URI: ${value}`);
  }
  // Store exactly what was checked: a URI whose WHATWG serialization differs (`http://2130706433/`,
  // `http://local%68ost/`, `http://ⓛocalhost/`, upper case, a default port) would be judged on one
  // form and matched, echoed and redirected to in another. Refuse it and name the canonical form.
  if (parsed.href !== value) {
    throw new InvalidRedirectUriError(`Redirect URI is not in canonical form; register it as ${JSON.stringify(parsed.href)} instead of ${JSON.stringify(value)}.`);
  }
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
  if (value.includes('#')) throw new InvalidRedirectUriError(`Redirect URI must not contain a fragment (#): ${value}`);
  if (parsed.username || parsed.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?]*@/i.test(value)) {
    throw new InvalidRedirectUriError(`Redirect URI must not contain user information (user@host): ${value}`);
  }
  const scheme = parsed.protocol.toLowerCase();
  if (FORBIDDEN_SCHEMES.has(scheme)) throw new InvalidRedirectUriError(`Redirect URI scheme ${scheme} is not allowed: ${value}`);
  if (scheme === 'https:') {
    if (!parsed.hostname) throw new InvalidRedirectUriError(`Redirect URI has no host: ${value}`);
    return 'https';
  }
  if (scheme === 'http:') {
    // RFC 8252 §7.3 and Cognito: plain http only for a loopback redirect, on any port.
    if (LOOPBACK_HOSTS.has(parsed.hostname.toLowerCase())) return 'loopback';
    throw new InvalidRedirectUriError(`Redirect URI must use https (http is allowed only for localhost, 127.0.0.1 or [::1]): ${value}`);
  }
  if (PRIVATE_USE_SCHEME.test(scheme) || KNOWN_CLIENT_SCHEMES.has(scheme)) return 'private-use';
  throw new InvalidRedirectUriError(
    `Redirect URI scheme ${scheme} is not allowed: use https, http on a loopback host, or a reverse-domain private-use scheme (com.example.app:/callback, RFC 8252 §7.1): ${value}`,
  );
}
