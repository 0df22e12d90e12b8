/**
 * End to end, on the wire: the local stand-in for Cognito's hosted login and token endpoints,
 * against clients the DCR bridge really created in cognito-local. Clients reach it through the
 * authorization broker (`stack.urls.authorize` / `token` / `revoke` are the broker's); the tests of
 * Cognito's own behaviour call the stand-in's /oauth2/* directly with the only callback every app
 * client has, the broker's /callback.
 *
 * | test                                               | spec                                               |
 * |----------------------------------------------------|----------------------------------------------------|
 * | bad client_id / redirect_uri shown, not redirected | RFC 6749 §4.1.2.1; OAuth 2.1 §4.1.2.1               |
 * | exact redirect URI match (port included)           | OAuth 2.1 §2.3.1; RFC 8252 §7.3 as Cognito applies it |
 * | PKCE required for public clients, S256 only        | OAuth 2.1 §4.1.1, §7.5.1; RFC 7636 §4.2, §4.6; MCP §Authorization Code Protection |
 * | resource → aud; unknown resource → invalid_target  | RFC 8707 §2; MCP §Token Audience Binding            |
 * | state echoed, no iss                               | RFC 6749 §4.1.2; RFC 9207 §3 (not advertised)       |
 * | login session (cookie), prompt=login               | Cognito managed login session; OIDC Core §3.1.2.1   |
 * | CSRF token (_csrf field + XSRF-TOKEN cookie)        | RFC 6749 §10.12; Cognito's hosted UI form            |
 * | code single-use, bound to client and redirect URI  | RFC 6749 §4.1.3, §10.5; OAuth 2.1 §4.1.3            |
 * | scope = requested, all allowed or invalid_scope    | RFC 6749 §3.3, §4.1.2.1; Cognito's /oauth2/authorize |
 * | token endpoint ignores scope but for client_credentials | Cognito's /oauth2/token; RFC 6749 §6           |
 * | confidential clients authenticate                  | RFC 6749 §2.3.1, §5.2 (invalid_client 401)          |
 * | Cognito-shaped tokens, JWKS with kid               | RFC 7519; RFC 7517; Cognito access token claims     |
 * | revocation                                         | RFC 7009 §2                                         |
 * | client_credentials for confidential M2M clients    | RFC 6749 §4.4; MCP client-credentials extension     |
 */
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../../lambda/shared/tokens';
import { LOCAL_AWS } from '../../scripts/local/services';
import { cookiesOf, hiddenFields, logIn, parseLoginForm } from './support/login-form';
import { authorizationUrl, decodeJwt, loginForCode, mcpToolsList, pkce, publicClient, register, tokenRequest, type Registration } from './support/oauth';
import { startTestStack } from './support/stack';

jest.setTimeout(30_000);

const REDIRECT = 'http://127.0.0.1:43299/callback';
let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: Registration;
let read: string;
let write: string;

beforeAll(async () => {
  stack = await startTestStack();
  read = `${stack.urls.mcp}/read`;
  write = `${stack.urls.mcp}/write`;
  client = await register(stack.urls, { ...publicClient(stack.urls, REDIRECT), scope: `${read} ${write} openid email` });
});
afterAll(async () => {
  await stack?.cleanup();
});

