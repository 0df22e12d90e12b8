/**
 * Does a verified access token name a user, or only a client (a machine client's
 * `client_credentials` grant, RFC 6749 §4.4)? The MCP server refuses the second kind unless
 * `MACHINE_CLIENTS=true` (docs/mcp-server.md, "Machine clients"), and never counts it as a
 * client's use.
 *
 * No claim says "no user" in every issuer's tokens, so any one of these signals counts, and the
 * answer fails closed (a doubt means machine):
 * - `sub` equals the token's client id: Cognito's client_credentials tokens (and the local
 *   stand-in's, which copy them) use the client id as subject; so do Okta's. A user's `sub` is a
 *   UUID (Cognito) or a user id, never an app client id.
 * - a Cognito-shaped access token (`token_use: "access"`) without `username`: Cognito puts
 *   `username` in every access token issued for a user (authorization code, refresh, and the
 *   direct auth flows) and in none issued by the client_credentials grant. Only for tokens
 *   carrying `token_use`: other issuers (Auth0, Entra ID) have no `username` claim at all.
 * - Auth0's `gty: "client-credentials"`, Entra ID's `idtyp: "app"` (`TOKEN_ISSUER` deployments).
 */
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

export function namesUser(payload: JwtPayload, clientId: string | undefined): boolean {
  if (clientId !== undefined && payload.sub === clientId) return false;
  if (payload.token_use === 'access' && (typeof payload.username !== 'string' || payload.username === '')) return false;
  if (payload.gty === 'client-credentials' || payload.idtyp === 'app') return false;
  return true;
}
