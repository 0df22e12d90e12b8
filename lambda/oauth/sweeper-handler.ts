/**
 * The registration sweeper's Lambda entry, run daily by an EventBridge rule (lib/constructs/
 * registration-sweeper.ts): deletes idle and never-used registrations and orphaned app clients,
 * publishes the pool's app-client count (`sweeper-run.ts`) and returns the run's summary. Config
 * and AWS clients are built once per container.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { setLogLevel } from '../shared/logger';
import { loadSweeperConfig } from './config';
import { createAwsClients } from './deps';
import type { SweepDeps } from './sweep';
import { runSweeper, type SweeperRun } from './sweeper-run';

const config = loadSweeperConfig(process.env);
setLogLevel(config.logLevel);
const deps: SweepDeps = {
  config,
  ...createAwsClients(config),
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The scheduled event carries nothing the sweeper needs; a run depends only on the clock and the table. */
export async function handler(_event: ScheduledEvent): Promise<SweeperRun> {
  return runSweeper(deps);
}
