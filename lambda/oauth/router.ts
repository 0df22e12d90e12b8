/**
 * Routes a request on `rawPath` + method to one endpoint module (docs/contracts.md). Unknown paths
 * answer 404 JSON (never HTML: it breaks discovery), wrong methods 405 with `Allow`, and anything
 * thrown is turned into an RFC-format error in one place (`toOAuthResponse`).
 */
import { MethodNotAllowedError, NotFoundError } from '../shared/errors';
import { empty, method, type HttpEvent, type HttpResult } from '../shared/http';
import { toOAuthResponse } from '../shared/oauth-response';
import type { OAuthDeps } from './deps';
import { CORS_HEADERS, preflightHeaders } from './http-common';
import { deleteRegistrationRoute, getRegistrationRoute, putRegistrationRoute } from './manage';
import { postRegister } from './register';
import { getAuthorizationServerMetadata, getOpenIdConfiguration } from './well-known';

type Endpoint = (deps: OAuthDeps, event: HttpEvent, param: string) => Promise<HttpResult>;

interface Route {
  readonly match: (path: string) => string | undefined;
  readonly methods: Readonly<Record<string, Endpoint>>;
}

const exact = (wanted: string) => (path: string) => (path === wanted ? '' : undefined);

const ROUTES: readonly Route[] = [
  { match: exact('/.well-known/oauth-authorization-server'), methods: { GET: getAuthorizationServerMetadata } },
  { match: exact('/.well-known/openid-configuration'), methods: { GET: getOpenIdConfiguration } },
  { match: exact('/register'), methods: { POST: postRegister } },
  {
    match: (path) => /^\/register\/([^/]+)$/.exec(path)?.[1],
    methods: { GET: getRegistrationRoute, PUT: putRegistrationRoute, DELETE: deleteRegistrationRoute },
  },
];

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function route(deps: OAuthDeps, event: HttpEvent): Promise<HttpResult> {
  const path = event.rawPath.length > 1 ? event.rawPath.replace(/\/+$/, '') : event.rawPath;
  const verb = method(event);
  for (const candidate of ROUTES) {
    const param = candidate.match(path);
    if (param === undefined) continue;
    const allow = Object.keys(candidate.methods);
    if (verb === 'OPTIONS') return empty(204, preflightHeaders(allow));
    const endpoint = candidate.methods[verb];
    if (!endpoint) throw new MethodNotAllowedError([...allow, 'OPTIONS']);
    return endpoint(deps, event, decoded(param));
  }
  throw new NotFoundError(`No such endpoint: ${path.slice(0, 200)}`);
}

/** The facade's Lambda handler for the given dependencies (the entry module passes its module-scope ones). */
export function createHandler(deps: OAuthDeps): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    let result: HttpResult;
    try {
      result = await route(deps, event);
    } catch (err) {
      result = toOAuthResponse(err, { path: event.rawPath, method: event.requestContext?.http?.method });
    }
    return { ...result, headers: { ...CORS_HEADERS, ...(result.headers as Record<string, string>) } };
  };
}
