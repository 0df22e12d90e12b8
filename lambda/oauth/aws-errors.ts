/**
 * AWS errors translated at the edge into what a client can act on (STYLE.md "Errors"): throttling
 * becomes 429 or 503 with `Retry-After`, never a bare 500. Anything not recognised is rethrown and
 * ends as a generic `server_error` whose detail only goes to the log.
 */
import { InvalidClientMetadataError, TemporarilyUnavailableError, TooManyRequestsError } from '../shared/errors';
import { errorFields, log } from '../shared/logger';

/** Seconds a client should wait after Cognito or DynamoDB throttled us. */
export const THROTTLE_RETRY_AFTER_SECONDS = 2;
/** Seconds a client should wait when the pool is at its app-client quota (an operator must act). */
export const QUOTA_RETRY_AFTER_SECONDS = 3600;

const DYNAMO_THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'InternalServerError']);
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ServiceUnavailable', 'InternalErrorException']);

function nameOf(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; code?: string };
    return e.name && e.name !== 'Error' ? e.name : (e.code ?? e.name ?? '');
  }
  return '';
}

/** Maps a Cognito error to an OAuth error when it is one a client can act on; otherwise returns `err`. */
export function translateCognitoError(err: unknown, context: Record<string, unknown> = {}): unknown {
  switch (nameOf(err)) {
    case 'TooManyRequestsException':
      // Create/Update/DeleteUserPoolClient: 5 requests/s per pool, 15 per account; bursts hit it.
      log.warn('Cognito throttled a client registration call', { ...context, ...errorFields(err) });
      return new TooManyRequestsError('The identity provider is throttling client registration; retry after the indicated delay.', THROTTLE_RETRY_AFTER_SECONDS);
    case 'LimitExceededException':
      // The per-pool app-client quota (1,000 by default, raisable to 10,000): only an operator can fix it.
      log.error('Cognito app client quota reached: delete unused registrations or raise the quota', { ...context, ...errorFields(err) });
      return new TemporarilyUnavailableError(
        'The server cannot register more clients right now (identity provider quota reached). Try again later or contact the operator.',
        QUOTA_RETRY_AFTER_SECONDS,
      );
    case 'InvalidParameterException':
    case 'InvalidOAuthFlowException':
    case 'ScopeDoesNotExistException':
      // Client faults of Create/UpdateUserPoolClient that the registered metadata can cause (a field,
      // a flow/scope combination, a scope the pool lacks) and our validation let through. RFC 7591
      // §3.2.2: that is `invalid_client_metadata`, never a 500; Cognito's message names the field.
      // Logged, since it also means validation (or ALLOWED_SCOPES) is out of step with Cognito.
      log.warn('Cognito refused the client metadata', { ...context, ...errorFields(err) });
      return new InvalidClientMetadataError(`The identity provider rejected the client metadata: ${(err as Error).message}`.slice(0, 500));
    case 'ConcurrentModificationException':
      // UpdateUserPoolClient racing another change of the same client: nothing was applied; retry.
      return new TemporarilyUnavailableError('The client is being changed by another request; retry after the indicated delay.', THROTTLE_RETRY_AFTER_SECONDS);
    default:
      return translateTransient(err);
  }
}

/** Maps DynamoDB throttling and transient network failures to 503 with `Retry-After`; otherwise returns `err`. */
export function translateTransient(err: unknown): unknown {
  const name = nameOf(err);
  if (DYNAMO_THROTTLING.has(name) || TRANSIENT.has(name)) {
    return new TemporarilyUnavailableError('A backing service is busy or unavailable; retry after the indicated delay.', THROTTLE_RETRY_AFTER_SECONDS);
  }
  return err;
}
