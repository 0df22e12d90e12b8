/**
 * Registration records in DynamoDB (docs/contracts.md): one item `client#<client_id>` per
 * registered client, holding the registered metadata and the SHA-256 of its registration access
 * token, never a token or secret. Independent of how clients reach Cognito.
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateTransient } from './aws-errors';
import type { ClientMetadata } from './client-metadata';

export interface RegistrationRecord {
  readonly pk: string;
  readonly clientId: string;
  /** Hex SHA-256 of the registration access token. */
  readonly registrationTokenHash: string;
  /** The registered client metadata, snake_case, as registered. */
  readonly metadata: ClientMetadata;
  readonly confidential: boolean;
  /** ISO timestamps. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: { readonly sourceIp: string; readonly userAgent: string };
}

export interface StoreDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function registrationKey(clientId: string): string {
  return `client#${clientId}`;
}

/** Thrown when a conditional write finds the record changed or gone underneath. */
export class RegistrationConflictError extends Error {}

async function guarded<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') throw new RegistrationConflictError('registration changed concurrently');
    throw translateTransient(err);
  }
}

/** Writes a new record; fails if one exists for the client id. */
export function putNewRegistration(store: StoreDeps, record: RegistrationRecord): Promise<void> {
  return guarded(async () => {
    await store.ddb.send(new PutCommand({ TableName: store.tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }));
  });
}

/** Replaces a record, only if it still carries the token hash the caller authenticated with. */
export function replaceRegistration(store: StoreDeps, record: RegistrationRecord): Promise<void> {
  return guarded(async () => {
    await store.ddb.send(
      new PutCommand({
        TableName: store.tableName,
        Item: record,
        ConditionExpression: 'attribute_exists(pk) AND registrationTokenHash = :hash',
        ExpressionAttributeValues: { ':hash': record.registrationTokenHash },
      }),
    );
  });
}

/** The record for a client id, read consistently, or undefined. */
export function getRegistration(store: StoreDeps, clientId: string): Promise<RegistrationRecord | undefined> {
  return guarded(async () => {
    const out = await store.ddb.send(new GetCommand({ TableName: store.tableName, Key: { pk: registrationKey(clientId) }, ConsistentRead: true }));
    return out.Item as RegistrationRecord | undefined;
  });
}

/** Deletes the record (idempotent). */
export function deleteRegistration(store: StoreDeps, clientId: string): Promise<void> {
  return guarded(async () => {
    await store.ddb.send(new DeleteCommand({ TableName: store.tableName, Key: { pk: registrationKey(clientId) } }));
  });
}
