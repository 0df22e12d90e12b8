/** Plain OAuth requests for tests that look at the wire: registration, PKCE login, token calls. */
import { createHash, randomBytes } from 'node:crypto';
import type { LocalUrls } from '../../../scripts/local/config';
import { logIn } from './login-form';
import { postMcp } from '../../../scripts/smoke/mcp';

export interface Registration {
  client_id: string;
  client_secret?: string;
  registration_access_token?: string;
  registration_client_uri?: string;
  [key: string]: unknown;
}

export async function register(urls: LocalUrls, metadata: Record<string, unknown>): Promise<Registration> {
  const res = await fetch(urls.register, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(metadata) });
  const body = (await res.json()) as Registration;
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** A public native client on a loopback redirect, as MCP clients register. */
export function publicClient(urls: LocalUrls, redirectUri = 'http://127.0.0.1:43210/callback', scope = `${urls.mcp}/read ${urls.mcp}/write`): Record<string, unknown> {
  return {
    client_name: 'e2e wire client',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    scope,
  };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizationUrl(urls: LocalUrls, params: Record<string, string | undefined>): URL {
  const url = new URL(urls.authorize);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

/** Logs `username` in for `clientId` with PKCE and returns the code, its verifier and the callback. */
export async function loginForCode(
  urls: LocalUrls,
  options: { clientId: string; redirectUri: string; username: string; password: string; scope?: string; resource?: string; state?: string },
): Promise<{ code: string; verifier: string; callback: URL }> {
  const { verifier, challenge } = pkce();
  const url = authorizationUrl(urls, {
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: options.scope,
    resource: options.resource,
    state: options.state ?? 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const result = await logIn(url, options.username, options.password);
  const code = result.callbackUrl?.searchParams.get('code');
  if (!code) throw new Error(`login failed: ${result.status} ${result.callbackUrl ?? result.page?.slice(0, 200)}`);
  return { code, verifier, callback: result.callbackUrl! };
}

export interface TokenCall {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function tokenRequest(urls: LocalUrls, params: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<TokenCall> {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) form.set(key, value);
  const res = await fetch(urls.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form.toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return { header: JSON.parse(Buffer.from(header, 'base64url').toString()), payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) };
}

/** A JSON-RPC call to /mcp with a bearer token, as a 2025-11-25 client would send tools/list. */
export async function mcpToolsList(urls: LocalUrls, accessToken: string): Promise<Response> {
  return postMcp(urls.mcp, accessToken, 'tools/list');
}
