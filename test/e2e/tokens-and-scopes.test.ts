/**
 * End to end: what happens after the first login: refresh with rotation, step-up to a larger
 * scope, per-user data, and a deleted registration.
 *
 * | test                                    | spec                                                              |
 * |-----------------------------------------|-------------------------------------------------------------------|
 * | refresh rotates; the old token is dead  | RFC 6749 §6; OAuth 2.1 §4.3.1; MCP 2026-07-28 (public clients MUST rotate) |
 * | SDK refreshes on 401                    | MCP §Token Handling; RFC 6750 §3.1                                |
 * | step-up read → write                    | MCP §Scope Challenge Handling; RFC 6750 §3.1 insufficient_scope   |
 * | users cannot see each other's notes     | MCP §Access Token Usage (per-user authorization, token subject)   |
 * | RFC 7592 DELETE ends the client         | RFC 7592 §2.3; RFC 6749 §5.2 invalid_client                       |
 * | static (pre-registered) client          | MCP §Client Registration Approaches (pre-registration)           |
 */
import { FormLoginProvider } from './support/v2-provider';
import { connect, withLogin, type ClientKind } from './support/connect';
import { decodeJwt, loginForCode, mcpToolsList, publicClient, register, tokenRequest } from './support/oauth';
import { recordingFetch, sleep, startTestStack } from './support/stack';

jest.setTimeout(60_000);

const TTL_SECONDS = 1;
let stack: Awaited<ReturnType<typeof startTestStack>>;
let read: string;
let write: string;
beforeAll(async () => {
  stack = await startTestStack({ clientCheckTtlSeconds: TTL_SECONDS });
  read = `${stack.urls.mcp}/read`;
  write = `${stack.urls.mcp}/write`;
});
afterAll(async () => {
  await stack?.cleanup();
});

const v2: ClientKind = { sdk: 'v2', mode: { pin: '2026-07-28' } };

describe('refresh tokens (RFC 6749 §6, OAuth 2.1 §4.3.1)', () => {
  test('a refresh returns a new refresh token and the old one is rejected', async () => {
    const redirectUri = 'http://127.0.0.1:43211/callback';
    const client = await register(stack.urls, publicClient(stack.urls, redirectUri));
    const { code, verifier } = await loginForCode(stack.urls, { clientId: client.client_id, redirectUri, username: stack.username, password: stack.password, scope: read, resource: stack.urls.mcp });
    const first = await tokenRequest(stack.urls, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: client.client_id });
    expect(first.status).toBe(200);
    const refreshToken = first.body.refresh_token as string;

    const second = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).toEqual(expect.any(String));
    expect(second.body.refresh_token).not.toBe(refreshToken);
    // Same login (origin_jti, auth_time), same audience and scope, new token.
    const a = decodeJwt(first.body.access_token as string).payload;
    const b = decodeJwt(second.body.access_token as string).payload;
    expect(b).toMatchObject({ origin_jti: a.origin_jti, auth_time: a.auth_time, aud: stack.urls.mcp, scope: read, sub: a.sub });
    expect((await mcpToolsList(stack.urls, second.body.access_token as string)).status).toBe(200);

    const replay = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
  });

  test('the SDK refreshes by itself when the access token is rejected', async () => {
    const provider = new FormLoginProvider({ username: stack.username, password: stack.password, scope: `${read} ${write}` });
    const client = await connect(stack.urls.mcp, provider, v2);
    try {
      const before = provider.tokens()!;
      provider.saveTokens({ ...before, access_token: 'not-a-valid-token' });
      const tools = await client.listTools();
      expect(tools.tools.length).toBeGreaterThan(0);
      const after = provider.tokens()!;
      expect(after.access_token).not.toBe('not-a-valid-token');
      expect(after.refresh_token).not.toBe(before.refresh_token);
      expect(provider.authorizationUrls).toHaveLength(1); // no second login
      const replay = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: before.refresh_token, client_id: provider.clientInformation()!.client_id });
      expect(replay.body.error).toBe('invalid_grant');
    } finally {
      await client.close();
    }
  });
});

describe('step-up authorization (MCP §Scope Challenge Handling)', () => {
  test('SDK v2 (2026-07-28): notes_add with a read token gets 403 insufficient_scope, the SDK re-authorizes for write by itself', async () => {
    // Registered for read and write; the SDK first asks only for what the 401 challenge names (read).
    const client = await register(stack.urls, publicClient(stack.urls, 'http://127.0.0.1:8765/callback'));
    const provider = new FormLoginProvider({ username: stack.username, password: stack.password, clientId: client.client_id, issuer: stack.urls.base });
    const connected = await connect(stack.urls.mcp, provider, v2);
    try {
      expect(provider.authorizationUrls[0].searchParams.get('scope')?.split(' ')).not.toContain(write);
      // The SDK sees 403 insufficient_scope, asks for the scopes the challenge names, and sends the user to log in again.
      const added = await withLogin(connected, provider, () => connected.callTool('notes_add', { text: 'stepped up' }));
      expect(added.isError).toBeFalsy();
      expect(provider.authorizationUrls).toHaveLength(2);
      expect(provider.authorizationUrls[1].searchParams.get('scope')?.split(' ')).toContain(write);
      expect(String(decodeJwt(provider.tokens()!.access_token).payload.scope).split(' ')).toContain(write);
    } finally {
      await connected.close();
    }
  });

  test('SDK v1 (2025-11-25): on 403 it only refreshes (which cannot widen scope); the app re-authorizes for write explicitly', async () => {
    const client = await register(stack.urls, publicClient(stack.urls, 'http://127.0.0.1:8765/callback'));
    const provider = new FormLoginProvider({ username: stack.username, password: stack.password, clientId: client.client_id, issuer: stack.urls.base });
    const connected = await connect(stack.urls.mcp, provider, { sdk: 'v1' });
    try {
      await expect(connected.callTool('notes_add', { text: 'not yet' })).rejects.toThrow(/403/);
      expect(provider.authorizationUrls).toHaveLength(1);
      await connected.reauthorize(`${read} ${write}`);
      expect(provider.authorizationUrls[1].searchParams.get('scope')?.split(' ')).toContain(write);
      const added = await connected.callTool('notes_add', { text: 'stepped up' });
      expect(added.isError).toBeFalsy();
    } finally {
      await connected.close();
    }
  });

  // The SDK registers with the first challenge's scope (read); the DCR bridge registers every scope
  // of the resource for code-grant clients, so the later step-up to write can succeed.
  test('a client the SDK registered itself can step up from read to write', async () => {
    const provider = new FormLoginProvider({ username: stack.username, password: stack.password });
    const connected = await connect(stack.urls.mcp, provider, v2);
    try {
      const added = await withLogin(connected, provider, () => connected.callTool('notes_add', { text: 'stepped up' }));
      expect(added.isError).toBeFalsy();
    } finally {
      await connected.close();
    }
  });
});

