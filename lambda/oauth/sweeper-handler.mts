/**
 * The registration sweeper's Lambda entry (an ES module, as Lambda runs it), run daily by an EventBridge rule (lib/constructs/
 * registration-sweeper.ts): deletes idle and never-used registrations and orphaned app clients,
 * publishes the pool's app-client count (`sweeper-run.ts`) and returns the run's summary. Config
 * and AWS clients are built once per container.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { configureTelemetry } from '../shared/telemetry.ts';
import { loadSweeperConfig } from './config.ts';
import { createAwsClients } from './deps.ts';
import type { SweepDeps } from './sweep.ts';
import { runSweeper, type SweeperRun } from './sweeper-run.ts';

const config = loadSweeperConfig(process.env);
// As `injectLambdaContext` types it: TypeScript sees the package's CommonJS build (imported by
// logger.ts) and its ES build as two classes; the ESM bundle holds one.
const logger = configureTelemetry('sweeper', config) as unknown as Parameters<typeof injectLambdaContext>[0];
const deps: SweepDeps = {
  config,
  ...createAwsClients(config),
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The scheduled event carries nothing the sweeper needs; a run depends only on the clock and the table. */
export const handler = middy<ScheduledEvent, SweeperRun>()
  .use(injectLambdaContext(logger))
  .handler(() => runSweeper(deps));
