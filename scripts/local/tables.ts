/**
 * Creates the project's DynamoDB tables in dynalite, with the same keys and TTL attribute as the
 * CDK stacks (docs/contracts.md). Idempotent: an existing table is left as it is.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** TTL attribute of the registrations table (rate-limit counters expire through it). */
export const TTL_ATTRIBUTE = 'expiresAt';

async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput, ttl?: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  await client.send(new CreateTableCommand(input));
  if (ttl) {
    try {
      await client.send(
        new UpdateTimeToLiveCommand({ TableName: input.TableName, TimeToLiveSpecification: { AttributeName: ttl, Enabled: true } }),
      );
    } catch (err) {
      // dynalite 4 has no UpdateTimeToLive; locally, expired rate-limit counters simply stay (their window has passed).
      if ((err as Error).name !== 'UnknownOperationException') throw err;
    }
  }
}

/** Registrations: `pk` only (`client#<id>`, `rate#<ip>#<window>`), TTL on `expiresAt`. */
export function createRegistrationsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  return ensureTable(
    client,
    {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    },
    TTL_ATTRIBUTE,
  );
}

/** Notes: `pk` = `user#<sub>`, `sk` = `note#<createdAt>#<id>`. */
export function createNotesTable(client: DynamoDBClient, tableName: string): Promise<void> {
  return ensureTable(client, {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  });
}
