/**
 * `GET /authorize` (RFC 6749 §4.1.1): validate everything, then show the consent page. The browser
 * gets (or keeps) its signed binding cookie; the pending request is stored under a random request
 * id that only this page carries, bound to that cookie, for `PENDING_CONSENT_TTL_SECONDS`.
 */
import { randomBytes } from 'node:crypto';
import type { HttpEvent, HttpResult } from '../../shared/http';
import type { OAuthDeps } from '../deps';
import { checkAuthorizationRequest } from './authorization-request';
import { bindingCookie, bindingHash, csrfToken, newBinding, readBinding } from './binding';
import { consentPage } from './consent-page';
import { consentRemembered, PENDING_CONSENT_TTL_SECONDS, startUpstream } from './flow';
import { putItem } from './store';

export async function getAuthorize(deps: OAuthDeps, event: HttpEvent): Promise<HttpResult> {
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
