/**
 * Talking to Cognito: the authorization URL the browser is sent to, and the token and revocation
 * calls. Only parameters Cognito documents for each endpoint are sent (Cognito user pools
 * "Authorize endpoint", "Token endpoint", "Revoke endpoint"): `resource` goes to /oauth2/authorize
 * (which documents it) and never to /oauth2/token (which does not). Upstream failures (5xx,
 * timeouts, unreadable answers) become 503 `temporarily_unavailable`; upstream 4xx OAuth errors are
 * relayed as they are.
 */
import { OAuthError, TemporarilyUnavailableError } from '../../shared/errors';
import { json, type HttpResult } from '../../shared/http';
import { httpRequest, type OutboundResponse } from '../../shared/http-request';
import { log } from '../../shared/logger';
import type { OAuthConfig } from '../config';
import type { PendingAuthorization } from './authorization-request';
import type { BrokerClient } from './clients';
import { s256 } from './pkce';

/** The whole call to Cognito's token or revocation endpoint. */
export const UPSTREAM_TIMEOUT_MS = 5000;
/** Retry-After on 503 when Cognito failed. */
export const UPSTREAM_RETRY_AFTER_SECONDS = 2;

/** Where the browser goes after Allow: Cognito's hosted login for the client's mapped app client. */
export function cognitoAuthorizeUrl(
  config: Pick<OAuthConfig, 'cognitoDomainUrl' | 'brokerCallbackUrl'>,
  client: BrokerClient,
  pending: PendingAuthorization,
  upstreamState: string,
  upstreamVerifier: string,
): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: client.cognitoClientId,
    // The only callback of every app client the system creates.
    redirect_uri: config.brokerCallbackUrl,
    scope: pending.scopes.join(' '),
    state: upstreamState,
    code_challenge: s256(upstreamVerifier),
    code_challenge_method: 'S256',
  });
  if (pending.resource) params.set('resource', pending.resource);
  if (pending.nonce) params.set('nonce', pending.nonce);
  if (pending.prompt) params.set('prompt', pending.prompt);
  return `${config.cognitoDomainUrl}/oauth2/authorize?${params.toString()}`;
}

/** A client's own credentials, passed through to Cognito (the broker stores no client secret). */
export interface PassedCredentials {
  readonly cognitoClientId: string;
  readonly secret?: string;
}

function unavailable(reason: string, path: string): TemporarilyUnavailableError {
  log.warn('cognito call failed', { path, reason });
  return new TemporarilyUnavailableError('The sign-in service is unavailable; retry after the indicated delay.', UPSTREAM_RETRY_AFTER_SECONDS);
}

/**
 * POSTs `params` to Cognito's `path` with the client's credentials (client_secret_basic, RFC 6749
 * §2.3.1; Cognito accepts it for every confidential client), and answers what Cognito answered:
 * 2xx unchanged, 4xx OAuth errors relayed, anything else 503.
 */
export async function postToCognito(
  config: Pick<OAuthConfig, 'cognitoDomainUrl'>,
  path: '/oauth2/token' | '/oauth2/revoke',
  params: Record<string, string | undefined>,
  credentials: PassedCredentials,
): Promise<HttpResult> {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) form.set(name, value);
  form.set('client_id', credentials.cognitoClientId);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (credentials.secret !== undefined) {
    const pair = `${encodeURIComponent(credentials.cognitoClientId)}:${encodeURIComponent(credentials.secret)}`;
    headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  // node:http, not `fetch` (lambda/shared/http-request.ts): no redirect is followed, and loading
  // undici would add about 45 ms to the first token request of every container.
  let res: OutboundResponse;
  try {
    res = await httpRequest(new URL(`${config.cognitoDomainUrl}${path}`), { method: 'POST', headers, body: form.toString(), timeoutMs: UPSTREAM_TIMEOUT_MS });
  } catch (err) {
    throw unavailable((err as Error).message, path);
  }
  const text = res.body.toString('utf8');
  const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (res.status >= 200 && res.status < 300) {
    return { statusCode: res.status, headers: { 'content-type': res.headers['content-type'] ?? 'application/json', ...noStore }, body: text };
  }
  if (res.status >= 400 && res.status < 500) {
    let body: { error?: unknown; error_description?: unknown } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    if (body && typeof body.error === 'string') {
      const description = typeof body.error_description === 'string' ? body.error_description : undefined;
      // RFC 6749 §5.2: a 401 invalid_client answers with the scheme the client used.
      const challenge: Record<string, string> = res.status === 401 && credentials.secret !== undefined ? { 'www-authenticate': 'Basic realm="token"' } : {};
      return json(res.status, { error: body.error, ...(description ? { error_description: description } : {}) }, { ...noStore, ...challenge });
    }
  }
  throw unavailable(`status ${res.status}`, path);
}

/** RFC 6749 §5.2 `invalid_grant`. */
export class InvalidGrantError extends OAuthError {
  constructor(description: string) {
    super('invalid_grant', 400, description);
  }
}
