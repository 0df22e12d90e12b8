/**
 * One daily run of the sweeper: registrations first (`sweep.ts`), then the pool's app clients
 * (`orphans.ts`: counted after the registrations' app clients went, orphans deleted), then one
 * log line and one embedded-metric line (`../shared/metrics.ts`) in namespace `McpAuth` with
 * dimensions `service` and `UserPoolId`:
 * - `AppClients` (gauge): app clients in the pool after the run; the quota alarm reads it;
 * - `RegistrationsSwept`, `OrphansDeleted` (counts);
 * - `SweeperFailures` (count): deletions that failed, plus a listing or a run that failed.
 */
import { errorFields, log } from '../shared/logger';
import { POOL_DIMENSION, putMetrics, type MetricDatum } from '../shared/metrics';
import { sweepOrphans, type OrphanSummary } from './orphans';
import { sweepRegistrations, type SweepDeps, type SweepLimits, type SweepSummary } from './sweep';
import { firstRunAt } from './sweeper-state';

export interface SweeperRun {
  readonly registrations: SweepSummary;
  /** Absent when the pool's app clients could not be listed. */
  readonly orphans?: OrphanSummary;
  /** ISO: the sweeper's first run on this table (first deploy rule). */
  readonly firstRunAt: string;
}

function publish(deps: SweepDeps, values: { swept: number; orphans: number; failures: number; appClients?: number }, fields: Record<string, unknown>): void {
  const metrics: MetricDatum[] = [
    { name: 'RegistrationsSwept', value: values.swept },
    { name: 'OrphansDeleted', value: values.orphans },
    { name: 'SweeperFailures', value: values.failures },
    ...(values.appClients === undefined ? [] : [{ name: 'AppClients', value: values.appClients }]),
  ];
  log.info('sweeper run', fields);
  putMetrics(metrics, { [POOL_DIMENSION]: deps.config.userPoolId });
}

export async function runSweeper(deps: SweepDeps, limits: SweepLimits = {}): Promise<SweeperRun> {
  let registrations: SweepSummary;
  let since: Date;
  try {
    since = await firstRunAt(deps, deps.now());
    registrations = await sweepRegistrations(deps, limits, since);
  } catch (err) {
    log.error('registration sweep failed', errorFields(err));
    publish(deps, { swept: 0, orphans: 0, failures: 1 }, { failedRun: true });
    throw err;
  }
  let orphans: OrphanSummary | undefined;
  try {
    // After throttling or repeated failures, only count: deleting more would hit the same wall.
    const deleteOrphans = registrations.stoppedBy !== 'throttled' && registrations.stoppedBy !== 'failures';
    orphans = await sweepOrphans(deps, { deleteOrphans, firstRunAt: since, pauseMs: limits.pauseMs });
  } catch (err) {
    log.error('app clients not listed: no orphan sweep and no AppClients figure this run', errorFields(err));
  }
  const failures = registrations.failed + (orphans ? orphans.failed : 1);
  publish(deps, { swept: registrations.deleted, orphans: orphans?.deleted ?? 0, failures, appClients: orphans?.appClients }, { registrations, orphans });
  return { registrations, ...(orphans ? { orphans } : {}), firstRunAt: since.toISOString() };
}
