/**
 * Is a token's client still registered? Access tokens of a deleted Cognito client verify offline
 * until they expire, so the resource server looks the client up in the registrations table
 * (`client#<client_id>`, docs/contracts.md). Answers, live and gone alike, are cached for
 * `ttlSeconds`: a deleted client's tokens stop working at most that long after the deletion.
 *
 * The lookup also records use: when a live registration's `lastUsedAt` (epoch seconds) is absent
 * or older than `LAST_USED_RESOLUTION_SECONDS`, it is set to now, so that abandoned registrations
 * can be found and deleted before the pool's app-client quota fills (docs/mcp-server.md,
 * "Client last use"). Best effort: a failed write is logged and the request goes on.
 */
import { isConditionalCheckFailed, type DynamoDbLite, type Item } from '../shared/dynamodb-lite';
import { errorFields, log } from '../shared/logger';

/** Entries kept per container; the oldest goes first beyond this. */
export const CLIENT_CACHE_MAX_ENTRIES = 10_000;

/** `lastUsedAt` is rewritten only when older than this: at most one write per client per day. */
/** One attempt for the lastUsedAt write. */
const RECORD_USE_CALL = { maxAttempts: 1 } as const;

export const LAST_USED_RESOLUTION_SECONDS = 86_400;

/** `recordUse: false` (a token naming no user) looks the client up without writing `lastUsedAt`. */
export type ClientCheck = (clientId: string, options?: { readonly recordUse: boolean }) => Promise<boolean>;

export interface ClientCheckOptions {
  readonly ddb: Pick<DynamoDbLite, 'getItem' | 'updateItem'>;
  readonly table: string;
  /** The stack's static app client: always live, never looked up. */
  readonly staticClientId: string;
  readonly ttlSeconds: number;
  /** Epoch milliseconds. */
  readonly now?: () => number;
}

/** `lastUsedAt` of a registration item, or undefined when absent or not a number. */
export function lastUsedAtOf(item: Item): number | undefined {
  const value = item.lastUsedAt;
  if (!value || !('N' in value)) return undefined;
  const seconds = Number(value.N);
  return Number.isFinite(seconds) ? seconds : undefined;
}

export function createClientCheck(options: ClientCheckOptions): ClientCheck {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { live: boolean; until: number }>();

  /**
   * Sets `lastUsedAt = now` when it is absent or stale. The condition repeats the staleness test
   * (of concurrent containers, one writes) and requires the item (a registration deleted since the
   * read is not recreated as a bare `{ pk, lastUsedAt }` item). Never throws.
   */
  // Best effort on the request path: one attempt (at most DYNAMODB_TIMEOUT_MS), not three with
  // back-off; a failure is tried again on this client's next lookup.
  async function recordUse(clientId: string, pk: string, item: Item): Promise<void> {
    const nowSeconds = Math.floor(now() / 1000);
    const stale = nowSeconds - LAST_USED_RESOLUTION_SECONDS;
    const lastUsedAt = lastUsedAtOf(item);
    if (lastUsedAt !== undefined && lastUsedAt >= stale) return;
    try {
      await options.ddb.updateItem({
        TableName: options.table,
        Key: { pk: { S: pk } },
        UpdateExpression: 'SET lastUsedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':stale': { N: String(stale) } },
      }, RECORD_USE_CALL);
    } catch (err) {
      // Another container wrote first, or the registration was deleted since the read: nothing to do.
      if (isConditionalCheckFailed(err)) return;
      log.warn('client lastUsedAt not recorded', { clientId, ...errorFields(err) });
    }
  }

  // Single flight: requests for one client arriving together (a burst on a cold or expired cache
  // entry) share one GetItem and at most one lastUsedAt write, instead of one each: under a burst
  // of 50 that herd of reads and conditional writes was most of the tail latency.
  const lookups = new Map<string, Promise<Item | undefined>>();
  const writes = new Map<string, Promise<void>>();
  const shared = <T>(pending: Map<string, Promise<T>>, clientId: string, start: () => Promise<T>): Promise<T> => {
    let promise = pending.get(clientId);
    if (!promise) {
      promise = start().finally(() => pending.delete(clientId));
      pending.set(clientId, promise);
    }
    return promise;
  };

  return async (clientId, { recordUse: record } = { recordUse: true }) => {
    if (clientId === options.staticClientId) return true;
    const cached = cache.get(clientId);
    if (cached && cached.until > now()) return cached.live;
    const pk = `client#${clientId}`;
    const item = await shared(lookups, clientId, async () => {
      const result = await options.ddb.getItem({ TableName: options.table, Key: { pk: { S: pk } }, ProjectionExpression: 'pk, lastUsedAt' });
      return result.Item;
    });
    const live = item !== undefined;
    cache.delete(clientId);
    if (cache.size >= CLIENT_CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    if (options.ttlSeconds > 0) cache.set(clientId, { live, until: now() + options.ttlSeconds * 1000 });
    // Awaited: Lambda may freeze the container once the response is returned.
    if (item && record) await shared(writes, clientId, () => recordUse(clientId, pk, item));
    return live;
  };
}
