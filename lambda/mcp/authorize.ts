/**
 * Bearer authentication and per-operation scope checks for `/mcp` (RFC 6750, MCP authorization):
 * 401 with a challenge for a missing or rejected token, 403 `insufficient_scope` for step-up,
 * 503 when verification itself could not run. The token is read here and goes nowhere else.
 */
import type { HttpResult } from '../shared/http';
import { log } from '../shared/logger';
import { countTokenRejection } from '../shared/metrics';
import { insufficientScopeChallenge, unauthorizedChallenge } from './challenge';
import { RpcCode, rpcError, type JsonRpcId } from './rpc';
import { TokenRejectedError, VerificationUnavailableError, type TokenVerifier, type VerifiedToken } from './token-verifier';

/** Seconds a client should wait when the JWKS or the registrations table is unreachable. */
export const RETRY_AFTER_SECONDS = 5;

export type AuthOutcome = { readonly caller: VerifiedToken } | { readonly refusal: HttpResult };

/** RFC 6750 §2.1: `Bearer` (any case) then a token68. Anything else counts as no bearer token. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ ]+(\S*)\s*$/i.exec(authorization ?? '');
  return match ? match[1] : undefined;
}

export function authenticate(
  verify: TokenVerifier,
  metadataUrl: string,
  authorization: string | undefined,
  neededScopes: readonly string[],
  id: JsonRpcId,
): Promise<AuthOutcome> {
  const token = bearerToken(authorization);
  if (token === undefined) {
    // RFC 6750 §3.1: no error code when the request carried no credentials.
    const challenge = unauthorizedChallenge(metadataUrl, neededScopes);
    countTokenRejection('missing');
    return Promise.resolve({ refusal: rpcError(401, id, RpcCode.ServerError, 'Unauthorized: a bearer token is required', { 'www-authenticate': challenge }) });
  }
  return verify(token).then(
    (caller): AuthOutcome => ({ caller }),
    (err: unknown): AuthOutcome => {
      if (err instanceof VerificationUnavailableError) {
        log.warn('token verification unavailable', { reason: err.message });
        return { refusal: rpcError(503, id, RpcCode.ServerError, 'Service unavailable: try again shortly', { 'retry-after': String(RETRY_AFTER_SECONDS) }) };
      }
      const description = err instanceof TokenRejectedError ? err.message : 'The access token is invalid';
      countTokenRejection(err instanceof TokenRejectedError ? err.reason : 'other');
      log.info('token rejected', { reason: description });
      const challenge = unauthorizedChallenge(metadataUrl, neededScopes, description);
      return { refusal: rpcError(401, id, RpcCode.ServerError, `Unauthorized: ${description}`, { 'www-authenticate': challenge }) };
    },
  );
}

/** 403 naming every scope the operation needs, or undefined when the caller has them all. */
export function requireScopes(caller: VerifiedToken, metadataUrl: string, needed: readonly string[], id: JsonRpcId): HttpResult | undefined {
  const missing = needed.filter((scope) => !caller.scopes.includes(scope));
  if (missing.length === 0) return undefined;
  const description = `This operation needs the scope ${missing.join(' ')}`;
  return rpcError(403, id, RpcCode.ServerError, `Forbidden: ${description}`, {
    'www-authenticate': insufficientScopeChallenge(metadataUrl, needed, description),
  });
}
