/**
 * The steps shared by the broker's endpoints: handing the browser to Cognito after consent, and
 * remembered consent (off unless `CONSENT_REMEMBER_SECONDS` > 0). Lifetimes of the pending state.
 */
import { randomBytes } from 'node:crypto';
import type { HttpResult } from '../../shared/http';
import type { OAuthDeps } from '../deps';
import type { PendingAuthorization } from './authorization-request';
import type { BrokerClient } from './clients';
import { getItem, putItem } from './store';
import { newVerifier } from './pkce';
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

export async function rememberConsent(deps: OAuthDeps, binding: string, pending: PendingAuthorization): Promise<void> {
  if (deps.config.consentRememberSeconds <= 0) return;
  await putItem(deps, 'remember', rememberSecret(binding, pending), { scopes: pending.scopes }, deps.config.consentRememberSeconds, true);
}

/** True when this browser allowed this client and redirect URI at least these scopes, within the remembered time. */
export async function consentRemembered(deps: OAuthDeps, binding: string | undefined, pending: PendingAuthorization): Promise<boolean> {
  if (deps.config.consentRememberSeconds <= 0 || !binding) return false;
  const item = await getItem<{ scopes: string[] }>(deps, 'remember', rememberSecret(binding, pending));
  return item !== undefined && pending.scopes.every((scope) => item.scopes.includes(scope));
}
