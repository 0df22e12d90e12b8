/**
 * Registration records in DynamoDB (docs/contracts.md): one item `client#<client_id>` per
 * registered client, holding the registered metadata and the SHA-256 of its registration access
 * token, never a token or secret. The hash changes on every RFC 7592 read and update (rotation),
 * always by a write conditional on the previous hash. Independent of how clients reach Cognito.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
  /** ISO; set when a delete began (RFC 7592 DELETE or the sweeper): reads and updates are refused from then on. */
  readonly deletingAt?: string;
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

/**
 * Replaces a record, only if it still carries `expectedHash`, the token hash the caller
 * authenticated with (the new record usually carries a new one: RFC 7592 §3 rotation).
 */
export function replaceRegistration(store: StoreDeps, record: RegistrationRecord, expectedHash: string): Promise<void> {
  return guarded(async () => {
    await store.ddb.send(
      new PutCommand({
        TableName: store.tableName,
        Item: record,
        ConditionExpression: 'attribute_exists(pk) AND registrationTokenHash = :hash AND attribute_not_exists(deletingAt)',
        ExpressionAttributeValues: { ':hash': expectedHash },
      }),
    );
  });
}

/**
 * Swaps the registration access token hash, only if the record still carries `expectedHash`: of
 * two requests that authenticated with one token, exactly one rotates it; the other gets
 * `RegistrationConflictError` instead of a token that was never stored.
 */
export function rotateRegistrationTokenHash(store: StoreDeps, clientId: string, expectedHash: string, newHash: string): Promise<void> {
  return guarded(async () => {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: { pk: registrationKey(clientId) },
        UpdateExpression: 'SET registrationTokenHash = :new',
        ConditionExpression: 'attribute_exists(pk) AND registrationTokenHash = :old AND attribute_not_exists(deletingAt)',
        ExpressionAttributeValues: { ':old': expectedHash, ':new': newHash },
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

/**
 * Marks the record as being deleted (first step of every delete), only if it exists and, when
 * `expectedHash` is given (RFC 7592 DELETE), still carries the token hash the caller authenticated
 * with: a concurrent GET or PUT that rotated the token wins, and concurrent reads and updates fail
 * from here on. Returns the record as marked; `RegistrationConflictError` if the condition failed.
 */
export function markDeleting(store: StoreDeps, clientId: string, expectedHash: string | undefined, at: Date): Promise<Record<string, unknown>> {
  return guarded(async () => {
    const out = await store.ddb.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: { pk: registrationKey(clientId) },
        UpdateExpression: 'SET deletingAt = if_not_exists(deletingAt, :at)',
        ConditionExpression: expectedHash === undefined ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND registrationTokenHash = :hash',
        ExpressionAttributeValues: { ':at': at.toISOString(), ...(expectedHash === undefined ? {} : { ':hash': expectedHash }) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes ?? {};
  });
}

/** Deletes the record; true if this call removed it, false if it was already gone (a concurrent delete). */
export async function deleteRegistration(store: StoreDeps, clientId: string): Promise<boolean> {
  try {
    await guarded(() =>
      store.ddb.send(new DeleteCommand({ TableName: store.tableName, Key: { pk: registrationKey(clientId) }, ConditionExpression: 'attribute_exists(pk)' })),
    );
    return true;
  } catch (err) {
    if (err instanceof RegistrationConflictError) return false;
    throw err;
  }
}
