/**
 * Getting the authorization code back: either a browser and a loopback callback server
 * (RFC 8252 §7.3), or, headless, following the authorization redirects here and filling the login
 * form as a browser would (its cookies and hidden fields, plus the username and password given):
 * that works with the local stack's page and with Cognito's classic hosted UI (CSRF field `_csrf`
 * with its XSRF-TOKEN cookie), not with pages that need JavaScript or more than a password.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';

/** Starts `http://127.0.0.1:<port>/callback` and resolves with the callback's query once it is hit. */
export function callbackServer(port: number): { ready: Promise<void>; result: Promise<URLSearchParams>; close(): void } {
  let server: Server;
  const result = new Promise<URLSearchParams>((ok) => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      if (url.pathname !== '/callback') {
        res.writeHead(404).end();
        return;
      }
      const failed = url.searchParams.has('error');
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(failed ? 'Authorization failed; see the terminal.\n' : 'Logged in. You can close this tab and return to the terminal.\n');
      ok(url.searchParams);
    });
  });
  const ready = new Promise<void>((ok, fail) => {
    server!.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'EADDRINUSE' ? new Error(`The callback port ${port} is in use; free it or run logout to register again.`) : err));
    server!.listen(port, '127.0.0.1', () => ok());
  });
  return { ready, result, close: () => server.close() };
}

/** Opens `url` in the default browser; false when no opener is available. */
export function openBrowser(url: string): Promise<boolean> {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  return new Promise((ok) => {
    try {
      const child = spawn(command, [url], { stdio: 'ignore', detached: true });
      child.once('error', () => ok(false));
      child.once('spawn', () => {
        child.unref();
        ok(true);
      });
    } catch {
      ok(false);
    }
  });
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

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

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag (names lower-cased, values decoded). */
function attributesOf(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of tag.matchAll(pattern)) {
    const name = m[1]!.toLowerCase();
    if (!found.has(name)) found.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return found;
}

/** A login form: the first form of the page with a password field. */
export interface LoginForm {
  readonly action: URL;
  readonly method: 'GET' | 'POST';
  /** What a browser would submit, in document order, with the credentials filled in. */
  readonly fields: Array<[string, string]>;
}

export function loginFormOf(html: string, page: URL, credentials: Credentials): LoginForm | undefined {
  for (const form of html.matchAll(/<form\b([^>]*)>([\s\S]*?)(?:<\/form\s*>|$)/gi)) {
    const controls = [...form[2]!.matchAll(/<(input|button)\b([^>]*)>/gi)].map((m) => {
      const attributes = attributesOf(m[2]!);
      const type = (attributes.get('type') ?? (m[1]!.toLowerCase() === 'button' ? 'submit' : 'text')).toLowerCase();
      return { name: attributes.get('name') ?? '', value: attributes.get('value') ?? '', type, disabled: attributes.has('disabled') };
    }).filter((c) => c.name && !c.disabled);
    const password = controls.find((c) => c.type === 'password');
    if (!password) continue;
    const username = controls.find((c) => c.name === 'username') ?? controls.find((c) => c !== password && ['text', 'email'].includes(c.type));
    const submit = controls.find((c) => c.type === 'submit');
    const fields: Array<[string, string]> = [];
    for (const control of controls) {
      if (control === password) fields.push([control.name, credentials.password]);
      else if (control === username) fields.push([control.name, credentials.username]);
      else if (control.type === 'hidden' || control === submit) fields.push([control.name, control.value]);
    }
    const attributes = attributesOf(form[1]!);
    const action = new URL(attributes.get('action') || page.href, page);
    return { action, method: attributes.get('method')?.toUpperCase() === 'POST' ? 'POST' : 'GET', fields };
  }
  return undefined;
}

const NO_CREDENTIALS: Credentials = { username: '', password: '' };

/**
 * Follows the authorization request without a browser until it redirects to `redirectUri`.
 * Works with servers that approve without a page, and, when credentials are given, with a login
 * form: it keeps the cookies the server sets (per origin) and posts back every hidden field of
 * the form (a CSRF token, for instance) with the username and password.
 */
export async function followHeadless(authorizationUrl: URL, redirectUri: string, credentials?: Credentials): Promise<URLSearchParams> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  let init: RequestInit = {};
  let submitted = false;
  for (let hop = 0; hop < 10; hop++) {
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
    const form = loginFormOf(html, url, credentials ?? NO_CREDENTIALS);
    if (form && submitted) throw new Error('Login failed: the server did not accept that username and password.');
    if (form && credentials) {
      const body = new URLSearchParams(form.fields).toString();
      if (form.method === 'GET') {
        url = new URL(form.action);
        url.search = body;
        init = {};
      } else {
        // As a browser posts a form: Origin, and Referer (only the origin when the form posts elsewhere).
        const referer = form.action.origin === url.origin ? url.href : `${url.origin}/`;
        init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url.origin, referer }, body };
        url = form.action;
      }
      submitted = true;
      continue;
    }
    if (form) throw new Error('The server shows a login page: pass --username and --password (or MCP_USERNAME and MCP_PASSWORD), or leave out --headless.');
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
    if (res.ok) throw new Error(`The authorization server shows a page that --headless cannot fill (it fills only a username and password form); leave out --headless to use a browser. The page says: ${text}`);
    throw new Error(`The authorization server answered ${res.status} instead of redirecting back: ${text}`);
  }
  throw new Error('The authorization server redirected too many times.');
}
