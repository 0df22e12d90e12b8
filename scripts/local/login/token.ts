/**
 * `/oauth2/token` (RFC 6749 §4.1.3, §6; RFC 7636 §4.5; RFC 8707 §2.2) and `/oauth2/revoke`
 * (RFC 7009), as Cognito serves them, with refresh tokens rotated on every use.
 */
import { randomUUID } from 'node:crypto';
import { OAuthError } from '../../../lambda/shared/errors';
import { bodyText, empty, json, mediaType, method, type HttpEvent, type HttpResult } from '../../../lambda/shared/http';
import { authenticateClient } from './client-auth';
import type { CodeStore } from './codes';
import type { CognitoDirectory, LoginClient } from './directory';
import type { SigningKey } from './keys';
import { verifierMatches } from '../../../lambda/oauth/broker/pkce';
import type { RefreshTokenStore } from './refresh-tokens';
import { hasOpenId, mintAccessToken, mintClientAccessToken, mintIdToken, type TokenResponse, type TokenSubject } from './tokens';

export interface TokenDeps {
  readonly directory: CognitoDirectory;
  readonly codes: CodeStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly key: SigningKey;
  readonly issuer: string;
  readonly resourceUrl: string;
  readonly now?: () => number;
}

const invalidGrant = (description: string) => new OAuthError('invalid_grant', 400, description);

function readForm(event: HttpEvent): URLSearchParams {
  if (method(event) !== 'POST') throw new OAuthError('invalid_request', 405, 'Use POST.', { allow: 'POST' });
  if (mediaType(event) !== 'application/x-www-form-urlencoded') throw new OAuthError('invalid_request', 400, 'The body must be application/x-www-form-urlencoded.');
  const form = new URLSearchParams(bodyText(event));
  for (const key of new Set(form.keys())) {
    // RFC 6749 §3.2: parameters must not be repeated (resource may be, RFC 8707, but only one is known here).
    if (form.getAll(key).length > 1) throw new OAuthError('invalid_request', 400, `${key} appears more than once.`);
  }
  return form;
}

function checkResource(form: URLSearchParams, resourceUrl: string): void {
  const resource = form.get('resource');
  if (resource !== null && resource !== resourceUrl) throw new OAuthError('invalid_target', 400, 'resource does not name a resource server of this authorization server.');
}

function issue(subject: TokenSubject, client: LoginClient, deps: TokenDeps): TokenResponse {
  const now = deps.now?.() ?? Date.now();
  const options = { issuer: deps.issuer, key: deps.key, accessTokenSeconds: client.accessTokenSeconds, idTokenSeconds: client.idTokenSeconds, now };
  const { clientId, scope, resource, sub, username, email, authTime, originJti } = subject;
  const refreshToken = deps.refreshTokens.issue({ clientId, scope, resource, sub, username, email, authTime, originJti, expiresAt: now + client.refreshTokenSeconds * 1000 });
  return {
    access_token: mintAccessToken(subject, options),
    ...(hasOpenId(subject.scope) ? { id_token: mintIdToken(subject, options) } : {}),
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: client.accessTokenSeconds,
  };
}

function authorizationCode(form: URLSearchParams, client: LoginClient, deps: TokenDeps): TokenResponse {
  const code = form.get('code');
  if (!code) throw new OAuthError('invalid_request', 400, 'code is required.');
  const grant = deps.codes.consume(code);
  if (!grant) throw invalidGrant('The authorization code is invalid, expired or already used.');
  if (grant.clientId !== client.clientId) throw invalidGrant('The authorization code was issued to another client.');
  if (form.get('redirect_uri') !== grant.redirectUri) throw invalidGrant('redirect_uri does not match the authorization request.');
  if (grant.codeChallenge) {
    if (!verifierMatches(form.get('code_verifier') ?? undefined, grant.codeChallenge)) throw invalidGrant('PKCE verification failed.');
  } else if (form.has('code_verifier')) {
    throw invalidGrant('code_verifier sent, but the authorization request had no code_challenge.');
  }
  checkResource(form, deps.resourceUrl);
  const { clientId, scope, sub, username, email, authTime, nonce } = grant;
  const resource = grant.resource ?? form.get('resource') ?? undefined;
  return issue({ clientId, scope, resource, sub, username, email, authTime, nonce, originJti: randomUUID() }, client, deps);
}

