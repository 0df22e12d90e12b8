/**
 * The broker's POST /token and POST /revoke against dynalite and cognito-local, with a recording
 * stand-in for Cognito's token and revocation endpoints (what is sent upstream is the contract).
 *
 * | rule                                                        | spec                                  |
 * |-------------------------------------------------------------|---------------------------------------|
 * | code works once; replay refused                             | RFC 6749 §4.1.2, §10.5                |
 * | same client and redirect_uri; PKCE verifier (S256)          | RFC 6749 §4.1.3; RFC 7636 §4.6        |
 * | resource checked, not forwarded to Cognito's /oauth2/token  | RFC 8707 §2.2; Cognito token endpoint |
 * | confidential clients' credentials passed through as Basic   | RFC 6749 §2.3.1                       |
 * | refresh: pass-through, scope never an error                 | RFC 6749 §6                           |
 * | client_credentials only with MACHINE_CLIENTS                | RFC 6749 §4.4; issue 12               |
 * | upstream failure → 503 temporarily_unavailable              | RFC 6749 §5.2 (extension)             |
 * | revocation pass-through                                     | RFC 7009 §2                           |
 */
import { s256 } from '../../../lambda/oauth/broker/pkce';
import { authorizePath, Browser, brokerWorld, consentFields, ISSUER, location, pkcePair, REDIRECT, TOKENS } from './broker-support';
import { bodyOf, buildHandler, event, headerOf, publicClient, READ, RESOURCE_URL, scanTable } from './harness';

jest.setTimeout(30_000);

const world = brokerWorld();
let clientId: string;

beforeAll(async () => {
  clientId = await register();
});
beforeEach(() => {
  world.cognito.requests.length = 0;
  world.cognito.answer = (request) => ({ status: 200, body: request.path === '/oauth2/token' ? JSON.stringify(TOKENS) : '' });
});

async function register(extra: Record<string, unknown> = {}): Promise<string> {
  return bodyOf(await world.handler(event('POST', '/register', { body: publicClient({ redirect_uris: [REDIRECT], ...extra }) }))).client_id as string;
}

/** A full front-channel flow; returns the facade code, the client's verifier and the upstream code Cognito "issued". */
async function codeFor(id = clientId): Promise<{ code: string; verifier: string; upstreamCode: string; upstreamChallenge: string }> {
  const { verifier, challenge } = pkcePair();
  const browser = new Browser(world.handler);
  const page = await browser.get(authorizePath({ response_type: 'code', client_id: id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 's', resource: RESOURCE_URL }));
  const upstream = location(await browser.post('/consent', { ...consentFields(page), decision: 'allow' }));
  const upstreamCode = `world.cognito-${Math.random().toString(36).slice(2)}`;
  const back = location(await browser.get(`/callback?code=${upstreamCode}&state=${upstream.searchParams.get('state')}`));
  return { code: back.searchParams.get('code')!, verifier, upstreamCode, upstreamChallenge: upstream.searchParams.get('code_challenge')! };
}

function token(form: Record<string, string | undefined>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) if (value !== undefined) body.set(name, value);
  return world.handler(event('POST', '/token', { rawBody: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }));
}

const exchange = (code: string, verifier: string, extra: Record<string, string | undefined> = {}) =>
  token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId, ...extra });

