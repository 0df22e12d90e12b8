/**
 * Outbound HTTP(S) with node:http/https and keep-alive agents (JWKS, DynamoDB, Cognito's token and
 * revocation endpoints). Not `fetch`: it loads undici, about 45 ms of a cold start (and in the
 * bundles, `node:http` is node-http.ts).
 */
import { Agent as HttpAgent, request as httpRequestRaw, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequestRaw } from 'node:https';

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

export interface OutboundRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
}

export interface OutboundResponse {
  readonly status: number;
  /** Names lower-case, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request; rejects on network errors and on timeout (whole exchange). */
export function httpRequest(url: URL, options: OutboundRequest): Promise<OutboundResponse> {
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequestRaw : httpRequestRaw;
  return new Promise((ok, fail) => {
    const req = send(
      url,
      {
        method: options.method ?? 'GET',
        headers: { ...options.headers, ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) },
        agent: secure ? httpsAgent : httpAgent,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', fail);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`timeout after ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    req.end(options.body);
  });
}
