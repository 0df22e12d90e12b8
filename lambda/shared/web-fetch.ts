/**
 * API Gateway events to web-standard `Request`s and `Response`s back, for handlers built on
 * fetch-shaped libraries (the MCP SDK v2's `createMcpHandler`).
 */
import type { HttpEvent, HttpResult } from './http';

/** A `Request` for the event, with `body` as given (already decoded) and the event's headers. */
export function toWebRequest(event: HttpEvent, body: string | undefined): Request {
  const host = event.requestContext.domainName || 'localhost';
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(name, value);
  const method = event.requestContext.http.method.toUpperCase();
  return new Request(`https://${host}${event.rawPath}${query}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  });
}

/** The result API Gateway writes for a `Response` (the body is read whole: no streaming). */
export async function fromWebResponse(response: Response, extraHeaders: Record<string, string> = {}): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { statusCode: response.status, headers: { ...headers, ...extraHeaders }, body: await response.text() };
}
