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
import { loginFormOf } from '../../scripts/client/forms';
import { followHeadless } from '../../scripts/client/headless';
import { StateStore } from '../../scripts/client/store';

const REDIRECT = 'http://127.0.0.1:43999/callback';
const USER = 'alice@example.com';
const PASSWORD = 'S3cret&"pass';

/** A hosted login in the manner of Cognito's classic UI: /oauth2/authorize → /login (form) → POST /login → callback. */
function fakeHostedLogin(): { ready: Promise<string>; posts: URLSearchParams[]; consents: URLSearchParams[]; server: Server } {
  const posts: URLSearchParams[] = [];
  const consents: URLSearchParams[] = [];
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
    if (url.pathname === '/consent' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Allow access?</h1><form method="post"><button name="allow">Allow</button></form>');
      return;
    }
    // The broker's consent page (docs/contracts.md): hidden csrf and request, Deny and Allow buttons.
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const action = `${url.searchParams.get('consent_origin') ?? ''}/consent`;
      const method = url.searchParams.get('consent_method') ?? 'post';
      const request = Buffer.from(url.search).toString('base64url');
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'consent_binding=b1; Path=/; HttpOnly; SameSite=Lax' });
      res.end(`<!DOCTYPE html><html><head><title>Consent</title><style>p{}</style></head><body><h1>Allow access?</h1>
<p><strong>mcp-auth-client CLI &amp; friends</strong> wants to read and write your notes. After you allow it, you go back to <strong>127.0.0.1</strong>.</p>
<form method="${method}" action="${action}"><input type="hidden" name="csrf" value="tok-1"><input type="hidden" name="request" value="${request}">
<button type="submit" name="decision" value="deny">Deny</button> <button type="submit" name="decision" value="allow">Allow</button></form></body></html>`);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/consent') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        consents.push(form);
        if (cookiesOf(req).get('consent_binding') !== 'b1' || form.get('csrf') !== 'tok-1' || form.getAll('decision').join() !== 'allow') {
          res.writeHead(400, { 'content-type': 'text/html' }).end('<p>Bad consent.</p>');
          return;
        }
        const query = Buffer.from(form.get('request') ?? '', 'base64url').toString();
        res.writeHead(302, { location: `/oauth2/authorize${query}` }).end();
      });
      return;
    }
    // An authorization endpoint that hands over to a login page on another origin (as the broker does to Cognito).
    if (req.method === 'GET' && url.pathname === '/elsewhere/authorize') {
      res.writeHead(302, { location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/authorize${url.search}` }).end();
      return;
    }
    if (req.method === 'GET' && (url.pathname === '/get-login' || url.pathname === '/insecure-login')) {
      const form = url.pathname === '/get-login' ? '<form method="get" action="/login">' : '<form method="post" action="http://login.example.com/login">';
      res.writeHead(200, { 'content-type': 'text/html' }).end(`${form}<input name="username"><input type="password" name="password"></form>`);
      return;
    }
    res.writeHead(404).end();
  });
  const ready = new Promise<string>((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  return { ready, posts, consents, server };
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

const authorizationUrl = (state = 'st-1', path = '/oauth2/authorize', origin = base) => {
  const url = new URL(path, origin);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: 'c1', redirect_uri: REDIRECT, state, scope: 'openid x/read', code_challenge: 'abc', code_challenge_method: 'S256' })) url.searchParams.set(k, v);
  return url;
};

describe('headless login (--headless) against a hosted login page with a CSRF field and cookie', () => {
  test('logs in: keeps the cookies, posts back every hidden field with the username and password', async () => {
    const params = await followHeadless(authorizationUrl('st 1/2'), REDIRECT, { credentials: { username: USER, password: PASSWORD } });
    expect(params.get('code')).toBe('the-code');
    expect(params.get('state')).toBe('st 1/2');
    const posted = fake.posts.at(-1)!;
    expect([...posted.keys()]).toEqual(['_csrf', 'username', 'password', 'cognitoAsfData', 'signInSubmitButton']);
    expect(posted.get('cognitoAsfData')).toBe('');
    expect(posted.get('signInSubmitButton')).toBe('Sign in');
  });

  test('a wrong password is a plain sentence', async () => {
    await expect(followHeadless(authorizationUrl(), REDIRECT, { credentials: { username: USER, password: 'nope' } })).rejects.toThrow('Login failed: the server did not accept that username and password.');
  });

  test('without credentials it asks for them; a page that is not a login form is named as such', async () => {
    await expect(followHeadless(authorizationUrl(), REDIRECT)).rejects.toThrow('pass --username and --password');
    await expect(followHeadless(new URL('/consent', base), REDIRECT, { credentials: { username: USER, password: PASSWORD } })).rejects.toThrow('--headless cannot fill');
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

const CREDENTIALS = { username: USER, password: PASSWORD };
const localhostBase = () => base.replace('127.0.0.1', 'localhost');

describe('--headless: where the password may go (issue 12.3)', () => {
  test('only by POST: a login form that would put it in a URL (GET) is refused, and nothing is sent', async () => {
    const before = fake.posts.length;
    await expect(followHeadless(new URL('/get-login', base), REDIRECT, { credentials: CREDENTIALS })).rejects.toThrow('would send the password in a URL (method GET)');
    expect(fake.posts.length).toBe(before);
  });

  test('only over https or to a loopback host, even when that origin was named', async () => {
    const options = { credentials: CREDENTIALS, loginOrigins: ['http://login.example.com'] };
    await expect(followHeadless(new URL('/insecure-login', base), REDIRECT, options)).rejects.toThrow('http://login.example.com, which is neither https nor http on a loopback host');
  });

  test('only to the authorization endpoint\'s origin, unless the user names the login page\'s origin (--login-origin)', async () => {
    // The authorization endpoint is on localhost:P; it hands over to a login page on 127.0.0.1:P (another origin).
    const start = () => authorizationUrl('st-x', '/elsewhere/authorize', localhostBase());
    const before = fake.posts.length;
    await expect(followHeadless(start(), REDIRECT, { credentials: CREDENTIALS })).rejects.toThrow(`pass --login-origin ${base}`);
    expect(fake.posts.length).toBe(before);

    const said: string[] = [];
    const postsWhenSaid: number[] = [];
    const say = (sentence: string) => {
      said.push(sentence);
      postsWhenSaid.push(fake.posts.length);
    };
    const params = await followHeadless(start(), REDIRECT, { credentials: CREDENTIALS, loginOrigins: [base], say });
    expect(params.get('code')).toBe('the-code');
    // The origin is printed before the password is sent.
    expect(said).toEqual([`Sending your username and password to ${base}.`]);
    expect(postsWhenSaid).toEqual([before]);
    expect(fake.posts.length).toBe(before + 1);
  });
});

describe('--headless: the authorization broker\'s consent page', () => {
  test('submits Allow (hidden fields, the Allow button only, the cookie), says what it allows, then logs in', async () => {
    const said: string[] = [];
    const params = await followHeadless(authorizationUrl('st-c', '/authorize'), REDIRECT, { credentials: CREDENTIALS, say: (s) => said.push(s) });
    expect(params.get('code')).toBe('the-code');
    expect(params.get('state')).toBe('st-c');
    const consent = fake.consents.at(-1)!;
    expect([...consent.keys()]).toEqual(['csrf', 'request', 'decision']);
    expect(consent.get('decision')).toBe('allow');
    expect(said[0]).toMatch(new RegExp(`^Allowing access on the consent page of ${base}, which says: Allow access\\? mcp-auth-client CLI & friends wants to read and write your notes\\. After you allow it, you go back to 127\\.0\\.0\\.1\\.`));
    expect(said[1]).toBe(`Sending your username and password to ${base}.`);
  });

  test('a consent form that posts to another origin, or by GET, is not submitted', async () => {
    const before = fake.consents.length;
    const elsewhere = authorizationUrl('st-d', '/authorize');
    elsewhere.searchParams.set('consent_origin', localhostBase());
    await expect(followHeadless(elsewhere, REDIRECT, { credentials: CREDENTIALS })).rejects.toThrow('refusing to allow it');
    const byGet = authorizationUrl('st-e', '/authorize');
    byGet.searchParams.set('consent_method', 'get');
    await expect(followHeadless(byGet, REDIRECT, { credentials: CREDENTIALS })).rejects.toThrow('refusing to allow it');
    expect(fake.consents.length).toBe(before);
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
