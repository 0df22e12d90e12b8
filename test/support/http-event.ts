/** API Gateway HTTP API (payload 2.0) events for handler tests, shaped as API Gateway sends them. */
import { randomUUID } from 'node:crypto';
import type { HttpEvent } from '../../lambda/shared/http';

export interface HttpEventOptions {
  readonly headers?: Record<string, string>;
  /** Sent as is (already encoded text). */
  readonly body?: string;
  /** Base64-encode the body, as API Gateway does for binary media types. */
  readonly base64?: boolean;
  readonly sourceIp?: string;
  /** `requestContext.domainName`: the host the client addressed. */
  readonly domainName?: string;
}

export function httpEvent(method: string, path: string, options: HttpEventOptions = {}): HttpEvent {
  const headers = options.headers ?? {};
  const body = options.body !== undefined && options.base64 ? Buffer.from(options.body).toString('base64') : options.body;
  const domainName = options.domainName ?? 'localhost';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: Boolean(options.base64),
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  } as HttpEvent;
}
