/** Embedded metric format lines (`lambda/shared/metrics.ts`), read back as CloudWatch would. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { setLogLevel } from '../../../lambda/shared/logger';
import { configureMetrics, countConsent, countEvent, countTokenRejection, putMetricGroups, putMetrics, setMetricsPool } from '../../../lambda/shared/metrics';

let lines: Record<string, any>[];
beforeEach(() => {
  lines = [];
  setLogLevel('info');
  configureMetrics('oauth', 'us-east-1_pool');
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(JSON.parse(String(chunk))), true));
});
afterEach(() => {
  jest.restoreAllMocks();
  setMetricsPool(undefined);
});

/** Each metric the line declares, with its dimension values and value, as CloudWatch extracts it. */
function extracted(line: Record<string, any>) {
  return line._aws.CloudWatchMetrics.flatMap((directive: any) =>
    directive.Metrics.map((m: any) => ({
      namespace: directive.Namespace,
      name: m.Name,
      unit: m.Unit,
      value: line[m.Name],
      dimensions: directive.Dimensions.map((set: string[]) => Object.fromEntries(set.map((d) => [d, line[d]]))),
    })),
  );
}

test('a line declares namespace McpAuth, one dimension set (service, UserPoolId, then the given ones) and carries every value at the top level', () => {
  putMetrics([{ name: 'Requests', value: 1 }, { name: 'Latency', value: 12.5, unit: 'Milliseconds' }], { Route: '/register', StatusClass: '2xx' });
  expect(lines).toHaveLength(1);
  const [line] = lines;
  expect(typeof line._aws.Timestamp).toBe('number');
  expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'UserPoolId', 'Route', 'StatusClass']]);
  const dimensions = [{ service: 'oauth', UserPoolId: 'us-east-1_pool', Route: '/register', StatusClass: '2xx' }];
  expect(extracted(line)).toEqual([
    { namespace: 'McpAuth', name: 'Requests', unit: 'Count', value: 1, dimensions },
    { namespace: 'McpAuth', name: 'Latency', unit: 'Milliseconds', value: 12.5, dimensions },
  ]);
});

test('groups with different dimensions are separate lines: nothing of one group joins another', () => {
  putMetricGroups([
    { metrics: [{ name: 'TokenRejections', value: 1 }], dimensions: { Reason: 'expired' } },
    { metrics: [{ name: 'LoginsCompleted', value: 1 }] },
  ]);
  expect(lines.map(extracted)).toEqual([
    [expect.objectContaining({ name: 'TokenRejections', dimensions: [{ service: 'oauth', UserPoolId: 'us-east-1_pool', Reason: 'expired' }] })],
    [expect.objectContaining({ name: 'LoginsCompleted', dimensions: [{ service: 'oauth', UserPoolId: 'us-east-1_pool' }] })],
  ]);
  expect(lines[1]).not.toHaveProperty('Reason');
  expect(lines[1]).not.toHaveProperty('TokenRejections');
});

test('named counters: TokenRejections by reason, Consents by decision', () => {
  countTokenRejection('expired');
  countConsent('deny');
  expect(extracted(lines[0])).toEqual([expect.objectContaining({ name: 'TokenRejections', value: 1, dimensions: [{ service: 'oauth', UserPoolId: 'us-east-1_pool', Reason: 'expired' }] })]);
  expect(extracted(lines[1])).toEqual([expect.objectContaining({ name: 'Consents', value: 1, dimensions: [{ service: 'oauth', UserPoolId: 'us-east-1_pool', Decision: 'deny' }] })]);
});

test('metric lines are written at any log level but silent', () => {
  setLogLevel('error');
  countConsent('deny');
  expect(lines).toHaveLength(1);
  setLogLevel('silent');
  countEvent('LoginsCompleted');
  expect(lines).toHaveLength(1);
  setLogLevel('info');
});

test('a function without a pool gets UserPoolId "none"; a dimension may name the pool explicitly (the sweeper)', () => {
  setMetricsPool(undefined);
  countEvent('A');
  putMetrics([{ name: 'B', value: 2 }], { UserPoolId: 'p2' });
  expect(lines[0].UserPoolId).toBe('none');
  expect(lines[1].UserPoolId).toBe('p2');
  expect(lines[1]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'UserPoolId']]);
});

test('a line is the one Powertools Metrics writes for the same metrics and dimensions, key for key, in order', () => {
  const group = { metrics: [{ name: 'Requests', value: 1 }, { name: 'Latency', value: 3.5, unit: 'Milliseconds' as const }], dimensions: { Route: '/mcp', StatusClass: '2xx' } };
  putMetricGroups([group]);
  const powertools = new Metrics({ namespace: 'McpAuth', serviceName: 'oauth' });
  powertools.addDimension('UserPoolId', 'us-east-1_pool');
  powertools.addDimension('Route', '/mcp');
  powertools.addDimension('StatusClass', '2xx');
  powertools.addMetric('Requests', MetricUnit.Count, 1);
  powertools.addMetric('Latency', MetricUnit.Milliseconds, 3.5);
  powertools.publishStoredMetrics();
  expect(lines).toHaveLength(2);
  const [ours, theirs] = lines.map(({ _aws: { Timestamp, ...directive }, ...rest }) => ({ Timestamp: typeof Timestamp, directive, rest }));
  expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
});
