/**
 * The authorization broker against the local stack (real handlers, cognito-local, the hosted-login
 * stand-in with its live session), one test per attack class published against other MCP OAuth
 * proxies (docs/authorization.md, threat model):
 *
 * | attack                                                     | source                                                   |
 * |------------------------------------------------------------|----------------------------------------------------------|
 * | silent authorization of a new client through a live session | MCP Security Best Practices §Confused Deputy; FastMCP PR #2056 |
 * | open redirect through look-alike redirect URIs             | RFC 9700 §4.1; workers-oauth-provider #97                |
 * | consent replayed in another browser                        | FastMCP GHSA-rww4-4w9c-7733                               |
 * | PKCE missing, plain, wrong verifier                        | RFC 9700 §4.8 (PKCE downgrade); workers-oauth-provider #27 |
 * | code replay, cross-client redemption                       | RFC 6749 §4.1.2, §10.5                                   |
 * | mix-up: iss on success and error                           | RFC 9207                                                 |
 * | CIMD client_id whose document cannot be fetched            | issue 13                                                 |
 * | markup in a client name                                    | consent-page XSS                                         |
 */
import { CookieJar, isConsentPage, logIn } from './support/login-form';
import { authorizationUrl, decodeJwt, loginForCode, mcpToolsList, pkce, publicClient, register, tokenRequest, type Registration } from './support/oauth';
import { startTestStack } from './support/stack';

jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1:43401/callback';
let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: Registration;
let read: string;

beforeAll(async () => {
  stack = await startTestStack();
  read = `${stack.urls.mcp}/read`;
  client = await register(stack.urls, publicClient(stack.urls, REDIRECT));
});
afterAll(async () => {
  await stack?.cleanup();
});

function authorize(params: Record<string, string | undefined> = {}): URL {
  return authorizationUrl(stack.urls, {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    code_challenge: pkce().challenge,
    code_challenge_method: 'S256',
    state: 'st',
    resource: stack.urls.mcp,
    scope: read,
    ...params,
  });
}

/** A browser in which the user has already logged in once (a live hosted-login session). */
async function loggedInBrowser(): Promise<CookieJar> {
  const jar = new CookieJar();
  const first = await logIn(authorize(), stack.username, stack.password, { jar });
  expect(first.callbackUrl?.searchParams.get('code')).toBeTruthy();
  return jar;
}

