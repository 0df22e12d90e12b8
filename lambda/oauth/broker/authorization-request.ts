/**
 * Validating an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2) before any
 * redirect. Order matters (RFC 6749 §4.1.2.1): while the client or its redirect URI are in doubt,
 * the answer is a page, never a redirect; after that, errors go back to the validated redirect URI.
 */
import { OAuthError } from '../../shared/errors';
import type { HttpResult } from '../../shared/http';
import type { OAuthDeps } from '../deps';
import { errorToClient } from './client-redirect';
import { resolveClient, type BrokerClient } from './clients';
import { errorPage } from './html';
import { param, repeated } from './params';
import { isS256Challenge } from './pkce';
import { matchRedirectUri } from './redirect-match';

/** What the broker keeps of a valid request while the user decides and logs in. */
export interface PendingAuthorization {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state?: string;
  readonly scopes: readonly string[];
  readonly codeChallenge: string;
  readonly resource?: string;
  /** OIDC nonce, forwarded to Cognito (documented there) for the ID token. */
  readonly nonce?: string;
  /** `prompt=login`: forwarded, so Cognito asks for the password again. */
  readonly prompt?: 'login';
}

export type Checked = { readonly ok: PendingAuthorization; readonly client: BrokerClient } | { readonly response: HttpResult };

const MAX_STATE_LENGTH = 2048;

/** Requested scopes the client may have; none asked for means all it registered (RFC 6749 §3.3 default). */
export function grantableScopes(requested: string | undefined, allowed: readonly string[]): string[] {
  const asked = [...new Set((requested ?? '').split(' ').filter(Boolean))];
  return asked.length ? asked.filter((scope) => allowed.includes(scope)) : [...allowed];
}

/** The client and redirect URI, or the page to show instead (never a redirect). */
async function trustedTarget(deps: OAuthDeps, query: URLSearchParams): Promise<{ client: BrokerClient; redirectUri: string } | { response: HttpResult }> {
  const twice = repeated(query).filter((name) => name === 'client_id' || name === 'redirect_uri');
  if (twice.length) return { response: errorPage(400, 'invalid_request', `${twice.join(' and ')} must not be repeated.`) };
  const clientId = param(query, 'client_id');
  if (!clientId) return { response: errorPage(400, 'invalid_request', 'The request names no client (client_id is missing).') };
  let client: BrokerClient;
  try {
    client = await resolveClient(deps, clientId);
  } catch (err) {
    if (err instanceof OAuthError && err.statusCode < 500) return { response: errorPage(400, err.errorCode, err.description) };
    throw err;
  }
  const requested = param(query, 'redirect_uri');
  // OAuth 2.1 §4.1.1 lets a client with one registered URI omit it; MCP clients always send it, and
  // requiring it keeps the token request's redirect_uri check exact.
  if (!requested) return { response: errorPage(400, 'invalid_request', 'The request has no redirect_uri.') };
  const redirectUri = matchRedirectUri(client.redirectUris, requested) && requested;
  if (!redirectUri) return { response: errorPage(400, 'invalid_request', 'The redirect_uri is not registered for this client.') };
  return { client, redirectUri };
}

/** Checks an authorization request; returns the pending authorization or the response to send. */
export async function checkAuthorizationRequest(deps: OAuthDeps, query: URLSearchParams): Promise<Checked> {
  const target = await trustedTarget(deps, query);
  if ('response' in target) return target;
  const { client, redirectUri } = target;
  const rawState = query.get('state') ?? undefined;
  const state = rawState && rawState.length <= MAX_STATE_LENGTH ? rawState : undefined;
  const fail = (error: string, description: string): Checked => ({ response: errorToClient(deps.config, client, redirectUri, state, error, description) });

  const twice = repeated(query);
  if (twice.length) return fail('invalid_request', `Parameters must not be repeated: ${twice.join(', ')}.`);
  if (rawState !== undefined && state === undefined) return fail('invalid_request', `state is longer than ${MAX_STATE_LENGTH} characters.`);
  if (param(query, 'response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
  if (!client.grantTypes.includes('authorization_code')) return fail('unauthorized_client', 'This client is not registered for the authorization code grant.');
  // OAuth 2.1 §4.1.1, MCP: PKCE for every client, S256 only (RFC 7636 §4.2); `plain` or no method is refused.
  const codeChallenge = param(query, 'code_challenge');
  if (!codeChallenge) return fail('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256.');
  if (param(query, 'code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');
  if (!isS256Challenge(codeChallenge)) return fail('invalid_request', 'code_challenge must be a base64url SHA-256 hash (43 characters).');
  // RFC 8707 §2: the only resource here is the MCP server.
  const resource = param(query, 'resource');
  if (resource !== undefined && resource !== deps.config.resourceUrl) return fail('invalid_target', 'resource must be this MCP server\'s URL.');
  const scopes = grantableScopes(param(query, 'scope'), client.scopes);
  if (!scopes.length) return fail('invalid_scope', 'None of the requested scopes can be granted to this client.');
  const nonce = param(query, 'nonce');
  return {
    client,
    ok: {
      clientId: client.clientId,
      redirectUri,
      state,
      scopes,
      codeChallenge,
      resource,
      nonce: nonce && nonce.length <= 512 ? nonce : undefined,
      prompt: param(query, 'prompt') === 'login' ? 'login' : undefined,
    },
  };
}
