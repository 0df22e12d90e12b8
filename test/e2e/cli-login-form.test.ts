/**
 * The CLI's pieces that need no stack: the headless login against a hosted-login page shaped like
 * Cognito's classic hosted UI (a CSRF field tied to a cookie, several forms, extra hidden fields),
 * and the state file's location.
 *
 * | test                                                  | spec                                                  |
 * |-------------------------------------------------------|-------------------------------------------------------|
 * | headless login carries cookies and hidden fields      | HTML form submission (application/x-www-form-urlencoded); Cognito /login POST (_csrf, XSRF-TOKEN cookie) |
 * | a wrong password, a page that is no login form        | plain sentences, no stack traces                      |
 * | state file and folder come from the same environment  | XDG Base Directory; RFC 6819 §5.1.6 (0600/0700)        |
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followHeadless, loginFormOf } from '../../scripts/client/login';
import { StateStore } from '../../scripts/client/store';

const REDIRECT = 'http://127.0.0.1:43999/callback';
const USER = 'alice@example.com';
const PASSWORD = 'S3cret&"pass';

/** A hosted login in the manner of Cognito's classic UI: /oauth2/authorize → /login (form) → POST /login → callback. */
function fakeHostedLogin(): { ready: Promise<string>; posts: URLSearchParams[]; server: Server } {
  const posts: URLSearchParams[] = [];
  const tokens = new Set<string>();
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const cookiesOf = (req: IncomingMessage) => new Map((req.headers.cookie ?? '').split(/;\s*/).filter(Boolean).map((c) => c.split('=', 2) as [string, string]));
  const page = (query: string, csrf: string, error = '') => `<!DOCTYPE html><html><body>
<form action='/forgotPassword?${escape(query)}' method=get><input type=hidden name=lang value=en><button type=submit>Forgot your password?</button></form>
${error ? `<p class="error">${error}</p>` : ''}
<form name="signInForm" class="signin" method="post" action="/login?${escape(query)}">
  <input name="_csrf" type="hidden" value="${csrf}"/>
  <label>Username <input id="u" name="username" type="text" class="form-control" autocapitalize="none"></label>
  <label>Password <input id="p" name="password" type="password" class="form-control"></label>
  <input name="cognitoAsfData" type="hidden" value="" >
  <input name="disabledThing" type="hidden" value="x" disabled>
  <input name="signInSubmitButton" type="Submit" value="Sign in">
</form></body></html>`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
      res.writeHead(302, { location: `/login${url.search}`, 'set-cookie': 'route=a1; Path=/; Secure; HttpOnly' }).end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/login') {
      const csrf = randomBytes(8).toString('hex');
      tokens.add(csrf);
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': [`XSRF-TOKEN=${csrf}; Path=/; Secure; HttpOnly; SameSite=Lax`, 'gone=1; Max-Age=0'] });
      res.end(page(url.searchParams.toString(), csrf));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        posts.push(form);
        const cookies = cookiesOf(req);
        // The CSRF check: the form's token, the cookie's token, and one the server handed out, all the same.
        const csrf = form.get('_csrf');
        if (!csrf || cookies.get('XSRF-TOKEN') !== csrf || !tokens.has(csrf) || cookies.get('route') !== 'a1' || cookies.has('gone')) {
          res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Forbidden</h1><p>CSRF check failed.</p>');
          return;
        }
        if (form.get('username') !== USER || form.get('password') !== PASSWORD) {
          res.writeHead(200, { 'content-type': 'text/html' }).end(page(url.searchParams.toString(), csrf, 'Incorrect username or password.'));
          return;
        }
        const callback = new URL(url.searchParams.get('redirect_uri')!);
        callback.searchParams.set('code', 'the-code');
        callback.searchParams.set('state', url.searchParams.get('state') ?? '');
        res.writeHead(302, { location: callback.toString() }).end();
      });
      return;
    }
    if (url.pathname === '/consent') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Allow access?</h1><form method="post"><button name="allow">Allow</button></form>');
      return;
    }
    res.writeHead(404).end();
  });
  const ready = new Promise<string>((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  return { ready, posts, server };
}

let fake: ReturnType<typeof fakeHostedLogin>;
let base: string;
beforeAll(async () => {
  fake = fakeHostedLogin();
  base = await fake.ready;
});
afterAll(() => {
  fake.server.close();
});

const authorizationUrl = (state = 'st-1') => {
  const url = new URL('/oauth2/authorize', base);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: 'c1', redirect_uri: REDIRECT, state, scope: 'openid x/read', code_challenge: 'abc', code_challenge_method: 'S256' })) url.searchParams.set(k, v);
  return url;
};

