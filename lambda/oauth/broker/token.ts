/**
 * `POST /token` (RFC 6749 §3.2): the broker's own checks, then Cognito issues the tokens.
 * - authorization_code: the facade code is consumed once (conditional delete; a replay is refused
 *   and logged), for the same client and redirect_uri, with the right PKCE verifier (RFC 7636
 *   §4.6); then Cognito's code is redeemed with the broker's verifier and Cognito's JSON returned.
 * - refresh_token: passed through for the mapped client; Cognito rotates. `scope` is accepted and
 *   not forwarded: Cognito's token endpoint uses `scope` only for client_credentials, so a refreshed
 *   token keeps the scopes of the original grant (RFC 6749 §6: omitted scope = as originally granted).
 * - client_credentials: only with MACHINE_CLIENTS=true; passed through with `scope`.
 * `resource`, when sent, must name the MCP server (RFC 8707 §2) and is not forwarded: Cognito's
 * token endpoint does not document it (the audience comes from the authorization request).
 */
import { OAuthError } from '../../shared/errors';
import type { HttpEvent, HttpResult } from '../../shared/http';
import { log } from '../../shared/logger';
import type { OAuthDeps } from '../deps';
import type { CodeItem } from './callback';
import { clientCredentials, type ClientCredentials } from './client-auth';
import { InvalidClientError, resolveClient, type BrokerClient } from './clients';
import { formBody, param } from './params';
import { verifierMatches } from './pkce';
import { unseal } from './seal';
import { consumeItem } from './store';
import { InvalidGrantError, postToCognito } from './upstream';

/** RFC 8707 §2: `resource`, when sent, must name the MCP server. */
function checkResource(deps: OAuthDeps, form: URLSearchParams): void {
  const resource = param(form, 'resource');
  if (resource !== undefined && resource !== deps.config.resourceUrl) throw new OAuthError('invalid_target', 400, "resource must be this MCP server's URL.");
}

async function authenticatedClient(deps: OAuthDeps, credentials: ClientCredentials): Promise<BrokerClient> {
  try {
    return await resolveClient(deps, credentials.clientId);
  } catch (err) {
    if (err instanceof OAuthError && err.errorCode === 'invalid_client') {
      throw new InvalidClientError(err.description, credentials.method === 'client_secret_basic' ? { 'www-authenticate': 'Basic realm="token"' } : {});
    }
    throw err;
  }
}

async function authorizationCode(deps: OAuthDeps, form: URLSearchParams, client: BrokerClient, credentials: ClientCredentials): Promise<HttpResult> {
  const code = param(form, 'code');
  if (!code) throw new OAuthError('invalid_request', 400, 'code is required.');
  const item = await consumeItem<CodeItem>(deps, 'code', code);
  if (!item) {
    // RFC 6749 §4.1.2: a code presented twice may mean it was stolen; worth an operator's attention.
    log.warn('authorization code refused: unknown, expired or already used', { clientId: client.clientId });
    throw new InvalidGrantError('The authorization code is invalid, expired or already used.');
  }
  if (item.clientId !== client.clientId) {
    log.warn('authorization code presented by another client', { clientId: client.clientId });
    throw new InvalidGrantError('The authorization code was issued to another client.');
  }
  if (param(form, 'redirect_uri') !== item.redirectUri) throw new InvalidGrantError('redirect_uri does not match the authorization request.');
  if (!verifierMatches(param(form, 'code_verifier'), item.codeChallenge)) throw new InvalidGrantError('PKCE verification failed: code_verifier does not match code_challenge.');
  // Checked after the code is consumed: any failed redemption spends the code, as Cognito does.
  checkResource(deps, form);
  const upstream = unseal(code, item.sealed);
  if (!upstream) throw new InvalidGrantError('The authorization code is invalid.');
  return postToCognito(
    deps.config,
    '/oauth2/token',
    { grant_type: 'authorization_code', code: upstream.code, redirect_uri: deps.config.brokerCallbackUrl, code_verifier: upstream.verifier },
    { cognitoClientId: client.cognitoClientId, secret: credentials.secret },
  );
}

export async function postToken(deps: OAuthDeps, event: HttpEvent): Promise<HttpResult> {
  const form = formBody(event);
  const grantType = param(form, 'grant_type');
  if (!grantType) throw new OAuthError('invalid_request', 400, 'grant_type is required.');
  if (!['authorization_code', 'refresh_token', 'client_credentials'].includes(grantType) || (grantType === 'client_credentials' && !deps.config.machineClients)) {
    const supported = deps.config.machineClients ? 'authorization_code, refresh_token and client_credentials' : 'authorization_code and refresh_token';
    throw new OAuthError('unsupported_grant_type', 400, `Supported grant types: ${supported}.`);
  }
  const credentials = clientCredentials(event, form);
  const client = await authenticatedClient(deps, credentials);
  const passed = { cognitoClientId: client.cognitoClientId, secret: credentials.secret };

  if (grantType === 'authorization_code') return authorizationCode(deps, form, client, credentials);
  checkResource(deps, form);
  if (grantType === 'refresh_token') {
    const refreshToken = param(form, 'refresh_token');
    if (!refreshToken) throw new OAuthError('invalid_request', 400, 'refresh_token is required.');
    return postToCognito(deps.config, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, passed);
  }
  return postToCognito(deps.config, '/oauth2/token', { grant_type: 'client_credentials', scope: param(form, 'scope') }, passed);
}