describe('confused deputy: no silent authorization through a live session', () => {
  test('a newly registered client (the attacker\'s) gets a consent page, not a code, in a browser with a live login session', async () => {
    const jar = await loggedInBrowser();
    const attacker = await register(stack.urls, { ...publicClient(stack.urls, 'https://attacker.example/cb'), client_name: 'Totally Legit' });
    const res = await jar.fetch(authorize({ client_id: attacker.client_id, redirect_uri: 'https://attacker.example/cb' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(isConsentPage(html)).toBe(true);
    expect(html).toContain('<p class="host">attacker.example</p>');
  });

  test('consent is asked on every authorization, also for a client the user allowed before', async () => {
    const jar = await loggedInBrowser();
    const again = await logIn(authorize(), stack.username, stack.password, { jar });
    expect(again.consentPage).toBeDefined();
    const denied = await logIn(authorize({ state: 'd' }), stack.username, stack.password, { jar, decision: 'deny' });
    expect(Object.fromEntries(denied.callbackUrl!.searchParams)).toEqual({ error: 'access_denied', error_description: expect.any(String), state: 'd', iss: stack.urls.base });
  });
});

describe('open redirect: look-alike redirect URIs get an error page, never a redirect', () => {
  test.each([
    ['trailing slash', `${REDIRECT}/`],
    ['extra query', `${REDIRECT}?x=1`],
    ['dot segments', 'http://127.0.0.1:43401/a/../callback'],
    ['userinfo', 'http://127.0.0.1:43401@attacker.example/callback'],
    ['look-alike host', 'http://127.0.0.1.attacker.example:43401/callback'],
    ['scheme trick', 'javascript://127.0.0.1:43401/callback'],
    ['https instead of http', 'https://127.0.0.1:43401/callback'],
    ['another loopback host spelling', 'http://localhost:43401/callback'],
  ])('%s', async (_name, redirectUri) => {
    const res = await fetch(authorize({ redirect_uri: redirectUri }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  test('a non-loopback https redirect URI may not change port; a loopback one may (RFC 8252 §7.3)', async () => {
    const web = await register(stack.urls, publicClient(stack.urls, 'https://app.example/cb'));
    expect((await fetch(authorize({ client_id: web.client_id, redirect_uri: 'https://app.example:8443/cb' }), { redirect: 'manual' })).status).toBe(400);
    const other = await logIn(authorize({ redirect_uri: 'http://127.0.0.1:50999/callback' }), stack.username, stack.password);
    expect(other.callbackUrl!.origin).toBe('http://127.0.0.1:50999');
    expect(other.callbackUrl!.searchParams.get('code')).toBeTruthy();
  });
});

describe('consent replayed in another browser', () => {
  test('the Cognito URL after Allow, opened in the victim\'s logged-in browser, yields no code', async () => {
    const victim = await loggedInBrowser();
    const attacker = new CookieJar();
    const attackerClient = await register(stack.urls, publicClient(stack.urls, 'https://attacker.example/cb'));
    const page = await attacker.fetch(authorize({ client_id: attackerClient.client_id, redirect_uri: 'https://attacker.example/cb' }));
    const html = await page.text();
    const fields = Object.fromEntries([...html.matchAll(/name="(request|csrf)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const allowed = await attacker.fetch(new URL(`${stack.urls.base}/consent`), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, decision: 'allow' }).toString(),
    });
    const upstream = new URL(allowed.headers.get('location')!);
    expect(upstream.pathname).toBe('/oauth2/authorize');
    // The victim's browser: the live session answers at once, back to the broker's /callback...
    const atCognito = await victim.fetch(upstream);
    expect(atCognito.status).toBe(302);
    const callback = new URL(atCognito.headers.get('location')!);
    expect(callback.pathname).toBe('/callback');
    // ...which refuses: this browser did not consent. No code for the attacker's redirect URI.
    const refused = await victim.fetch(callback);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
  });

  test('a consent form posted from another browser is refused', async () => {
    const owner = new CookieJar();
    const html = await (await owner.fetch(authorize())).text();
    const fields = Object.fromEntries([...html.matchAll(/name="(request|csrf)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const other = await fetch(`${stack.urls.base}/consent`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, decision: 'allow' }).toString(),
    });
    expect(other.status).toBe(403);
  });
});

describe('PKCE, code replay, cross-client redemption', () => {
  test.each([
    ['missing', { code_challenge: undefined, code_challenge_method: undefined }],
    ['plain', { code_challenge_method: 'plain' }],
  ])('PKCE %s: redirected back with invalid_request, state and iss', async (_name, params) => {
    const res = await fetch(authorize(params), { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'invalid_request', state: 'st', iss: stack.urls.base });
  });

  test('a wrong verifier, a replayed code and another client\'s redemption are invalid_grant', async () => {
    const login = () => loginForCode(stack.urls, { clientId: client.client_id, redirectUri: REDIRECT, username: stack.username, password: stack.password, scope: read, resource: stack.urls.mcp });
    const exchange = (code: string, verifier: string, clientId = client.client_id) =>
      tokenRequest(stack.urls, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId });
    const wrong = await login();
    expect((await exchange(wrong.code, pkce().verifier)).body.error).toBe('invalid_grant');
    const other = await register(stack.urls, publicClient(stack.urls, REDIRECT));
    const stolen = await login();
    expect((await exchange(stolen.code, stolen.verifier, other.client_id)).body.error).toBe('invalid_grant');
    const good = await login();
    const tokens = await exchange(good.code, good.verifier);
    expect(tokens.status).toBe(200);
    expect((await exchange(good.code, good.verifier)).body.error).toBe('invalid_grant');
    // Cognito's tokens, unchanged: aud through resource, client_id the registration.
    expect(decodeJwt(tokens.body.access_token as string).payload).toMatchObject({ aud: stack.urls.mcp, client_id: client.client_id, scope: read });
    expect((await mcpToolsList(stack.urls, tokens.body.access_token as string)).status).toBe(200);
  });

  test('refresh through the broker with a scope parameter (mcp-remote sends its full scope) works and rotates', async () => {
    const { code, verifier } = await loginForCode(stack.urls, { clientId: client.client_id, redirectUri: REDIRECT, username: stack.username, password: stack.password, scope: read });
    const first = await tokenRequest(stack.urls, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: client.client_id });
    const refreshed = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string, client_id: client.client_id, scope: `${read} ${stack.urls.mcp}/write openid`, resource: stack.urls.mcp });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token as string).payload.scope).toBe(read);
    const old = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string, client_id: client.client_id });
    expect(old.body.error).toBe('invalid_grant');
  });
});

describe('other clients', () => {
  test('a CIMD client_id whose document cannot be fetched gets a page, never a redirect', async () => {
    const res = await fetch(authorize({ client_id: 'https://client.invalid/oauth/metadata.json' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toMatch(/invalid_client/);
  });

  test('markup in a client name is shown as text', async () => {
    const evil = await register(stack.urls, { ...publicClient(stack.urls, REDIRECT), client_name: '<img src=x onerror=alert(1)>' });
    const html = await (await fetch(authorize({ client_id: evil.client_id }))).text();
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  test('the static client logs in through the broker on any loopback port of its redirect URIs', async () => {
    const { code, verifier } = await loginForCode(stack.urls, { clientId: stack.staticClientId, redirectUri: 'http://127.0.0.1:9999/callback', username: stack.username, password: stack.password, scope: read });
    const tokens = await tokenRequest(stack.urls, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:9999/callback', client_id: stack.staticClientId });
    expect(tokens.status).toBe(200);
  });
});
