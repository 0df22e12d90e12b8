/** The access-log middleware, in a real middy chain: one line per request with what an operator needs, nothing secret. */
import { configureLogger } from '../../../lambda/shared/logger';
import { mcpRoutes } from '../../../lambda/mcp/app';
import { OAUTH_METRIC_ROUTES } from '../../../lambda/oauth/metric-routes';
import { setMetricsPool } from '../../../lambda/shared/metrics';
import { configureTelemetry } from '../../../lambda/shared/telemetry';
import type { HttpEvent, HttpResult } from '../../../lambda/shared/http';
import { requestLog, routeMatcher } from '../../../lambda/shared/request-log';
import { localContext, withLocalContext } from '../../../scripts/local/lambda-http';
import { httpEvent } from '../../support/http-event';

const secretEvent = () =>
  httpEvent('POST', '/register', {
    headers: { authorization: 'Bearer very-secret-token', 'content-type': 'application/json' },
    body: '{"client_secret":"s3cr3t"}',
  });

/** `inner` behind middy with the request log, as the Lambda entries chain it (middy is ESM-only: imported). */
async function withRequestLog(inner: (event: HttpEvent) => Promise<HttpResult>, routeOf?: (path: string) => string) {
  const { default: middy } = await import('@middy/core');
  const handler = middy<HttpEvent, HttpResult>().use(requestLog(routeOf)).handler((event) => inner(event));
  return withLocalContext(handler, 'test-function');
}

function captureStdout(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const written: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  return {
    lines: () => written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line)),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

beforeAll(() => configureTelemetry('oauth', { logLevel: 'info' }));

test('a request writes one line: method, path, status, latency, request id and its metrics; no headers or body', async () => {
  const capture = captureStdout();
  try {
    const event = secretEvent();
    const result = await (await withRequestLog(async () => ({ statusCode: 201, body: '{}' })))(event);
    expect(result.statusCode).toBe(201);
    const lines = capture.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'INFO', message: 'request', method: 'POST', path: '/register', status: 201, requestId: event.requestContext.requestId, Requests: 1 });
    expect(lines[0]).toHaveProperty('_aws');
    expect(typeof lines[0].ms).toBe('number');
    expect(JSON.stringify(lines)).not.toMatch(/very-secret-token|s3cr3t/);
  } finally {
    capture.restore();
  }
});

test('a handler that throws is logged as an error and the error goes on to the caller', async () => {
  const capture = captureStdout();
  try {
    const failing = await withRequestLog(async () => {
      throw new Error('boom');
    });
    await expect(failing(secretEvent())).rejects.toThrow('boom');
    expect(capture.lines()).toEqual([expect.objectContaining({ level: 'ERROR', message: 'request failed', errorMessage: 'boom', StatusClass: '5xx', Requests: 1 })]);
  } finally {
    capture.restore();
  }
});

/** The metrics a line declares, as CloudWatch extracts them: name → { value, dimensions }. */
function metricsOf(line: Record<string, any>): Record<string, { value: unknown; unit: string; dimensions: Record<string, unknown> }> {
  return Object.fromEntries(
    line._aws.CloudWatchMetrics.flatMap((directive: any) => {
      const dimensions = Object.fromEntries(directive.Dimensions[0].map((d: string) => [d, line[d]]));
      return directive.Metrics.map((m: any) => [m.Name, { value: line[m.Name], unit: m.Unit, dimensions }]);
    }),
  );
}

describe('the same line carries the request metrics (EMF), by service, route and status class', () => {
  beforeEach(() => configureTelemetry('oauth', { logLevel: 'info', userPoolId: 'us-east-1_abc' }));
  afterEach(() => setMetricsPool(undefined));

  test('Requests and Latency with the route template, never the path with its client id', async () => {
    const capture = captureStdout();
    try {
      const handler = await withRequestLog(async () => ({ statusCode: 401, body: '{}' }), routeMatcher(OAUTH_METRIC_ROUTES));
      await handler(httpEvent('GET', '/register/4l1ent1d0123', {}));
      const [line] = capture.lines();
      expect(line).toMatchObject({ message: 'request', path: '/register/4l1ent1d0123', status: 401 });
      const dimensions = { service: 'oauth', UserPoolId: 'us-east-1_abc', Route: '/register/{client_id}', StatusClass: '4xx' };
      expect(metricsOf(line)).toEqual({
        Requests: { value: 1, unit: 'Count', dimensions },
        Latency: { value: line.ms, unit: 'Milliseconds', dimensions },
      });
      expect(JSON.stringify(line._aws)).not.toContain('4l1ent1d0123');
      expect(line.Route).toBe('/register/{client_id}');
    } finally {
      capture.restore();
    }
  });

  test('a handler that throws counts as 5xx on its route', async () => {
    const capture = captureStdout();
    try {
      const failing = await withRequestLog(async () => { throw new Error('boom'); }, routeMatcher(OAUTH_METRIC_ROUTES));
      await expect(failing(httpEvent('POST', '/register', {}))).rejects.toThrow('boom');
      expect(metricsOf(capture.lines()[0]).Requests.dimensions).toMatchObject({ Route: '/register', StatusClass: '5xx' });
    } finally {
      capture.restore();
    }
  });

  test.each([
    ['/register', '/register'],
    ['/register/', '/register'],
    ['/register/abc', '/register/{client_id}'],
    ['/register/abc/def', 'other'],
    ['/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server'],
    ['/.well-known/openid-configuration', 'other'],
    ['/token', '/token'],
    ['/wp-admin.php', 'other'],
    ['/registerX', 'other'],
  ])('facade route of %s: %s', (path, route) => {
    expect(routeMatcher(OAUTH_METRIC_ROUTES)(path)).toBe(route);
  });

  test('MCP routes: the resource path, /mcp and the RFC 9728 metadata paths; anything else is other', () => {
    const routes = mcpRoutes({ resourceUrl: 'https://api.example.test/prod/mcp' });
    const routeOf = routeMatcher([...routes.mcp, ...routes.prm]);
    expect(routeOf('/prod/mcp')).toBe('/prod/mcp');
    expect(routeOf('/mcp')).toBe('/mcp');
    expect(routeOf('/.well-known/oauth-protected-resource/prod/mcp')).toBe('/.well-known/oauth-protected-resource/prod/mcp');
    expect(routeOf('/.well-known/oauth-protected-resource')).toBe('/.well-known/oauth-protected-resource');
    expect(routeOf('/prod/mcp/../../etc/passwd')).toBe('other');
  });
});

test('LOG_LEVEL holds across invocations behind injectLambdaContext: at warn, no access lines, the metrics on lines of their own', async () => {
  const { default: middy } = await import('@middy/core');
  const { injectLambdaContext } = await import('@aws-lambda-powertools/logger/middleware');
  const logger = configureLogger('test', 'warn');
  const handler = middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger as never))
    .use(requestLog())
    .handler(async () => ({ statusCode: 200, body: '{}' }));
  const capture = captureStdout();
  try {
    // Powertools puts a logger back to its constructor's level from the second invocation on.
    for (let i = 0; i < 3; i++) await handler(secretEvent(), localContext('test-function', secretEvent()));
    const lines = capture.lines();
    expect(lines.filter((l) => l.message === 'request')).toEqual([]);
    expect(lines.filter((l) => l.Requests === 1)).toHaveLength(3);
    expect(lines.every((l) => !('level' in l))).toBe(true);
  } finally {
    capture.restore();
    configureLogger('mcp-auth', 'info');
  }
});
