/** The HTML the login stand-in shows: a login form (fields `username`, `password`) and an error page. */
import type { HttpResult } from '../../../lambda/shared/http';
import { CSRF_FIELD } from './csrf';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.8rem 0}input{width:100%;padding:.4rem}button{padding:.5rem 1.2rem}.error{color:#b00020}code{word-break:break-all}';

/**
 * The CSP `form-action` source that lets a form's POST be answered with a redirect to `redirectUri`:
 * Chrome checks `form-action` on every hop of the redirect chain that follows a form submission
 * (CSP Level 3 §6.4.3), so a page allowing only 'self' blocks the 302 to the client. For http(s),
 * exactly the URI's origin (the port, for an IPv6 literal); for a private-use scheme (RFC 8252 §7.1), which has no origin, the scheme.
 */
export function formActionSource(redirectUri: string): string {
  const url = new URL(redirectUri);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return url.protocol;
  // CSP host sources cannot name an IPv6 literal (Chromium ignores `http://[::1]:8080`): any host on that port.
  if (url.hostname.startsWith('[')) return `${url.protocol}//*:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  return url.origin;
}

function html(statusCode: number, title: string, body: string, formAction: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page must not be framed (clickjacking) and loads nothing from elsewhere.
      'x-frame-options': 'DENY',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'`,
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`,
  };
}

/**
 * The login form; it posts back to the same URL, so the authorization request travels in the query
 * string. `formTargets` are where the POST's redirects lead: the validated redirect URI, and after
 * a relay (the broker's /callback) the URI it sends the browser on to; `csrfToken` goes in the
 * `_csrf` hidden field (csrf.ts).
 */
export function loginPage(options: { action: string; formTargets: readonly string[]; clientId: string; scopes: readonly string[]; csrfToken: string; status: number; error?: string }): HttpResult {
  const error = options.error ? `<p class="error" role="alert">${escape(options.error)}</p>` : '';
  return html(
    options.status,
    'Sign in',
    `<h1>Sign in</h1><p>Local stack login for client <code>${escape(options.clientId)}</code>, asking for: <code>${escape(options.scopes.join(' '))}</code></p>${error}
<form method="post" action="${escape(options.action)}">
<input type="hidden" name="${CSRF_FIELD}" value="${escape(options.csrfToken)}">
<label>Username <input name="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`,
    ["'self'", ...new Set(options.formTargets.map(formActionSource))].join(' '),
  );
}

/** An error that must not be redirected (unknown client, bad redirect URI): shown to the user instead. */
export function errorPage(statusCode: number, error: string, description: string): HttpResult {
  return html(statusCode, 'Sign-in error', `<h1>Sign-in error</h1><p><code>${escape(error)}</code></p><p>${escape(description)}</p>`, "'none'");
}
