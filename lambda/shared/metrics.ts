/**
 * CloudWatch metrics in embedded metric format (EMF): a log line whose `_aws.CloudWatchMetrics`
 * names metrics that CloudWatch Logs extracts from the line itself, so no function needs
 * `cloudwatch:PutMetricData`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * Every metric is in namespace `McpAuth` with dimensions `service` (the function: `mcp`, `oauth`,
 * `sweeper`) and `UserPoolId` (one value per stage), plus at most a few dimensions whose values the
 * code chooses from a fixed set: never a user, a token, a client id or a path as sent. Each
 * dimension value is a separate metric CloudWatch bills.
 *
 * Written here rather than by Powertools Metrics, in the line Powertools writes (a test holds the
 * two equal): the MCP function writes one metric line per request, and Powertools' store (async
 * context lookups, validation, environment reads on every call) was 8–9% of an authorized call's
 * CPU time, and it added 11 KB to every bundle (README, "Performance"). Each group is one line,
 * serialized and written in one synchronous step, so requests that run at once in one process
 * (the local stack) never share a line.
 */
import { loggingSilenced } from './logger';

export const METRICS_NAMESPACE = 'McpAuth';
export const POOL_DIMENSION = 'UserPoolId';
/** The dimension naming the function, first in every dimension set (Powertools' name for it). */
export const SERVICE_DIMENSION = 'service';

export type MetricUnitName = 'Count' | 'Milliseconds' | 'None';

export interface MetricDatum {
  readonly name: string;
  readonly value: number;
  /** @default 'Count' */
  readonly unit?: MetricUnitName;
}

/** Low-cardinality dimensions (name → one of a fixed set of values). */
export type Dimensions = Readonly<Record<string, string>>;

/** Pool id for functions without one (an MCP server trusting another issuer). */
const NO_POOL = 'none';
/** Before `configureMetrics` (module init, tests): the service is unknown. */
const UNCONFIGURED_SERVICE = 'mcp-auth';

let service = UNCONFIGURED_SERVICE;
let userPoolId = NO_POOL;

/**
 * Names the function (the `service` dimension: mcp, oauth, sweeper) and the stage's pool
 * (`USER_POOL_ID`). Called once by each Lambda entry at cold start, like `configureLogger`.
 */
export function configureMetrics(serviceName: string, poolId: string | undefined): void {
  service = serviceName;
  setMetricsPool(poolId);
}

/** Sets the `UserPoolId` dimension's value (`none` without a pool). */
export function setMetricsPool(poolId: string | undefined): void {
  userPoolId = poolId || NO_POOL;
}

/** Metrics that share one set of dimensions. */
export interface MetricGroup {
  readonly metrics: readonly MetricDatum[];
  readonly dimensions?: Dimensions;
}

/**
 * One group's EMF fields: the `_aws` directive, the dimension values (`service`, `UserPoolId`,
 * then the group's; a group may set `UserPoolId` itself) and the metric values, all top-level keys.
 */
function emf(group: MetricGroup): Record<string, unknown> {
  const dimensions: Record<string, string> = { [SERVICE_DIMENSION]: service, [POOL_DIMENSION]: userPoolId, ...group.dimensions };
  const values: Record<string, number> = {};
  for (const datum of group.metrics) values[datum.name] = datum.value;
  return {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [Object.keys(dimensions)],
          Metrics: group.metrics.map((datum) => ({ Name: datum.name, Unit: datum.unit ?? 'Count' })),
        },
      ],
    },
    ...dimensions,
    ...values,
  };
}

/** Writes one EMF line per group (dimensions `service`, `UserPoolId`, then the group's); none when logging is `silent`. */
export function putMetricGroups(groups: readonly MetricGroup[]): void {
  if (loggingSilenced()) return;
  for (const group of groups) process.stdout.write(`${JSON.stringify(emf(group))}\n`);
}

/**
 * The EMF fields of one group, for a log line to carry (the request log: one write per request,
 * which costs less than two on Lambda's stdout). Without `service`: the line's own `service` key,
 * written by the logger for the same function (telemetry.ts), is the dimension's value.
 */
export function metricFields(group: MetricGroup): Record<string, unknown> {
  const { [SERVICE_DIMENSION]: _service, ...fields } = emf(group);
  return fields;
}

/** Writes one EMF line with `metrics`, all with the same dimensions. */
export function putMetrics(data: readonly MetricDatum[], dimensions: Dimensions = {}): void {
  putMetricGroups([{ metrics: data, dimensions }]);
}

/** Counts one event (`name` = 1) with the given dimensions. */
export function countEvent(name: string, dimensions: Dimensions = {}): void {
  putMetrics([{ name, value: 1 }], dimensions);
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
