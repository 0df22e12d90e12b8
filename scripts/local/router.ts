/**
 * One local HTTP server for every endpoint, as API Gateway routes them on AWS: each path goes to
 * the Lambda handler that owns it (docs/contracts.md), the login stand-in, or a 404.
 * Logs one line per request (method, path, status, ms): never the query string, headers or
 * bodies, which carry codes and tokens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, type HttpEvent, type HttpResult } from '../../lambda/shared/http';
import { serveWith, type LambdaHandler } from './lambda-http';
import { LOGIN_PATHS } from './login';

export interface Handlers {
  readonly mcp: LambdaHandler;
  readonly oauth: LambdaHandler;
  /** The login stand-in, wrapped with `withCors`. */
  readonly login: LambdaHandler;
}

/** Which handler serves `path`, by the same rules as the API Gateway routes. */
export function routeFor(path: string): keyof Handlers | undefined {
  if (path === '/mcp' || path === '/.well-known/oauth-protected-resource' || path.startsWith('/.well-known/oauth-protected-resource/')) return 'mcp';
  if (path === '/.well-known/oauth-authorization-server') return 'oauth';
  if (path === '/register' || path.startsWith('/register/')) return 'oauth';
  // The authorization broker (lambda/oauth/broker/).
  if (['/authorize', '/consent', '/callback', '/token', '/revoke'].includes(path)) return 'oauth';
  if ((LOGIN_PATHS as readonly string[]).includes(path)) return 'login';
  return undefined;
}

/**
 * Cognito's token, revocation, userInfo and JWKS endpoints answer browsers (SPAs, MCP Inspector)
 * with CORS; the login page itself is a navigation and needs none.
 */
export function withCors(login: LambdaHandler): LambdaHandler {
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization, content-type', 'access-control-allow-methods': 'GET, POST, OPTIONS' };
  return async (event: HttpEvent): Promise<HttpResult> => {
    if (event.rawPath === '/oauth2/authorize') return login(event);
    if (event.requestContext.http.method === 'OPTIONS') return { statusCode: 204, headers: { ...cors, 'access-control-max-age': '600' }, body: '' };
    const result = await login(event);
    return { ...result, headers: { ...(result.headers ?? {}), ...cors } };
  };
}

const notFound: LambdaHandler = async () => json(404, { error: 'not_found', error_description: 'No such endpoint.' });

/** A request listener for node:http; `handlers` may be swapped in later (the server starts before them). */
export function createRouter(getHandlers: () => Handlers | undefined, log: (line: string) => void) {
  const starting: LambdaHandler = async () => json(503, { error: 'temporarily_unavailable', error_description: 'The local stack is starting.' }, { 'retry-after': '1' });
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${req.method} ${path} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    const handlers = getHandlers();
    const route = routeFor(path);
    void serveWith(!handlers ? starting : route ? handlers[route] : notFound, req, res);
  };
}
