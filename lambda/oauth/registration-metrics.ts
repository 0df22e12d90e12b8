/**
 * Registration metrics (issue 15), by outcome: `RegistrationsCreated`, `RegistrationsUpdated`,
 * `RegistrationsDeleted` (counts), and `RegistrationsRefused` by `Operation` and `Reason`. The
 * reason is a closed set: the RFC error code, or `rate_limit`, `throttled`, `pool_budget`,
 * `server_error`; never the error's description.
 */
import { OAuthError, TooManyRequestsError } from '../shared/errors';
import { countEvent } from '../shared/metrics';
import { PoolBudgetExhaustedError } from './pool-budget';
import { RateLimitExceededError } from './rate-limit';

/** RFC 7591 `register`, RFC 7592 `read`/`update`/`delete`, and `cimd`: a client metadata document fetched and provisioned at /authorize. */
export type RegistrationOperation = 'register' | 'read' | 'update' | 'delete' | 'cimd';
export type RegistrationOutcome = 'Created' | 'Updated' | 'Deleted';

/** The `Reason` dimension of a refused registration call. */
export function refusalReason(err: unknown): string {
  if (err instanceof RateLimitExceededError) return 'rate_limit';
  if (err instanceof TooManyRequestsError) return 'throttled';
  if (err instanceof PoolBudgetExhaustedError) return 'pool_budget';
  if (err instanceof OAuthError) return err.errorCode;
  return 'server_error';
}

export function countRegistration(outcome: RegistrationOutcome): void {
  countEvent(`Registrations${outcome}`);
}

/** Runs one registration call; if it throws, counts the refusal and throws on. */
export async function countRefusals<T>(operation: RegistrationOperation, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    countEvent('RegistrationsRefused', { Operation: operation, Reason: refusalReason(err) });
    throw err;
  }
}
