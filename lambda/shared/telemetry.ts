/**
 * Logs and metrics for one Lambda function, configured together at cold start: the Powertools
 * Logger's `service` key and the metrics' `service` dimension (metrics.ts) name the same function,
 * which lets a request's access line carry its metrics (`request-log.ts`): the line's `service`
 * key, written by the logger, is the dimension's value.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { configureLogger } from './logger';
import { configureMetrics } from './metrics';

export interface TelemetryConfig {
  /** `LOG_LEVEL` (debug, info, warn, error, silent). */
  readonly logLevel?: string;
  /** `USER_POOL_ID`: the metrics' `UserPoolId` dimension (`none` without one). */
  readonly userPoolId?: string;
}

/** Names the function (`mcp`, `oauth`, `sweeper`) in every log line and metric; returns the logger for `injectLambdaContext`. */
export function configureTelemetry(service: string, config: TelemetryConfig): Logger {
  configureMetrics(service, config.userPoolId);
  return configureLogger(service, config.logLevel);
}
