import { OAuthError } from './errors';
import { json, type HttpResult } from './http';
import { errorFields, log } from './logger';

/**
 * Turns anything thrown into an RFC-format OAuth error response (RFC 6749 §5.2, RFC 7591 §3.2.2).
 * Known `OAuthError`s keep their status, code, description and headers; anything else becomes a
 * generic 500 `server_error` whose detail goes only to the log, never to the client.
 */
export function toOAuthResponse(err: unknown, context: Record<string, unknown> = {}): HttpResult {
  if (err instanceof OAuthError) {
    if (err.statusCode >= 500) log.warn('request failed', { ...context, status: err.statusCode, error: err.errorCode });
    return json(err.statusCode, err.toJSON(), err.headers);
  }
  log.error('unhandled error', { ...context, ...errorFields(err) });
  return json(500, { error: 'server_error', error_description: 'The server could not complete the request. Try again later.' });
}
