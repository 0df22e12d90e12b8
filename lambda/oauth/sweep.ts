/**
 * The registration sweeper: every registration is a Cognito app client, a pool holds 1,000 of them
 * (raisable to 10,000) and registrations never expire, so abandoned ones would fill the quota.
 * This finds registrations nobody uses any more and deletes each through the RFC 7592 delete unit
 * of work (`deleteClient`: the app client first, then the record), one at a time, slowly enough to
 * stay within Cognito's 5 DeleteUserPoolClient calls per second per pool.
 *
 * Use is read from `lastUsedAt` (epoch seconds), which the MCP server writes on a registration at
 * most once a day when one of its client's tokens is used at `/mcp` (docs/registration.md, "Cleanup").
 * CIMD clients have `client#` records too and are swept the same way; `deleteClient` also removes
 * their `cimd#` mapping, and gives every deleted client's pool-budget slot back.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TooManyRequestsError } from '../shared/errors';
import { errorFields, log } from '../shared/logger';
import type { SweeperConfig } from './config';
import type { OAuthDeps } from './deps';
import { deleteClient } from './registrations';

/** Deletion attempts per run at most; whatever is left waits for the next (daily) run. */
export const MAX_DELETIONS_PER_RUN = 200;
/**
 * Pause between two deletions. DeleteUserPoolClient shares Cognito's 5 requests/s per pool with the
 * facade's Create/UpdateUserPoolClient: 2/s leaves live registrations room (200 take ~100 s).
 */
export const DELETE_PAUSE_MS = 500;
/** Failed deletions (other than throttling) after which a run gives up rather than keep calling a broken dependency. */
export const MAX_FAILURES_PER_RUN = 10;

const SECONDS_PER_HOUR = 3600;
const SECONDS_PER_DAY = 86_400;
const CLIENT_PREFIX = 'client#';

export interface SweepDeps {
  readonly config: Pick<SweeperConfig, 'userPoolId' | 'registrationsTable' | 'registrationIdleDays' | 'registrationUnusedHours'>;
  readonly ddb: OAuthDeps['ddb'];
  readonly idp: OAuthDeps['idp'];
  /** The clock (tests set it). */
  readonly now: () => Date;
  /** Waits between deletions (tests pass one that returns at once). */
  readonly sleep: (ms: number) => Promise<void>;
}

export interface SweepLimits {
  /** @default MAX_DELETIONS_PER_RUN */
  readonly maxDeletions?: number;
  /** @default DELETE_PAUSE_MS */
  readonly pauseMs?: number;
}

/** What the sweeper reads of a registration item: no token hash, no metadata beyond the name. */
export interface RegistrationUse {
  readonly clientId: string;
  readonly clientName?: string;
  /** ISO, set at registration. */
  readonly createdAt?: string;
  /** ISO, set by an RFC 7592 update (a client that updates its registration is alive). */
  readonly updatedAt?: string;
  /** Epoch seconds of the last token use at `/mcp` (day resolution); absent if the client never used one. */
  readonly lastUsedAt?: number;
  /** ISO; a delete began and did not finish (its app client may already be gone). */
  readonly deletingAt?: string;
}

/**
 * `idle`: no token use for `registrationIdleDays`; `unused`: never used a token and older than
 * `registrationUnusedHours`; `unfinished`: a delete began (`deletingAt`) and did not finish.
 */
export type SweepReason = 'idle' | 'unused' | 'unfinished';

export interface SweepSummary {
  readonly scanned: number;
  readonly deleted: number;
  readonly kept: number;
  /** Due but not deleted (including a throttled attempt); the next run tries again. */
  readonly failed: number;
  /** Why the run ended before the end of the table, if it did. */
  readonly stoppedBy?: 'limit' | 'throttled' | 'failures';
}

/**
 * First deploy (`sweeper-state.ts`): a registration without `lastUsedAt` made before the sweeper's
 * first run (or of unknown age) counts as used at that run, not as never used.
 */
function usedAtFirstRun(registration: RegistrationUse, firstRunAt: Date | undefined): number | undefined {
  if (!firstRunAt) return undefined;
  const createdMs = Date.parse(registration.createdAt ?? '');
  return Number.isNaN(createdMs) || createdMs < firstRunAt.getTime() ? firstRunAt.getTime() / 1000 : undefined;
}

/**
 * Why `registration` is due for deletion at `now`, or undefined when it is kept. `firstRunAt`: when
 * the sweeper first ran on this table (see `usedAtFirstRun`); without it, no registration predates it.
 */
export function sweepReason(registration: RegistrationUse, now: Date, config: SweepDeps['config'], firstRunAt?: Date): SweepReason | undefined {
  const nowSeconds = now.getTime() / 1000;
  if (registration.deletingAt !== undefined) return 'unfinished';
  const lastUsedAt = registration.lastUsedAt ?? usedAtFirstRun(registration, firstRunAt);
  if (lastUsedAt !== undefined) {
    return nowSeconds - lastUsedAt > config.registrationIdleDays * SECONDS_PER_DAY ? 'idle' : undefined;
  }
  // Registered (or last updated) this long ago; no date to judge by: keep it (the caller logs it).
  const sinceMs = Math.max(...[registration.createdAt, registration.updatedAt].map((iso) => Date.parse(iso ?? '')).filter((ms) => !Number.isNaN(ms)));
  if (!Number.isFinite(sinceMs)) return undefined;
  const ageSeconds = nowSeconds - sinceMs / 1000;
  // Never used a token: the login never completed (or the client never called /mcp).
  if (ageSeconds > config.registrationUnusedHours * SECONDS_PER_HOUR) return 'unused';
  return ageSeconds > config.registrationIdleDays * SECONDS_PER_DAY ? 'idle' : undefined;
}

