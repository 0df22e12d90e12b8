import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The dimension values of the refusals an operator must act on. Each alarm names exact
 * combinations as the handlers write them (`service` and `UserPoolId`, then these; see
 * `putMetricGroups` in lambda/shared/metrics.ts), since CloudWatch matches a metric only by its full set of
 * dimensions. test/infra/monitoring.test.ts emits each through the handlers' own functions and
 * compares.
 */
export const OPERATOR_REFUSALS = {
  /**
   * `refusalReason` of `PoolBudgetExhaustedError`: the pool-wide budget of open registrations is
   * spent, for RFC 7591 registrations and for CIMD clients provisioned at /authorize alike.
   */
  poolBudget: { Operations: ['register', 'cimd'], Reason: 'pool_budget' },
  /**
   * Registrations refused for a cause on our side: `server_error` (an unexpected error, such as a
   * missing grant) and `temporarily_unavailable` (Cognito's app-client quota reached, or DynamoDB
   * or the network failing). Not `throttled` (Cognito's 5 requests/s; clients retry after 2 s)
   * nor `rate_limit` (one address over its budget): both pass by themselves.
   */
  registrationFailure: { Operation: 'register', Reasons: ['server_error', 'temporarily_unavailable'] },
  /**
   * Token rejections every client meets when this server and the issuer disagree (the pool or
   * `TOKEN_ISSUER`, its keys, the audience or the resource server's scopes), or when someone
   * presents forged tokens. Left out: a user's stale or wrong token (`missing`, `expired`,
   * `client_gone`, `token_use`, `malformed`, `not_yet_valid`), policy (`no_user`), reasons that
   * arise only with a `TOKEN_ISSUER` issuer lacking a claim (`no_expiry`, `no_client`,
   * `no_subject`) and the unclassified `other`. Each listed reason is one more alarm metric.
   */
  tokenRejectionReasons: ['issuer', 'audience', 'unknown_key', 'signature'],
} as const;

type Dimensions = Record<string, string>;

/** Builds a `Sum` of one custom metric with `service`, `UserPoolId` plus `dimensions`, over `period`. */
export type CountMetric = (period: Duration, dimensions: Dimensions) => cloudwatch.Metric;

export interface RefusalMetrics {
  /** The sum of `poolBudgetParts` per hour. */
  readonly poolBudget: cloudwatch.MathExpression;
  /** `RegistrationsRefused{register|cimd, pool_budget}` per hour. */
  readonly poolBudgetParts: readonly cloudwatch.Metric[];
  /** The sum of `registrationFailureParts` per hour. */
  readonly registrationFailures: cloudwatch.MathExpression;
  readonly registrationFailureParts: readonly cloudwatch.Metric[];
  /** The sum of `tokenRejectionParts` per 15 minutes. */
  readonly tokenRejections: cloudwatch.MathExpression;
  readonly tokenRejectionParts: readonly cloudwatch.Metric[];
}

/** The sum of `parts`, a period without data in one part counting as 0 while another has some. */
function sumOf(parts: ReadonlyArray<readonly [string, cloudwatch.Metric]>, label: string, period: Duration): cloudwatch.MathExpression {
  // Expression ids: a lower-case letter first, then letters, digits and underscores.
  const ids = parts.map(([key]) => `m_${key.toLowerCase()}`);
  return new cloudwatch.MathExpression({
    expression: ids.map((id) => `FILL(${id}, 0)`).join(' + '),
    usingMetrics: Object.fromEntries(parts.map(([, metric], i) => [ids[i], metric])),
    label,
    period,
  });
}

/** The metrics of the refusal alarms and their dashboard widgets. */
export function refusalMetrics(registrationsRefused: CountMetric, tokenRejections: CountMetric): RefusalMetrics {
  const hour = Duration.hours(1);
  const quarter = Duration.minutes(15);
  const { Operation, Reasons } = OPERATOR_REFUSALS.registrationFailure;
  const budget = OPERATOR_REFUSALS.poolBudget;
  const spent = budget.Operations.map((op) => [op, registrationsRefused(hour, { Operation: op, Reason: budget.Reason }).with({ label: `${op} refused: ${budget.Reason}` })] as const);
  const failures = Reasons.map((Reason) => [Reason, registrationsRefused(hour, { Operation, Reason }).with({ label: `register refused: ${Reason}` })] as const);
  const rejections = OPERATOR_REFUSALS.tokenRejectionReasons.map((Reason) => [Reason, tokenRejections(quarter, { Reason }).with({ label: `token rejected: ${Reason}` })] as const);
  return {
    poolBudget: sumOf(spent, 'open registrations refused: pool budget spent', hour),
    poolBudgetParts: spent.map(([, metric]) => metric),
    registrationFailures: sumOf(failures, 'registrations refused on our side', hour),
    registrationFailureParts: failures.map(([, metric]) => metric),
    tokenRejections: sumOf(rejections, 'tokens rejected for issuer, keys or audience', quarter),
    tokenRejectionParts: rejections.map(([, metric]) => metric),
  };
}
