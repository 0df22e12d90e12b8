/**
 * `--headless`: follow the authorization request here, as a browser would, until it redirects to
 * the CLI's redirect URI. On the way it may
 * - allow the authorization broker's consent page (it submits Allow, and says what the page shows);
 * - fill a plain login form (the local stack's, Cognito's classic hosted UI) with the username and
 *   password: cookies kept per origin, every hidden field posted back (a CSRF token, for instance).
 *
 * Where the password may go (issue 12.3): only by POST (never in a URL), only to the authorization
 * endpoint's origin or to an origin the user named with `--login-origin`, and only over https or
 * to a loopback host. The origin is printed before anything is sent. On AWS the broker's
 * `/authorize` (the facade) hands over to Cognito's hosted login on another origin
 * (`https://<prefix>.auth.<region>.amazoncognito.com`): that one must be named explicitly.
 * The consent form is submitted only to the authorization endpoint's origin, which serves it.
 */
import { consentFormOf, loginFormOf, pageText, type Credentials, type FilledForm } from './forms';
import { isSecureUrl } from './url-rules';

/** Cookies as a browser keeps them during one headless login: per origin, and only sent back there. */
class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  keep(url: URL, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const cookies = this.byOrigin.get(url.origin) ?? new Map<string, string>();
      this.byOrigin.set(url.origin, cookies);
      const maxAge = attributes.map((a) => /^\s*max-age\s*=\s*(-?\d+)\s*$/i.exec(a)?.[1]).find((v) => v !== undefined);
      const expires = attributes.map((a) => /^\s*expires\s*=\s*(.+)$/i.exec(a)?.[1]).find((v) => v !== undefined);
      const gone = maxAge !== undefined ? Number(maxAge) <= 0 : expires !== undefined && Date.parse(expires) <= Date.now();
      if (gone) cookies.delete(name);
      else cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  header(url: URL): Record<string, string> {
    const cookies = this.byOrigin.get(url.origin);
    return cookies?.size ? { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {};
  }
}

export interface HeadlessOptions {
  readonly credentials?: Credentials;
  /** Origins besides the authorization endpoint's that may receive the password (`--login-origin`). */
  readonly loginOrigins?: readonly string[];
  /** Progress for the user, one sentence per call. */
  readonly say?: (sentence: string) => void;
}

const NO_CREDENTIALS: Credentials = { username: '', password: '' };

/** Why the password must not be posted with `form` (issue 12.3), or undefined when it may. */
function credentialProblem(form: FilledForm, allowed: ReadonlySet<string>, authorizationOrigin: string): string | undefined {
  const origin = form.action.origin;
  if (form.method !== 'POST') return `The login form on ${origin} would send the password in a URL (method GET); refusing to fill it.`;
  if (!isSecureUrl(form.action)) return `The login form posts to ${origin}, which is neither https nor http on a loopback host; refusing to send the password there.`;
  if (!allowed.has(origin)) {
    return `The login form posts to ${origin}, not to the authorization endpoint's origin ${authorizationOrigin}; refusing to send the password there. If you trust that login page, pass --login-origin ${origin}.`;
  }
  return undefined;
}

/** Why Allow must not be submitted with `form`, or undefined when it may. */
function consentProblem(form: FilledForm, authorizationOrigin: string): string | undefined {
  if (form.method !== 'POST' || !isSecureUrl(form.action) || form.action.origin !== authorizationOrigin) {
    return `The consent form would submit to ${form.method} ${form.action.origin}, not by POST to the authorization endpoint's origin ${authorizationOrigin} over https or loopback; refusing to allow it.`;
  }
  return undefined;
}

/** A browser's POST of a form: Origin, and Referer (only the origin when the form posts elsewhere). */
function postOf(form: FilledForm, page: URL): RequestInit {
  const referer = form.action.origin === page.origin ? page.href : `${page.origin}/`;
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: page.origin, referer },
    body: new URLSearchParams(form.fields).toString(),
  };
}

/** Follows the authorization request without a browser until it redirects to `redirectUri`. */
export async function followHeadless(authorizationUrl: URL, redirectUri: string, options: HeadlessOptions = {}): Promise<URLSearchParams> {
  const { credentials, say = () => undefined } = options;
  const authorizationOrigin = authorizationUrl.origin;
  const allowed = new Set([authorizationOrigin, ...(options.loginOrigins ?? [])]);
  const jar = new CookieJar();
  let url = authorizationUrl;
  let init: RequestInit = {};
  let submitted = false;
  let consented = false;
  for (let hop = 0; hop < 15; hop++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`The authorization server redirected to ${url.protocol} URL; --headless follows only http and https.`);
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...jar.header(url) } });
    jar.keep(url, res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (`${next.origin}${next.pathname}` === redirectUri) return next.searchParams;
      url = next;
      init = {};
      continue;
    }
    const html = await res.text();
    const consent = consentFormOf(html, url);
    if (consent && !consented) {
      const problem = consentProblem(consent, authorizationOrigin);
      if (problem) throw new Error(problem);
      say(`Allowing access on the consent page of ${authorizationOrigin}, which says: ${pageText(html)}`);
      init = postOf(consent, url);
      url = consent.action;
      consented = true;
      continue;
    }
    if (consent) throw new Error('The consent page came back after Allow was submitted; leave out --headless to use a browser.');
    const form = loginFormOf(html, url, credentials ?? NO_CREDENTIALS);
    if (form && submitted) throw new Error('Login failed: the server did not accept that username and password.');
    if (form && credentials) {
      const problem = credentialProblem(form, allowed, authorizationOrigin);
      if (problem) throw new Error(problem);
      say(`Sending your username and password to ${form.action.origin}.`);
      init = postOf(form, url);
      url = form.action;
      submitted = true;
      continue;
    }
    if (form) throw new Error('The server shows a login page: pass --username and --password (or MCP_USERNAME and MCP_PASSWORD), or leave out --headless.');
    const text = pageText(html, 200);
    if (res.ok) throw new Error(`The authorization server shows a page that --headless cannot fill (it fills only a consent page and a username and password form); leave out --headless to use a browser. The page says: ${text}`);
    throw new Error(`The authorization server answered ${res.status} instead of redirecting back: ${text}`);
  }
  throw new Error('The authorization server redirected too many times.');
}
