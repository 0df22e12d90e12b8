import type { HttpEvent, HttpResult } from './http';
import { errorFields, log, logsAt } from './logger';
import { metricFields, putMetricGroups, type MetricGroup } from './metrics';

/** The `Route` dimension of a path that matches none of the part's routes (scans, typos): one value for all. */
export const OTHER_ROUTE = 'other';

/**
 * The route a path belongs to, as the `Route` metric dimension names it: the first of `templates`
 * it matches (literal segments, `{name}` for one variable segment, a trailing slash ignored), else
 * `OTHER_ROUTE`. Never the path itself: ids in it would make a metric per client.
 */
export function routeMatcher(templates: readonly string[]): (path: string) => string {
  const escape = (segment: string) => segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const compiled = templates.map((template) => ({
    template,
    pattern: new RegExp(`^${template.split('/').map((s) => (/^\{\w+\}$/.test(s) ? '[^/]+' : escape(s))).join('/')}/?$`),
  }));
  return (path) => compiled.find((c) => c.pattern.test(path))?.template ?? OTHER_ROUTE;
}

const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/** What the request log keeps of one invocation, between `before` and `after`/`onError`. */
interface Started {
  readonly at: number;
  readonly fields: Record<string, unknown>;
  readonly route: string;
}

/** The part of middy's request object (`@middy/core`'s `Request`) the request log reads. */
export interface LoggedRequest {
  readonly event: HttpEvent;
  readonly response?: HttpResult | null;
  readonly error?: unknown;
}

/**
 * A middy middleware that writes one access-log line per request for operators (info; a handler
 * that throws: error): method, path, status, latency and API Gateway's request id (to match the
 * stage's access log). Never headers, query strings or bodies: they carry tokens, codes and
 * secrets. The same line carries the request's metrics (`metrics.ts`; a line of their own when the
 * level hides the access line, at every level but silent): `Requests` (count) and `Latency` (ms) by
 * `Route` (`routeOf`) and `StatusClass` (`2xx`…`5xx`; a handler that throws counts as `5xx`). The error itself goes on to the caller (Lambda), unchanged.
 */
export function requestLog(routeOf: (path: string) => string = () => OTHER_ROUTE) {
  // Keyed by middy's request object: one per invocation, also when the local stack runs several at once.
  const started = new WeakMap<LoggedRequest, Started>();
  const group = (start: Started, status: number, ms: number): MetricGroup => ({
    metrics: [
      { name: 'Requests', value: 1 },
      { name: 'Latency', value: ms, unit: 'Milliseconds' },
    ],
    dimensions: { Route: start.route, StatusClass: statusClass(status) },
  });
  // One write per request (each costs tens of microseconds): the access line carries the metrics
  // when it is written at all; below its level, the metrics go alone.
  const write = (at: 'info' | 'error', message: string, fields: Record<string, unknown>, metrics: MetricGroup) => {
    if (logsAt(at)) log.withMetrics(at, message, fields, metricFields(metrics));
    else putMetricGroups([metrics]);
  };
  const elapsed = (start: Started) => Math.round((performance.now() - start.at) * 10) / 10;
  return {
    name: 'requestLog',
    before(request: LoggedRequest): void {
      const { event } = request;
      started.set(request, {
        at: performance.now(),
        fields: { method: event.requestContext?.http?.method, path: event.rawPath, requestId: event.requestContext?.requestId },
        route: routeOf(event.rawPath ?? ''),
      });
    },
    after(request: LoggedRequest): void {
      const start = started.get(request);
      if (!start) return;
      const ms = elapsed(start);
      write('info', 'request', { ...start.fields, status: request.response?.statusCode, ms }, group(start, request.response?.statusCode ?? 200, ms));
    },
    onError(request: LoggedRequest): void {
      const start = started.get(request);
      if (!start) return;
      const ms = elapsed(start);
      write('error', 'request failed', { ...start.fields, ms, ...errorFields(request.error) }, group(start, 500, ms));
    },
  };
}
