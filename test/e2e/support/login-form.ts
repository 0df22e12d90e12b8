/**
 * Plays the user at the local stack's login page, as a browser would: GET the authorization URL,
 * read the form, POST `username` and `password` (with the form's hidden fields and the page's
 * cookies) to its action, and return the callback URL the server redirects to (with `code` and
 * `state`), without following it.
 */
export interface LoginResult {
  /** Where the browser would go next (the client's redirect URI with code or error). */
  readonly callbackUrl?: URL;
  /** Status of the last page when no redirect came (a 4xx page). */
  readonly status: number;
  readonly page?: string;
}

/** The form's action and method, from the login page's HTML. */
export function parseLoginForm(html: string, pageUrl: URL): { action: URL; method: string } {
  const form = /<form[^>]*>/i.exec(html)?.[0];
  if (!form) throw new Error('The page has no form.');
  const action = /action="([^"]*)"/i.exec(form)?.[1] ?? '';
  const method = /method="([^"]*)"/i.exec(form)?.[1] ?? 'get';
  const decoded = action.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  return { action: new URL(decoded, pageUrl), method: method.toUpperCase() };
}

/** The `name`/`value` of each hidden input of the page (values as written; the stand-in's need no decoding). */
export function hiddenFields(html: string): Array<[string, string]> {
  return [...html.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)].map((m) => [/name="([^"]*)"/.exec(m[0])?.[1] ?? '', /value="([^"]*)"/.exec(m[0])?.[1] ?? '']);
}

/** A `Cookie` header with every cookie a response set (name=value only). */
export function cookiesOf(response: Response): string {
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

export async function logIn(authorizationUrl: URL | string, username: string, password: string): Promise<LoginResult> {
  const url = new URL(authorizationUrl);
  const page = await fetch(url, { redirect: 'manual' });
  if (page.status >= 300 && page.status < 400) return { callbackUrl: new URL(page.headers.get('location')!, url), status: page.status };
  const html = await page.text();
  if (page.status !== 200) return { status: page.status, page: html };
  const form = parseLoginForm(html, url);
  // As a browser: the form's hidden fields (the `_csrf` token) and the cookies the page set.
  const posted = await fetch(form.action, {
    method: form.method,
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(page) },
    body: new URLSearchParams([...hiddenFields(html), ['username', username], ['password', password]]).toString(),
  });
  if (posted.status >= 300 && posted.status < 400) return { callbackUrl: new URL(posted.headers.get('location')!, form.action), status: posted.status };
  return { status: posted.status, page: await posted.text() };
}
