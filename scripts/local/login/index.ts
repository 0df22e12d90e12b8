/**
 * The local stand-in for Cognito's hosted login, as one Lambda-shaped handler:
 * `/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`, `/oauth2/userInfo` and the JWKS of the
 * key that signs its tokens. It asks cognito-local about clients and passwords (directory.ts),
 * and mints Cognito-shaped tokens itself (tokens.ts), because cognito-local has no resource
 * servers and always puts `aws.cognito.signin.user.admin` in its tokens' scope.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { json, type HttpEvent, type HttpResult } from '../../../lambda/shared/http';
import { toOAuthResponse } from '../../../lambda/shared/oauth-response';
import { authorize, type AuthorizeDeps } from './authorize';
import { CodeStore } from './codes';
import { CognitoDirectory } from './directory';
import { loadOrCreateSigningKey } from './keys';
import { RefreshTokenStore } from './refresh-tokens';
import { SessionStore } from './sessions';
import { revoke, token, type TokenDeps } from './token';
import { userInfo } from './userinfo';

export interface LoginOptions {
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  /** App client with ALLOW_USER_PASSWORD_AUTH, used only to check passwords. */
  readonly loginClientId: string;
  /** Token issuer (`iss`): the local stack's base URL. */
  readonly issuer: string;
  readonly resourceUrl: string;
  /** Where the signing key and refresh tokens are kept. */
  readonly stateDir: string;
  /** See AuthorizeDeps.onwardRedirect (the local stack passes broker-relay.ts). */
  readonly onwardRedirect?: AuthorizeDeps['onwardRedirect'];
}

/** Paths the login stand-in serves. */
export const LOGIN_PATHS = ['/oauth2/authorize', '/oauth2/token', '/oauth2/revoke', '/oauth2/userInfo', '/.well-known/jwks.json'] as const;

export function createLoginHandler(options: LoginOptions): (event: HttpEvent) => Promise<HttpResult> {
  const key = loadOrCreateSigningKey(options.stateDir);
  const directory = new CognitoDirectory(options.cognito, options.userPoolId, options.loginClientId);
  const deps: TokenDeps = {
    directory,
    codes: new CodeStore(),
    refreshTokens: new RefreshTokenStore(options.stateDir),
    key,
    issuer: options.issuer,
    resourceUrl: options.resourceUrl,
  };
  const jwks = { keys: [key.jwk] };
  const sessions = new SessionStore();

  return async (event) => {
    try {
      switch (event.rawPath) {
        case '/oauth2/authorize':
          return await authorize(event, { ...deps, sessions, onwardRedirect: options.onwardRedirect });
        case '/oauth2/token':
          return await token(event, deps);
        case '/oauth2/revoke':
          return await revoke(event, deps);
        case '/oauth2/userInfo':
          return await userInfo(event, key, options.issuer, directory);
        case '/.well-known/jwks.json':
          return json(200, jwks, { 'cache-control': 'public, max-age=300' });
        default:
          return json(404, { error: 'not_found', error_description: 'No such endpoint.' });
      }
    } catch (err) {
      return toOAuthResponse(err, { path: event.rawPath });
    }
  };
}
