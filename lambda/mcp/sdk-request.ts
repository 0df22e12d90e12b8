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

/** Read-only, case-insensitive headers with the `Headers` read methods. */
export class EventHeaders {
  private readonly byName = new Map<string, string>();

  constructor(headers: Record<string, string | undefined> | undefined) {
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined) continue;
      const key = name.toLowerCase();
      const earlier = this.byName.get(key);
      // As `Headers.append`: repeated names are joined with ", " (API Gateway already joins them).
      this.byName.set(key, earlier === undefined ? value : `${earlier}, ${value}`);
    }
  }

  get(name: string): string | null {
    return this.byName.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  forEach(callback: (value: string, name: string, parent: EventHeaders) => void): void {
    for (const [name, value] of this.entries()) callback(value, name, this);
  }

  /** In name order, as `Headers` iterates. */
  *entries(): IterableIterator<[string, string]> {
    yield* [...this.byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** What the SDK gets as its `Request` (typed so, for its signatures). */
export interface SdkRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: EventHeaders;
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
    headers: new EventHeaders(event.headers),
    signal: undefined,
    body: null,
  };
  return request as unknown as Request;
}
