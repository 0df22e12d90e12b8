/** The HTML the login stand-in shows: a login form (fields `username`, `password`) and an error page. */
import type { HttpResult } from '../../../lambda/shared/http';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.8rem 0}input{width:100%;padding:.4rem}button{padding:.5rem 1.2rem}.error{color:#b00020}code{word-break:break-all}';

function html(statusCode: number, title: string, body: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page must not be framed (clickjacking) and loads nothing from elsewhere.
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`,
  };
}

/** The login form; it posts back to the same URL, so the authorization request travels in the query string. */
export function loginPage(options: { action: string; clientId: string; scopes: readonly string[]; error?: string }): HttpResult {
  const error = options.error ? `<p class="error" role="alert">${escape(options.error)}</p>` : '';
  return html(
    options.error ? 401 : 200,
    'Sign in',
    `<h1>Sign in</h1><p>Local stack login for client <code>${escape(options.clientId)}</code>, asking for: <code>${escape(options.scopes.join(' '))}</code></p>${error}
<form method="post" action="${escape(options.action)}">
<label>Username <input name="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** An error that must not be redirected (unknown client, bad redirect URI): shown to the user instead. */
export function errorPage(statusCode: number, error: string, description: string): HttpResult {
  return html(statusCode, 'Sign-in error', `<h1>Sign-in error</h1><p><code>${escape(error)}</code></p><p>${escape(description)}</p>`);
}
