import { Match } from 'aws-cdk-lib/assertions';
import { TemporarilyUnavailableError } from '../../lambda/shared/errors';
import { configureMetrics, countTokenRejection, setMetricsPool, type TokenRejectionReason } from '../../lambda/shared/metrics';
import { PoolBudgetExhaustedError } from '../../lambda/oauth/pool-budget';
import { countRefusals, type RegistrationOperation } from '../../lambda/oauth/registration-metrics';
import { CUSTOM_METRICS, PUBLISHED_BY, THRESHOLDS } from '../../lib/constructs/monitoring';
import { OPERATOR_REFUSALS } from '../../lib/constructs/refusal-metrics';
import { captureWrites, namespacedMetricsIn } from '../support/metrics-capture';
import { onlyFunction, resourcesOf, sweeperFunction, synthApp, type SynthesizedApp } from './app-fixture';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HANDLER_ENTRIES } from '../../lib/lambda-bundling';

// One synth of the default (dev) app and one tuned one: bundling the handlers is the slow part.
let dev: SynthesizedApp;
let tuned: SynthesizedApp;
beforeAll(() => {
  dev = synthApp();
  tuned = synthApp({ stage: 'ops', registrationIdleDays: '0', appClientQuota: '2000', registrationPoolBudget: '900', alarmEmail: 'ops@example.com' });
});

const alarmsOf = (s: SynthesizedApp): Record<string, any> =>
  Object.fromEntries(resourcesOf(s.monitoring, 'AWS::CloudWatch::Alarm').map(([, a]) => [a.Properties.AlarmName, a.Properties]));

/** The alarm's single metric, or the metrics of its math expression by id. */
const metricsOf = (alarm: any) =>
  alarm.Metrics
    ? Object.fromEntries(alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, m.MetricStat]))
    : { only: { Metric: { Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions }, Stat: alarm.Statistic, Period: alarm.Period } };

