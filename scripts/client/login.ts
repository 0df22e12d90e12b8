/**
 * Getting the authorization code back: either a browser and a loopback callback server
 * (RFC 8252 §7.3), or, headless, following the authorization redirects here (filling the local
 * stack's login form when a username and password are given).
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

function formOf(html: string, base: URL): { action: URL; method: string } | undefined {
  const tag = /<form[^>]*>/i.exec(html)?.[0];
  if (!tag || !/name="username"/i.test(html) || !/name="password"/i.test(html)) return undefined;
  const action = (/action="([^"]*)"/i.exec(tag)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  return { action: new URL(action, base), method: (/method="([^"]*)"/i.exec(tag)?.[1] ?? 'get').toUpperCase() };
}

/**
 * Follows the authorization request without a browser until it redirects to `redirectUri`.
 * Works with servers that approve without a page, and with a login form (fields `username`,
 * `password`) when credentials are given.
 */
export async function followHeadless(authorizationUrl: URL, redirectUri: string, credentials?: Credentials): Promise<URLSearchParams> {
  let url = authorizationUrl;
  let init: RequestInit = { redirect: 'manual' };
  let submitted = false;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, init);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (`${next.origin}${next.pathname}` === redirectUri) return next.searchParams;
      url = next;
      init = { redirect: 'manual' };
      continue;
    }
    const html = await res.text();
    const form = formOf(html, url);
    if (form && submitted) throw new Error('Login failed: the server did not accept that username and password.');
    if (form && credentials) {
      url = form.action;
      init = {
        method: form.method,
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: credentials.username, password: credentials.password }).toString(),
      };
      submitted = true;
      continue;
    }
    if (form) throw new Error('The server shows a login page: pass --username and --password (or MCP_USERNAME and MCP_PASSWORD), or leave out --headless.');
    throw new Error(`The authorization server answered ${res.status} instead of redirecting back: ${html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}`);
  }
  throw new Error('The authorization server redirected too many times.');
}
