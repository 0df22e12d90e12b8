/**
 * Per-source-IP rate limit on the registration calls that write: POST /register and PUT
 * /register/{id} (Create/UpdateUserPoolClient share Cognito's 5 requests/s per pool) and GET
 * /register/{id} (it rotates the registration access token, a DynamoDB write), enforced in
 * DynamoDB so that it holds across Lambda instances: a fixed-window counter item
 * `rate#<ip>#<window-start>` incremented by a conditional update, expiring through the table's TTL
 * (docs/contracts.md). All three spend one budget. Callers consume it only once the request is
 * valid (a rejected request costs nothing) and never give it back: an attempt that Cognito then
 * throttled still counts, or a flood that causes the throttling would keep its budget.
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
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % rate.windowSeconds);
  const windowEnd = windowStart + rate.windowSeconds;
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `rate#${sourceIp}#${windowStart}` },
        UpdateExpression: 'ADD #count :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':limit': rate.limit, ':expires': windowEnd + TTL_SLACK_SECONDS },
      }),
    );
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') {
      countEvent('RateLimitRefusals');
      throw new RateLimitExceededError(
        `Too many registrations, updates or reads of registrations from this address; at most ${rate.limit} per ${rate.windowSeconds} seconds.`,
        windowEnd - nowSeconds,
      );
    }
    throw translateTransient(err);
  }
}
