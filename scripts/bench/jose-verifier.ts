/**
 * The baselines' bearer verifier, as the SDK documentation suggests writing one: jose `jwtVerify`
 * against the issuer's remote JWKS (RS256), the AuthInfo fields from the token's claims.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';

export interface BaselineAuthInfo {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt?: number;
  extra: { sub?: string; username?: unknown };
}

export function joseVerifier(issuer: string): { verifyAccessToken(token: string): Promise<BaselineAuthInfo> } {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  return {
    async verifyAccessToken(token) {
      const { payload } = await jwtVerify(token, jwks, { issuer, algorithms: ['RS256'] });
      return {
        token,
        clientId: String(payload.client_id),
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
        expiresAt: payload.exp,
        extra: { sub: payload.sub, username: payload.username },
      };
    },
  };
}
