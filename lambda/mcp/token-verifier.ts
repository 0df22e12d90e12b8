/**
 * Verifies bearer access tokens: signature (JWKS, cached per container), issuer, expiry and
 * not-before (aws-jwt-verify), then what aws-jwt-verify leaves to us: `token_use` access, the
 * audience rule and the client's liveness. Built once per container.
 */
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { CognitoJwtInvalidTokenUseError, FetchError, JwtExpiredError, JwtInvalidIssuerError, JwtInvalidSignatureError, JwtNotBeforeError, JwtParseError, KidNotFoundInJwksError, ParameterValidationError } from 'aws-jwt-verify/error';
import type { TokenRejectionReason } from '../shared/metrics';
import { audienceProblem, type AudienceRule } from './audience';
import type { ClientCheck } from './client-liveness';
import { namesUser } from './token-subject';

/** A token that verified: what the tools and the scope checks need, never the token itself. */
export interface VerifiedToken {
  readonly subject: string;
  readonly username?: string;
  /** `client_id`, else `azp` (OIDC), else `cid` (Okta); absent only without a client check. */
  readonly clientId?: string;
  /** False for a token that names only a client (client_credentials; `token-subject.ts`). */
  readonly namesUser: boolean;
  readonly scopes: readonly string[];
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** The token is not acceptable; the message is safe to send to the client, `reason` names it for metrics. */
export class TokenRejectedError extends Error {
  constructor(
    message: string,
    readonly reason: TokenRejectionReason = 'other',
  ) {
    super(message);
  }
}
/** Verification could not run (JWKS or registrations table unreachable): answer 503, not 401. */
export class VerificationUnavailableError extends Error {}

export type TokenVerifier = ((token: string) => Promise<VerifiedToken>) & {
  /** Fetches the JWKS now (cold start), so the first request does not wait for it. */
  hydrate(): Promise<void>;
};

export interface TokenVerifierOptions {
  /** Cognito user pool id; used when `issuer` is not set. */
  readonly userPoolId?: string;
  /** Another issuer (the local stack, or another OIDC provider) with its JWKS URL. */
  readonly issuer?: string;
  readonly jwksUri?: string;
  readonly audience: AudienceRule;
  /**
   * The client liveness check (`CLIENT_CHECK=registrations`), or null (`CLIENT_CHECK=none`): no
   * lookup, and a token that names no client is accepted.
   */
  readonly isClientLive: ClientCheck | null;
  /** Accept tokens that name no user (`MACHINE_CLIENTS=true`); refused (401) otherwise. */
  readonly machineClients: boolean;
  readonly jwksCache: JwksCache;
}

/**
 * RFC 6750 §3.1 `invalid_token` ("invalid for other reasons"): the token verifies but is not one
 * this resource accepts, like a token for another audience. A user-capable client gets a usable
 * token by signing a user in; no scope would help, so not 403 `insufficient_scope`.
 */
export const NO_USER = 'The access token names no user (client_credentials); this server accepts only tokens issued for a signed-in user';

/** RFC 9068 access tokens say `typ: at+jwt`; Cognito's say `token_use: access`. ID tokens say neither. */
const NOT_AN_ACCESS_TOKEN = 'The token is not an access token';

function tokenUseProblem(header: JwtHeader, payload: JwtPayload): string | undefined {
  if (payload.token_use === 'access') return undefined;
  if (payload.token_use === undefined && typeof header.typ === 'string' && header.typ.toLowerCase() === 'at+jwt') return undefined;
  return NOT_AN_ACCESS_TOKEN;
}

/** The client the token was issued to: `client_id` (Cognito, RFC 9068), else `azp` (OIDC), else `cid` (Okta). */
/**
 * The token's scopes: `scope`, space-separated (RFC 9068 §2.2.3, Cognito), else `scp` as other
 * issuers write it (an array in Okta's tokens, a space-separated string in Entra ID's).
 */
export function tokenScopes(payload: JwtPayload): string[] {
  const claim = typeof payload.scope === 'string' ? payload.scope : payload.scp;
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === 'string' && value !== '');
  return [];
}

