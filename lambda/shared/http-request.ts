/**
 * Outbound HTTP(S) with node:http/https and keep-alive agents (JWKS, DynamoDB). Not `fetch`: its
 * dispatcher stack (undici Agent/Pool/Client) costs milliseconds to load on every cold start.
 *
 * node:http is taken with `process.getBuiltinModule`, not an `import`: an ES module import of a
 * built-in reads all of its exports, and node:http's include undici's WebSocket classes, so the
 * import loaded undici, about 45 ms of every cold start (CommonJS `require`, as Lambda's runtime
 * client uses, does not). test/integration/mcp/undici-free.test.ts checks that
 * the MCP bundle leaves undici unloaded.
 */
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequestRaw } from 'node:https';

const { Agent: HttpAgent, request: httpRequestRaw } = process.getBuiltinModule('node:http');

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
          ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
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
