import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { OPERATOR_REFUSALS, refusalMetrics } from './refusal-metrics';
import { removalPolicyFor } from './retention';

/**
 * The custom metrics the handlers publish (embedded metric format, so no PutMetricData grant).
 * Dimensions `service` (the publishing function, `PUBLISHED_BY`) and `UserPoolId` (it names the
 * stage), then a metric's own: never a user, token or client.
 */
export const CUSTOM_METRICS = {
  namespace: 'McpAuth',
  /** Gauge: app clients in the pool, published by the sweeper on each daily run. */
  appClients: 'AppClients',
  /** Count: registrations the sweeper failed to delete in a run. */
  sweeperFailures: 'SweeperFailures',
  /** Count: registrations the sweeper deleted in a run (lambda/oauth/sweeper-run.ts). */
  registrationsSwept: 'RegistrationsSwept',
  /** Count: orphaned app clients (no registration record) the sweeper deleted in a run. */
  orphansDeleted: 'OrphansDeleted',
  /** Counts from the facade (lambda/oauth/registration-metrics.ts, rate-limit.ts), no dimension of their own. */
  registrationsCreated: 'RegistrationsCreated',
  registrationsUpdated: 'RegistrationsUpdated',
  registrationsDeleted: 'RegistrationsDeleted',
  rateLimitRefusals: 'RateLimitRefusals',
  /** Count by `Operation` and `Reason` (lambda/oauth/registration-metrics.ts `countRefusals`). */
  registrationsRefused: 'RegistrationsRefused',
  /** Count by `Reason` (lambda/shared/metrics.ts `countTokenRejection`, from /mcp). */
  tokenRejections: 'TokenRejections',
  dimension: 'UserPoolId',
  /** The dimension naming the function (lambda/shared/metrics.ts `SERVICE_DIMENSION`, Powertools' name for it). */
  serviceDimension: 'service',
} as const;

type CustomMetricName = Exclude<(typeof CUSTOM_METRICS)[keyof typeof CUSTOM_METRICS], 'McpAuth' | 'UserPoolId' | 'service'>;

/** The `service` value each custom metric carries: the function that publishes it (its Lambda entry). */
export const PUBLISHED_BY: Record<CustomMetricName, 'mcp' | 'oauth' | 'sweeper'> = {
  AppClients: 'sweeper',
  SweeperFailures: 'sweeper',
  RegistrationsSwept: 'sweeper',
  OrphansDeleted: 'sweeper',
  RegistrationsCreated: 'oauth',
  RegistrationsUpdated: 'oauth',
  RegistrationsDeleted: 'oauth',
  RateLimitRefusals: 'oauth',
  RegistrationsRefused: 'oauth',
  TokenRejections: 'mcp',
};

/**
 * Alarm thresholds, chosen for a small production deployment (tens of users, a few requests per
 * second at peak). Each is documented in README.md, "Alarms"; the infrastructure tests assert them.
 */
export const THRESHOLDS = {
  /** Unhandled errors of an API function per 5 minutes: the handlers answer bad input with 4xx, so even a few are a fault. */
  apiFunctionErrors: 3,
  /** Throttled invocations of any function per 5 minutes: the account's concurrency is exhausted. */
  functionThrottles: 1,
  /** Failed sweeper invocations (Lambda Errors) within 6 hours: a daily run that failed, even after Lambda's two retries. */
  sweeperErrors: 1,
  /** Registrations the sweeper could not delete within 6 hours. */
  sweeperFailures: 1,
  /** The sweeper runs daily; fewer than 1 invocation in 36 hours (6 periods of 6 h) means its schedule stopped. */
  sweeperMinInvocations: 1,
  sweeperSilenceHours: 36,
  /** HTTP API 5xx responses as % of requests per 5 minutes, in 2 of 3 periods, once a period has 20 requests. */
  api5xxPercent: 5,
  api5xxMinRequests: 20,
  /** DynamoDB read plus write throttle events per table per 5 minutes. */
  dynamoDbThrottleEvents: 5,
  /** App clients in the pool, as a share of appClientQuota. */
  appClientShare: 0.8,
  /**
   * Registrations refused for the spent pool budget, per hour, in any of the last 6 hours. A
   * refused client is told to retry after an hour, so one client's retries keep the alarm raised.
   */
  poolBudgetRefusals: 1,
  poolBudgetAlarmHours: 6,
  /** Registrations refused with `server_error` or `temporarily_unavailable` per hour: one passing blip is let through. */
  registrationFailures: 2,
  /** Token rejections for the reasons of OPERATOR_REFUSALS.tokenRejectionReasons per 15 minutes. */
  misconfiguredTokenRejections: 10,
} as const;

