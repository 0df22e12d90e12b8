/**
 * CIMD items in the registrations table (docs/contracts.md):
 * - `cimd#<sha256 of the document URL>` → `{ url, cognitoClientId, document, fetchedAt, cacheUntil }`:
 *   the app client provisioned for that URL and the last validated document, cached until `cacheUntil`;
 * - `client#<cognitoClientId>` with `cimdUrl` and no `registrationTokenHash`: what the MCP liveness
 *   check, `lastUsedAt` and the sweeper read, exactly as for DCR registrations (RFC 7592 refuses it).
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../../shared/tokens';
import { translateTransient } from '../aws-errors';
import type { StoreDeps } from '../registration-store';
import type { ClientMetadata } from '../client-metadata';
import { registrationKey } from '../registration-store';
import type { CimdDocument } from './document';

/** The `client#<cognitoClientId>` record of a CIMD client: no registration access token, so RFC 7592 refuses it. */
export interface CimdClientRecord {
  readonly pk: string;
  readonly clientId: string;
  readonly cimdUrl: string;
  readonly metadata: ClientMetadata;
  readonly confidential: false;
  /** ISO timestamps; the sweeper judges never-used clients by them. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CimdMapping {
  readonly pk: string;
  readonly url: string;
  readonly cognitoClientId: string;
  readonly document: CimdDocument;
  /** ISO. */
  readonly fetchedAt: string;
  /** Epoch seconds until which `document` is used without fetching again. */
  readonly cacheUntil: number;
}

export function cimdKey(url: string): string {
  return `cimd#${sha256Hex(url)}`;
}

async function translated<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw translateTransient(err);
  }
}

/** Runs a conditional write; a failed condition means there is nothing (left) to do, so it is not an error. */
async function unlessConditionFails(op: () => Promise<unknown>): Promise<void> {
  try {
    await op();
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return;
    throw translateTransient(err);
  }
}

export function getMapping(store: StoreDeps, url: string): Promise<CimdMapping | undefined> {
  return translated(async () => {
    const out = await store.ddb.send(new GetCommand({ TableName: store.tableName, Key: { pk: cimdKey(url) }, ConsistentRead: true }));
    return out.Item as CimdMapping | undefined;
  });
}

/** Writes the mapping for a newly provisioned app client; false if another request mapped the URL first. */
export async function putNewMapping(store: StoreDeps, mapping: CimdMapping): Promise<boolean> {
  try {
    await store.ddb.send(new PutCommand({ TableName: store.tableName, Item: mapping, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw translateTransient(err);
  }
}

/** Stores a freshly fetched document for the mapped app client (only while the mapping still names it). */
export function refreshMapping(store: StoreDeps, mapping: CimdMapping): Promise<void> {
  // A failed condition: swept or replaced meanwhile, nothing to refresh.
  return unlessConditionFails(() =>
    store.ddb.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: { pk: mapping.pk },
        UpdateExpression: 'SET #document = :document, fetchedAt = :fetchedAt, cacheUntil = :cacheUntil',
        ConditionExpression: 'cognitoClientId = :clientId',
        ExpressionAttributeNames: { '#document': 'document' },
        ExpressionAttributeValues: { ':document': mapping.document, ':fetchedAt': mapping.fetchedAt, ':cacheUntil': mapping.cacheUntil, ':clientId': mapping.cognitoClientId },
      }),
    ),
  );
}

/** Deletes the URL's mapping if it still names `cognitoClientId` (a newer mapping for the URL is kept). */
export function deleteMapping(store: StoreDeps, url: string, cognitoClientId: string): Promise<void> {
  return unlessConditionFails(() =>
    store.ddb.send(
      new DeleteCommand({
        TableName: store.tableName,
        Key: { pk: cimdKey(url) },
        ConditionExpression: 'cognitoClientId = :clientId',
        ExpressionAttributeValues: { ':clientId': cognitoClientId },
      }),
    ),
  );
}

/** Writes the client record of a newly provisioned CIMD app client (fails if one exists). */
export function putClientRecord(store: StoreDeps, record: CimdClientRecord): Promise<void> {
  return translated(async () => {
    await store.ddb.send(new PutCommand({ TableName: store.tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }));
  });
}

/** Replaces the metadata of a CIMD client's record after its document changed (not if it is being deleted). */
export function updateClientRecordMetadata(store: StoreDeps, clientId: string, metadata: ClientMetadata, at: Date): Promise<void> {
  return unlessConditionFails(() =>
    store.ddb.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: { pk: registrationKey(clientId) },
        UpdateExpression: 'SET #metadata = :metadata, updatedAt = :at',
        ConditionExpression: 'attribute_exists(cimdUrl) AND attribute_not_exists(deletingAt)',
        ExpressionAttributeNames: { '#metadata': 'metadata' },
        ExpressionAttributeValues: { ':metadata': metadata, ':at': at.toISOString() },
      }),
    ),
  );
}
