/**
 * The broker's browser-facing endpoints against dynalite and cognito-local: GET /authorize,
 * POST /consent, GET /callback. Each attack class from other MCP OAuth proxies' advisories has a test:
 *
 * | attack                                               | rule                                            | test                                 |
 * |------------------------------------------------------|-------------------------------------------------|--------------------------------------|
 * | silent authorization of a new client (confused deputy)| consent page before every upstream redirect   | "consent is shown every time"        |
 * | open redirect via unknown client / look-alike URI     | error page, never a redirect                   | "… an error page, never a redirect"  |
 * | consent replayed / callback in another browser        | binding cookie + CSRF, single-use state        | "another browser …"                  |
 * | PKCE downgrade (missing, plain, malformed)            | S256 required at /authorize                    | "redirected back with …"             |
 * | mix-up (RFC 9207)                                     | exactly one iss on every redirect              | "iss" assertions                     |
 * | markup in client name                                 | escaped template                               | "markup in the client name"          |
 * | framing / clickjacking of consent                     | CSP frame-ancestors 'none', X-Frame-Options     | "consent page headers"               |
 *
 * Remembered consent: broker-authorize-remember.test.ts.
 */
import { pendingFrom } from '../../../lambda/oauth/broker/consent';
import { allowIn, authorizeRequest, Browser, brokerWorld, consentFields, ISSUER, location, REDIRECT } from './broker-support';
import { AUTHORIZE_RATE_LIMIT } from '../../../lambda/oauth/rate-limit';
import { bodyOf, buildHandler, event, publicClient, READ, RESOURCE_URL, scanTable, STATIC_CLIENT_ID, STATIC_REDIRECT_URI, WRITE } from './harness';

jest.setTimeout(30_000);

const world = brokerWorld();
let clientId: string;

beforeAll(async () => {
  clientId = bodyOf(await world.handler(event('POST', '/register', { body: publicClient({ redirect_uris: [REDIRECT, 'https://app.example.com/cb'], scope: `${READ} ${WRITE}`, client_name: 'Wire client' }) }))).client_id as string;
});

const request = (params: Record<string, string | undefined> = {}) => authorizeRequest(clientId, params);

const brokerItems = async (prefix: string) => (await scanTable(world.services, world.environment.table)).filter((item) => String(item.pk).startsWith(prefix));

/** Consent page → Allow → the Cognito URL. */
const allow = (browser: Browser, params: Record<string, string | undefined> = {}) => allowIn(browser, request(params));

describe('GET /authorize: the client and its redirect URI first, shown on a page', () => {
  test.each([
    ['an unknown client_id', { client_id: 'nosuchclient' }],
    ['no client_id', { client_id: undefined }],
    ['a client_id repeated', { client_id: undefined }, `&client_id=${'x'}&client_id=y`],
    ['no redirect_uri', { redirect_uri: undefined }],
    ['a trailing slash', { redirect_uri: `${REDIRECT}/` }],
    ['an extra query', { redirect_uri: `${REDIRECT}?next=https://evil.example` }],
    ['dot segments', { redirect_uri: 'http://127.0.0.1:43210/x/../callback' }],
    ['userinfo', { redirect_uri: 'https://app.example.com@evil.example/cb' }],
    ['a look-alike host', { redirect_uri: 'https://app.example.com.evil.example/cb' }],
    ['a scheme trick', { redirect_uri: 'javascript://app.example.com/cb' }],
    ['http for an https URI', { redirect_uri: 'http://app.example.com/cb' }],
    ['a port on a non-loopback URI', { redirect_uri: 'https://app.example.com:444/cb' }],
    ['localhost for a registered 127.0.0.1', { redirect_uri: 'http://localhost:43210/callback' }],
    ['a CIMD client_id while CIMD is not implemented', { client_id: 'https://client.example/app.json' }],
  ])('%s: an error page, never a redirect, nothing stored', async (_name, params, extra = '') => {
    const before = (await brokerItems('consent#')).length;
    const result = await new Browser(world.handler).get(request(params) + extra);
    expect(result.statusCode).toBe(400);
    expect((result.headers as Record<string, string>).location).toBeUndefined();
    expect((result.headers as Record<string, string>)['content-type']).toMatch(/^text\/html/);
    expect(await brokerItems('consent#')).toHaveLength(before);
  });

  test('a CIMD client whose document cannot be fetched: the reason on a page, no redirect', async () => {
    const result = await new Browser(world.handler).get(request({ client_id: 'https://client.invalid/app.json' }));
    expect(result.statusCode).toBe(400);
    expect(result.headers?.location).toBeUndefined();
    expect(result.body).toContain('The client metadata document at https://client.invalid/app.json cannot be used');
  });

  test('RFC 8252 §7.3: a loopback redirect URI on another port is accepted', async () => {
    const page = await new Browser(world.handler).get(request({ redirect_uri: 'http://127.0.0.1:50123/callback' }));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<p class="host">127.0.0.1:50123</p>');
  });
});