const FIVE_MINUTES = Duration.minutes(5);
const SIX_HOURS = Duration.hours(6);

export interface MonitoredFunction {
  /** Short label used in alarm names and widgets. */
  readonly label: string;
  /** The function's (explicit) name: a plain string, so no stack must export it. */
  readonly functionName: string;
}

export interface MonitoringProps {
  readonly stage: string;
  /** The API functions (facade, MCP server). */
  readonly apiFunctions: readonly MonitoredFunction[];
  /** The registration sweeper; absent when `registrationIdleDays` is 0. */
  readonly sweeper?: MonitoredFunction;
  readonly apis: ReadonlyArray<{ readonly label: string; readonly apiId: string }>;
  readonly tables: ReadonlyArray<{ readonly label: string; readonly tableName: string }>;
  readonly userPoolId: string;
  readonly appClientQuota: number;
  /** @default - no subscription */
  readonly alarmEmail?: string;
  /** RETAIN instead of DESTROY for the topic's KMS key. */
  readonly retainData: boolean;
}

/**
 * Alarms (to an encrypted SNS topic) and one dashboard for a stage: each function's errors and
 * throttles, each HTTP API's 5xx rate, DynamoDB throttling, sweeper failures and silence, the
 * pool's app clients against the quota, and the refusals an operator must act on (pool budget
 * spent, registrations failing on our side, tokens rejected for issuer, keys or audience).
 */
export class Monitoring extends Construct {
  public readonly topic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const prefix = `mcp-auth-${props.stage}`;

