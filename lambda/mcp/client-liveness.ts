/**
 * Is a token's client still registered? Access tokens of a deleted Cognito client verify offline
 * until they expire, so the resource server looks the client up in the registrations table
 * (`client#<client_id>`, docs/contracts.md). Answers, live and gone alike, are cached for
 * `ttlSeconds`: a deleted client's tokens stop working at most that long after the deletion.
 */
import type { DynamoDbLite } from '../shared/dynamodb-lite';

/** Entries kept per container; the oldest goes first beyond this. */
export const CLIENT_CACHE_MAX_ENTRIES = 10_000;

export type ClientCheck = (clientId: string) => Promise<boolean>;

export interface ClientCheckOptions {
  readonly ddb: Pick<DynamoDbLite, 'getItem'>;
  readonly table: string;
  /** The stack's static app client: always live, never looked up. */
  readonly staticClientId: string;
  readonly ttlSeconds: number;
  readonly now?: () => number;
}

export function createClientCheck(options: ClientCheckOptions): ClientCheck {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { live: boolean; until: number }>();
  return async (clientId) => {
    if (clientId === options.staticClientId) return true;
    const cached = cache.get(clientId);
    if (cached && cached.until > now()) return cached.live;
    const result = await options.ddb.getItem({
      TableName: options.table,
      Key: { pk: { S: `client#${clientId}` } },
      ProjectionExpression: 'pk',
    });
    const live = result.Item !== undefined;
    cache.delete(clientId);
    if (cache.size >= CLIENT_CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    if (options.ttlSeconds > 0) cache.set(clientId, { live, until: now() + options.ttlSeconds * 1000 });
    return live;
  };
}
