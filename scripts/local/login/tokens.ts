/**
 * Mints tokens shaped like Cognito's, so the MCP server verifies local tokens with the same code
 * as Cognito's (only issuer and JWKS URL differ). Claims as Cognito puts them in an access token:
 * `sub`, `iss`, `client_id`, `origin_jti`, `token_use`, `scope`, `auth_time`, `exp`, `iat`, `jti`,
 * `username`, plus `aud` when the RFC 8707 `resource` parameter named the MCP server.
 * Left out on purpose: `cognito:groups` (no groups locally), `version`, `event_id`.
 */
import { randomUUID } from 'node:crypto';
import type { Grant } from './grant';
import { signJwt, type SigningKey } from './keys';

export interface TokenSubject extends Grant {
  readonly originJti: string;
  /** OIDC nonce, only on the ID token of the code exchange. */
  readonly nonce?: string;
}

export interface MintOptions {
  readonly issuer: string;
  readonly key: SigningKey;
  readonly accessTokenSeconds: number;
  readonly idTokenSeconds: number;
  readonly now?: number;
}

/** Cognito's token response: no `scope` member (clients learn the scope from the token or the request). */
export interface TokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: 'Bearer';
  expires_in: number;
}

export function mintAccessToken(subject: TokenSubject, options: MintOptions): string {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  return signJwt(options.key, {
    sub: subject.sub,
    iss: options.issuer,
    client_id: subject.clientId,
    origin_jti: subject.originJti,
    token_use: 'access',
    scope: subject.scope,
    ...(subject.resource ? { aud: subject.resource } : {}),
    auth_time: subject.authTime,
    exp: iat + options.accessTokenSeconds,
    iat,
    jti: randomUUID(),
    username: subject.username,
  });
}

/** An OIDC ID token, issued only when `openid` was granted (as Cognito). */
export function mintIdToken(subject: TokenSubject, options: MintOptions): string {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const scopes = subject.scope.split(' ');
  return signJwt(options.key, {
    sub: subject.sub,
    iss: options.issuer,
    aud: subject.clientId,
    'cognito:username': subject.username,
    origin_jti: subject.originJti,
    token_use: 'id',
    auth_time: subject.authTime,
    exp: iat + options.idTokenSeconds,
    iat,
    jti: randomUUID(),
    ...(subject.nonce ? { nonce: subject.nonce } : {}),
    ...(scopes.includes('email') && subject.email ? { email: subject.email, email_verified: true } : {}),
  });
}

export function hasOpenId(scope: string): boolean {
  return scope.split(' ').includes('openid');
}

/**
 * A client_credentials access token as Cognito mints it: the client is the subject, no user
 * claims (`username`, `auth_time` of a login, `origin_jti`), no refresh or ID token.
 */
export function mintClientAccessToken(subject: { clientId: string; scope: string; resource?: string }, options: MintOptions): string {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  return signJwt(options.key, {
    sub: subject.clientId,
    iss: options.issuer,
    client_id: subject.clientId,
    token_use: 'access',
    scope: subject.scope,
    ...(subject.resource ? { aud: subject.resource } : {}),
    auth_time: iat,
    exp: iat + options.accessTokenSeconds,
    iat,
    jti: randomUUID(),
  });
}
