/**
 * Routes a request on `rawPath` + method to one endpoint module (docs/contracts.md). Unknown paths
 * answer 404 JSON (never HTML: it breaks discovery), wrong methods 405 with `Allow`, and anything
 * thrown is turned into an RFC-format error in one place (`toOAuthResponse`).
 */
import { MethodNotAllowedError, NotFoundError } from '../shared/errors';
import { empty, method, type HttpEvent, type HttpResult } from '../shared/http';
import { toOAuthResponse } from '../shared/oauth-response';
import type { OAuthDeps } from './deps';
import { getAuthorize } from './broker/authorize';
import { getCallback } from './broker/callback';
import { postConsent } from './broker/consent';
import { postRevoke } from './broker/revoke';
import { postToken } from './broker/token';
import { CORS_HEADERS, preflightHeaders } from './http-common';
import { deleteRegistrationRoute, getRegistrationRoute, putRegistrationRoute } from './manage';
import { postRegister } from './register';
import { getAuthorizationServerMetadata } from './well-known';

type Endpoint = (deps: OAuthDeps, event: HttpEvent, param: string) => Promise<HttpResult>;

interface Route {
  readonly match: (path: string) => string | undefined;
  readonly methods: Readonly<Record<string, Endpoint>>;
  /**
   * A page the browser navigates to (the broker's /authorize, /consent, /callback): no CORS headers
   * and no preflight, so no other origin can read a consent page (and its CSRF token) with fetch.
   */
  readonly page?: boolean;
}

const exact = (wanted: string) => (path: string) => (path === wanted ? '' : undefined);

const ROUTES: readonly Route[] = [
  { match: exact('/.well-known/oauth-authorization-server'), methods: { GET: getAuthorizationServerMetadata } },
  // No /.well-known/openid-configuration: Cognito's ID tokens carry the user pool's issuer, not this
  // one, so an OIDC discovery document here would lie (issue 12.16); unknown paths answer 404 JSON.
  { match: exact('/register'), methods: { POST: postRegister } },
  { match: exact('/authorize'), methods: { GET: getAuthorize }, page: true },
  { match: exact('/consent'), methods: { POST: postConsent }, page: true },
  { match: exact('/callback'), methods: { GET: getCallback }, page: true },
  { match: exact('/token'), methods: { POST: postToken } },
  { match: exact('/revoke'), methods: { POST: postRevoke } },
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

function findRoute(event: HttpEvent): { route: Route; param: string } | undefined {
  const path = event.rawPath.length > 1 ? event.rawPath.replace(/\/+$/, '') : event.rawPath;
  for (const route of ROUTES) {
    const param = route.match(path);
    if (param !== undefined) return { route, param };
  }
  return undefined;
}

async function route(deps: OAuthDeps, event: HttpEvent, found: { route: Route; param: string } | undefined): Promise<HttpResult> {
  if (!found) throw new NotFoundError(`No such endpoint: ${event.rawPath.slice(0, 200)}`);
  const verb = method(event);
  const allow = Object.keys(found.route.methods);
  if (verb === 'OPTIONS' && !found.route.page) return empty(204, preflightHeaders(allow));
  const endpoint = found.route.methods[verb];
  if (!endpoint) throw new MethodNotAllowedError(found.route.page ? allow : [...allow, 'OPTIONS']);
  return endpoint(deps, event, decoded(found.param));
}

/** The facade's Lambda handler for the given dependencies (the entry module passes its module-scope ones). */
export function createHandler(deps: OAuthDeps): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    const found = findRoute(event);
    let result: HttpResult;
    try {
      result = await route(deps, event, found);
    } catch (err) {
      result = toOAuthResponse(err, { path: event.rawPath, method: event.requestContext?.http?.method });
    }
    if (found?.route.page) return result;
    return { ...result, headers: { ...CORS_HEADERS, ...(result.headers as Record<string, string>) } };
  };
}
