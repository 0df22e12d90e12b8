/**
 * The sweeper's own item, `sweeper#state { firstRunAt }`: when this sweeper version first ran on
 * the table. Registrations made before it may predate `lastUsedAt` (the MCP server writes it only
 * from this version on, and at most once a day), so a missing `lastUsedAt` on them cannot mean
 * "never used": the sweeper treats them as used at `firstRunAt` (issue 15, "First deploy"), which
 * gives each `registrationIdleDays` from the deploy to show a use before it can go.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SweepDeps } from './sweep';

export const SWEEPER_STATE_KEY = 'sweeper#state';

/** `firstRunAt` as stored, or `now` on the first run (stored atomically: concurrent runs agree). */
export async function firstRunAt(deps: Pick<SweepDeps, 'ddb' | 'config'>, now: Date): Promise<Date> {
  const out = await deps.ddb.send(
    new UpdateCommand({
      TableName: deps.config.registrationsTable,
      Key: { pk: SWEEPER_STATE_KEY },
      UpdateExpression: 'SET firstRunAt = if_not_exists(firstRunAt, :now)',
      ExpressionAttributeValues: { ':now': now.toISOString() },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const stored = Date.parse(String(out.Attributes?.firstRunAt));
  return Number.isNaN(stored) ? now : new Date(stored);
}
