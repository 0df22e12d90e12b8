/**
 * The broker's state in the registrations table (docs/contracts.md, "broker items"): pending
 * consents, pending upstream authorizations, one-time codes and remembered consents. Keys are
 * `<kind>#<SHA-256 of the secret>`, so a table read reveals no usable state, code or request id;
 * every item has a TTL (`expiresAt`, epoch seconds) and is also checked for expiry on read, since
 * DynamoDB deletes expired items late. Single use is a conditional delete: of two requests
 * presenting one secret, exactly one gets the item.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../../shared/tokens';
import { translateTransient } from '../aws-errors';
import type { OAuthDeps } from '../deps';

export type BrokerItemKind = 'consent' | 'authz' | 'code' | 'remember';

export type StoreDeps = Pick<OAuthDeps, 'ddb' | 'config' | 'now'>;

export function brokerKey(kind: BrokerItemKind, secret: string): string {
  return `${kind}#${sha256Hex(secret)}`;
}

const nowSeconds = (deps: StoreDeps) => Math.floor(deps.now().getTime() / 1000);

/** Writes a new item for `secret` that lives `ttlSeconds`; the secret is random, so a clash is a bug and fails. */
export async function putItem(deps: StoreDeps, kind: BrokerItemKind, secret: string, attributes: object, ttlSeconds: number, overwrite = false): Promise<void> {
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.config.registrationsTable,
        Item: { ...attributes, pk: brokerKey(kind, secret), expiresAt: nowSeconds(deps) + ttlSeconds },
        ...(overwrite ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
  } catch (err) {
    throw translateTransient(err);
  }
}

/**
 * Deletes and returns the live item for `secret`, if it exists, has not expired and (when given)
 * was bound to `bindingHash`; otherwise nothing is deleted and undefined is returned.
 */
export async function consumeItem<T>(deps: StoreDeps, kind: BrokerItemKind, secret: string, bindingHash?: string): Promise<T | undefined> {
  try {
    const out = await deps.ddb.send(
      new DeleteCommand({
        TableName: deps.config.registrationsTable,
        Key: { pk: brokerKey(kind, secret) },
        ConditionExpression: `attribute_exists(pk) AND expiresAt > :now${bindingHash ? ' AND bindingHash = :binding' : ''}`,
        ExpressionAttributeValues: { ':now': nowSeconds(deps), ...(bindingHash ? { ':binding': bindingHash } : {}) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes as T | undefined;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw translateTransient(err);
  }
}

/** Reads the live item for `secret` without consuming it. */
export async function getItem<T>(deps: StoreDeps, kind: BrokerItemKind, secret: string): Promise<T | undefined> {
  try {
    const out = await deps.ddb.send(new GetCommand({ TableName: deps.config.registrationsTable, Key: { pk: brokerKey(kind, secret) }, ConsistentRead: true }));
    const item = out.Item as (T & { expiresAt?: number }) | undefined;
    return item && (item.expiresAt ?? 0) > nowSeconds(deps) ? item : undefined;
  } catch (err) {
    throw translateTransient(err);
  }
}