describe('registered scope versus what the MCP server challenges for', () => {
  // Some clients register with only OIDC scopes (DESIGN.md "What real clients do"); the bridge
  // registers the resource's scopes anyway, so such a client can still get a token for /mcp.
  test('a client registered with scope "openid email profile" can log in for the MCP read scope', async () => {
    const registered = await register(stack.urls, { ...publicClient(stack.urls, 'http://127.0.0.1:8765/callback'), scope: 'openid email profile' });
    expect(registered.scope).toContain(`${stack.urls.mcp}/read`);
    const provider = new FormLoginProvider({ username: stack.username, password: stack.password, clientId: registered.client_id, issuer: stack.urls.base });
    const connected = await connect(stack.urls.mcp, provider, v2);
    try {
      expect((await connected.listTools()).tools.map((tool) => tool.name)).toContain('whoami');
    } finally {
      await connected.close();
    }
  });
});

describe('per-user data', () => {
  test('two users cannot see each other\'s notes', async () => {
    await stack.createUser('bob@example.com', 'Passw0rd!bob');
    const registered = await register(stack.urls, publicClient(stack.urls, 'http://127.0.0.1:8765/callback'));
    const alice = new FormLoginProvider({ username: stack.username, password: stack.password, clientId: registered.client_id, issuer: stack.urls.base });
    const bob = new FormLoginProvider({ username: 'bob@example.com', password: 'Passw0rd!bob', clientId: registered.client_id, issuer: stack.urls.base });
    const a = await connect(stack.urls.mcp, alice, v2);
    const b = await connect(stack.urls.mcp, bob, v2);
    try {
      await withLogin(a, alice, () => a.callTool('notes_add', { text: 'alice only' }));
      await withLogin(b, bob, () => b.callTool('notes_add', { text: 'bob only' }));
      const aliceNotes = JSON.stringify(await a.callTool('notes_list'));
      const bobNotes = JSON.stringify(await b.callTool('notes_list'));
      expect(aliceNotes).toContain('alice only');
      expect(aliceNotes).not.toContain('bob only');
      expect(bobNotes).toContain('bob only');
      expect(bobNotes).not.toContain('alice only');
      expect((await b.callTool('whoami')).structuredContent).toMatchObject({ username: 'bob@example.com' });
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('client lifecycle (RFC 7592)', () => {
  test('after DELETE of the registration its access tokens stop working and its refresh token fails', async () => {
    // Registered over the wire: the SDK keeps no registration_access_token (its stored client information drops it).
    const info = await register(stack.urls, publicClient(stack.urls, 'http://127.0.0.1:8765/callback'));
    expect(info.registration_client_uri).toBe(`${stack.urls.register}/${info.client_id}`);
    const provider = new FormLoginProvider({ username: stack.username, password: stack.password, clientId: info.client_id, issuer: stack.urls.base });
    const client = await connect(stack.urls.mcp, provider, v2);
    await client.close();
    const tokens = provider.tokens()!;
    expect((await mcpToolsList(stack.urls, tokens.access_token)).status).toBe(200);

    const deleted = await fetch(info.registration_client_uri!, { method: 'DELETE', headers: { authorization: `Bearer ${info.registration_access_token}` } });
    expect(deleted.status).toBe(204);

    // The resource server caches liveness for CLIENT_CHECK_TTL_SECONDS; after that the token is refused.
    await sleep(TTL_SECONDS * 1000 + 500);
    const refused = await mcpToolsList(stack.urls, tokens.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);

    const refresh = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: info.client_id });
    expect(refresh.status).toBe(401);
    expect(refresh.body.error).toBe('invalid_client');
    // And it cannot log in any more: the authorize endpoint shows an error page instead of redirecting.
    const page = await fetch(provider.authorizationUrls[0], { redirect: 'manual' });
    expect(page.status).toBe(400);
  });
});

describe('static client (pre-registered, no DCR)', () => {
  test('logs in and calls tools with the stack\'s static client id', async () => {
    const requests: string[] = [];
    const provider = new FormLoginProvider({ username: stack.username, password: stack.password, clientId: stack.staticClientId, issuer: stack.urls.base, redirectUrl: stack.staticClientCallbacks[0] });
    const client = await connect(stack.urls.mcp, provider, v2, recordingFetch(requests));
    try {
      expect(requests.some((r) => r.startsWith('POST /register'))).toBe(false);
      expect((await client.callTool('whoami')).structuredContent).toMatchObject({ clientId: stack.staticClientId });
    } finally {
      await client.close();
    }
  });
});
