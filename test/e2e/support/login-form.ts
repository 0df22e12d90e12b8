/**
 * Plays the user in a browser at the local stack, as a person would: GET the authorization URL
 * (the broker's /authorize), answer the consent page (Allow by default), fill the hosted-login
 * form with `username` and `password`, and follow the redirects (carrying cookies, as a browser
 * does) until the browser is sent away from the stack, to the client's redirect URI, whose URL is
 * returned (with `code`, `state` and `iss`) without being followed.
 */
export interface LoginResult {
  /** Where the browser would go next (the client's redirect URI with code or error). */
  readonly callbackUrl?: URL;
  /** Status of the last page when no redirect came (a 4xx page). */
  readonly status: number;
  readonly page?: string;
  /** The consent page, if one was shown. */
  readonly consentPage?: string;
}

export interface LoginOptions {
  /** The consent decision to click. @default 'allow' */
  readonly decision?: 'allow' | 'deny';
  /** The browser's cookies, kept across logins (a live hosted-login session, the broker binding). */
  readonly jar?: CookieJar;
  /** Stop at a redirect to a URL starting with this (e.g. the broker's /callback, to look at what Cognito sent). */
  readonly stopAt?: string;
}

/** A browser's cookie jar for one host (the local stack serves everything from one origin). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }

  /** A fetch that sends and keeps cookies and never follows redirects. */
  async fetch(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.header());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.keep(response);
    return response;
  }
}

const decode = (value: string) => value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The form's action and method, from a page's HTML. */
export function parseLoginForm(html: string, pageUrl: URL): { action: URL; method: string } {
  const form = /<form[^>]*>/i.exec(html)?.[0];
  if (!form) throw new Error('The page has no form.');
  const action = /action="([^"]*)"/i.exec(form)?.[1] ?? '';
  const method = /method="([^"]*)"/i.exec(form)?.[1] ?? 'get';
  return { action: new URL(decode(action), pageUrl), method: method.toUpperCase() };
}

/** The `name`/`value` of each hidden input of the page (the consent page's `request` and `csrf`, the login page's `_csrf`). */
export function hiddenFields(html: string): Array<[string, string]> {
  return [...html.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)].map((m) => [decode(/name="([^"]*)"/.exec(m[0])?.[1] ?? ''), decode(/value="([^"]*)"/.exec(m[0])?.[1] ?? '')]);
}

/** A `Cookie` header with every cookie a response set (name=value only). */
export function cookiesOf(response: Response): string {
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

export function isConsentPage(html: string): boolean {
  return html.includes('name="decision" value="allow"');
}

const MAX_STEPS = 12;

export async function logIn(authorizationUrl: URL | string, username: string, password: string, options: LoginOptions = {}): Promise<LoginResult> {
  const jar = options.jar ?? new CookieJar();
  const start = new URL(authorizationUrl);
  let url = start;
  let response = await jar.fetch(url);
  let consentPage: string | undefined;
  for (let step = 0; step < MAX_STEPS; step++) {
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location')!, url);
      // Leaving the stack: this is the client's redirect URI.
      if (next.origin !== start.origin || (options.stopAt && next.href.startsWith(options.stopAt))) return { callbackUrl: next, status: response.status, consentPage };
      url = next;
      response = await jar.fetch(url);
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) return { status: response.status, page: html, consentPage };
    const form = /<form[^>]*>/i.test(html) ? parseLoginForm(html, url) : undefined;
    if (form && isConsentPage(html)) {
      consentPage = html;
      const body = new URLSearchParams([...hiddenFields(html), ['decision', options.decision ?? 'allow']]);
      response = await jar.fetch(form.action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
      url = form.action;
      continue;
    }
    if (form && html.includes('name="username"')) {
      // As a browser: the form's hidden fields (the `_csrf` token) go with the credentials.
      const body = new URLSearchParams([...hiddenFields(html), ['username', username], ['password', password]]);
      response = await jar.fetch(form.action, { method: form.method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
      url = form.action;
      continue;
    }
    return { status: response.status, page: html, consentPage };
  }
  throw new Error(`no redirect to the client after ${MAX_STEPS} steps`);
}
