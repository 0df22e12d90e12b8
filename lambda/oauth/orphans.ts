/**
 * Orphaned app clients (issue 15): a Lambda killed between CreateUserPoolClient and the write of
 * the registration record, or a compensation that failed three times, leaves an app client no
 * record points to. Nothing else ever deletes it, and each one holds a place in the pool's quota.
 *
 * The sweeper lists the pool's app clients and deletes those that carry the registration name
 * prefix (`client-name.ts`: DCR and CIMD clients; never the stack's static or login clients,
 * whose names lack it), have no `client#<id>` record on a fresh read, and were created more than
 * `ORPHAN_MIN_AGE_SECONDS` ago: a registration in flight creates its app client before its record.
 */
import { DescribeUserPoolClientCommand, ListUserPoolClientsCommand, type UserPoolClientDescription } from '@aws-sdk/client-cognito-identity-provider';
import { TooManyRequestsError } from '../shared/errors';
import { errorFields, log } from '../shared/logger';
import { translateCognitoError } from './aws-errors';
import { COGNITO_CLIENT_NAME_PREFIX } from './client-name';
import { deleteAppClient } from './cognito-bridge';
import { releasePoolSlot } from './pool-budget';
import { getRegistration, type StoreDeps } from './registration-store';
import { DELETE_PAUSE_MS, MAX_FAILURES_PER_RUN, type SweepDeps } from './sweep';

/**
 * An app client without a record must be this old before it is deleted. A registration writes
 * its record within seconds of creating the app client (the Lambda times out long before an hour).
 */
export const ORPHAN_MIN_AGE_SECONDS = 3600;
/** Orphan deletions per run at most (they share Cognito's delete quota with registration deletions). */
export const MAX_ORPHAN_DELETIONS_PER_RUN = 100;
/** ListUserPoolClients' largest page. */
const LIST_PAGE_SIZE = 60;

export interface OrphanSummary {
  /** App clients in the pool after the run (the `AppClients` gauge). */
  readonly appClients: number;
  readonly deleted: number;
  /** Orphans due but not deleted; the next run tries again. */
  readonly failed: number;
  readonly stoppedBy?: 'limit' | 'throttled' | 'failures';
}

export interface OrphanOptions {
  /** Delete orphans (false: only count the app clients, e.g. after Cognito throttled the run). */
  readonly deleteOrphans: boolean;
  /**
   * When the sweeper first ran on this table (`sweeper-state.ts`). Orphans created since hold a
   * pool-budget slot (every creation reserves one, and a failed compensation keeps it), so their
   * deletion gives it back; older ones may predate the budget, which never counted them.
   */
  readonly firstRunAt: Date;
  /** @default MAX_ORPHAN_DELETIONS_PER_RUN */
  readonly maxDeletions?: number;
  /** @default DELETE_PAUSE_MS */
  readonly pauseMs?: number;
}

async function listAppClients(deps: SweepDeps): Promise<UserPoolClientDescription[]> {
  const all: UserPoolClientDescription[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.idp
      .send(new ListUserPoolClientsCommand({ UserPoolId: deps.config.userPoolId, MaxResults: LIST_PAGE_SIZE, NextToken: nextToken }))
      .catch((err) => Promise.reject(translateCognitoError(err, { step: 'ListUserPoolClients' })));
    all.push(...(page.UserPoolClients ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return all;
}

/** Creation time of the app client (ListUserPoolClients does not return it), or undefined if it is gone. */
async function createdAt(deps: SweepDeps, clientId: string): Promise<Date | undefined> {
  try {
    const out = await deps.idp.send(new DescribeUserPoolClientCommand({ UserPoolId: deps.config.userPoolId, ClientId: clientId }));
    return out.UserPoolClient?.CreationDate;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw translateCognitoError(err, { step: 'DescribeUserPoolClient', clientId });
  }
}

/** Counts the pool's app clients and deletes the orphans among them (see the module comment). */
export async function sweepOrphans(deps: SweepDeps, options: OrphanOptions): Promise<OrphanSummary> {
  const maxDeletions = options.maxDeletions ?? MAX_ORPHAN_DELETIONS_PER_RUN;
  const pauseMs = options.pauseMs ?? DELETE_PAUSE_MS;
  const store: StoreDeps = { ddb: deps.ddb, tableName: deps.config.registrationsTable };
  const clients = await listAppClients(deps);
  const named = options.deleteOrphans ? clients.filter((c) => c.ClientId && c.ClientName?.startsWith(COGNITO_CLIENT_NAME_PREFIX)) : [];
  let deleted = 0, failed = 0, attempts = 0;
  let stoppedBy: OrphanSummary['stoppedBy'];

  for (const client of named) {
    const clientId = client.ClientId!;
    try {
      if (await getRegistration(store, clientId)) continue;
      const created = await createdAt(deps, clientId);
      if (!created || deps.now().getTime() - created.getTime() < ORPHAN_MIN_AGE_SECONDS * 1000) continue;
      if (attempts >= maxDeletions) {
        stoppedBy = 'limit';
        break;
      }
      if (attempts > 0) await deps.sleep(pauseMs);
      attempts++;
      if (!(await deleteAppClient(deps.idp, deps.config, clientId))) continue;
      deleted++;
      const counted = created.getTime() >= options.firstRunAt.getTime();
      if (counted) await releasePoolSlot(store);
      log.info('orphaned app client deleted', { clientId, clientName: client.ClientName, createdAt: created.toISOString(), budgetSlotReleased: counted });
    } catch (err) {
      failed++;
      if (err instanceof TooManyRequestsError) {
        stoppedBy = 'throttled';
        log.warn('orphan sweep stopped: Cognito is throttling; the next run continues', { clientId });
        break;
      }
      log.warn('orphaned app client not deleted; the next run retries', { clientId, ...errorFields(err) });
      if (failed >= MAX_FAILURES_PER_RUN) {
        stoppedBy = 'failures';
        break;
      }
    }
  }
  return { appClients: clients.length - deleted, deleted, failed, ...(stoppedBy ? { stoppedBy } : {}) };
}