describe('headless login (--headless) against a hosted login page with a CSRF field and cookie', () => {
  test('logs in: keeps the cookies, posts back every hidden field with the username and password', async () => {
    const params = await followHeadless(authorizationUrl('st 1/2'), REDIRECT, { username: USER, password: PASSWORD });
    expect(params.get('code')).toBe('the-code');
    expect(params.get('state')).toBe('st 1/2');
    const posted = fake.posts.at(-1)!;
    expect([...posted.keys()]).toEqual(['_csrf', 'username', 'password', 'cognitoAsfData', 'signInSubmitButton']);
    expect(posted.get('cognitoAsfData')).toBe('');
    expect(posted.get('signInSubmitButton')).toBe('Sign in');
  });

  test('a wrong password is a plain sentence', async () => {
    await expect(followHeadless(authorizationUrl(), REDIRECT, { username: USER, password: 'nope' })).rejects.toThrow('Login failed: the server did not accept that username and password.');
  });

  test('without credentials it asks for them; a page that is not a login form is named as such', async () => {
    await expect(followHeadless(authorizationUrl(), REDIRECT)).rejects.toThrow('pass --username and --password');
    await expect(followHeadless(new URL('/consent', base), REDIRECT, { username: USER, password: PASSWORD })).rejects.toThrow('--headless cannot fill');
  });

  test('the form is read as a browser would: entities decoded, the form with the password field, relative action', () => {
    const page = new URL('http://127.0.0.1:1/oauth2/authorize?client_id=c');
    const html = '<form action="/search"><input name="q"></form><FORM METHOD="POST"><input type="hidden" name="t" value="a&amp;b&#39;&#x3c;"><input name="username"><input type="password" name="pw"><button type="submit">Go</button></FORM>';
    const form = loginFormOf(html, page, { username: 'u', password: 'p' })!;
    expect(form.method).toBe('POST');
    expect(form.action.href).toBe(page.href); // no action: the page itself
    expect(form.fields).toEqual([['t', "a&b'<"], ['username', 'u'], ['pw', 'p']]);
    expect(loginFormOf('<form><input name="q"></form>', page, { username: 'u', password: 'p' })).toBeUndefined();
  });
});

describe('CLI state file', () => {
  test('the folder save() creates is the one of the file, both from the environment given to the store', () => {
    const given = mkdtempSync(join(tmpdir(), 'mcp-store-given-'));
    const ambient = mkdtempSync(join(tmpdir(), 'mcp-store-ambient-'));
    const before = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = ambient;
    try {
      const store = new StateStore('http://127.0.0.1:1/mcp', { XDG_CONFIG_HOME: given });
      expect(store.file.startsWith(join(given, 'mcp-auth-client'))).toBe(true);
      store.state.redirectPort = 4321;
      store.save();
      expect(statSync(store.file).mode & 0o777).toBe(0o600);
      expect(statSync(join(given, 'mcp-auth-client')).mode & 0o777).toBe(0o700);
      expect(existsSync(join(ambient, 'mcp-auth-client'))).toBe(false);
      expect(new StateStore('http://127.0.0.1:1/mcp', { XDG_CONFIG_HOME: given }).state.redirectPort).toBe(4321);
    } finally {
      if (before === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = before;
      rmSync(given, { recursive: true, force: true });
      rmSync(ambient, { recursive: true, force: true });
    }
  });
});
