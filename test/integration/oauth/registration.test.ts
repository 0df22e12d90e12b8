/**
 * POST /register and RFC 7592 management against dynalite and cognito-local: the handler as
 * API Gateway calls it, and what Cognito and DynamoDB hold afterwards.
 */
import { sha256Hex } from '../../../lambda/shared/tokens';
import { bodyOf, buildHandler, describeClient, event, headerOf, listClients, newEnvironment, publicClient, READ, registrationItems, startServices, stopServices, WRITE, type Environment, type Handler, type Services } from './harness';

let services: Services;
let environment: Environment;
let handler: Handler;
/** Machine clients need MACHINE_CLIENTS=true and token mode: a second pool and table set up so. */
let machine: { environment: Environment; handler: Handler };
const INITIAL_ACCESS_TOKEN = 'initial-access-token-for-machines';

beforeAll(async () => {
  services = await startServices();
  environment = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '1000' });
  ({ handler } = buildHandler(services, environment));
  const machineEnvironment = await newEnvironment(services, {
    REGISTRATION_RATE_LIMIT: '1000',
    MACHINE_CLIENTS: 'true',
    REGISTRATION_MODE: 'token',
    INITIAL_ACCESS_TOKEN_SHA256: sha256Hex(INITIAL_ACCESS_TOKEN),
  });
  machine = { environment: machineEnvironment, handler: buildHandler(services, machineEnvironment).handler };
});
afterAll(() => stopServices(services));

async function register(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const result = await handler(event('POST', '/register', { body, headers }));
  return { result, body: bodyOf(result) };
}

async function registerMachine(body: Record<string, unknown>) {
  const result = await machine.handler(event('POST', '/register', { body, headers: { authorization: `Bearer ${INITIAL_ACCESS_TOKEN}` } }));
  return { result, body: bodyOf(result) };
}

