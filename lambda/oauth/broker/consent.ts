/**
 * `POST /consent`: the user's decision. Accepted only from the browser the consent page was shown
 * to (binding cookie), with that page's CSRF token, once (the pending request is consumed by a
 * conditional delete). Deny returns `access_denied` to the client; Allow sends the browser to Cognito.
 */
import { OAuthError } from '../../shared/errors';
import type { HttpEvent, HttpResult } from '../../shared/http';
import { log } from '../../shared/logger';
import { countConsent } from '../../shared/metrics';
import type { OAuthDeps } from '../deps';
import type { PendingAuthorization } from './authorization-request';
import { bindingHash, csrfValid, readBinding } from './binding';
import { errorToClient } from './client-redirect';
import { resolveClient, type BrokerClient } from './clients';
import { rememberConsent, startUpstream } from './flow';
import { errorPage } from './html';
import { formBody, param } from './params';
import { consumeItem } from './store';

/** The fields of a stored pending authorization, without the item's key, TTL and binding. */
export function pendingFrom(item: PendingAuthorization): PendingAuthorization {
  const { clientId, redirectUri, state, scopes, codeChallenge, resource, nonce, prompt } = item;
  return { clientId, redirectUri, state, scopes, codeChallenge, resource, nonce, prompt };
}

/** The client of a pending item, or the page to show when it is gone (deleted meanwhile). */
export async function clientOrPage(deps: OAuthDeps, clientId: string): Promise<BrokerClient | HttpResult> {
  try {
    return await resolveClient(deps, clientId);
  } catch (err) {
    if (err instanceof OAuthError && err.statusCode < 500) return errorPage(400, err.errorCode, err.description);
    throw err;
  }
}

export async function postConsent(deps: OAuthDeps, event: HttpEvent): Promise<HttpResult> {
  let form: URLSearchParams;
  try {
    form = formBody(event);
  } catch (err) {
    if (err instanceof OAuthError) return errorPage(400, err.errorCode, err.description);
    throw err;
  }
  const requestId = param(form, 'request');
  const decision = param(form, 'decision');
  if (!requestId || (decision !== 'allow' && decision !== 'deny')) return errorPage(400, 'invalid_request', 'The consent form is incomplete.');

  const key = await deps.signingKey();
  const binding = readBinding(event, deps.config, key);
  if (!binding || !csrfValid(key, binding, requestId, param(form, 'csrf'))) {
    log.warn('consent refused: no binding cookie or a wrong CSRF token');
    return errorPage(403, 'access_denied', 'This answer did not come from the page shown in this browser. Start the sign-in again from your application.');
  }
  const item = await consumeItem<PendingAuthorization>(deps, 'consent', requestId, bindingHash(binding));
  if (!item) return errorPage(400, 'invalid_request', 'This consent page has expired or was already answered. Start the sign-in again from your application.');
  const pending = pendingFrom(item);
  const client = await clientOrPage(deps, pending.clientId);
  if (!('clientId' in client)) return client;

  countConsent(decision);
  if (decision === 'deny') return errorToClient(deps.config, client, pending.redirectUri, pending.state, 'access_denied', 'The user denied the request.');
  await rememberConsent(deps, binding, client, pending);
  return startUpstream(deps, client, pending, bindingHash(binding));
}