describe('authorization_code', () => {
  test('Cognito\'s code is redeemed with the broker\'s verifier and callback; Cognito\'s JSON comes back unchanged, not cached', async () => {
    const { code, verifier, upstreamCode, upstreamChallenge } = await codeFor();
    const result = await exchange(code, verifier, { resource: RESOURCE_URL });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(String(result.body))).toEqual(TOKENS);
    expect(headerOf(result, 'cache-control')).toBe('no-store');
    expect(headerOf(result, 'access-control-allow-origin')).toBe('*');
    expect(world.cognito.requests).toHaveLength(1);
    const [sent] = world.cognito.requests;
    expect(sent.path).toBe('/oauth2/token');
    expect(sent.authorization).toBeUndefined();
    // Only what Cognito documents for /oauth2/token: no resource, no scope.
    expect(Object.keys(sent.form).sort()).toEqual(['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
    expect(sent.form).toMatchObject({ grant_type: 'authorization_code', client_id: clientId, code: upstreamCode, redirect_uri: `${ISSUER}/callback` });
    expect(s256(sent.form.code_verifier)).toBe(upstreamChallenge);
  });

  test('a code works once: the replay is invalid_grant and nothing reaches Cognito', async () => {
    const { code, verifier } = await codeFor();
    expect((await exchange(code, verifier)).statusCode).toBe(200);
    const replay = await exchange(code, verifier);
    expect(replay.statusCode).toBe(400);
    expect(bodyOf(replay).error).toBe('invalid_grant');
    expect(world.cognito.requests).toHaveLength(1);
  });

  test.each([
    ['a wrong code_verifier', { code_verifier: pkcePair().verifier }],
    ['no code_verifier', { code_verifier: undefined }],
    ['the challenge as verifier (plain)', { code_verifier: 'USE_CHALLENGE' }],
    ['another redirect_uri (loopback, other port)', { redirect_uri: 'http://127.0.0.1:50000/callback' }],
    ['no redirect_uri', { redirect_uri: undefined }],
    ['an unknown code', { code: 'nosuchcode' }],
  ])('%s → invalid_grant, nothing sent upstream, and the code is spent', async (_name, extra) => {
    const { code, verifier } = await codeFor();
    const params = { ...extra } as Record<string, string | undefined>;
    if (params.code_verifier === 'USE_CHALLENGE') params.code_verifier = pkcePair().challenge;
    const result = await exchange(code, verifier, params);
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error).toBe('invalid_grant');
    expect(world.cognito.requests).toHaveLength(0);
    if (!('code' in extra)) expect(bodyOf(await exchange(code, verifier)).error).toBe('invalid_grant');
  });

  test('cross-client redemption: a code issued to one client is refused for another', async () => {
    const other = await register();
    const { code, verifier } = await codeFor();
    const result = await exchange(code, verifier, { client_id: other });
    expect(bodyOf(result).error).toBe('invalid_grant');
    expect(world.cognito.requests).toHaveLength(0);
  });

  test('resource naming anything but the MCP server is invalid_target (and the code is spent, as any failed redemption)', async () => {
    const { code, verifier } = await codeFor();
    const result = await exchange(code, verifier, { resource: 'https://elsewhere.example/mcp' });
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error).toBe('invalid_target');
    expect(bodyOf(await exchange(code, verifier)).error).toBe('invalid_grant');
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: 'r', client_id: clientId, resource: 'https://elsewhere.example/mcp' });
    expect(bodyOf(refresh).error).toBe('invalid_target');
    expect(world.cognito.requests).toHaveLength(0);
  });

  test('the table alone is useless: the code item holds neither the facade code nor the upstream code', async () => {
    const { code, upstreamCode } = await codeFor();
    const items = JSON.stringify((await scanTable(world.services, world.environment.table)).filter((item) => String(item.pk).startsWith('code#')));
    expect(items).not.toContain(code);
    expect(items).not.toContain(upstreamCode);
  });
});

describe('client authentication is passed through to Cognito', () => {
  test('client_secret_basic and client_secret_post reach Cognito as Basic for the mapped client; both at once is invalid_request', async () => {
    const confidential = await register({ token_endpoint_auth_method: 'client_secret_basic' });
    const basic = `Basic ${Buffer.from(`${confidential}:s3cret`).toString('base64')}`;
    const first = await codeFor(confidential);
    const viaBasic = await token({ grant_type: 'authorization_code', code: first.code, code_verifier: first.verifier, redirect_uri: REDIRECT }, { authorization: basic });
    expect(viaBasic.statusCode).toBe(200);
    expect(world.cognito.requests[0].authorization).toBe(basic);
    const second = await codeFor(confidential);
    await token({ grant_type: 'authorization_code', code: second.code, code_verifier: second.verifier, redirect_uri: REDIRECT, client_id: confidential, client_secret: 's3cret' });
    expect(world.cognito.requests[1].authorization).toBe(basic);
    expect(world.cognito.requests[1].form.client_secret).toBeUndefined();
    const both = await token({ grant_type: 'refresh_token', refresh_token: 'r', client_secret: 'x' }, { authorization: basic });
    expect(bodyOf(both).error).toBe('invalid_request');
  });

  test('Cognito\'s invalid_client 401 is relayed, with a Basic challenge when Basic was used', async () => {
    const confidential = await register({ token_endpoint_auth_method: 'client_secret_basic' });
    world.cognito.answer = () => ({ status: 400, body: JSON.stringify({ error: 'invalid_client' }) });
    const result = await token({ grant_type: 'refresh_token', refresh_token: 'r' }, { authorization: `Basic ${Buffer.from(`${confidential}:wrong`).toString('base64')}` });
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ error: 'invalid_client' });
    world.cognito.answer = () => ({ status: 401, body: JSON.stringify({ error: 'invalid_client', error_description: 'bad secret' }) });
    const unauthorized = await token({ grant_type: 'refresh_token', refresh_token: 'r' }, { authorization: `Basic ${Buffer.from(`${confidential}:wrong`).toString('base64')}` });
    expect(unauthorized.statusCode).toBe(401);
    expect(headerOf(unauthorized, 'www-authenticate')).toMatch(/^Basic/);
  });

  test('an unknown client is invalid_client 401 before anything is consumed or sent', async () => {
    const result = await token({ grant_type: 'refresh_token', refresh_token: 'r', client_id: 'nosuchclient' });
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result).error).toBe('invalid_client');
    const basic = await token({ grant_type: 'refresh_token', refresh_token: 'r' }, { authorization: `Basic ${Buffer.from('nosuch:x').toString('base64')}` });
    expect(headerOf(basic, 'www-authenticate')).toMatch(/^Basic/);
    expect(world.cognito.requests).toHaveLength(0);
  });
});

