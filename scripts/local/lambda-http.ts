/**
 * Serves Lambda handlers over plain HTTP the way API Gateway HTTP APIs (payload format 2.0) do:
 * each request becomes the same event Lambda receives, each result becomes the response.
 * Used by the local stack, the tests and the benchmarks, so handlers run unchanged.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../../lambda/shared/http';

export type LambdaHandler = (event: HttpEvent) => Promise<HttpResult>;

/** API Gateway's payload limit; larger bodies get 413 before any handler runs, as on AWS. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|[\w.+-]*\+json)|text\/)/i;

/** Builds the HTTP API v2 event for a request, as API Gateway would. */
export function toEvent(req: IncomingMessage, body: Buffer, routeKey = '$default'): HttpEvent {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...(Array.isArray(value) ? value : value.split(/;\s*/)));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) queryStringParameters[key] = queryStringParameters[key] ? `${queryStringParameters[key]},${value}` : value;
  const isText = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: cookies.length ? cookies : undefined,
    headers,
    queryStringParameters: url.search ? queryStringParameters : undefined,
    body: body.length ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
  } as HttpEvent;
}

/** The Lambda context the runtime would pass, for a function named `functionName` serving `event`. */
export function localContext(functionName: string, event: Partial<HttpEvent> = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: event.requestContext?.requestId ?? 'local',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Writes a handler's result as an HTTP response. */
export function writeResult(res: ServerResponse, result: HttpResult): void {
  const headers: Record<string, string | string[]> = { ...((result.headers ?? {}) as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  const body = result.body ?? '';
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/** Handles one request with `handler`, answering 500 (as API Gateway does) if the handler throws. */
export async function serveWith(handler: LambdaHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (body === 'too-large') {
    writeResult(res, { statusCode: 413, headers: { 'content-type': 'application/json' }, body: '{"message":"Request Entity Too Large"}' });
    return;
  }
  try {
    writeResult(res, await handler(toEvent(req, body)));
  } catch (err) {
    process.stderr.write(`handler threw: ${(err as Error).stack ?? String(err)}\n`);
    writeResult(res, { statusCode: 500, headers: { 'content-type': 'application/json' }, body: '{"message":"Internal Server Error"}' });
  }
}

/** A node:http server that sends every request to `handler` (for tests and benchmarks). */
export function lambdaServer(handler: LambdaHandler): Server {
  return createServer((req, res) => void serveWith(handler, req, res));
}

/** A Lambda handler module's `handler` as the local stack calls handlers: each call with its own context, as Lambda passes it. */
export function withLocalContext(handler: (event: HttpEvent, context: Context) => Promise<HttpResult>, functionName: string): LambdaHandler {
  return (event) => handler(event, localContext(functionName, event));
}
