/**
 * The request the MCP SDK is handed: the API Gateway event's method, URL and headers behind the
 * parts of the web `Request` interface the SDK reads, without building an undici `Request`.
 *
 * Why: an undici `Request` (URL parsing, a `Headers` filled name by name, an `AbortSignal`) was
 * about 6% of an authorized call in the profile, and the SDK then hangs an abort listener on the
 * signal of every request. Given `parsedBody`, the SDK reads only `method` and `headers.get()`
 * (entry classification, the 2026-07-28 standard headers, Accept and Content-Type on the
 * 2025-era transport) and checks `signal` for undefined; tools may read `ctx.http.req.headers`.
 * There is no body: the SDK gets the body parsed once and reads no other (mcp-server.ts).
 *
 * Maintainers upgrading the SDK: if it starts reading another member (`clone()`, `body`, `url`
 * parsing...), the MCP tests fail with a 500; add the member here, or go back to
 * a web `Request` built from the event (`new Request(url, { method, headers })`).
 */
import type { HttpEvent } from '../shared/http';
import { FetchHeaders } from './fetch-headers';

/** What the SDK gets as its `Request` (typed so, for its signatures). */
export interface SdkRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: FetchHeaders;
  /** No client abort on Lambda: API Gateway gives the function the whole request and waits. */
  readonly signal: undefined;
  readonly body: null;
}

export function sdkRequest(event: HttpEvent): Request {
  const host = event.requestContext.domainName || 'localhost';
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const request: SdkRequest = {
    method: event.requestContext.http.method.toUpperCase(),
    url: `https://${host}${event.rawPath}${query}`,
    headers: new FetchHeaders(event.headers),
    signal: undefined,
    body: null,
  };
  return request as unknown as Request;
}