describe('refresh_token and client_credentials', () => {
  test('refresh is passed through; scope (mcp-remote sends its full scope) and resource are accepted and not forwarded', async () => {
    const result = await token({ grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: clientId, scope: `${READ} openid profile`, resource: RESOURCE_URL });
    expect(result.statusCode).toBe(200);
    expect(world.cognito.requests[0].form).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: clientId });
  });

  test('Cognito\'s refusal of a rotated-out refresh token is relayed', async () => {
    world.cognito.answer = () => ({ status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'Refresh Token has been revoked' }) });
    const result = await token({ grant_type: 'refresh_token', refresh_token: 'old', client_id: clientId });
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ error: 'invalid_grant', error_description: 'Refresh Token has been revoked' });
  });

  test('client_credentials is unsupported unless MACHINE_CLIENTS=true, then passed through with its scope', async () => {
    const basic = `Basic ${Buffer.from(`${clientId}:x`).toString('base64')}`;
    const refused = await token({ grant_type: 'client_credentials', scope: READ }, { authorization: basic });
    expect(bodyOf(refused).error).toBe('unsupported_grant_type');
    expect(world.cognito.requests).toHaveLength(0);
    const machines = buildHandler(world.services, { ...world.environment, env: { ...world.environment.env, MACHINE_CLIENTS: 'true' } }).handler;
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope: READ }).toString();
    const ok = await machines(event('POST', '/token', { rawBody: form, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic } }));
    expect(ok.statusCode).toBe(200);
    expect(world.cognito.requests[0].form).toEqual({ grant_type: 'client_credentials', scope: READ, client_id: clientId });
  });

  test.each([
    ['no grant_type', { client_id: 'x' }, 'invalid_request'],
    ['the password grant', { grant_type: 'password', client_id: 'x' }, 'unsupported_grant_type'],
    ['a refresh without the token', { grant_type: 'refresh_token', client_id: 'CLIENT' }, 'invalid_request'],
  ])('%s → %s', async (_name, form, error) => {
    const result = await token({ ...form, client_id: form.client_id === 'CLIENT' ? clientId : form.client_id });
    expect(bodyOf(result).error).toBe(error);
  });

  test('a JSON body or a repeated parameter is invalid_request', async () => {
    const json = await world.handler(event('POST', '/token', { body: { grant_type: 'refresh_token' } }));
    expect(bodyOf(json).error).toBe('invalid_request');
    const repeated = await world.handler(event('POST', '/token', { rawBody: `grant_type=refresh_token&refresh_token=a&refresh_token=b&client_id=${clientId}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(bodyOf(repeated).error).toBe('invalid_request');
  });
});

describe('Cognito unavailable', () => {
  test.each([
    ['a 5xx', () => ({ status: 502, body: 'Bad gateway' })],
    ['a dropped connection', () => 'drop' as const],
    ['a 4xx that is not OAuth JSON', () => ({ status: 403, body: '<html>forbidden</html>' })],
  ])('%s → 503 temporarily_unavailable with Retry-After; the error says nothing of Cognito\'s body', async (_name, answer) => {
    world.cognito.answer = answer;
    const result = await token({ grant_type: 'refresh_token', refresh_token: 'r', client_id: clientId });
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result).error).toBe('temporarily_unavailable');
    expect(headerOf(result, 'retry-after')).toBe('2');
    expect(String(result.body)).not.toContain('html');
  });
});

describe('POST /revoke (RFC 7009)', () => {
  test('passed through to Cognito with the token and the mapped client; 200 relayed', async () => {
    const result = await world.handler(event('POST', '/revoke', { rawBody: new URLSearchParams({ token: 'rt', client_id: clientId, token_type_hint: 'refresh_token' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(result.statusCode).toBe(200);
    expect(world.cognito.requests).toEqual([{ path: '/oauth2/revoke', authorization: undefined, form: { token: 'rt', client_id: clientId } }]);
  });

  test('no token is invalid_request; an unknown client is invalid_client; CORS preflight answers', async () => {
    const noToken = await world.handler(event('POST', '/revoke', { rawBody: `client_id=${clientId}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(bodyOf(noToken).error).toBe('invalid_request');
    const unknown = await world.handler(event('POST', '/revoke', { rawBody: 'client_id=nosuch&token=t', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(unknown.statusCode).toBe(401);
    expect(world.cognito.requests).toHaveLength(0);
    const preflight = await world.handler(event('OPTIONS', '/revoke'));
    expect(preflight.statusCode).toBe(204);
    expect(headerOf(preflight, 'access-control-allow-methods')).toBe('POST, OPTIONS');
  });
});
