/**
 * The steps shared by the broker's endpoints: handing the browser to Cognito after consent, and
 * remembered consent (off unless `CONSENT_REMEMBER_SECONDS` > 0). Lifetimes of the pending state.
 */
import { randomBytes } from 'node:crypto';
import { header, type HttpEvent, type HttpResult } from '../../shared/http';
import type { OAuthDeps } from '../deps';
import type { PendingAuthorization } from './authorization-request';
import type { BrokerClient } from './clients';
import { getItem, putItem } from './store';
import { newVerifier } from './pkce';
import { allLoopback } from './redirect-match';
import { cognitoAuthorizeUrl } from './upstream';

/** How long the consent page stays usable. */
export const PENDING_CONSENT_TTL_SECONDS = 600;
/** How long a login at Cognito may take, from Allow to /callback. */
export const PENDING_AUTHORIZATION_TTL_SECONDS = 600;
/** Lifetime of a facade authorization code (RFC 6749 §4.1.2 recommends at most 10 minutes). */
export const CODE_TTL_SECONDS = 300;

/** An `authz#` item: the pending authorization after Allow, until /callback. */
export interface AuthorizationItem extends PendingAuthorization {
  readonly bindingHash: string;
  /** The broker's PKCE verifier for Cognito's code. */
  readonly upstreamVerifier: string;
}

/** Stores the pending authorization under a new single-use upstream `state` and sends the browser to Cognito. */
export async function startUpstream(deps: OAuthDeps, client: BrokerClient, pending: PendingAuthorization, bindingHash: string): Promise<HttpResult> {
  const upstreamState = randomBytes(32).toString('base64url');
  const upstreamVerifier = newVerifier();
  const item: AuthorizationItem = { ...pending, bindingHash, upstreamVerifier };
  await putItem(deps, 'authz', upstreamState, item, PENDING_AUTHORIZATION_TTL_SECONDS);
  const location = cognitoAuthorizeUrl(deps.config, client, pending, upstreamState, upstreamVerifier);
  return { statusCode: 302, headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }, body: '' };
}

/** Remembered consent is per browser binding, client and redirect URI (never per client alone). */
const rememberSecret = (binding: string, pending: PendingAuthorization) => [binding, pending.clientId, pending.redirectUri].join('\n');

/**
 * Whether consent to `client` may be remembered at all. Not for a CIMD client that can only return
 * to this computer: anyone can publish such a document under any name, its consent page carries a
 * warning to allow only a sign-in the user started just now, and any local program can both open
 * the browser at /authorize (a navigation the browser reports as `Sec-Fetch-Site: none`) and
 * listen on a loopback port (RFC 8252 §7.3: any port matches). Remembering would skip that warning.
 */
export function rememberable(client: BrokerClient): boolean {
  return !(client.kind === 'cimd' && allLoopback(client.redirectUris));
}

/**
 * W3C Fetch Metadata Request Headers: `Sec-Fetch-Site: none` is a navigation the user started
 * (address bar, bookmark, an application opening the browser), never one caused by another site. FastMCP GHSA-6x8h-498w-gv8c: a malicious MCP server, as an authorization server in
 * the middle, sends the user's browser from its own site to /authorize for a client the user once
 * allowed and rides the remembered consent. Any other value, or none at all (an old browser, a
 * non-browser), shows the page: fail closed.
 */
export function userInitiated(event: Pick<HttpEvent, 'headers'>): boolean {
  return header(event, 'sec-fetch-site') === 'none';
}

export async function rememberConsent(deps: OAuthDeps, binding: string, client: BrokerClient, pending: PendingAuthorization): Promise<void> {
  if (deps.config.consentRememberSeconds <= 0 || !rememberable(client)) return;
  await putItem(deps, 'remember', rememberSecret(binding, pending), { scopes: pending.scopes }, deps.config.consentRememberSeconds, true);
}

/**
 * True when this browser allowed this client and redirect URI at least these scopes within the
 * remembered time, the client may be remembered, and the user started this navigation.
 */
export async function consentRemembered(
  deps: OAuthDeps,
  event: Pick<HttpEvent, 'headers'>,
  binding: string | undefined,
  client: BrokerClient,
  pending: PendingAuthorization,
): Promise<boolean> {
  if (deps.config.consentRememberSeconds <= 0 || !binding || !rememberable(client) || !userInitiated(event)) return false;
  const item = await getItem<{ scopes: string[] }>(deps, 'remember', rememberSecret(binding, pending));
  return item !== undefined && pending.scopes.every((scope) => item.scopes.includes(scope));
}