export function tokenClientId(payload: JwtPayload): string | undefined {
  for (const claim of ['client_id', 'azp', 'cid']) {
    const value = payload[claim];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

function rejection(err: unknown): TokenRejectedError {
  const [message, reason] = describe(err);
  return new TokenRejectedError(message, reason);
}

function describe(err: unknown): [string, TokenRejectionReason] {
  if (err instanceof JwtExpiredError) return ['The access token expired', 'expired'];
  if (err instanceof JwtNotBeforeError) return ['The access token is not valid yet', 'not_yet_valid'];
  if (err instanceof JwtInvalidIssuerError) return ['The access token was issued by another issuer', 'issuer'];
  // CognitoJwtVerifier knows two issuers per pool (regional and global form) and picks one by the
  // token's `iss`; any other `iss` fails that lookup rather than the issuer claim check.
  if (err instanceof ParameterValidationError && err.message.startsWith('issuer not configured')) return ['The access token was issued by another issuer', 'issuer'];
  if (err instanceof JwtInvalidSignatureError) return ['The access token signature is invalid', 'signature'];
  if (err instanceof KidNotFoundInJwksError) return ['The access token was signed with an unknown key', 'unknown_key'];
  if (err instanceof JwtParseError) return ['The access token is malformed', 'malformed'];
  // CognitoJwtVerifier checks `token_use` itself (ID tokens, none) before our customJwtCheck runs.
  if (err instanceof CognitoJwtInvalidTokenUseError) return [NOT_AN_ACCESS_TOKEN, 'token_use'];
  return ['The access token is invalid', 'other'];
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const customJwtCheck = ({ header, payload }: { header: JwtHeader; payload: JwtPayload }): void => {
    const useProblem = tokenUseProblem(header, payload);
    if (useProblem) throw new TokenRejectedError(useProblem, 'token_use');
    const audience = audienceProblem(payload.aud, tokenScopes(payload), options.audience);
    if (audience) throw new TokenRejectedError(audience, 'audience');
  };
  const verifier = options.issuer
    ? JwtVerifier.create(
        { issuer: options.issuer, jwksUri: options.jwksUri ?? `${options.issuer}/.well-known/jwks.json`, audience: null, customJwtCheck },
        { jwksCache: options.jwksCache },
      )
    : CognitoJwtVerifier.create(
        { userPoolId: requiredPool(options.userPoolId), tokenUse: 'access', clientId: null, customJwtCheck },
        { jwksCache: options.jwksCache },
      );

  const verify = async (token: string): Promise<VerifiedToken> => {
    let payload: JwtPayload;
    try {
      payload = await verifier.verify(token);
    } catch (err) {
      if (err instanceof TokenRejectedError) throw err;
      if (err instanceof FetchError) throw new VerificationUnavailableError('The token issuer keys could not be fetched');
      throw rejection(err);
    }
    // aws-jwt-verify checks `exp` when present; an access token without one must not live forever.
    if (typeof payload.exp !== 'number') throw new TokenRejectedError('The access token has no expiry', 'no_expiry');
    const clientId = tokenClientId(payload);
    if (!clientId && options.isClientLive) throw new TokenRejectedError('The access token names no client', 'no_client');
    if (typeof payload.sub !== 'string' || !payload.sub) throw new TokenRejectedError('The access token names no subject', 'no_subject');
    const user = namesUser(payload, clientId);
    if (!user && !options.machineClients) throw new TokenRejectedError(NO_USER, 'no_user');
    if (clientId && options.isClientLive) {
      let live: boolean;
      try {
        // Only a user's token counts as the client's use (lastUsedAt): a machine token costs no login.
        live = await options.isClientLive(clientId, { recordUse: user });
      } catch {
        throw new VerificationUnavailableError('The client registry is unavailable');
      }
      if (!live) throw new TokenRejectedError('The client that obtained the access token is no longer registered', 'client_gone');
    }
    return {
      subject: payload.sub,
      username: typeof payload.username === 'string' ? payload.username : undefined,
      clientId,
      namesUser: user,
      scopes: tokenScopes(payload),
      expiresAt: payload.exp as number,
    };
  };
  return Object.assign(verify, { hydrate: () => verifier.hydrate() });
}

function requiredPool(userPoolId: string | undefined): string {
  if (!userPoolId) throw new Error('USER_POOL_ID is required when TOKEN_ISSUER is not set');
  return userPoolId;
}
