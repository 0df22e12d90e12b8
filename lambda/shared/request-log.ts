import type { HttpEvent, HttpResult } from './http';
import { errorFields } from './logger';
import { putMetricGroups, type MetricGroup } from './metrics';

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

/**
 * Wraps a handler so that each request writes one access-log line for operators: method, path,
 * status, latency and API Gateway's request id (to match the stage's access log). Never headers,
 * query strings or bodies: they carry tokens, codes and secrets. The same line carries the
 * request's metrics (`metrics.ts`): `Requests` (count) by `Part`, `Route` (`routeOf`) and
 * `StatusClass` (`2xx`…`5xx`; a handler that throws counts as `5xx`), and `Latency` (ms) by `Part`
 * and `Route`.
 */
export function withRequestLog(
  part: string,
  handle: (event: HttpEvent) => Promise<HttpResult>,
  routeOf: (path: string) => string = () => OTHER_ROUTE,
): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    const started = performance.now();
    const fields = { part, method: event.requestContext?.http?.method, path: event.rawPath, requestId: event.requestContext?.requestId };
    const route = { Part: part, Route: routeOf(event.rawPath ?? '') };
    // Latency by route only: per status class too would double the metrics CloudWatch bills.
    const metrics = (status: number, ms: number): MetricGroup[] => [
      { metrics: [{ name: 'Requests', value: 1 }], dimensions: { ...route, StatusClass: statusClass(status) } },
      { metrics: [{ name: 'Latency', value: ms, unit: 'Milliseconds' }], dimensions: route },
    ];
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const result = await handle(event);
      const ms = elapsed();
      putMetricGroups('request', metrics(result.statusCode ?? 200, ms), { ...fields, status: result.statusCode, ms });
      return result;
    } catch (err) {
      const ms = elapsed();
      putMetricGroups('request failed', metrics(500, ms), { ...fields, ms, ...errorFields(err) }, 'error');
      throw err;
    }
  };
}
