/**
 * The pool-wide budget of app clients (issue 12 item 5): the per-IP rate limit alone lets about 100
 * addresses fill Cognito's 1,000 app clients per pool. One counter item `budget#pool { count }`
 * counts the app clients this system created for registrations and CIMD clients. Open registrations
 * and CIMD provisioning reserve a slot with a conditional increment before CreateUserPoolClient and
 * are refused at `REGISTRATION_POOL_BUDGET`; token-mode registrations (the operator handed out the
 * initial access token) are counted but may pass it, up to Cognito's own quota. Every path that
 * removes an app client gives its slot back: RFC 7592 DELETE, the sweeper, and the compensation
 * of a create that failed.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TemporarilyUnavailableError } from '../shared/errors';
import { errorFields, log } from '../shared/logger';
import { QUOTA_RETRY_AFTER_SECONDS, translateTransient } from './aws-errors';
import type { StoreDeps } from './registration-store';

export const POOL_BUDGET_KEY = 'budget#pool';

/** 503: the pool's budget for open registrations and CIMD clients is spent (an operator must act, or the sweeper free slots). */
export class PoolBudgetExhaustedError extends TemporarilyUnavailableError {
  constructor(budget: number) {
    super(
      `This server has registered as many clients as it allows (${budget}); try again later, or ask the operator for an initial access token.`,
      QUOTA_RETRY_AFTER_SECONDS,
    );
  }
}

/**
 * Counts one more app client. With a `budget`, only while fewer than `budget` are counted (else
 * `PoolBudgetExhaustedError`); without one (token-mode registrations), always.
 */
export async function reservePoolSlot(store: StoreDeps, budget: number | undefined): Promise<void> {
  try {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: { pk: POOL_BUDGET_KEY },
        UpdateExpression: 'ADD #count :one',
        ...(budget === undefined ? {} : { ConditionExpression: 'attribute_not_exists(#count) OR #count < :budget' }),
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ...(budget === undefined ? {} : { ':budget': budget }) },
      }),
    );
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') {
      log.warn('registration pool budget reached: registration refused', { budget });
      throw new PoolBudgetExhaustedError(budget!);
    }
    throw translateTransient(err);
  }
}

/**
 * Gives one slot back, never below zero (app clients created before the budget existed were never
 * counted). A failure is logged, not thrown: the app client is already gone, and a count that
 * stays one too high only errs on the safe side.
 */
export async function releasePoolSlot(store: StoreDeps): Promise<void> {
  try {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: { pk: POOL_BUDGET_KEY },
        UpdateExpression: 'ADD #count :minusOne',
        ConditionExpression: '#count > :zero',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      }),
    );
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return;
    log.warn('registration pool budget not decremented; it counts one client too many', errorFields(err));
  }
}
