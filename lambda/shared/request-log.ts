import type { HttpEvent, HttpResult } from './http';
import { errorFields, log } from './logger';
import { putMetrics } from './metrics';

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
 * secrets. Then the request's metrics (`metrics.ts`, one EMF line, at every log level but silent):
 * `Requests` (count) and `Latency` (ms) by `Route` (`routeOf`) and `StatusClass` (`2xx`…`5xx`; a
 * handler that throws counts as `5xx`). The error itself goes on to the caller (Lambda), unchanged.
 */
export function requestLog(routeOf: (path: string) => string = () => OTHER_ROUTE) {
  // Keyed by middy's request object: one per invocation, also when the local stack runs several at once.
  const started = new WeakMap<LoggedRequest, Started>();
  const publish = (start: Started, status: number, ms: number) =>
    putMetrics(
      [
        { name: 'Requests', value: 1 },
        { name: 'Latency', value: ms, unit: 'Milliseconds' },
      ],
      { Route: start.route, StatusClass: statusClass(status) },
    );
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
      log.info('request', { ...start.fields, status: request.response?.statusCode, ms });
      publish(start, request.response?.statusCode ?? 200, ms);
    },
    onError(request: LoggedRequest): void {
      const start = started.get(request);
      if (!start) return;
      const ms = elapsed(start);
      log.error('request failed', { ...start.fields, ms, ...errorFields(request.error) });
      publish(start, 500, ms);
    },
  };
}
