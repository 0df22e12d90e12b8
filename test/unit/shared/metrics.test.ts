/** Embedded metric format lines (`lambda/shared/metrics.ts`), read back as CloudWatch would. */
import { setLogLevel } from '../../../lambda/shared/logger';
import { countConsent, countEvent, countTokenRejection, emfFields, putMetrics, setMetricsPool } from '../../../lambda/shared/metrics';

let lines: Record<string, any>[];
beforeEach(() => {
  lines = [];
  setLogLevel('info');
  setMetricsPool('us-east-1_pool');
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
      dimensions: Object.fromEntries(directive.Dimensions[0].map((d: string) => [d, line[d]])),
    })),
  );
}

test('a line declares namespace McpAuth, the UserPoolId dimension first, and carries every value at the top level', () => {
  putMetrics('request', [{ name: 'Requests', value: 1 }, { name: 'Latency', value: 12.5, unit: 'Milliseconds' }], { Route: '/register', StatusClass: '2xx' }, { path: '/register' });
  expect(lines).toHaveLength(1);
  const [line] = lines;
  expect(line).toMatchObject({ level: 'INFO', message: 'request', path: '/register' });
  expect(typeof line._aws.Timestamp).toBe('number');
  expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([['UserPoolId', 'Route', 'StatusClass']]);
  expect(extracted(line)).toEqual([
    { namespace: 'McpAuth', name: 'Requests', unit: 'Count', value: 1, dimensions: { UserPoolId: 'us-east-1_pool', Route: '/register', StatusClass: '2xx' } },
    { namespace: 'McpAuth', name: 'Latency', unit: 'Milliseconds', value: 12.5, dimensions: { UserPoolId: 'us-east-1_pool', Route: '/register', StatusClass: '2xx' } },
  ]);
});

test('metric names that look like secrets keep their values; ordinary fields are still redacted', () => {
  countTokenRejection('expired');
  putMetrics('m', [{ name: 'X', value: 1 }], {}, { registrationAccessToken: 'abc' });
  expect(extracted(lines[0])).toEqual([expect.objectContaining({ name: 'TokenRejections', value: 1, dimensions: { UserPoolId: 'us-east-1_pool', Reason: 'expired' } })]);
  expect(lines[1].registrationAccessToken).toBe('[redacted]');
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

test('a function without a pool gets UserPoolId "none"; a dimension may name the pool explicitly', () => {
  setMetricsPool(undefined);
  expect(emfFields([{ name: 'A', value: 1 }]).UserPoolId).toBe('none');
  expect(emfFields([{ name: 'A', value: 1 }], { UserPoolId: 'p2' }).UserPoolId).toBe('p2');
});
