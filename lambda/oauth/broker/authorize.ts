/**
 * `GET /authorize` (RFC 6749 §4.1.1): validate everything, then show the consent page. The browser
 * gets (or keeps) its signed binding cookie; the pending request is stored under a random request
 * id that only this page carries, bound to that cookie, for `PENDING_CONSENT_TTL_SECONDS`.
 * Every request first spends the source IP's authorization budget (`AUTHORIZE_RATE_LIMIT`), so
 * pending items cannot be written without bound.
 */
import { randomBytes } from 'node:crypto';
import { caller, type HttpEvent, type HttpResult } from '../../shared/http';
import type { OAuthDeps } from '../deps';
import { AUTHORIZE_RATE_LIMIT, consumeAuthorizeQuota } from '../rate-limit';
import { checkAuthorizationRequest } from './authorization-request';
import { bindingCookie, bindingHash, csrfToken, newBinding, readBinding } from './binding';
import { consentPage } from './consent-page';
import { consentRemembered, PENDING_CONSENT_TTL_SECONDS, startUpstream } from './flow';
import { errorPage } from './html';
import { putItem } from './store';

/**
 * Over budget: a page (429, `Retry-After`), never a redirect. The check comes before the client is
 * resolved (it also bounds CIMD fetches), so there is no validated redirect URI to send an error
 * to (RFC 6749 §4.1.2.1), and a person in the browser reads why.
 */
async function overBudget(deps: OAuthDeps, event: HttpEvent): Promise<HttpResult | undefined> {
  const retryAfter = await consumeAuthorizeQuota(deps.ddb, deps.config.registrationsTable, caller(event).sourceIp, deps.now());
  if (retryAfter === undefined) return undefined;
  const minutes = Math.round(AUTHORIZE_RATE_LIMIT.windowSeconds / 60);
  const page = errorPage(429, 'temporarily_unavailable', `Too many sign-in attempts from your network address (at most ${AUTHORIZE_RATE_LIMIT.limit} in ${minutes} minutes). Wait a few minutes.`);
  return { ...page, headers: { ...page.headers, 'retry-after': String(Math.max(1, retryAfter)) } };
}

export async function getAuthorize(deps: OAuthDeps, event: HttpEvent): Promise<HttpResult> {
  const limited = await overBudget(deps, event);
  if (limited) return limited;
  const checked = await checkAuthorizationRequest(deps, new URLSearchParams(event.rawQueryString ?? ''));
  if ('response' in checked) return checked.response;
  const { client, ok: pending } = checked;

  const key = await deps.signingKey();
  const existing = readBinding(event, deps.config, key);
  const binding = existing ?? newBinding();
  const cookies = [bindingCookie(deps.config, key, binding)];
  if (await consentRemembered(deps, event, existing, client, pending)) {
    return { ...(await startUpstream(deps, client, pending, bindingHash(binding))), cookies };
  }
  const requestId = randomBytes(32).toString('base64url');
  await putItem(deps, 'consent', requestId, { ...pending, bindingHash: bindingHash(binding) }, PENDING_CONSENT_TTL_SECONDS);
  return consentPage(deps.config, { client, pending, requestId, csrf: csrfToken(key, binding, requestId), cookies });
}
