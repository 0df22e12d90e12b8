import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The event API Gateway HTTP APIs (payload format 2.0) hand to every handler; the local stack builds the same shape. */
export type HttpEvent = APIGatewayProxyEventV2;
/** What every handler returns. */
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type Headers = Record<string, string>;

/** Largest request body any endpoint reads, in bytes. API Gateway allows 10 MB; nothing here needs more than this. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Case-insensitive header lookup (API Gateway lowercases names, the local stack and tests may not); surrounding whitespace is dropped. */
export function header(event: Pick<HttpEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value.trim();
  }
  return undefined;
}

/** The request method, upper-case. */
export function method(event: HttpEvent): string {
  return event.requestContext.http.method.toUpperCase();
}

/** The request body as text (API Gateway base64-encodes binary bodies). */
export function bodyText(event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Size of the body in bytes as it arrived. */
export function bodyBytes(event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): number {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body, 'utf8');
}

/** The media type of the request without parameters, lower-case (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(event: Pick<HttpEvent, 'headers'>): string | undefined {
  return header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
}

/** Caller's address and user agent as API Gateway saw them, for audit records and rate limits. */
export function caller(event: HttpEvent): { sourceIp: string; userAgent: string } {
  return {
    sourceIp: event.requestContext.http.sourceIp ?? 'unknown',
    userAgent: (header(event, 'user-agent') ?? '').slice(0, 256),
  };
}

/** A JSON response. `Cache-Control: no-store` unless the caller sets another (RFC 6749 §5.1 for anything carrying credentials). */
export function json(statusCode: number, body: unknown, headers: Headers = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** A response with no body (204, 405). */
export function empty(statusCode: number, headers: Headers = {}): HttpResult {
  return { statusCode, headers: { 'cache-control': 'no-store', ...headers }, body: '' };
}