function useOf(item: Record<string, unknown>): RegistrationUse {
  const metadata = item.metadata as { client_name?: unknown } | undefined;
  return {
    clientId: String(item.pk).slice(CLIENT_PREFIX.length),
    clientName: typeof metadata?.client_name === 'string' ? metadata.client_name : undefined,
    createdAt: typeof item.createdAt === 'string' ? item.createdAt : undefined,
    updatedAt: typeof item.updatedAt === 'string' ? item.updatedAt : undefined,
    lastUsedAt: typeof item.lastUsedAt === 'number' && Number.isFinite(item.lastUsedAt) ? item.lastUsedAt : undefined,
    deletingAt: typeof item.deletingAt === 'string' ? item.deletingAt : undefined,
  };
}

/**
 * The registration as it is now (consistent read), or undefined when it is gone. The scan may be
 * minutes old by the time a registration's turn comes, and its client may have come back since.
 */
async function current(deps: SweepDeps, clientId: string): Promise<RegistrationUse | undefined> {
  const { Item } = await deps.ddb.send(
    new GetCommand({
      TableName: deps.config.registrationsTable,
      Key: { pk: `${CLIENT_PREFIX}${clientId}` },
      ConsistentRead: true,
      ProjectionExpression: 'pk, createdAt, updatedAt, lastUsedAt, deletingAt, #metadata.client_name',
      ExpressionAttributeNames: { '#metadata': 'metadata' },
    }),
  );
  return Item ? useOf(Item) : undefined;
}

/** Every registration item (`client#…`, not rate-limit counters), page by page. */
async function* registrations(deps: SweepDeps): AsyncGenerator<RegistrationUse> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.ddb.send(
      new ScanCommand({
        TableName: deps.config.registrationsTable,
        FilterExpression: 'begins_with(pk, :prefix)',
        ProjectionExpression: 'pk, createdAt, updatedAt, lastUsedAt, deletingAt, #metadata.client_name',
        ExpressionAttributeNames: { '#metadata': 'metadata' },
        ExpressionAttributeValues: { ':prefix': CLIENT_PREFIX },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) yield useOf(item);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

const isoOf = (epochSeconds: number | undefined) => (epochSeconds === undefined ? undefined : new Date(epochSeconds * 1000).toISOString());

/**
 * Deletes the registrations that are idle or were never used (see `sweepReason`), sequentially,
 * at most `maxDeletions` per run. A Cognito throttle ends the run: the registration it hit keeps
 * both its app client and its record, and the next run picks it up. An app client that is already
 * gone counts as deleted, so its record goes too. `firstRunAt`: see `sweepReason`.
 */
export async function sweepRegistrations(deps: SweepDeps, limits: SweepLimits = {}, firstRunAt?: Date): Promise<SweepSummary> {
  const maxDeletions = limits.maxDeletions ?? MAX_DELETIONS_PER_RUN;
  const pauseMs = limits.pauseMs ?? DELETE_PAUSE_MS;
  const now = deps.now();
  let scanned = 0, deleted = 0, kept = 0, failed = 0, attempts = 0;
  let stoppedBy: SweepSummary['stoppedBy'];

  for await (const registration of registrations(deps)) {
    scanned++;
    const reason = sweepReason(registration, now, deps.config, firstRunAt);
    if (!reason) {
      if (registration.lastUsedAt === undefined && registration.createdAt === undefined) {
        log.warn('registration kept: it has neither createdAt nor lastUsedAt', { clientId: registration.clientId });
      }
      kept++;
      continue;
    }
    if (attempts > 0) await deps.sleep(pauseMs);
    attempts++;
    const fields = {
      clientId: registration.clientId,
      clientName: registration.clientName,
      createdAt: registration.createdAt,
      lastUsedAt: isoOf(registration.lastUsedAt),
      reason,
    };
    try {
      // Judge again on a fresh read right before deleting: a client seen since the scan is kept.
      const fresh = await current(deps, registration.clientId);
      if (!fresh || !sweepReason(fresh, deps.now(), deps.config, firstRunAt)) {
        kept++;
        continue;
      }
      await deleteClient(deps, registration);
      deleted++;
      log.info('registration swept', fields);
    } catch (err) {
      failed++;
      if (err instanceof TooManyRequestsError) {
        stoppedBy = 'throttled';
        log.warn('registration sweep stopped: Cognito is throttling; the next run continues', fields);
        break;
      }
      log.warn('registration not swept; the next run retries', { ...fields, ...errorFields(err) });
      if (failed >= MAX_FAILURES_PER_RUN) {
        stoppedBy = 'failures';
        break;
      }
    }
    if (attempts >= maxDeletions) {
      stoppedBy = 'limit';
      break;
    }
  }

  const summary: SweepSummary = { scanned, deleted, kept, failed, ...(stoppedBy ? { stoppedBy } : {}) };
  log.info('registration sweep finished', { ...summary });
  return summary;
}