describe('alarm topic', () => {
  it('is encrypted with a rotated customer managed key that CloudWatch may use, and refuses plain-HTTP publishing', () => {
    const [[keyId, key]] = resourcesOf(dev.monitoring, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
    dev.monitoring.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    dev.monitoring.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('has no subscription by default, and alarmEmail subscribes one address', () => {
    dev.monitoring.resourceCountIs('AWS::SNS::Subscription', 0);
    tuned.monitoring.resourceCountIs('AWS::SNS::Subscription', 1);
    tuned.monitoring.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('alarms', () => {
  const fn = (name: string) => [{ Name: 'FunctionName', Value: name }];

  it('one per documented condition, each notifying the topic on ALARM and on OK', () => {
    const alarms = alarmsOf(dev);
    expect(Object.keys(alarms).sort()).toEqual(
      [
        'mcp-auth-dev-authorization-server-errors',
        'mcp-auth-dev-mcp-server-errors',
        'mcp-auth-dev-authorization-server-throttles',
        'mcp-auth-dev-mcp-server-throttles',
        'mcp-auth-dev-sweeper-throttles',
        'mcp-auth-dev-sweeper-errors',
        'mcp-auth-dev-sweeper-failures',
        'mcp-auth-dev-sweeper-not-running',
        'mcp-auth-dev-authorization-server-api-5xx-rate',
        'mcp-auth-dev-mcp-server-api-5xx-rate',
        'mcp-auth-dev-registrations-table-throttles',
        'mcp-auth-dev-notes-table-throttles',
        'mcp-auth-dev-app-clients-near-quota',
        'mcp-auth-dev-registration-pool-budget-exhausted',
        'mcp-auth-dev-registration-failures',
        'mcp-auth-dev-token-rejections-misconfiguration',
      ].sort(),
    );
    const [[topicId]] = resourcesOf(dev.monitoring, 'AWS::SNS::Topic');
    for (const alarm of Object.values(alarms)) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.AlarmDescription).toEqual(expect.any(String));
    }
  });

  it('functions: 3 or more errors in 5 minutes for API functions, any throttle for every function', () => {
    const alarms = alarmsOf(dev);
    for (const name of ['authorization-server', 'mcp-server']) {
      expect(alarms[`mcp-auth-dev-${name}-errors`]).toMatchObject({
        Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: fn(`mcp-auth-dev-${name}`), Statistic: 'Sum', Period: 300,
        Threshold: 3, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
      });
    }
    for (const [alarm, functionName] of [['authorization-server', 'authorization-server'], ['mcp-server', 'mcp-server'], ['sweeper', 'registration-sweeper']]) {
      expect(alarms[`mcp-auth-dev-${alarm}-throttles`]).toMatchObject({
        Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: fn(`mcp-auth-dev-${functionName}`), Statistic: 'Sum', Period: 300,
        Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1,
      });
    }
    expect(THRESHOLDS).toMatchObject({ apiFunctionErrors: 3, functionThrottles: 1 });
  });

  it('sweeper: a failed run or a failed deletion within 6 hours, and no run in 36 hours (missing data breaches)', () => {
    const alarms = alarmsOf(dev);
    expect(alarms['mcp-auth-dev-sweeper-errors']).toMatchObject({
      Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: fn('mcp-auth-dev-registration-sweeper'), Period: 21_600,
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1,
    });
    expect(alarms['mcp-auth-dev-sweeper-failures']).toMatchObject({
      Namespace: 'McpAuth', MetricName: 'SweeperFailures', Statistic: 'Sum', Period: 21_600,
      Dimensions: [{ Name: 'UserPoolId', Value: { 'Fn::ImportValue': expect.stringMatching(/ExportsOutputRefAuthUserPool/) } }, { Name: 'service', Value: 'sweeper' }],
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarms['mcp-auth-dev-sweeper-not-running']).toMatchObject({
      Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: fn('mcp-auth-dev-registration-sweeper'), Statistic: 'Sum',
      Period: 21_600, EvaluationPeriods: 6, DatapointsToAlarm: 6, // 6 × 6 h = 36 h
      Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    });
    // The alarms name the function the AuthorizationServer stack really deploys.
    expect(sweeperFunction(dev.authorizationServer)!.Properties.FunctionName).toBe('mcp-auth-dev-registration-sweeper');
  });

  it('HTTP APIs: over 5% 5xx in 2 of 3 five-minute periods, counted once a period has 20 requests', () => {
    const alarms = alarmsOf(dev);
    for (const name of ['authorization-server', 'mcp-server']) {
      const alarm = alarms[`mcp-auth-dev-${name}-api-5xx-rate`];
      expect(alarm).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' });
      const expression = alarm.Metrics.find((m: any) => m.Expression);
      expect(expression.Expression).toBe('IF(requests >= 20, 100 * errors / requests, 0)');
      const metrics = metricsOf(alarm);
      expect(metrics.requests).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count' }, Stat: 'Sum', Period: 300 });
      expect(metrics.errors).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx' }, Stat: 'Sum', Period: 300 });
      expect(JSON.stringify(metrics.errors.Metric.Dimensions)).toMatch(name === 'mcp-server' ? /McpApi/ : /AuthorizationServerApi/);
    }
  });

  it('DynamoDB: 5 or more throttled reads and writes per table in 5 minutes', () => {
    const alarms = alarmsOf(dev);
    for (const [name, table] of [['registrations', /RegistrationsTable/], ['notes', /NotesTable/]] as const) {
      const alarm = alarms[`mcp-auth-dev-${name}-table-throttles`];
      expect(alarm).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
      expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe('FILL(reads, 0) + FILL(writes, 0)');
      const metrics = metricsOf(alarm);
      expect([metrics.reads.Metric.MetricName, metrics.writes.Metric.MetricName]).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
      expect(JSON.stringify(metrics.reads.Metric.Dimensions)).toMatch(table);
    }
  });

  it('Cognito app clients at 80% of appClientQuota, on the daily maximum the sweeper publishes', () => {
    // The names the handlers publish (lambda/shared/metrics.ts, lambda/oauth/sweeper-run.ts, registration-metrics.ts).
    expect(CUSTOM_METRICS).toEqual({
      namespace: 'McpAuth', appClients: 'AppClients', sweeperFailures: 'SweeperFailures', registrationsSwept: 'RegistrationsSwept', orphansDeleted: 'OrphansDeleted',
      registrationsCreated: 'RegistrationsCreated', registrationsUpdated: 'RegistrationsUpdated', registrationsDeleted: 'RegistrationsDeleted', rateLimitRefusals: 'RateLimitRefusals',
      registrationsRefused: 'RegistrationsRefused', tokenRejections: 'TokenRejections',
      dimension: 'UserPoolId', serviceDimension: 'service',
    });
    expect(alarmsOf(dev)['mcp-auth-dev-app-clients-near-quota']).toMatchObject({
      Namespace: 'McpAuth', MetricName: 'AppClients', Statistic: 'Maximum', Period: 86_400,
      Dimensions: [{ Name: 'UserPoolId', Value: { 'Fn::ImportValue': expect.stringMatching(/ExportsOutputRefAuthUserPool/) } }, { Name: 'service', Value: 'sweeper' }],
      Threshold: 800, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
    });
    expect(alarmsOf(tuned)['mcp-auth-ops-app-clients-near-quota'].Threshold).toBe(1600);
  });

  it('without the sweeper, no sweeper alarm', () => {
    expect(Object.keys(alarmsOf(tuned)).filter((name) => name.includes('sweeper'))).toEqual([]);
    expect(Object.keys(alarmsOf(tuned))).toHaveLength(12);
  });
});

describe('alarms on refusals an operator must act on', () => {
  const pool = { 'Fn::ImportValue': expect.stringMatching(/ExportsOutputRefAuthUserPool/) };
  /** A metric's dimensions by name (CloudWatch matches the set, in any order; CDK sorts them). */
  const byName = (dimensions: Array<{ Name: string; Value: unknown }>) => Object.fromEntries(dimensions.map((d) => [d.Name, d.Value]));

  it('pool budget spent: any open registration or CIMD client refused with pool_budget in one of the last 6 hours', () => {
    const alarm = alarmsOf(dev)['mcp-auth-dev-registration-pool-budget-exhausted'];
    expect(alarm).toMatchObject({
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 6, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching',
    });
    expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe('FILL(m_register, 0) + FILL(m_cimd, 0)');
    const metrics = metricsOf(alarm);
    expect(Object.keys(metrics).sort()).toEqual(['m_cimd', 'm_register']);
    for (const operation of ['register', 'cimd']) {
      expect(metrics[`m_${operation}`]).toMatchObject({ Metric: { Namespace: 'McpAuth', MetricName: 'RegistrationsRefused' }, Stat: 'Sum', Period: 3600 });
      expect(byName(metrics[`m_${operation}`].Metric.Dimensions)).toEqual({ service: 'oauth', UserPoolId: pool, Operation: operation, Reason: 'pool_budget' });
    }
    expect(THRESHOLDS).toMatchObject({ poolBudgetRefusals: 1, poolBudgetAlarmHours: 6 });
  });

  it('registrations failing on our side: 2 or more server_error or temporarily_unavailable refusals in an hour', () => {
    const alarm = alarmsOf(dev)['mcp-auth-dev-registration-failures'];
    expect(alarm).toMatchObject({ Threshold: 2, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe('FILL(m_server_error, 0) + FILL(m_temporarily_unavailable, 0)');
    const metrics = metricsOf(alarm);
    for (const reason of ['server_error', 'temporarily_unavailable']) {
      expect(metrics[`m_${reason}`]).toMatchObject({ Metric: { Namespace: 'McpAuth', MetricName: 'RegistrationsRefused' }, Stat: 'Sum', Period: 3600 });
      expect(byName(metrics[`m_${reason}`].Metric.Dimensions)).toEqual({ service: 'oauth', UserPoolId: pool, Operation: 'register', Reason: reason });
    }
    expect(Object.keys(metrics)).toHaveLength(2);
  });

  it('tokens rejected for issuer, audience, unknown key or signature: 10 or more in 15 minutes', () => {
    const alarm = alarmsOf(dev)['mcp-auth-dev-token-rejections-misconfiguration'];
    expect(alarm).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    const reasons = ['issuer', 'audience', 'unknown_key', 'signature'];
    expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe(reasons.map((r) => `FILL(m_${r}, 0)`).join(' + '));
    const metrics = metricsOf(alarm);
    expect(Object.keys(metrics).sort()).toEqual(reasons.map((r) => `m_${r}`).sort());
    for (const reason of reasons) {
      expect(metrics[`m_${reason}`]).toMatchObject({ Metric: { Namespace: 'McpAuth', MetricName: 'TokenRejections' }, Stat: 'Sum', Period: 900 });
      expect(byName(metrics[`m_${reason}`].Metric.Dimensions)).toEqual({ service: 'mcp', UserPoolId: pool, Reason: reason });
    }
    // Not the reasons a user's stale token or a client's own mistake produce.
    for (const ordinary of ['missing', 'expired', 'client_gone', 'token_use', 'malformed']) expect(JSON.stringify(alarm)).not.toContain(`"${ordinary}"`);
  });

  describe('each alarmed metric is one the handlers write', () => {
    afterEach(() => {
      jest.restoreAllMocks();
      setMetricsPool(undefined);
    });

    /**
     * What the function `service` writes for `emit` (configured as its Lambda entry configures it), as
     * CloudWatch extracts it; each line names service and UserPoolId first.
     */
    async function emitted(service: string, emit: () => Promise<unknown> | void) {
      configureMetrics(service, 'us-east-1_pool');
      const written = captureWrites();
      await emit();
      jest.restoreAllMocks();
      const data = namespacedMetricsIn(written);
      for (const datum of data) expect(Object.keys(datum.dimensions).slice(0, 2)).toEqual(['service', 'UserPoolId']);
      return data.map((d) => ({ namespace: d.namespace, name: d.name, dimensions: d.dimensions }));
    }

    /** The alarm's metrics in the same shape, its UserPoolId import standing for the pool id. */
    function alarmed(alarm: any) {
      return Object.values(metricsOf(alarm)).map((stat: any) => ({
        namespace: stat.Metric.Namespace,
        name: stat.Metric.MetricName,
        dimensions: { ...byName(stat.Metric.Dimensions), UserPoolId: 'us-east-1_pool' },
      }));
    }

    const refuse = (err: Error, operation: RegistrationOperation = 'register') => () => countRefusals(operation, () => Promise.reject(err)).catch(() => undefined);

    it('pool budget: countRefusals of a PoolBudgetExhaustedError, by registration and by CIMD provisioning', async () => {
      const alarm = alarmsOf(dev)['mcp-auth-dev-registration-pool-budget-exhausted'];
      const written = [
        ...(await emitted('oauth', refuse(new PoolBudgetExhaustedError(900)))),
        ...(await emitted('oauth', refuse(new PoolBudgetExhaustedError(900), 'cimd'))),
      ];
      expect(written).toEqual(alarmed(alarm));
    });

    it('registration failures: countRefusals of an unexpected error and of a 503', async () => {
      const alarm = alarmsOf(dev)['mcp-auth-dev-registration-failures'];
      const written = [
        ...(await emitted('oauth', refuse(new Error('AccessDeniedException')))),
        ...(await emitted('oauth', refuse(new TemporarilyUnavailableError('quota reached', 3600)))),
      ];
      expect(written).toEqual(alarmed(alarm));
    });

    it('token rejections: countTokenRejection of each alarmed reason', async () => {
      // A reason the code cannot produce fails the type check (npm run typecheck).
      const reasons: readonly TokenRejectionReason[] = OPERATOR_REFUSALS.tokenRejectionReasons;
      const alarm = alarmsOf(dev)['mcp-auth-dev-token-rejections-misconfiguration'];
      const written = [];
      for (const reason of reasons) written.push(...(await emitted('mcp', () => countTokenRejection(reason))));
      expect(written).toEqual(alarmed(alarm));
    });
  });
});

describe('functions and dashboard', () => {
  it('functions carry the explicit names the alarms use', () => {
    expect(onlyFunction(dev.authorizationServer).Properties.FunctionName).toBe('mcp-auth-dev-authorization-server');
    expect(onlyFunction(dev.mcpServer).Properties.FunctionName).toBe('mcp-auth-dev-mcp-server');
  });

  it('one dashboard per stage with the alarms, APIs, functions, tables and the app-client count against the quota', () => {
    const dashboards = resourcesOf(dev.monitoring, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0][1].Properties.DashboardName).toBe('mcp-auth-dev');
    const body = JSON.stringify(dashboards[0][1].Properties.DashboardBody);
    for (const needle of [
      'mcp-auth-dev-authorization-server',
      'mcp-auth-dev-mcp-server',
      'mcp-auth-dev-registration-sweeper',
      'AWS/ApiGateway',
      '5xx',
      'ReadThrottleEvents',
      'ConsumedWriteCapacityUnits',
      'AppClients',
      '80% of quota',
      'RegistrationsCreated',
      'RateLimitRefusals',
      'OrphansDeleted',
      'RegistrationsSwept',
      'RegistrationsRefused',
      'pool_budget',
      'TokenRejections',
      'unknown_key',
      'alarm',
    ]) {
      expect(body).toContain(needle);
    }
    const withoutSweeper = JSON.stringify(resourcesOf(tuned.monitoring, 'AWS::CloudWatch::Dashboard')[0][1].Properties.DashboardBody);
    expect(withoutSweeper).not.toContain('registration-sweeper');
    expect(withoutSweeper).not.toContain('OrphansDeleted');
  });
});

test('each custom metric\'s `service` is the one its publishing Lambda entry configures', () => {
  // lambda/shared/telemetry.ts `configureTelemetry(service, …)`, called once by each entry at cold start.
  const configured = Object.fromEntries(
    Object.values(HANDLER_ENTRIES).map((entry) => {
      const match = /configureTelemetry\('(\w+)'/.exec(readFileSync(join(__dirname, '../..', entry), 'utf8'));
      return [match?.[1], entry];
    }),
  );
  expect(Object.keys(configured).sort()).toEqual(['mcp', 'oauth', 'sweeper']);
  for (const service of Object.values(PUBLISHED_BY)) expect(configured).toHaveProperty(service);
  expect(configured).toMatchObject({ mcp: HANDLER_ENTRIES.mcp, oauth: HANDLER_ENTRIES.oauth, sweeper: HANDLER_ENTRIES.sweeper });
});

