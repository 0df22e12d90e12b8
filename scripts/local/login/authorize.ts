/**
 * `/oauth2/authorize`, standing in for Cognito's hosted login: GET shows the login form, POST
 * checks the password and redirects back with a code (RFC 6749 §4.1, RFC 7636, RFC 8707).
 * Consent: the user's login grants the requested scopes, as Cognito has no consent page. A scope the
 * app client is not allowed fails the whole request with `invalid_scope`, as on Cognito.
 */
import type { HttpEvent, HttpResult } from '../../../lambda/shared/http';
import { bodyText, method } from '../../../lambda/shared/http';
import type { CodeStore } from './codes';
import type { CognitoDirectory, LoginClient, LoginUser } from './directory';
import { errorPage, loginPage } from './page';
import { csrfMatches, newCsrfToken } from './csrf';
// RFC 7636 is the same on both sides: one module checks challenges and verifiers.
import { isS256Challenge } from '../../../lambda/oauth/broker/pkce';
import type { SessionStore } from './sessions';

export interface AuthorizeDeps {
  readonly directory: CognitoDirectory;
  readonly codes: CodeStore;
  readonly sessions: SessionStore;
  /**
   * Where the browser goes after `redirectUri`, when that is a relay (the broker's /callback): its
   * origin joins the login page's `form-action` (broker-relay.ts). @default none
   */
  readonly onwardRedirect?: (redirectUri: string, state: string | undefined) => Promise<string | undefined>;
  /** The MCP server's canonical URL: the only `resource` this authorization server knows. */
  readonly resourceUrl: string;
  readonly now?: () => number;
}

/** A validated authorization request. */
interface AuthorizationRequest {
  readonly client: LoginClient;
  readonly redirectUri: string;
  readonly state?: string;
  readonly scopes: string[];
  readonly codeChallenge?: string;
  readonly resource?: string;
  readonly nonce?: string;
  /** `prompt=login`: show the form even within a session (OIDC Core §3.1.2.1). */
  readonly forceLogin: boolean;
}

type Checked = { ok: AuthorizationRequest } | { page: HttpResult } | { redirect: HttpResult };

function redirectTo(redirectUri: string, params: Record<string, string | undefined>): HttpResult {
  const url = new URL(redirectUri);
  // RFC 9207 `iss` is not sent: the facade's metadata does not advertise it.
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return { statusCode: 302, headers: { location: url.toString(), 'cache-control': 'no-store' }, body: '' };
}

