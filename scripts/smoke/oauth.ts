/**
 * The OAuth side of the smoke test, as an MCP client does it: discovery (MCP 401 challenge →
 * RFC 9728 protected resource metadata → RFC 8414 authorization server metadata), RFC 7591
 * registration of a public loopback client, the authorization code grant with PKCE (RFC 7636)
 * through the broker (headless, scripts/client/headless.ts), refresh, and RFC 7592 deletion.
 */
import { createHash, randomBytes } from 'node:crypto';
import { followHeadless } from '../client/headless';
import { managementUriProblem } from '../client/url-rules';
import type { TestUser } from './user';

export interface Discovery {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly registrationEndpoint: string;
  /** The scope the first challenge asked for. */
  readonly challengeScope?: string;
}

export interface Registration {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly registrationClientUri: string;
  readonly registrationAccessToken: string;
}

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly scope: string;
}

/** The value of one auth-param of a `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3). */
export function challengeParam(header: string | null, name: string): string | undefined {
  return header ? new RegExp(`${name}="([^"]*)"`).exec(header)?.[1] : undefined;
}

async function json(res: Response, expected: number, what: string): Promise<Record<string, unknown>> {
  if (res.status !== expected) throw new Error(`${what}: expected ${expected}, got ${res.status}.`);
  return (await res.json()) as Record<string, unknown>;
}

function text(body: Record<string, unknown>, key: string, what: string): string {
  const value = body[key];
  if (typeof value !== 'string' || !value) throw new Error(`${what} has no ${key}.`);
  return value;
}

/** RFC 8414 §3.1: the well-known segment goes between the issuer's host and its path. */
function metadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

export async function discover(mcpUrl: string): Promise<Discovery> {
  const challenge = await fetch(mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });
  await challenge.body?.cancel();
  if (challenge.status !== 401) throw new Error(`The MCP endpoint answered ${challenge.status} without a token, not 401.`);
  const header = challenge.headers.get('www-authenticate');
  const prmUrl = challengeParam(header, 'resource_metadata');
  if (!prmUrl) throw new Error('The 401 challenge names no resource_metadata (RFC 9728 §5.1).');
  const prm = await json(await fetch(prmUrl), 200, 'Protected resource metadata');
  if (prm.resource !== mcpUrl) throw new Error(`The protected resource metadata names resource ${String(prm.resource)}, not ${mcpUrl} (RFC 9728 §3.3).`);
  const issuer = (prm.authorization_servers as string[] | undefined)?.[0];
  if (!issuer) throw new Error('The protected resource metadata names no authorization server.');
  const as = await json(await fetch(metadataUrl(issuer)), 200, 'Authorization server metadata');
  if (as.issuer !== issuer) throw new Error(`The authorization server metadata names issuer ${String(as.issuer)}, not ${issuer} (RFC 8414 §3.3).`);
  if (!(as.code_challenge_methods_supported as string[] | undefined)?.includes('S256')) throw new Error('The authorization server does not list S256 PKCE.');
  return {
    issuer,
    authorizationEndpoint: text(as, 'authorization_endpoint', 'The metadata'),
    tokenEndpoint: text(as, 'token_endpoint', 'The metadata'),
    registrationEndpoint: text(as, 'registration_endpoint', 'The metadata'),
    challengeScope: challengeParam(header, 'scope'),
  };
}

export async function register(discovery: Discovery): Promise<Registration> {
  // RFC 8252 §7.3: a loopback redirect; nothing listens there, the Location is read instead.
  const redirectUri = `http://127.0.0.1:${20000 + (randomBytes(2).readUInt16BE() % 40000)}/callback`;
  const res = await fetch(discovery.registrationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'mcp-auth smoke test',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      ...(discovery.challengeScope ? { scope: discovery.challengeScope } : {}),
    }),
  });
  const body = await json(res, 201, 'Registration');
  const registrationClientUri = text(body, 'registration_client_uri', 'The registration response');
  const problem = managementUriProblem(registrationClientUri, discovery.registrationEndpoint);
  if (problem) throw new Error(problem);
  return {
    clientId: text(body, 'client_id', 'The registration response'),
    redirectUri,
    registrationClientUri,
    registrationAccessToken: text(body, 'registration_access_token', 'The registration response'),
  };
}

/** Logs the user in through the broker for `scope` and returns the code and its PKCE verifier. */
export async function authorize(discovery: Discovery, client: Registration, user: TestUser, scope: string, resource: string, loginOrigins: readonly string[]): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(discovery.authorizationEndpoint);
  const params = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope,
    resource,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const back = await followHeadless(url, client.redirectUri, { credentials: user, loginOrigins });
  if (back.get('error')) throw new Error(`The authorization server redirected back with error ${back.get('error')}: ${back.get('error_description') ?? ''}`);
  if (back.get('state') !== state) throw new Error('The redirect back carries another state.');
  // RFC 9207 §2.4: the iss parameter must be the issuer the client discovered.
  if (back.get('iss') !== discovery.issuer) throw new Error(`The redirect back carries iss ${back.get('iss') ?? '(none)'}, not ${discovery.issuer} (RFC 9207).`);
  const code = back.get('code');
  if (!code) throw new Error('The redirect back carries no code.');
  return { code, verifier };
}

async function tokenCall(discovery: Discovery, params: Record<string, string>): Promise<Response> {
  return fetch(discovery.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
}

async function tokensOf(res: Response, what: string): Promise<Tokens> {
  const body = await json(res, 200, what);
  return { accessToken: text(body, 'access_token', what), refreshToken: text(body, 'refresh_token', what), scope: String(body.scope ?? '') };
}

export async function exchangeCode(discovery: Discovery, client: Registration, grant: { code: string; verifier: string }, resource: string): Promise<Tokens> {
  const res = await tokenCall(discovery, { grant_type: 'authorization_code', code: grant.code, code_verifier: grant.verifier, redirect_uri: client.redirectUri, client_id: client.clientId, resource });
  return tokensOf(res, 'The token response');
}

/** RFC 6749 §6, and OAuth 2.1 §4.3.1: a public client's refresh token is rotated; the old one must then be refused. */
export async function refreshAndCheckRotation(discovery: Discovery, client: Registration, refreshToken: string): Promise<Tokens> {
  const refreshed = await tokensOf(await tokenCall(discovery, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.clientId }), 'The refresh response');
  if (refreshed.refreshToken === refreshToken) throw new Error('The refresh returned the same refresh token (no rotation).');
  const reused = await tokenCall(discovery, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.clientId });
  const body = (await reused.json().catch(() => ({}))) as { error?: string };
  if (reused.status !== 400 || body.error !== 'invalid_grant') throw new Error(`The old refresh token was not refused after rotation (${reused.status} ${body.error ?? ''}).`);
  return refreshed;
}

/** RFC 7592 §2.3: deletes the registration with its registration access token. */
export async function deleteRegistration(client: Registration): Promise<void> {
  const res = await fetch(client.registrationClientUri, { method: 'DELETE', headers: { authorization: `Bearer ${client.registrationAccessToken}` } });
  await res.body?.cancel();
  if (res.status !== 204) throw new Error(`Deleting the registration: expected 204, got ${res.status}.`);
}
