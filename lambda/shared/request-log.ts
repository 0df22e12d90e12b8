import type { HttpEvent, HttpResult } from './http';
import { errorFields, log } from './logger';

/**
 * Wraps a handler so that each request writes one access-log line for operators: method, path,
 * status, latency and API Gateway's request id (to match the stage's access log). Never headers,
 * query strings or bodies: they carry tokens, codes and secrets.
 */
export function withRequestLog(part: string, handle: (event: HttpEvent) => Promise<HttpResult>): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    const started = performance.now();
    const fields = { part, method: event.requestContext?.http?.method, path: event.rawPath, requestId: event.requestContext?.requestId };
    try {
      const result = await handle(event);
      log.info('request', { ...fields, status: result.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 });
      return result;
    } catch (err) {
      log.error('request failed', { ...fields, ...errorFields(err) });
      throw err;
    }
  };
}
