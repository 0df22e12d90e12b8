/**
 * CloudWatch metrics in embedded metric format (EMF): a log line whose `_aws.CloudWatchMetrics`
 * names metrics that CloudWatch Logs extracts from the line itself, so no function needs
 * `cloudwatch:PutMetricData` (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 * Lines go through the logger (`log.metric`), one format for logs and metrics.
 *
 * Every metric is in namespace `McpAuth` with dimension `UserPoolId` (one value per stage), plus
 * at most a few dimensions whose values the code chooses from a fixed set: never a user, a token,
 * a client id or a path as sent. Each dimension value is a separate metric CloudWatch bills.
 */
import { log } from './logger';

export const METRICS_NAMESPACE = 'McpAuth';
export const POOL_DIMENSION = 'UserPoolId';

export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

export interface MetricDatum {
  readonly name: string;
  readonly value: number;
  /** @default 'Count' */
  readonly unit?: MetricUnit;
}

/** Low-cardinality dimensions (name → one of a fixed set of values). */
export type Dimensions = Readonly<Record<string, string>>;

/** Pool id for functions without one (an MCP server trusting another issuer). */
const NO_POOL = 'none';
let userPoolId = NO_POOL;

/** Set once at cold start from config (`USER_POOL_ID`), like `setLogLevel`. */
export function setMetricsPool(poolId: string | undefined): void {
  userPoolId = poolId || NO_POOL;
}

/** Metrics that share one set of dimensions. */
export interface MetricGroup {
  readonly metrics: readonly MetricDatum[];
  readonly dimensions?: Dimensions;
}

/**
 * The EMF fields for one line of metric groups, each with its own dimensions (`UserPoolId` first).
 * Dimension values live at the top level of the line: groups naming the same dimension must agree.
 */
export function emfGroupFields(groups: readonly MetricGroup[], timestamp = Date.now()): Record<string, unknown> {
  const withPool = groups.map((g) => ({ metrics: g.metrics, dimensions: { [POOL_DIMENSION]: userPoolId, ...g.dimensions } }));
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: withPool.map((g) => ({
        Namespace: METRICS_NAMESPACE,
        Dimensions: [Object.keys(g.dimensions)],
        Metrics: g.metrics.map((m) => ({ Name: m.name, Unit: m.unit ?? 'Count' })),
      })),
    },
    ...Object.assign({}, ...withPool.map((g) => g.dimensions)),
    ...Object.fromEntries(withPool.flatMap((g) => g.metrics.map((m) => [m.name, m.value]))),
  };
}

/** The EMF fields for `metrics`, all with the same dimensions (`UserPoolId` first). */
export function emfFields(metrics: readonly MetricDatum[], dimensions: Dimensions = {}, timestamp = Date.now()): Record<string, unknown> {
  return emfGroupFields([{ metrics, dimensions }], timestamp);
}

/** Writes one log line `message` with `fields` (redacted as any log line) and the metric groups. */
export function putMetricGroups(message: string, groups: readonly MetricGroup[], fields: Record<string, unknown> = {}, level: 'info' | 'error' = 'info'): void {
  log.metric(message, fields, emfGroupFields(groups), level);
}

/** Writes one log line `message` with `fields` (redacted as any log line) and the metrics. */
export function putMetrics(
  message: string,
  metrics: readonly MetricDatum[],
  dimensions: Dimensions = {},
  fields: Record<string, unknown> = {},
  level: 'info' | 'error' = 'info',
): void {
  putMetricGroups(message, [{ metrics, dimensions }], fields, level);
}

/** Counts one event (`name` = 1) with the given dimensions. */
export function countEvent(name: string, dimensions: Dimensions = {}): void {
  putMetrics('metric', [{ name, value: 1 }], dimensions);
}

// Named counters of issue 15, for every part. The reasons are closed sets: add a member rather
// than pass free text (an error message, a client name), which would make a metric per value.

/**
 * Why `/mcp` refused a bearer token, one per `TokenRejectedError` cause in lambda/mcp/token-verifier.ts
 * (`missing`: no bearer token at all, lambda/mcp/authorize.ts).
 */
export type TokenRejectionReason =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'no_expiry'
  | 'signature'
  | 'unknown_key'
  | 'issuer'
  | 'audience'
  | 'token_use'
  | 'no_client'
  | 'no_subject'
  | 'no_user'
  | 'client_gone'
  | 'other';

/** `TokenRejections{Reason}`: call once per refused bearer token. */
export function countTokenRejection(reason: TokenRejectionReason): void {
  countEvent('TokenRejections', { Reason: reason });
}

/** `LoginsCompleted`: call once per login the broker completes (its `/callback` issuing a code). */
export function countLogin(): void {
  countEvent('LoginsCompleted');
}

/** `Consents{Decision}`: call once per consent form answered. */
export function countConsent(decision: 'allow' | 'deny'): void {
  countEvent('Consents', { Decision: decision });
}
