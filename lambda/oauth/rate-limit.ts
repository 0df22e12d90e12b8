/**
 * Per-source-IP rate limits, enforced in DynamoDB so that they hold across Lambda instances: a
 * fixed-window counter item `<prefix>#<ip>#<window-start>` incremented by a conditional update,
 * expiring through the table's TTL (docs/contracts.md). Two budgets:
 * - registrations (`rate#`): the registration calls that write: POST /register and PUT
 *   /register/{id} (Create/UpdateUserPoolClient share Cognito's 5 requests/s per pool) and GET
 *   /register/{id} (it rotates the registration access token, a DynamoDB write); all three spend
 *   one budget. Callers consume it only once the request is valid (a rejected request costs
 *   nothing) and never give it back: an attempt that Cognito then throttled still counts, or a
 *   flood that causes the throttling would keep its budget.
 * - authorization requests (`authorize-rate#`): every GET /authorize, which stores a pending
 *   consent item for 10 minutes (and may fetch a CIMD document), counted before anything else.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TooManyRequestsError } from '../shared/errors';
import { countEvent } from '../shared/metrics';
import { translateTransient } from './aws-errors';

/** 429: this address spent its budget (as opposed to Cognito throttling, also 429). */
export class RateLimitExceededError extends TooManyRequestsError {}

export interface RateLimit {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** Keep counters a little past their window so DynamoDB's lazy TTL never drops a live one. */
const TTL_SLACK_SECONDS = 60;

/** GET /authorize per source IP: far above what people logging in produce (one request per sign-in), far below a flood. */
export const AUTHORIZE_RATE_LIMIT: RateLimit = { limit: 120, windowSeconds: 600 };

/**
 * Counts one call for `sourceIp` in the current window of the budget `prefix`; returns the
 * seconds to the next window when the limit is already reached (nothing is counted then).
 */
async function consume(ddb: DynamoDBDocumentClient, tableName: string, prefix: string, rate: RateLimit, sourceIp: string, now: Date): Promise<number | undefined> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % rate.windowSeconds);
  const windowEnd = windowStart + rate.windowSeconds;
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `${prefix}#${sourceIp}#${windowStart}` },
        UpdateExpression: 'ADD #count :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':limit': rate.limit, ':expires': windowEnd + TTL_SLACK_SECONDS },
      }),
    );
    return undefined;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return windowEnd - nowSeconds;
    throw translateTransient(err);
  }
}

/**
 * Counts one registration, update or read for `sourceIp` in the current window; throws 429 with
 * `Retry-After` (seconds to the next window) when the limit is already reached.
 */
export async function consumeRegistrationQuota(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  rate: RateLimit,
  sourceIp: string,
  now: Date,
): Promise<void> {
  const retryAfter = await consume(ddb, tableName, 'rate', rate, sourceIp, now);
  if (retryAfter !== undefined) {
    countEvent('RateLimitRefusals');
    throw new RateLimitExceededError(`Too many registrations, updates or reads of registrations from this address; at most ${rate.limit} per ${rate.windowSeconds} seconds.`, retryAfter);
  }
}

/** Counts one GET /authorize for `sourceIp`; the seconds to wait when over `AUTHORIZE_RATE_LIMIT`, else undefined. */
export function consumeAuthorizeQuota(ddb: DynamoDBDocumentClient, tableName: string, sourceIp: string, now: Date, rate: RateLimit = AUTHORIZE_RATE_LIMIT): Promise<number | undefined> {
  return consume(ddb, tableName, 'authorize-rate', rate, sourceIp, now);
}
