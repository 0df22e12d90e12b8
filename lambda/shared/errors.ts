/**
 * OAuth errors as the RFCs word them. Domain code throws these; `toOAuthResponse` in
 * `oauth-response.ts` turns anything thrown into RFC-format JSON.
 * Codes: RFC 6749 §5.2, RFC 6750 §3.1, RFC 7591 §3.2.2.
 */
export class OAuthError extends Error {
  constructor(
    readonly errorCode: string,
    readonly statusCode: number,
    readonly description: string,
    /** Extra response headers, e.g. `Retry-After` or `WWW-Authenticate`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = new.target.name;
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.errorCode, error_description: this.description };
  }
}

/** RFC 6749 §5.2: malformed request (bad content type, not JSON, too large). */
export class InvalidRequestError extends OAuthError {
  constructor(description: string) {
    super('invalid_request', 400, description);
  }
}

/** RFC 7591 §3.2.2: a redirect URI is not acceptable. */
export class InvalidRedirectUriError extends OAuthError {
  constructor(description: string) {
    super('invalid_redirect_uri', 400, description);
  }
}

/** RFC 7591 §3.2.2: some other client metadata field is not acceptable. */
export class InvalidClientMetadataError extends OAuthError {
  constructor(description: string) {
    super('invalid_client_metadata', 400, description);
  }
}

/** RFC 6750 §3.1: the bearer token (registration access token, access token) is missing, expired or wrong. */
export class InvalidTokenError extends OAuthError {
  constructor(description: string, wwwAuthenticate: string) {
    super('invalid_token', 401, description, { 'www-authenticate': wwwAuthenticate });
  }
}

/** RFC 6750 §3.1: the token is valid but lacks a scope the request needs. */
export class InsufficientScopeError extends OAuthError {
  constructor(description: string, wwwAuthenticate: string) {
    super('insufficient_scope', 403, description, { 'www-authenticate': wwwAuthenticate });
  }
}

/** Registration refused by policy (closed mode, missing initial access token). RFC 7591 §3: the server MAY reject. */
export class AccessDeniedError extends OAuthError {
  constructor(description: string, statusCode = 403) {
    super('access_denied', statusCode, description);
  }
}

/** A caller sent too many requests, or Cognito throttled us: 429 with `Retry-After` (RFC 6585 §4). */
export class TooManyRequestsError extends OAuthError {
  constructor(description: string, retryAfterSeconds: number) {
    super('temporarily_unavailable', 429, description, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

/** A dependency is unavailable: 503 with `Retry-After`. */
export class TemporarilyUnavailableError extends OAuthError {
  constructor(description: string, retryAfterSeconds: number) {
    super('temporarily_unavailable', 503, description, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

/** The resource does not exist (an unknown path, or an unknown client on RFC 7592 routes where the token already failed). */
export class NotFoundError extends OAuthError {
  constructor(description: string) {
    super('not_found', 404, description);
  }
}

/** A method the route does not serve; `allow` lists the ones it does. */
export class MethodNotAllowedError extends OAuthError {
  constructor(allow: string[]) {
    super('invalid_request', 405, `Method not allowed; use ${allow.join(', ')}.`, { allow: allow.join(', ') });
  }
}