function refreshToken(form: URLSearchParams, client: LoginClient, deps: TokenDeps): TokenResponse {
  const token = form.get('refresh_token');
  if (!token) throw new OAuthError('invalid_request', 400, 'refresh_token is required.');
  const grant = deps.refreshTokens.peek(token);
  if (!grant || grant.clientId !== client.clientId) throw invalidGrant('The refresh token is invalid, expired, revoked or belongs to another client.');
  checkResource(form, deps.resourceUrl);
  // Cognito's /oauth2/token reads `scope` only for client_credentials: a refresh returns the scope
  // of the login whatever `scope` says, wider or narrower. (RFC 6749 §6 would refuse a wider one;
  // Cognito does not, and mcp-remote relies on it: it sends its whole configured scope on every refresh.)
  // Scopes the client has lost since (UpdateUserPoolClient) are dropped, as Cognito would.
  const scope = grant.scope.split(' ').filter((s) => client.allowedScopes.includes(s));
  if (!scope.length) throw new OAuthError('invalid_scope', 400, 'The client is no longer allowed any of the granted scopes.');
  // Rotation: the presented token stops working now (OAuth 2.1 §4.3.1).
  deps.refreshTokens.revoke(token);
  const { clientId, resource, sub, username, email, authTime, originJti } = grant;
  return issue({ clientId, scope: scope.join(' '), resource, sub, username, email, authTime, originJti }, client, deps);
}

/** RFC 6749 §4.4, as Cognito: confidential clients allowed the flow, custom (resource) scopes only. */
function clientCredentials(form: URLSearchParams, client: LoginClient, deps: TokenDeps): TokenResponse {
  if (!client.clientSecret || !client.allowsClientCredentials) throw new OAuthError('unauthorized_client', 400, 'The client may not use the client_credentials grant.');
  checkResource(form, deps.resourceUrl);
  const allowed = client.allowedScopes.filter((s) => s.includes('/'));
  const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
  if (requested.some((s) => !allowed.includes(s))) throw new OAuthError('invalid_scope', 400, 'A requested scope is not allowed for this client.');
  const scope = requested.length ? requested : allowed;
  if (!scope.length) throw new OAuthError('invalid_scope', 400, 'The client is allowed no resource scope.');
  const options = { issuer: deps.issuer, key: deps.key, accessTokenSeconds: client.accessTokenSeconds, idTokenSeconds: client.idTokenSeconds, now: deps.now?.() };
  const accessToken = mintClientAccessToken({ clientId: client.clientId, scope: scope.join(' '), resource: form.get('resource') ?? undefined }, options);
  return { access_token: accessToken, token_type: 'Bearer', expires_in: client.accessTokenSeconds };
}

export async function token(event: HttpEvent, deps: TokenDeps): Promise<HttpResult> {
  const form = readForm(event);
  const client = await authenticateClient(event, form, deps.directory);
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') return json(200, authorizationCode(form, client, deps), { pragma: 'no-cache' });
  if (grantType === 'refresh_token') return json(200, refreshToken(form, client, deps), { pragma: 'no-cache' });
  if (grantType === 'client_credentials') return json(200, clientCredentials(form, client, deps), { pragma: 'no-cache' });
  if (!grantType) throw new OAuthError('invalid_request', 400, 'grant_type is required.');
  throw new OAuthError('unsupported_grant_type', 400, 'Supported grant types: authorization_code, refresh_token, client_credentials.');
}

/** RFC 7009: revokes a refresh token; an unknown token is not an error (§2.2). */
export async function revoke(event: HttpEvent, deps: TokenDeps): Promise<HttpResult> {
  const form = readForm(event);
  const client = await authenticateClient(event, form, deps.directory);
  const value = form.get('token');
  if (!value) throw new OAuthError('invalid_request', 400, 'token is required.');
  const grant = deps.refreshTokens.peek(value);
  if (grant && grant.clientId !== client.clientId) throw new OAuthError('unauthorized_client', 400, 'The token was issued to another client.');
  // Access tokens are verified offline by the resource server and cannot be revoked here (nor on Cognito, for offline verifiers).
  if (grant) deps.refreshTokens.revoke(value);
  return empty(200);
}
