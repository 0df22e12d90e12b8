/**
 * One-line JSON logs for CloudWatch, written by Powertools for AWS Lambda's Logger: the field's
 * standard keys (`level`, `message`, `timestamp`, `service`, and with `injectLambdaContext` the
 * function's name, request id and `cold_start`), the same format in every function.
 *
 * Never pass tokens, secrets, passwords or Authorization headers here: `redact` drops the keys
 * that usually carry them, as a second line of defence, not the first.
 */
import { Logger } from '@aws-lambda-powertools/logger';

type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVEL_ORDER: readonly Level[] = ['debug', 'info', 'warn', 'error', 'silent'];
const LEVELS = new Set<string>(LEVEL_ORDER);
const SECRET_KEYS = /token|secret|password|authorization|cookie|code_verifier|^code$/i;

/** Before `configureLogger` (module init, tests): the service is unknown. */
const UNCONFIGURED_SERVICE = 'mcp-auth';

let level: Level = 'info';
let logger = new Logger({ serviceName: UNCONFIGURED_SERVICE, logLevel: 'INFO' });

const toPowertools = (l: Level) => l.toUpperCase() as Uppercase<Level>;

/**
 * Set once at cold start from config (`LOG_LEVEL`, one of debug, info, warn, error, silent; anything
 * else keeps the current level); `silent` also stops metric lines (tests).
 */
export function setLogLevel(next: string | undefined): void {
  level = levelOr(next, level);
  logger.setLogLevel(toPowertools(level));
}

/** `next` if it names a level, else `current`. */
function levelOr(next: string | undefined, current: Level): Level {
  return next && LEVELS.has(next) ? (next as Level) : current;
}

/**
 * Names the function in every line (`service`: mcp, oauth, sweeper) and sets the level. Called once
 * by each Lambda entry at cold start; returns the logger for Powertools' `injectLambdaContext`.
 */
export function configureLogger(service: string, logLevel: string | undefined): Logger {
  level = levelOr(logLevel, level);
  // The level goes to the constructor: injectLambdaContext puts a logger back to the level it was
  // built with at each invocation (Powertools' debug sampling), so a later setLogLevel would not last.
  logger = new Logger({ serviceName: service, logLevel: toPowertools(level) });
  return logger;
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = SECRET_KEYS.test(key) ? '[redacted]' : value;
  return out;
}

export const log = {
  debug: (message: string, fields: Record<string, unknown> = {}) => logger.debug(message, redact(fields)),
  info: (message: string, fields: Record<string, unknown> = {}) => logger.info(message, redact(fields)),
  warn: (message: string, fields: Record<string, unknown> = {}) => logger.warn(message, redact(fields)),
  error: (message: string, fields: Record<string, unknown> = {}) => logger.error(message, redact(fields)),
  /**
   * A line that also carries CloudWatch embedded-metric fields (`metrics.ts` `metricFields`):
   * `fields` are redacted as usual, `emf` (metric names, numbers, code-chosen dimension values) is
   * not, so that a metric such as `TokenRejections` keeps its value. The caller checks `logsAt`
   * first: metrics must not depend on the log level.
   */
  withMetrics: (at: 'info' | 'error', message: string, fields: Record<string, unknown>, emf: Record<string, unknown>) =>
    logger[at](message, { ...redact(fields), ...emf }),
};

/** Whether a line at `at` is written at the current level. */
export function logsAt(at: Exclude<Level, 'silent'>): boolean {
  return LEVEL_ORDER.indexOf(at) >= LEVEL_ORDER.indexOf(level);
}

/** `LOG_LEVEL=silent` (tests): no log lines, and no metric lines either (`metrics.ts`). */
export function loggingSilenced(): boolean {
  return level === 'silent';
}

/** An error as loggable fields: name and message, never the object (SDK errors carry request details). */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { errorName: err.name, errorMessage: err.message };
  return { errorName: typeof err };
}