describe('POST /register (RFC 7591 §3)', () => {
  test('a public MCP client gets 201 with client_id, a registration token and its metadata echoed', async () => {
    const { result, body } = await register(publicClient());
    expect(result.statusCode).toBe(201);
    expect(headerOf(result, 'cache-control')).toBe('no-store');
    expect(body).toEqual({
      client_id: expect.any(String),
      client_id_issued_at: expect.any(Number),
      registration_access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/),
      registration_client_uri: `https://as.example.test/register/${body.client_id}`,
      client_name: 'Claude Code (test)',
      redirect_uris: ['http://localhost:53682/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      // Every scope of the resource, so the client can step up from read to write later.
      scope: `${READ} ${WRITE}`,
    });
    expect(body).not.toHaveProperty('client_secret');
    const client = await describeClient(services, environment.poolId, body.client_id as string);
    expect(client).toMatchObject({
      ClientName: 'dcr Claude Code test',
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [READ, WRITE],
      CallbackURLs: ['https://as.example.test/callback'], // the broker's /callback only
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH'],
      ReadAttributes: ['email', 'email_verified'],
      WriteAttributes: ['email'],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    });
    expect(client?.ClientSecret).toBeUndefined();
  });

  test('a confidential client (auth method omitted = client_secret_basic) gets a secret once', async () => {
    const { result, body } = await register({ redirect_uris: ['https://app.example.com/cb'], client_name: 'Web app' });
    expect(result.statusCode).toBe(201);
    expect(body.token_endpoint_auth_method).toBe('client_secret_basic');
    expect(body.client_secret).toEqual(expect.any(String));
    expect(body.client_secret_expires_at).toBe(0);
    const client = await describeClient(services, environment.poolId, body.client_id as string);
    expect(client?.ClientSecret).toBe(body.client_secret);
    expect(client?.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  test('a client_credentials client gets the client_credentials flow only and no callbacks', async () => {
    const { result, body } = await registerMachine({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', scope: WRITE });
    expect(result.statusCode).toBe(201);
    expect(body).toMatchObject({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: WRITE });
    const client = await describeClient(services, machine.environment.poolId, body.client_id as string);
    expect(client?.AllowedOAuthFlows).toEqual(['client_credentials']);
    expect(client?.CallbackURLs).toBeUndefined();
  });

  test.each([
    // Cognito refuses OIDC scopes on a client_credentials app client (InvalidOAuthFlowException).
    ['OIDC scopes beside a resource scope', `openid email profile ${WRITE}`, WRITE],
    ['OIDC scopes only (→ the resource default)', 'openid email profile', READ],
    ['nothing offered (→ the resource default)', 'offline_access', READ],
  ])('a client_credentials client asking for %s is registered for resource scopes only', async (_name, scope, registered) => {
    const { result, body } = await registerMachine({ grant_types: ['client_credentials'], scope });
    expect(result.statusCode).toBe(201);
    expect(body.scope).toBe(registered);
    expect((await describeClient(services, machine.environment.poolId, body.client_id as string))?.AllowedOAuthScopes).toEqual([registered]);
  });

  test('a client_credentials client may omit response_types or send []', async () => {
    for (const extra of [{}, { response_types: [] }]) {
      const { result, body } = await registerMachine({ grant_types: ['client_credentials'], scope: READ, ...extra });
      expect(result.statusCode).toBe(201);
      expect(body.response_types).toEqual([]);
    }
  });

  test('open mode refuses client_credentials, even with MACHINE_CLIENTS=true (issue 12 item 1), and creates nothing', async () => {
    const open = await newEnvironment(services, { MACHINE_CLIENTS: 'true' });
    const openHandler = buildHandler(services, open).handler;
    for (const h of [handler, openHandler]) {
      const result = await h(event('POST', '/register', { body: { grant_types: ['client_credentials'], scope: READ } }));
      expect(result.statusCode).toBe(400);
      expect(bodyOf(result)).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/client_credentials/) });
    }
    expect(await listClients(services, open.poolId)).toHaveLength(0);
    expect(await registrationItems(services, open.table)).toHaveLength(0);
  });

  test('code + client_credentials registers a code client (client_credentials dropped), in either mode', async () => {
    const requested = { token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'client_credentials'] };
    for (const [{ result, body }, poolId] of [
      [await register(publicClient(requested)), environment.poolId],
      [await registerMachine(publicClient(requested)), machine.environment.poolId],
    ] as const) {
      expect(result.statusCode).toBe(201);
      expect(body.grant_types).toEqual(['authorization_code', 'refresh_token']);
      expect((await describeClient(services, poolId, body.client_id as string))?.AllowedOAuthFlows).toEqual(['code']);
    }
  });

  test('a code client asking for email or profile without openid gets openid too (Cognito requires it)', async () => {
    const { result, body } = await register(publicClient({ scope: `email ${READ}` }));
    expect(result.statusCode).toBe(201);
    expect(body.scope).toBe(`openid email ${READ} ${WRITE}`);
    expect((await describeClient(services, environment.poolId, body.client_id as string))?.AllowedOAuthScopes).toEqual(['openid', 'email', READ, WRITE]);
  });

  test('the record holds the metadata, audit data and only the token hash', async () => {
    const { body } = await register(publicClient({ client_name: 'Audit me' }), { 'user-agent': 'audit-agent/2' });
    const items = await registrationItems(services, environment.table);
    const item = items.find((i) => i.clientId === body.client_id)!;
    expect(item).toMatchObject({
      pk: `client#${body.client_id}`,
      confidential: false,
      registrationTokenHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdBy: { sourceIp: '203.0.113.7', userAgent: 'audit-agent/2' },
      metadata: expect.objectContaining({ client_name: 'Audit me', token_endpoint_auth_method: 'none' }),
    });
    expect(item.createdAt).toBe(item.updatedAt);
  });

  test.each([
    ['no content type', 415, 'invalid_request', { rawBody: '{}', headers: {} }],
    ['form content type', 415, 'invalid_request', { rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
    ['not JSON', 400, 'invalid_request', { rawBody: '{nope', headers: { 'content-type': 'application/json' } }],
    ['empty body', 400, 'invalid_request', { rawBody: '', headers: { 'content-type': 'application/json' } }],
    ['a JSON array', 400, 'invalid_client_metadata', { rawBody: '[]', headers: { 'content-type': 'application/json' } }],
    ['a JSON string', 400, 'invalid_client_metadata', { rawBody: '"x"', headers: { 'content-type': 'application/json' } }],
    ['JSON null', 400, 'invalid_client_metadata', { rawBody: 'null', headers: { 'content-type': 'application/json; charset=utf-8' } }],
    ['over 64 KiB', 413, 'invalid_request', { rawBody: JSON.stringify({ client_name: 'x'.repeat(70_000) }), headers: { 'content-type': 'application/json' } }],
    ['no redirect_uris', 400, 'invalid_redirect_uri', { body: { token_endpoint_auth_method: 'none' } }],
    ['a javascript: redirect', 400, 'invalid_redirect_uri', { body: publicClient({ redirect_uris: ['javascript:alert(1)'] }) }],
    ['response_types code on a client_credentials client', 400, 'invalid_client_metadata', { body: { grant_types: ['client_credentials'], response_types: ['code'] } }],
  ])('rejects %s with %i %s and creates nothing', async (_name, status, code, options) => {
    const clientsBefore = (await listClients(services, environment.poolId)).length;
    const itemsBefore = (await registrationItems(services, environment.table)).length;
    const result = await handler(event('POST', '/register', options as never));
    expect(result.statusCode).toBe(status);
    expect(bodyOf(result)).toEqual({ error: code, error_description: expect.any(String) });
    expect((await listClients(services, environment.poolId)).length).toBe(clientsBefore);
    expect((await registrationItems(services, environment.table)).length).toBe(itemsBefore);
  });

  test('a base64-encoded JSON body (API Gateway binary passthrough) is accepted', async () => {
    const result = await handler(event('POST', '/register', { body: publicClient(), base64: true }));
    expect(result.statusCode).toBe(201);
  });
});

describe('RFC 7592 management', () => {
  async function registered(body = publicClient()) {
    const { body: out } = await register(body);
    return { id: out.client_id as string, token: out.registration_access_token as string, secret: out.client_secret as string | undefined, out };
  }
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  test('GET returns the registration without secret, with a new registration token (RFC 7592 §3)', async () => {
    const { id, token, out } = await registered({ redirect_uris: ['https://app.example.com/cb'] });
    const result = await handler(event('GET', `/register/${id}`, { headers: auth(token) }));
    expect(result.statusCode).toBe(200);
    expect(headerOf(result, 'cache-control')).toBe('no-store');
    const body = bodyOf(result);
    const { client_secret: _s, registration_access_token: _t, ...expected } = out;
    expect(body).toEqual({ ...expected, registration_access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/) });
    expect(body.registration_access_token).not.toBe(token);
  });

  test.each(['GET', 'PUT'])('after a %s the old registration token is refused and the new one works', async (verb) => {
    const { id, token } = await registered();
    const first = await handler(event(verb, `/register/${id}`, { headers: auth(token), body: publicClient({ client_id: id }) }));
    expect(first.statusCode).toBe(200);
    const next = bodyOf(first).registration_access_token as string;
    expect(next).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    for (const v of ['GET', 'PUT', 'DELETE']) {
      const stale = await handler(event(v, `/register/${id}`, { headers: auth(token), body: publicClient({ client_id: id }) }));
      expect(stale.statusCode).toBe(401);
      expect(headerOf(stale, 'www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    // Only the new token's hash is stored; no token in plaintext.
    const item = (await registrationItems(services, environment.table)).find((i) => i.clientId === id)!;
    expect(item.registrationTokenHash).toBe(sha256Hex(next));
    expect(JSON.stringify(item)).not.toContain(next);
    expect(JSON.stringify(item)).not.toContain(token);
    const again = await handler(event('GET', `/register/${id}`, { headers: auth(next) }));
    expect(again.statusCode).toBe(200);
    expect((await handler(event('DELETE', `/register/${id}`, { headers: auth(bodyOf(again).registration_access_token as string) }))).statusCode).toBe(204);
  });

  test('concurrent GETs with one token: exactly one gets a new token, the others 401; no token is lost', async () => {
    const { id, token } = await registered();
    const results = await Promise.all(Array.from({ length: 4 }, () => handler(event('GET', `/register/${id}`, { headers: auth(token) }))));
    const ok = results.filter((r) => r.statusCode === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 401)).toHaveLength(3);
    const winner = bodyOf(ok[0]!).registration_access_token as string;
    const item = (await registrationItems(services, environment.table)).find((i) => i.clientId === id)!;
    expect(item.registrationTokenHash).toBe(sha256Hex(winner));
    expect((await handler(event('GET', `/register/${id}`, { headers: auth(winner) }))).statusCode).toBe(200);
  });

  test.each([
    ['no Authorization', (_id: string, _token: string) => ({})],
    ['a wrong token', (_id: string, _token: string) => auth('wrong-token-value')],
    ['Basic auth', (_id: string, token: string) => ({ authorization: `Basic ${token}` })],
    ['another client’s token', (_id: string, _token: string) => auth(otherToken)],
  ])('%s gets 401 invalid_token with WWW-Authenticate', async (_name, headers) => {
    const { id, token } = await registered();
    for (const verb of ['GET', 'PUT', 'DELETE']) {
      const result = await handler(event(verb, `/register/${id}`, { headers: headers(id, token), body: { client_id: id, ...publicClient() } }));
      expect(result.statusCode).toBe(401);
      expect(bodyOf(result).error).toBe('invalid_token');
      expect(headerOf(result, 'www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    expect(await describeClient(services, environment.poolId, id)).toBeDefined();
  });
  let otherToken = '';
  beforeAll(async () => {
    otherToken = (await registered()).token;
  });

  test('an unknown client id answers exactly like a wrong token (no probing)', async () => {
    const { token } = await registered();
    const unknown = await handler(event('GET', '/register/doesnotexist123', { headers: auth(token) }));
    const malformed = await handler(event('GET', '/register/%2e%2e%2fetc', { headers: auth(token) }));
    for (const result of [unknown, malformed]) {
      expect(result.statusCode).toBe(401);
      expect(headerOf(result, 'www-authenticate')).toBe('Bearer error="invalid_token"');
    }
  });

  test('PUT replaces the metadata in Cognito and in the record', async () => {
    const { id, token } = await registered();
    const update = publicClient({
      client_id: id,
      client_name: 'Renamed',
      redirect_uris: ['http://127.0.0.1:9999/cb', 'com.example.app:/oauth'],
      scope: `${READ} ${WRITE} offline_access`,
    });
    const result = await handler(event('PUT', `/register/${id}`, { headers: auth(token), body: update }));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ client_id: id, client_name: 'Renamed', scope: `${READ} ${WRITE}`, redirect_uris: update.redirect_uris });
    const client = await describeClient(services, environment.poolId, id);
    // The new redirect URIs live in the record (the broker enforces them); Cognito keeps only the broker's callback.
    expect(client).toMatchObject({ ClientName: 'dcr Renamed', CallbackURLs: ['https://as.example.test/callback'], AllowedOAuthScopes: [READ, WRITE], AllowedOAuthFlows: ['code'] });
    const item = (await registrationItems(services, environment.table)).find((i) => i.clientId === id)!;
    expect(item.metadata).toMatchObject({ redirect_uris: update.redirect_uris });
    expect(item.metadata).toMatchObject({ client_name: 'Renamed', scope: `${READ} ${WRITE}` });
    expect((item.updatedAt as string) >= (item.createdAt as string)).toBe(true);
    // RFC 7592 §3: the update answers with a new registration token, which replaces the old one.
    const next = bodyOf(result).registration_access_token as string;
    expect(next).not.toBe(token);
    expect((await handler(event('GET', `/register/${id}`, { headers: auth(next) }))).statusCode).toBe(200);
  });

  test.each([
    ['client_id missing', (_id: string) => publicClient()],
    ['client_id of another client', (_id: string) => publicClient({ client_id: 'someoneelse' })],
    ['switching public to confidential', (id: string) => publicClient({ client_id: id, token_endpoint_auth_method: 'client_secret_basic' })],
    ['a client_secret on a public client', (id: string) => publicClient({ client_id: id, client_secret: 'chosen-by-me' })],
    ['an invalid redirect URI', (id: string) => publicClient({ client_id: id, redirect_uris: ['http://evil.example.com/cb'] })],
  ])('PUT with %s is rejected with 400 and changes nothing', async (_name, body) => {
    const { id, token } = await registered();
    const before = await describeClient(services, environment.poolId, id);
    const result = await handler(event('PUT', `/register/${id}`, { headers: auth(token), body: body(id) }));
    expect(result.statusCode).toBe(400);
    expect(['invalid_client_metadata', 'invalid_redirect_uri']).toContain(bodyOf(result).error);
    expect(await describeClient(services, environment.poolId, id)).toEqual(before);
    // A rejected update rotates nothing: the token still works.
    expect((await handler(event('GET', `/register/${id}`, { headers: auth(token) }))).statusCode).toBe(200);
  });

  test('PUT on a confidential client accepts its own secret and refuses another', async () => {
    const { id, token, secret } = await registered({ redirect_uris: ['https://app.example.com/cb'], token_endpoint_auth_method: 'client_secret_post' });
    const base = { client_id: id, redirect_uris: ['https://app.example.com/cb2'], token_endpoint_auth_method: 'client_secret_post' };
    const wrong = await handler(event('PUT', `/register/${id}`, { headers: auth(token), body: { ...base, client_secret: 'not-the-secret' } }));
    expect(wrong.statusCode).toBe(400);
    const right = await handler(event('PUT', `/register/${id}`, { headers: auth(token), body: { ...base, client_secret: secret } }));
    expect(right.statusCode).toBe(200);
    expect(bodyOf(right)).not.toHaveProperty('client_secret');
    expect((await describeClient(services, environment.poolId, id))?.ClientSecret).toBe(secret);
  });

  test('DELETE removes the Cognito client and the record; the token stops working', async () => {
    const { id, token } = await registered();
    const result = await handler(event('DELETE', `/register/${id}`, { headers: auth(token) }));
    expect(result.statusCode).toBe(204);
    expect(result.body).toBe('');
    expect((await listClients(services, environment.poolId)).map((c) => c.ClientId)).not.toContain(id);
    expect((await registrationItems(services, environment.table)).map((i) => i.clientId)).not.toContain(id);
    expect((await handler(event('GET', `/register/${id}`, { headers: auth(token) }))).statusCode).toBe(401);
    expect((await handler(event('DELETE', `/register/${id}`, { headers: auth(token) }))).statusCode).toBe(401);
  });
});