describe('GET /authorize: other errors go back to the validated redirect URI with state and one iss', () => {
  test.each([
    ['no PKCE', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['PKCE method plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no PKCE method (plain by default)', { code_challenge_method: undefined }, 'invalid_request'],
    ['a malformed challenge', { code_challenge: 'short' }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['another resource', { resource: 'https://elsewhere.example/mcp' }, 'invalid_target'],
    ['only scopes the client may not have', { scope: 'openid aws.world.cognito.signin.user.admin' }, 'invalid_scope'],
    ['a repeated scope parameter', { scope: undefined }, 'invalid_request', `&scope=${encodeURIComponent(READ)}&scope=${encodeURIComponent(WRITE)}`],
  ])('%s → %s', async (_name, params, error, extra = '') => {
    const before = (await brokerItems('consent#')).length;
    const result = await new Browser(world.handler).get(request(params) + extra);
    expect(result.statusCode).toBe(302);
    const to = location(result);
    expect(to.origin + to.pathname).toBe(REDIRECT);
    expect(to.searchParams.get('error')).toBe(error);
    expect(to.searchParams.get('state')).toBe('client-state');
    expect(to.searchParams.getAll('iss')).toEqual([ISSUER]);
    expect(await brokerItems('consent#')).toHaveLength(before);
  });
});

describe('consent', () => {
  test('consent is shown every time (no silent authorization through a live session), with strict headers', async () => {
    const browser = new Browser(world.handler);
    for (let i = 0; i < 2; i++) {
      const page = await browser.get(request());
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('value="allow">Allow</button>');
      const headers = page.headers as Record<string, string>;
      expect(headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; form-action https:\/\/as\.example\.test\/consent /);
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'; base-uri 'none'");
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['cache-control']).toBe('no-store');
      expect(headers['access-control-allow-origin']).toBeUndefined();
      expect(page.cookies?.[0]).toMatch(/^__Host-mcp_broker_binding=.*; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure$/);
    }
  });

  test('requested scopes the client may not have are dropped; no scope means all it registered', async () => {
    const page = await new Browser(world.handler).get(request({ scope: `openid ${READ} ${RESOURCE_URL}/admin` }));
    expect(page.body).toContain('Read your data');
    expect(page.body).not.toContain('Know who you are');
    const all = await new Browser(world.handler).get(request({ scope: undefined }));
    expect(all.body).toContain('Change your data');
  });

  test('markup in the client name is escaped', async () => {
    const id = bodyOf(await world.handler(event('POST', '/register', { body: publicClient({ redirect_uris: [REDIRECT], client_name: '<script>alert(1)</script>' }) }))).client_id as string;
    const page = await new Browser(world.handler).get(request({ client_id: id }));
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('Deny returns access_denied with state and iss; the request cannot be answered twice', async () => {
    const browser = new Browser(world.handler);
    const fields = consentFields(await browser.get(request()));
    const denied = await browser.post('/consent', { ...fields, decision: 'deny' });
    const to = location(denied);
    expect(to.origin + to.pathname).toBe(REDIRECT);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({ error: 'access_denied', state: 'client-state', iss: ISSUER });
    expect((await browser.post('/consent', { ...fields, decision: 'allow' })).statusCode).toBe(400);
  });

  test('Allow sends the browser to Cognito with only documented parameters, the mapped client, the broker\'s callback, state and PKCE', async () => {
    const to = await allow(new Browser(world.handler));
    expect(to.origin + to.pathname).toBe(`${world.cognito.url}/oauth2/authorize`);
    const params = Object.fromEntries(to.searchParams);
    expect(Object.keys(params).sort()).toEqual(['client_id', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'resource', 'response_type', 'scope', 'state']);
    expect(params).toMatchObject({ client_id: clientId, redirect_uri: `${ISSUER}/callback`, response_type: 'code', scope: READ, code_challenge_method: 'S256', resource: RESOURCE_URL });
    expect(params.state).not.toBe('client-state');
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Stored hashed: the upstream state is not a key or a value in the table.
    expect(JSON.stringify(await scanTable(world.services, world.environment.table))).not.toContain(params.state);
  });

  test.each([
    ['no cookie', async () => new Browser(world.handler)],
    ['another browser with its own valid cookie', async () => {
      const other = new Browser(world.handler);
      await other.get(request());
      return other;
    }],
  ])('a consent answer from %s is refused (403) and the pending request survives', async (_name, makeOther) => {
    const victim = new Browser(world.handler);
    const fields = consentFields(await victim.get(request()));
    const other = await makeOther();
    const refused = await other.post('/consent', { ...fields, decision: 'allow' });
    expect(refused.statusCode).toBe(403);
    expect((refused.headers as Record<string, string>).location).toBeUndefined();
    expect((await victim.post('/consent', { ...fields, decision: 'allow' })).statusCode).toBe(302);
  });

  test('a forged CSRF token is refused', async () => {
    const browser = new Browser(world.handler);
    const fields = consentFields(await browser.get(request()));
    expect((await browser.post('/consent', { ...fields, csrf: 'A'.repeat(43), decision: 'allow' })).statusCode).toBe(403);
    expect((await browser.post('/consent', { request: fields.request, decision: 'allow' })).statusCode).toBe(403);
    expect((await browser.post('/consent', { ...fields, decision: 'maybe' })).statusCode).toBe(400);
  });
});

describe('GET /callback', () => {
  test('same browser: a one-time facade code, the client\'s state and exactly one iss; the upstream code is not stored readable', async () => {
    const browser = new Browser(world.handler);
    const upstream = await allow(browser);
    const back = await browser.get(`/callback?code=world.cognito-code-123&state=${upstream.searchParams.get('state')}`);
    const to = location(back);
    expect(to.origin + to.pathname).toBe(REDIRECT);
    expect(to.searchParams.get('state')).toBe('client-state');
    expect(to.searchParams.getAll('iss')).toEqual([ISSUER]);
    expect(to.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const table = JSON.stringify(await scanTable(world.services, world.environment.table));
    expect(table).not.toContain('world.cognito-code-123');
    expect(table).not.toContain(to.searchParams.get('code'));
    // The upstream state is single-use.
    expect((await browser.get(`/callback?code=again&state=${upstream.searchParams.get('state')}`)).statusCode).toBe(400);
  });

  test('another browser (consent replayed elsewhere) gets no code, and the consenting browser can still finish', async () => {
    const attacker = new Browser(world.handler);
    const upstream = await allow(attacker);
    const victim = new Browser(world.handler);
    await victim.get(request());
    for (const browser of [victim, new Browser(world.handler)]) {
      const result = await browser.get(`/callback?code=victim-code&state=${upstream.searchParams.get('state')}`);
      expect(result.statusCode).toBe(400);
      expect((result.headers as Record<string, string>).location).toBeUndefined();
    }
    expect(location(await attacker.get(`/callback?code=c&state=${upstream.searchParams.get('state')}`)).searchParams.get('code')).toBeTruthy();
  });

  test('an upstream error is relayed with the client\'s state and one iss; unsafe error text is not', async () => {
    const browser = new Browser(world.handler);
    const upstream = await allow(browser);
    const to = location(await browser.get(`/callback?error=access_denied&error_description=${encodeURIComponent('User "said" no')}&state=${upstream.searchParams.get('state')}`));
    expect(Object.fromEntries(to.searchParams)).toEqual({ error: 'access_denied', state: 'client-state', iss: ISSUER });
    const again = await allow(browser);
    const odd = location(await browser.get(`/callback?error=${encodeURIComponent('<b>')}&state=${again.searchParams.get('state')}`));
    expect(odd.searchParams.get('error')).toBe('server_error');
  });

  test('unknown or missing state: a page', async () => {
    const browser = new Browser(world.handler);
    await browser.get(request());
    expect((await browser.get('/callback?code=x&state=nosuchstate')).statusCode).toBe(400);
    expect((await browser.get('/callback?code=x')).statusCode).toBe(400);
  });

  test('a client deleted between consent and callback gets no redirect (the redirect URI is checked again)', async () => {
    const created = bodyOf(await world.handler(event('POST', '/register', { body: publicClient({ redirect_uris: [REDIRECT] }) })));
    const browser = new Browser(world.handler);
    const upstream = await allow(browser, { client_id: created.client_id as string });
    const uri = new URL(created.registration_client_uri as string);
    expect((await world.handler(event('DELETE', uri.pathname, { headers: { authorization: `Bearer ${created.registration_access_token}` } }))).statusCode).toBe(204);
    const result = await browser.get(`/callback?code=c&state=${upstream.searchParams.get('state')}`);
    expect(result.statusCode).toBe(400);
    expect((result.headers as Record<string, string>).location).toBeUndefined();
  });
});

describe('GET /authorize budget per source IP (pending consent items cannot be written without bound)', () => {
  test(`over ${AUTHORIZE_RATE_LIMIT.limit} requests in ${AUTHORIZE_RATE_LIMIT.windowSeconds} s: a 429 page with Retry-After, nothing stored, whatever the client; other addresses and the next window are unaffected`, async () => {
    let clock = new Date('2026-12-01T12:00:30Z');
    const handler = buildHandler(world.services, world.environment, (deps) => ({ ...deps, now: () => clock })).handler;
    const browser = new Browser(handler);
    const ip = '198.51.100.77';
    for (let i = 0; i < AUTHORIZE_RATE_LIMIT.limit; i++) expect((await browser.get(request({ state: `s${i}` }), { sourceIp: ip })).statusCode).toBe(200);
    const pending = (await brokerItems('consent#')).length;

    const over = await browser.get(request(), { sourceIp: ip });
    expect(over.statusCode).toBe(429);
    const headers = over.headers as Record<string, string>;
    expect(headers['retry-after']).toBe('570'); // to the end of the 10-minute window that began at 12:00:00
    expect(headers['content-type']).toMatch(/^text\/html/);
    expect(headers.location).toBeUndefined();
    expect(over.body).toContain('temporarily_unavailable');
    expect(over.body).toContain('Too many sign-in attempts from your network address');
    // Counted before the client is looked up: an unknown client is refused the same way.
    expect((await browser.get(request({ client_id: 'nosuchclient' }), { sourceIp: ip })).statusCode).toBe(429);
    expect(await brokerItems('consent#')).toHaveLength(pending);
    expect((await brokerItems(`authorize-rate#${ip}#`))[0]).toMatchObject({ count: AUTHORIZE_RATE_LIMIT.limit, expiresAt: expect.any(Number) });

    expect((await browser.get(request(), { sourceIp: '198.51.100.78' })).statusCode).toBe(200);
    clock = new Date(clock.getTime() + AUTHORIZE_RATE_LIMIT.windowSeconds * 1000);
    expect((await browser.get(request(), { sourceIp: ip })).statusCode).toBe(200);
  });
});

describe('the static client', () => {
  test('the static client goes through the broker with its configured redirect URIs', async () => {
    const page = await new Browser(world.handler).get(request({ client_id: STATIC_CLIENT_ID, redirect_uri: STATIC_REDIRECT_URI, scope: `${READ} openid` }));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('first-party');
    expect((await new Browser(world.handler).get(request({ client_id: STATIC_CLIENT_ID, redirect_uri: 'https://evil.example/cb' }))).statusCode).toBe(400);
  });
});

test('pendingFrom keeps only the request fields', () => {
  expect(pendingFrom({ clientId: 'c', redirectUri: 'r', scopes: [], codeChallenge: 'x', pk: 'p', expiresAt: 1, bindingHash: 'b' } as never)).toEqual({
    clientId: 'c',
    redirectUri: 'r',
    scopes: [],
    codeChallenge: 'x',
    state: undefined,
    resource: undefined,
    nonce: undefined,
    prompt: undefined,
  });
});

test('the pages answer no CORS preflight', async () => {
  const result = await world.handler({ ...event('OPTIONS', '/authorize') });
  expect(result.statusCode).toBe(405);
  expect((result.headers as Record<string, string>)['access-control-allow-origin']).toBeUndefined();
});