/** The stand-in's own /oauth2/authorize, as the broker calls it (redirect_uri = the broker's /callback). */
function standinAuthorize(params: Record<string, string | undefined>): URL {
  const url = new URL(`${stack.urls.base}/oauth2/authorize`);
  const all = { response_type: 'code', client_id: client.client_id, redirect_uri: `${stack.urls.base}/callback`, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 's1', ...params };
  for (const [key, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

function authorize(params: Record<string, string | undefined>): URL {
  const { challenge } = pkce();
  return authorizationUrl(stack.urls, { response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 's1', ...params });
}

async function exchange(code: string, verifier: string, extra: Record<string, string> = {}) {
  return tokenRequest(stack.urls, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: client.client_id, ...extra });
}

describe('authorization endpoint: what is shown, what is redirected', () => {
  test.each([
    ['an unknown client_id', { client_id: 'nosuchclient' }],
    ['no client_id', { client_id: undefined }],
    // (Another loopback port is accepted by the broker, RFC 8252 §7.3: test/e2e/broker-*.test.ts.)
    ['a redirect_uri on another path', { redirect_uri: 'http://127.0.0.1:43299/other' }],
    ['localhost instead of the registered 127.0.0.1', { redirect_uri: 'http://localhost:43299/callback' }],
    ['no redirect_uri', { redirect_uri: undefined }],
  ])('%s: an error page, never a redirect', async (_name, params) => {
    const res = await fetch(authorize(params), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  test.each([
    ['no PKCE from a public client', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['PKCE method plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['a resource that is not the MCP server', { resource: 'https://elsewhere.example/mcp' }, 'invalid_target'],
    ['only scopes the client may not have', { scope: 'aws.cognito.signin.user.admin' }, 'invalid_scope'],
  ])('%s: redirected back with the error and the state', async (_name, params, error) => {
    const res = await fetch(authorize(params), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe('s1');
  });

  test('at the stand-in, one scope the client may not have fails the whole request, as on Cognito (the broker drops such scopes before)', async () => {
    // The client may have read, write, openid and email, not profile nor the Cognito admin scope.
    for (const scope of [`${read} profile`, `openid ${write} aws.cognito.signin.user.admin`, `${read} ${stack.urls.mcp}/admin`]) {
      const res = await fetch(standinAuthorize({ scope }), { redirect: 'manual' });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(`${stack.urls.base}/callback`);
      expect(location.searchParams.get('error')).toBe('invalid_scope');
      expect(location.searchParams.get('state')).toBe('s1');
      expect(location.searchParams.has('code')).toBe(false);
    }
    // Allowed scopes, repeated or in any order, are granted as asked.
    const ok = await loginForCode(stack.urls, { clientId: client.client_id, redirectUri: REDIRECT, username: stack.username, password: stack.password, scope: `email ${read} openid ${read}` });
    expect(decodeJwt((await exchange(ok.code, ok.verifier)).body.access_token as string).payload.scope).toBe(`email ${read} openid`);
  });

  test('the login page is a form with username and password; a wrong password shows it again, no redirect', async () => {
    const page = await fetch(standinAuthorize({}));
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toMatch(/<form[^>]*method="post"/);
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
    for (const [user, password] of [[stack.username, 'wrong-Passw0rd!'], ['nobody@example.com', 'Passw0rd!x']]) {
      const result = await logIn(standinAuthorize({}), user, password);
      expect(result.callbackUrl).toBeUndefined();
      expect(result.status).toBe(401);
      expect(result.page).toContain('Incorrect username or password');
    }
  });

  test('a successful login redirects with code and state, and no iss, as Cognito; the broker then adds exactly one iss', async () => {
    const standin = await logIn(standinAuthorize({ state: 'xyz 1/2' }), stack.username, stack.password, { stopAt: `${stack.urls.base}/callback` });
    expect(standin.callbackUrl?.searchParams.get('code')).toBeTruthy();
    expect(standin.callbackUrl?.searchParams.get('state')).toBe('xyz 1/2');
    expect(standin.callbackUrl?.searchParams.has('iss')).toBe(false);
    const result = await logIn(authorize({ state: 'xyz 1/2' }), stack.username, stack.password);
    expect(result.callbackUrl?.searchParams.get('code')).toBeTruthy();
    expect(result.callbackUrl?.searchParams.get('state')).toBe('xyz 1/2');
    expect(result.callbackUrl?.searchParams.getAll('iss')).toEqual([stack.urls.base]);
  });
});

describe('the login accepts exactly what the DCR bridge registered (RFC 7592 §2.2)', () => {
  test('after PUT changes the redirect URIs, the new one logs in and the old one is an error page', async () => {
    const registered = await register(stack.urls, publicClient(stack.urls, 'http://127.0.0.1:43301/callback'));
    // (A new path, not a new port: the broker accepts any loopback port, RFC 8252 §7.3.)
    // RFC 7592 §2.2: the PUT body is the full metadata, with client_id, without the server-managed fields.
    const { client_id: id, registration_access_token: token, registration_client_uri: uri, client_id_issued_at: _issued, ...metadata } = registered;
    const put = await fetch(uri!, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...metadata, client_id: id, redirect_uris: ['http://127.0.0.1:43302/new-callback'] }),
    });
    expect(put.status).toBe(200);
    const old = await fetch(authorizationUrl(stack.urls, { response_type: 'code', client_id: id, redirect_uri: 'http://127.0.0.1:43301/callback', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
    expect(old.status).toBe(400);
    const login = await loginForCode(stack.urls, { clientId: id, redirectUri: 'http://127.0.0.1:43302/new-callback', username: stack.username, password: stack.password, scope: read });
    expect(login.code).toBeTruthy();
  });
});

/**
 * GETs the login page, then POSTs its form with the username and password, the page's cookies and
 * the fields `edit` returns (given the form's own hidden fields), as a browser or a forger would.
 */
async function postLogin(url: URL, edit: (fields: Array<[string, string]>) => Array<[string, string]>, cookie?: (pageCookies: string) => string): Promise<Response> {
  const page = await fetch(url);
  const html = await page.text();
  const action = parseLoginForm(html, url).action;
  const cookies = cookiesOf(page);
  return fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie ? cookie(cookies) : cookies },
    body: new URLSearchParams([...edit(hiddenFields(html)), ['username', stack.username], ['password', stack.password]]).toString(),
  });
}

describe('login page CSP: form-action names where the POST redirects (Chrome checks every hop)', () => {
  // The system's app clients all call back to the broker; an administrator's own app client may
  // call back anywhere Cognito allows, and the stand-in's CSP must follow it there too.
  let idp: CognitoIdentityProviderClient;
  beforeAll(() => {
    idp = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: stack.endpoints.cognito });
  });
  afterAll(() => idp?.destroy());
  const poolClient = async (callback: string) =>
    (
      await idp.send(
        new CreateUserPoolClientCommand({
          UserPoolId: stack.userPoolId,
          ClientName: 'e2e csp client',
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: [read],
          CallbackURLs: [callback],
          SupportedIdentityProviders: ['COGNITO'],
        }),
      )
    ).UserPoolClient!.ClientId!;
  const csp = async (clientId: string, redirectUri: string, state = 's1') => {
    const page = await fetch(standinAuthorize({ client_id: clientId, redirect_uri: redirectUri, state, scope: read }));
    expect(page.status).toBe(200);
    return page.headers.get('content-security-policy');
  };

  test.each([
    ['a loopback IPv4 callback: its origin', 'http://127.0.0.1:43301/callback', 'http://127.0.0.1:43301'],
    ['an IPv6 loopback callback, which CSP cannot name: any host on its port', 'http://[::1]:43302/callback', 'http://*:43302'],
    ['a private-use scheme: the scheme', 'com.example.app:/oauth/callback', 'com.example.app:'],
  ])('%s', async (_name, redirectUri, source) => {
    expect(await csp(await poolClient(redirectUri), redirectUri)).toBe(`default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${source}; frame-ancestors 'none'`);
  });

  describe('after the broker\'s /callback (a relay): also the origin its pending authorization sends the browser on to', () => {
    const FINAL = 'http://127.0.0.1:43399/callback';
    let brokerCallback: string;
    let ddb: DynamoDBDocumentClient;
    beforeAll(async () => {
      brokerCallback = `${stack.urls.base}/callback`;
      ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.endpoints.dynamodb }));
    });
    afterAll(() => ddb?.destroy());

    /** The broker's `authz#` item for upstream `state` (docs/contracts.md), as it writes one after Allow. */
    const pending = (state: string, expiresInSeconds: number) =>
      ddb.send(new PutCommand({ TableName: 'mcp-local-registrations', Item: { pk: `authz#${sha256Hex(state)}`, redirectUri: FINAL, expiresAt: Math.floor(Date.now() / 1000) + expiresInSeconds } }));
    const formAction = async (clientId: string, redirectUri: string, state: string) => /form-action ([^;]*);/.exec((await csp(clientId, redirectUri, state)) ?? '')?.[1];

    test('a live pending authorization for the state: its redirect URI\'s origin is added', async () => {
      await pending('relay-live', 600);
      expect(await formAction(client.client_id, brokerCallback, 'relay-live')).toBe(`'self' ${stack.urls.base} http://127.0.0.1:43399`);
    });

    test.each([
      ['no pending authorization', 'relay-none', undefined],
      ['an expired one', 'relay-expired', -1],
    ])('%s: nothing is added', async (_name, state, expiresIn) => {
      if (expiresIn !== undefined) await pending(state, expiresIn);
      expect(await formAction(client.client_id, brokerCallback, state)).toBe(`'self' ${stack.urls.base}`);
    });

    test('a redirect URI that is not the broker\'s /callback: its own origin only, whatever the state', async () => {
      await pending('relay-other', 600);
      expect(await formAction(await poolClient(REDIRECT), REDIRECT, 'relay-other')).toBe(`'self' ${new URL(REDIRECT).origin}`);
    });
  });

  test('an error page has no form and allows none', async () => {
    const res = await fetch(authorize({ client_id: 'nosuchclient' }));
    expect(res.headers.get('content-security-policy')).toContain("form-action 'none'; frame-ancestors 'none'");
  });
});