async function check(query: URLSearchParams, deps: AuthorizeDeps): Promise<Checked> {
  const single = (name: string) => (query.getAll(name).length > 1 ? null : (query.get(name) ?? undefined));
  const clientId = single('client_id');
  const redirectUri = single('redirect_uri');
  // RFC 6749 §4.1.2.1: problems with the client or the redirect URI are shown, never redirected.
  if (!clientId) return { page: errorPage(400, 'invalid_request', 'The request has no client_id.') };
  const client = await deps.directory.client(clientId);
  if (!client) return { page: errorPage(400, 'invalid_client', 'No app client has this client_id.') };
  if (!redirectUri) return { page: errorPage(400, 'invalid_request', 'The request has no redirect_uri.') };
  // Cognito matches callback URLs exactly, port included.
  if (!client.callbackUrls.includes(redirectUri)) return { page: errorPage(400, 'redirect_mismatch', 'redirect_uri is not one of the client\'s callback URLs.') };

  const state = single('state') ?? undefined;
  const fail = (error: string, description: string): Checked => ({ redirect: redirectTo(redirectUri, { error, error_description: description, state }) });
  for (const name of ['response_type', 'scope', 'code_challenge', 'code_challenge_method', 'resource', 'state', 'nonce', 'prompt']) {
    if (query.getAll(name).length > 1) return fail('invalid_request', `${name} appears more than once.`);
  }
  if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
  if (!client.allowsCodeFlow) return fail('unauthorized_client', 'The client may not use the authorization code grant.');

  const codeChallenge = query.get('code_challenge') ?? undefined;
  const challengeMethod = query.get('code_challenge_method') ?? undefined;
  if (codeChallenge || challengeMethod) {
    if (challengeMethod !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');
    if (!codeChallenge || !isS256Challenge(codeChallenge)) return fail('invalid_request', 'code_challenge is not a valid S256 challenge.');
  } else if (!client.clientSecret) {
    // OAuth 2.1 §7.5.1 and MCP: public clients must use PKCE (Cognito cannot enforce this; the local stack does).
    return fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256.');
  }

  const resource = query.get('resource') ?? undefined;
  // RFC 8707 §2: a resource this server does not know is invalid_target (Cognito: no matching resource server).
  if (resource !== undefined && resource !== deps.resourceUrl) return fail('invalid_target', 'resource does not name a resource server of this authorization server.');

  const requested = [...new Set((query.get('scope') ?? '').split(' ').filter(Boolean))];
  // Like Cognito, a request for any scope the app client does not allow fails as a whole: nothing is
  // silently dropped, so a client that logs in here also logs in on AWS (RFC 6749 §4.1.2.1 invalid_scope).
  const refused = requested.filter((s) => !client.allowedScopes.includes(s));
  if (refused.length) return fail('invalid_scope', `The client may not request ${refused.join(' ')}.`);
  // No scope asked for: every allowed scope (Cognito).
  const scopes = requested.length ? requested : [...client.allowedScopes];
  if (scopes.length === 0) return fail('invalid_scope', 'The client has no allowed scopes.');
  return { ok: { client, redirectUri, state, scopes, codeChallenge, resource, nonce: query.get('nonce') ?? undefined, forceLogin: query.get('prompt') === 'login' } };
}

export async function authorize(event: HttpEvent, deps: AuthorizeDeps): Promise<HttpResult> {
  const verb = method(event);
  if (verb !== 'GET' && verb !== 'POST') return errorPage(405, 'invalid_request', 'Use GET or POST.');
  const query = new URLSearchParams(event.rawQueryString ?? '');
  const checked = await check(query, deps);
  if ('page' in checked) return checked.page;
  if ('redirect' in checked) return checked.redirect;
  const request = checked.ok;
  const action = `${event.rawPath}?${event.rawQueryString ?? ''}`;
  // Every page carries a fresh CSRF token in its form and in a cookie (csrf.ts).
  const page = async (status: number, error?: string): Promise<HttpResult> => {
    const csrf = newCsrfToken();
    const onward = await deps.onwardRedirect?.(request.redirectUri, request.state);
    const formTargets = onward ? [request.redirectUri, onward] : [request.redirectUri];
    const shown = loginPage({ action, formTargets, clientId: request.client.clientId, scopes: request.scopes, csrfToken: csrf.token, error, status });
    return { ...shown, cookies: [csrf.cookie] };
  };
  if (verb === 'GET') {
    // Within a managed-login session the user is not asked again (Cognito's session cookie).
    const session = request.forceLogin ? undefined : deps.sessions.find(event.cookies);
    if (session) return issueCode(request, session.user, session.authTime, deps);
    return await page(200);
  }

  const form = new URLSearchParams(bodyText(event));
  // Before the password is looked at: a forged or stale form changes nothing (no attempt, session or code).
  if (!csrfMatches(form, event.cookies)) return await page(403, 'This sign-in form expired or did not come from this page. Sign in again.');
  const user = await deps.directory.checkPassword(form.get('username')?.trim() ?? '', form.get('password') ?? '');
  if (!user) return await page(401, 'Incorrect username or password.');
  const authTime = Math.floor((deps.now?.() ?? Date.now()) / 1000);
  const result = issueCode(request, user, authTime, deps);
  return { ...result, cookies: [deps.sessions.start(user, authTime)] };
}

function issueCode(request: AuthorizationRequest, user: LoginUser, authTime: number, deps: AuthorizeDeps): HttpResult {
  const code = deps.codes.issue({
    clientId: request.client.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scope: request.scopes.join(' '),
    resource: request.resource,
    sub: user.sub,
    username: user.username,
    email: user.email,
    authTime,
    nonce: request.nonce,
  });
  return redirectTo(request.redirectUri, { code, state: request.state });
}