    // CloudWatch can publish to an encrypted topic only with a customer managed key whose policy
    // lets the CloudWatch service use it (the AWS managed aws/sns key cannot be shared).
    const key = new kms.Key(this, 'TopicKey', {
      description: `Encrypts the ${prefix} alarm topic`,
      enableKeyRotation: true,
      // With retainData=false, destroy leaves nothing behind (KMS deletes the key after its 30-day wait).
      removalPolicy: removalPolicyFor(props.retainData),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // a key policy's Resource is always the key itself
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${prefix} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      const subscription = new sns.Subscription(this, 'AlarmEmail', {
        topic: this.topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: props.alarmEmail,
      });
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An e-mail that cannot be delivered would only land in a queue nobody reads; the alarm itself stays in ALARM, on the dashboard and in the CloudWatch console, and every state change is published again.',
      });
    }
    const action = new actions.SnsAction(this.topic);

    const alarm = (id: string, description: string, { metric, ...options }: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.Metric | cloudwatch.MathExpression }) => {
      const created = metric.createAlarm(this, id, { alarmName: `${prefix}-${id}`, alarmDescription: description, ...options });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    const lambdaMetric = (fn: MonitoredFunction, metricName: string, period: Duration) =>
      new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap: { FunctionName: fn.functionName }, statistic: 'Sum', period });

    for (const fn of props.apiFunctions) {
      alarm(`${fn.label}-errors`, `${fn.functionName}: ${THRESHOLDS.apiFunctionErrors} or more unhandled errors in 5 minutes`, {
        metric: lambdaMetric(fn, 'Errors', FIVE_MINUTES),
        threshold: THRESHOLDS.apiFunctionErrors,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    for (const fn of [...props.apiFunctions, ...(props.sweeper ? [props.sweeper] : [])]) {
      alarm(`${fn.label}-throttles`, `${fn.functionName}: throttled invocations (concurrency exhausted)`, {
        metric: lambdaMetric(fn, 'Throttles', FIVE_MINUTES),
        threshold: THRESHOLDS.functionThrottles,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // CloudWatch matches a metric by its full dimension set: name them all, as the handlers write them.
    const customMetric = (metricName: CustomMetricName, statistic: string, period: Duration, dimensions: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace: CUSTOM_METRICS.namespace,
        metricName,
        dimensionsMap: { [CUSTOM_METRICS.serviceDimension]: PUBLISHED_BY[metricName], [CUSTOM_METRICS.dimension]: props.userPoolId, ...dimensions },
        statistic,
        period,
      });

    if (props.sweeper) {
      const sweeper = props.sweeper;
      alarm('sweeper-errors', `${sweeper.functionName}: a daily run failed (after Lambda's retries)`, {
        metric: lambdaMetric(sweeper, 'Errors', SIX_HOURS),
        threshold: THRESHOLDS.sweeperErrors,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm('sweeper-failures', 'The registration sweeper could not delete some registrations (see its log)', {
        metric: customMetric(CUSTOM_METRICS.sweeperFailures, 'Sum', SIX_HOURS),
        threshold: THRESHOLDS.sweeperFailures,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      // No invocation yields no datapoint at all: missing data counts as breaching, so six empty
      // 6-hour periods in a row (36 h, a missed daily run and then some) raise the alarm.
      const periods = THRESHOLDS.sweeperSilenceHours / 6;
      alarm('sweeper-not-running', `${sweeper.functionName}: no run in ${THRESHOLDS.sweeperSilenceHours} hours (daily schedule)`, {
        metric: lambdaMetric(sweeper, 'Invocations', SIX_HOURS),
        threshold: THRESHOLDS.sweeperMinInvocations,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }

    const apiMetric = (apiId: string, metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiId: apiId }, statistic: 'Sum', period: FIVE_MINUTES });
    for (const api of props.apis) {
      const rate = new cloudwatch.MathExpression({
        // A rate only once the period has enough requests: one 5xx of two requests is no outage.
        expression: `IF(requests >= ${THRESHOLDS.api5xxMinRequests}, 100 * errors / requests, 0)`,
        usingMetrics: { requests: apiMetric(api.apiId, 'Count'), errors: apiMetric(api.apiId, '5xx') },
        label: `${api.label} 5xx %`,
        period: FIVE_MINUTES,
      });
      alarm(`${api.label}-api-5xx-rate`, `${api.label} API: over ${THRESHOLDS.api5xxPercent}% 5xx responses in 2 of 3 five-minute periods`, {
        metric: rate,
        threshold: THRESHOLDS.api5xxPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const tableMetric = (tableName: string, metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: { TableName: tableName }, statistic: 'Sum', period: FIVE_MINUTES });
    for (const table of props.tables) {
      const throttles = new cloudwatch.MathExpression({
        expression: 'FILL(reads, 0) + FILL(writes, 0)',
        usingMetrics: { reads: tableMetric(table.tableName, 'ReadThrottleEvents'), writes: tableMetric(table.tableName, 'WriteThrottleEvents') },
        label: `${table.label} throttle events`,
        period: FIVE_MINUTES,
      });
      alarm(`${table.label}-table-throttles`, `${table.label} table: ${THRESHOLDS.dynamoDbThrottleEvents} or more throttled reads and writes in 5 minutes`, {
        metric: throttles,
        threshold: THRESHOLDS.dynamoDbThrottleEvents,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const appClients = customMetric(CUSTOM_METRICS.appClients, 'Maximum', Duration.days(1));
    const appClientLimit = Math.floor(props.appClientQuota * THRESHOLDS.appClientShare);
    alarm('app-clients-near-quota', `Cognito app clients at ${THRESHOLDS.appClientShare * 100}% of the quota (${appClientLimit} of ${props.appClientQuota})`, {
      metric: appClients,
      threshold: appClientLimit,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // Refusals an operator must act on: clients fail, and go on failing, for a cause on our side.
    const refusals = refusalMetrics(
      (period, dimensions) => customMetric(CUSTOM_METRICS.registrationsRefused, 'Sum', period, dimensions),
      (period, dimensions) => customMetric(CUSTOM_METRICS.tokenRejections, 'Sum', period, dimensions),
    );
    const hours = THRESHOLDS.poolBudgetAlarmHours;
    alarm('registration-pool-budget-exhausted', `Open registrations refused: the pool budget (registrationPoolBudget) is spent. OK means only that none was refused in ${hours} hours`, {
      metric: refusals.poolBudget,
      threshold: THRESHOLDS.poolBudgetRefusals,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: hours,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const failureReasons = OPERATOR_REFUSALS.registrationFailure.Reasons.join(', ');
    alarm('registration-failures', `${THRESHOLDS.registrationFailures} or more registrations refused in an hour for a cause on our side (${failureReasons}; see the facade's log)`, {
      metric: refusals.registrationFailures,
      threshold: THRESHOLDS.registrationFailures,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const rejectionReasons = OPERATOR_REFUSALS.tokenRejectionReasons.join(', ');
    alarm('token-rejections-misconfiguration', `${THRESHOLDS.misconfiguredTokenRejections} or more bearer tokens rejected at /mcp in 15 minutes for ${rejectionReasons}: issuer, keys or audience out of step with this server, or forged tokens`, {
      metric: refusals.tokenRejections,
      threshold: THRESHOLDS.misconfiguredTokenRejections,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: prefix, defaultInterval: Duration.days(1) });
    const allFunctions = [...props.apiFunctions, ...(props.sweeper ? [props.sweeper] : [])];
    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, ...extra });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
    this.dashboard.addWidgets(
      ...props.apis.map((api) =>
        graph(`${api.label} API: requests and errors`, ['Count', '4xx', '5xx'].map((m) => apiMetric(api.apiId, m))),
      ),
      graph(
        'API latency p99 (ms)',
        props.apis.map((api) => new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName: 'Latency', dimensionsMap: { ApiId: api.apiId }, statistic: 'p99', period: FIVE_MINUTES, label: api.label })),
      ),
    );
    this.dashboard.addWidgets(
      graph('Lambda invocations', allFunctions.map((fn) => lambdaMetric(fn, 'Invocations', FIVE_MINUTES).with({ label: fn.label }))),
      graph('Lambda errors and throttles', allFunctions.flatMap((fn) => ['Errors', 'Throttles'].map((m) => lambdaMetric(fn, m, FIVE_MINUTES).with({ label: `${fn.label} ${m}` })))),
      graph(
        'Lambda duration p99 (ms)',
        allFunctions.map((fn) => new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Duration', dimensionsMap: { FunctionName: fn.functionName }, statistic: 'p99', period: FIVE_MINUTES, label: fn.label })),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'DynamoDB consumed capacity',
        props.tables.flatMap((t) => ['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits'].map((m) => tableMetric(t.tableName, m).with({ label: `${t.label} ${m}` }))),
      ),
      graph(
        'DynamoDB throttle events',
        props.tables.flatMap((t) => ['ReadThrottleEvents', 'WriteThrottleEvents'].map((m) => tableMetric(t.tableName, m).with({ label: `${t.label} ${m}` }))),
      ),
      graph('Cognito app clients', [appClients], {
        leftAnnotations: [
          { value: appClientLimit, label: `${THRESHOLDS.appClientShare * 100}% of quota`, color: cloudwatch.Color.ORANGE },
          { value: props.appClientQuota, label: 'quota', color: cloudwatch.Color.RED },
        ],
      }),
    );
    const sums = (names: CustomMetricName[], period: Duration) => names.map((name) => customMetric(name, 'Sum', period).with({ label: name }));
    this.dashboard.addWidgets(
      graph(
        'Registrations (per hour)',
        sums([CUSTOM_METRICS.registrationsCreated, CUSTOM_METRICS.registrationsUpdated, CUSTOM_METRICS.registrationsDeleted, CUSTOM_METRICS.rateLimitRefusals], Duration.hours(1)),
      ),
      graph('Registrations refused, operator to act (per hour)', [...refusals.poolBudgetParts, ...refusals.registrationFailureParts]),
      graph('Token rejections for issuer, keys, audience (per 15 minutes)', [...refusals.tokenRejectionParts]),
    );
    this.dashboard.addWidgets(
      ...(props.sweeper
        ? [graph('Registration sweeper (per day)', sums([CUSTOM_METRICS.registrationsSwept, CUSTOM_METRICS.orphansDeleted, CUSTOM_METRICS.sweeperFailures], Duration.days(1)))]
        : []),
    );
  }
}