describe('CSRF token on the login form (as Cognito\'s _csrf field and XSRF-TOKEN cookie)', () => {
  test('the page carries a _csrf hidden field and the same value in an HttpOnly, SameSite cookie', async () => {
    const page = await fetch(standinAuthorize({}));
    const fields = hiddenFields(await page.text());
    const token = fields.find(([name]) => name === '_csrf')?.[1];
    expect(token).toMatch(/^[\w-]{43}$/);
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith('XSRF-TOKEN='))!;
    expect(cookie.split(';')[0]).toBe(`XSRF-TOKEN=${token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // A new page, a new token.
    const again = hiddenFields(await (await fetch(standinAuthorize({}))).text()).find(([name]) => name === '_csrf')?.[1];
    expect(again).not.toBe(token);
  });

  const withoutField = (fields: Array<[string, string]>) => fields.filter(([name]) => name !== '_csrf');
  test.each([
    ['no _csrf field', withoutField, undefined],
    ['a wrong _csrf field', (f: Array<[string, string]>) => [...withoutField(f), ['_csrf', 'A'.repeat(43)]] as Array<[string, string]>, undefined],
    ['two _csrf fields', (f: Array<[string, string]>) => [...f, ...f], undefined],
    ['no XSRF-TOKEN cookie', (f: Array<[string, string]>) => f, () => ''],
    ['the cookie of another page', (f: Array<[string, string]>) => f, () => `XSRF-TOKEN=${'B'.repeat(43)}`],
  ])('%s: 403, the form again, no code, no session', async (_name, edit, cookie) => {
    const posted = await postLogin(standinAuthorize({}), edit, cookie);
    expect(posted.status).toBe(403);
    expect(posted.headers.get('location')).toBeNull();
    const cookies = posted.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith('mcp_local_session='))).toBe(false);
    const html = await posted.text();
    expect(html).toContain('name="password"');
    expect(html).toMatch(/expired or did not come from this page/);
  });

  test('the right token and cookie log in', async () => {
    const posted = await postLogin(standinAuthorize({}), (fields) => fields);
    expect(posted.status).toBe(302);
    expect(new URL(posted.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });
});

describe('login session (as Cognito\'s managed login cookie)', () => {
  test('after a login the same browser is not asked again, unless prompt=login', async () => {
    const authorize = standinAuthorize;
    const posted = await postLogin(authorize({}), (fields) => fields);
    expect(posted.status).toBe(302);
    const cookie = posted.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const session = cookie.split(';')[0];

    const again = await fetch(authorize({ state: 's2', scope: write }), { redirect: 'manual', headers: { cookie: session } });
    expect(again.status).toBe(302);
    const location = new URL(again.headers.get('location')!);
    expect(location.searchParams.get('code')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('s2');

    const forced = await fetch(authorize({ prompt: 'login' }), { redirect: 'manual', headers: { cookie: session } });
    expect(forced.status).toBe(200);
    const unknown = await fetch(authorize({}), { redirect: 'manual', headers: { cookie: 'mcp_local_session=forged' } });
    expect(unknown.status).toBe(200);
  });
});

describe('token endpoint: authorization_code', () => {
  const login = (scope?: string, resource?: string) =>
    loginForCode(stack.urls, { clientId: client.client_id, redirectUri: REDIRECT, username: stack.username, password: stack.password, scope, resource });

  test('tokens are shaped like Cognito\'s and signed with a key from the JWKS', async () => {
    const { code, verifier } = await login(`${read} openid email`, stack.urls.mcp);
    const res = await exchange(code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number), access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String) });
    const access = decodeJwt(res.body.access_token as string);
    expect(access.header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(access.payload).toMatchObject({
      iss: stack.urls.base,
      sub: expect.any(String),
      client_id: client.client_id,
      token_use: 'access',
      scope: `${read} openid email`,
      aud: stack.urls.mcp,
      jti: expect.any(String),
      origin_jti: expect.any(String),
      auth_time: expect.any(Number),
      iat: expect.any(Number),
      exp: expect.any(Number),
      username: stack.username,
    });
    const id = decodeJwt(res.body.id_token as string).payload;
    expect(id).toMatchObject({ token_use: 'id', aud: client.client_id, sub: access.payload.sub, email: stack.username });
    const jwks = (await (await fetch(stack.urls.jwks)).json()) as { keys: Array<{ kid: string; alg: string; kty: string }> };
    expect(jwks.keys).toEqual([expect.objectContaining({ kid: access.header.kid, alg: 'RS256', kty: 'RSA' })]);
    const info = await fetch(stack.urls.userInfo, { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(await info.json()).toMatchObject({ sub: access.payload.sub, email: stack.username });
  });

  test('the ID token echoes the OIDC nonce of the authorization request', async () => {
    const { verifier, challenge } = pkce();
    const url = authorizationUrl(stack.urls, { response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, scope: 'openid', nonce: 'n-0S6_WzA2Mj', code_challenge: challenge, code_challenge_method: 'S256' });
    const code = (await logIn(url, stack.username, stack.password)).callbackUrl!.searchParams.get('code')!;
    const res = await exchange(code, verifier);
    expect(decodeJwt(res.body.id_token as string).payload.nonce).toBe('n-0S6_WzA2Mj');
    const refreshed = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: res.body.refresh_token as string, client_id: client.client_id });
    expect(decodeJwt(refreshed.body.id_token as string).payload.nonce).toBeUndefined();
  });

  test('without resource there is no aud; without scope every allowed scope is granted', async () => {
    const none = await login(undefined, undefined);
    const a = decodeJwt((await exchange(none.code, none.verifier)).body.access_token as string).payload;
    expect(a.aud).toBeUndefined();
    expect(String(a.scope).split(' ').sort()).toEqual([read, write, 'email', 'openid'].sort());
  });

  test('a code works once', async () => {
    const { code, verifier } = await login(read);
    expect((await exchange(code, verifier)).status).toBe(200);
    const again = await exchange(code, verifier);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  test.each([
    ['a wrong code_verifier', { code_verifier: pkce().verifier }, 400, 'invalid_grant'],
    ['no code_verifier', { code_verifier: '' }, 400, 'invalid_grant'],
    ['another redirect_uri', { redirect_uri: 'http://127.0.0.1:43300/callback' }, 400, 'invalid_grant'],
    ['a resource that is not the MCP server', { resource: 'https://elsewhere.example/mcp' }, 400, 'invalid_target'],
  ])('%s is refused (and the code is spent)', async (_name, extra, status, error) => {
    const { code, verifier } = await login(read);
    const res = await exchange(code, verifier, extra as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect((await exchange(code, verifier)).body.error).toBe('invalid_grant');
  });

  test('an unknown client is invalid_client 401 (client authentication comes first)', async () => {
    const { code, verifier } = await login(read);
    const res = await exchange(code, verifier, { client_id: 'nosuchclient' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  test('a code issued to one client cannot be redeemed by another', async () => {
    const other = await register(stack.urls, publicClient(stack.urls, REDIRECT));
    const { code, verifier } = await login(read);
    const res = await exchange(code, verifier, { client_id: other.client_id });
    expect(res.body.error).toBe('invalid_grant');
  });

  test('unsupported grant types are refused', async () => {
    // (the password grant is not offered, as on Cognito's token endpoint)
    const res = await tokenRequest(stack.urls, { grant_type: 'password', username: stack.username, password: stack.password, client_id: client.client_id });
    expect(res.body.error).toBe('unsupported_grant_type');
  });
});

describe('token endpoint: scope is read only for client_credentials, as on Cognito', () => {
  test.each([
    ['a wider scope (what mcp-remote sends on every refresh)', () => `${read} ${write} openid`],
    ['a narrower scope', () => 'openid'],
    ['a scope the client may not have', () => 'aws.cognito.signin.user.admin'],
  ])('refresh with %s: 200, the scope of the login', async (_name, scope) => {
    const { challenge, verifier } = pkce();
    const login = await logIn(authorize({ code_challenge: challenge, scope: `${read} openid` }), stack.username, stack.password);
    const first = await exchange(login.callbackUrl!.searchParams.get('code')!, verifier, { scope: scope() });
    expect(first.status).toBe(200);
    expect(decodeJwt(first.body.access_token as string).payload.scope).toBe(`${read} openid`);
    const refreshed = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string, client_id: client.client_id, scope: scope() });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token as string).payload.scope).toBe(`${read} openid`);
  });
});

describe('confidential clients (RFC 6749 §2.3.1)', () => {
  test('authenticate with client_secret_basic; a missing or wrong secret is invalid_client 401', async () => {
    const confidential = await register(stack.urls, { ...publicClient(stack.urls, REDIRECT), token_endpoint_auth_method: 'client_secret_basic' });
    expect(confidential.client_secret).toEqual(expect.any(String));
    const loginOnce = () => loginForCode(stack.urls, { clientId: confidential.client_id, redirectUri: REDIRECT, username: stack.username, password: stack.password, scope: read });
    const basic = (secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(confidential.client_id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

    const first = await loginOnce();
    const params = { grant_type: 'authorization_code', code: first.code, code_verifier: first.verifier, redirect_uri: REDIRECT };
    const wrong = await tokenRequest(stack.urls, params, { authorization: basic('wrong') });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);

    const second = await loginOnce();
    const missing = await tokenRequest(stack.urls, { ...params, code: second.code, code_verifier: second.verifier, client_id: confidential.client_id });
    expect(missing.status).toBe(401);

    const third = await loginOnce();
    const ok = await tokenRequest(stack.urls, { ...params, code: third.code, code_verifier: third.verifier }, { authorization: basic(confidential.client_secret!) });
    expect(ok.status).toBe(200);
    const refreshed = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token as string, client_id: confidential.client_id, client_secret: confidential.client_secret });
    expect(refreshed.status).toBe(200);
  });
});

describe('client credentials (RFC 6749 §4.4)', () => {
  test('a confidential client allowed client_credentials gets a Cognito-shaped token; the MCP server refuses it (no user, machine clients off); others may not use the grant', async () => {
    // Open registration refuses machine clients (MACHINE_CLIENTS is off), so the app client is made
    // the way an administrator would, straight in the pool: this tests the stand-in, as Cognito.
    const idp = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: stack.endpoints.cognito });
    try {
      const created = await idp.send(
        new CreateUserPoolClientCommand({
          UserPoolId: stack.userPoolId,
          ClientName: 'e2e machine client',
          GenerateSecret: true,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: [read],
        }),
      );
      const m2m = created.UserPoolClient!;
      const basic = `Basic ${Buffer.from(`${m2m.ClientId}:${m2m.ClientSecret}`).toString('base64')}`;
      // The stand-in's own token endpoint, as Cognito's (the broker serves this grant only with MACHINE_CLIENTS=true).
      const standin = { ...stack.urls, token: `${stack.urls.base}/oauth2/token` };
      const res = await tokenRequest(standin, { grant_type: 'client_credentials', resource: stack.urls.mcp }, { authorization: basic });
      expect(res.status).toBe(200);
      expect(res.body.refresh_token).toBeUndefined();
      expect(decodeJwt(res.body.access_token as string).payload).toMatchObject({ sub: m2m.ClientId, client_id: m2m.ClientId, token_use: 'access', scope: read, aud: stack.urls.mcp });
      const refused = await mcpToolsList(stack.urls, res.body.access_token as string);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('names no user');
      const tooMuch = await tokenRequest(standin, { grant_type: 'client_credentials', scope: write }, { authorization: basic });
      expect(tooMuch.body.error).toBe('invalid_scope');
      const publicOne = await tokenRequest(standin, { grant_type: 'client_credentials', client_id: client.client_id });
      expect(publicOne.body.error).toBe('unauthorized_client');
    } finally {
      idp.destroy();
    }
  });
});

describe('revocation (RFC 7009)', () => {
  test('a revoked refresh token no longer refreshes; revoking an unknown token is not an error', async () => {
    const { code, verifier } = await loginForCode(stack.urls, { clientId: client.client_id, redirectUri: REDIRECT, username: stack.username, password: stack.password, scope: read });
    const tokens = (await exchange(code, verifier)).body;
    const revoke = (token: string) =>
      fetch(stack.urls.revoke, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, client_id: client.client_id }).toString() });
    expect((await revoke(tokens.refresh_token as string)).status).toBe(200);
    expect((await revoke('unknown-token')).status).toBe(200);
    const res = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, client_id: client.client_id });
    expect(res.body.error).toBe('invalid_grant');
  });
});

describe('routing', () => {
  test('unknown paths answer 404 JSON, including unknown well-known paths', async () => {
    for (const path of ['/nope', '/.well-known/nothing-here']) {
      const res = await fetch(`${stack.urls.base}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/json/);
    }
  });
});
