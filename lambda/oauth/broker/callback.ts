/**
 * `GET /callback`: Cognito's answer. The upstream `state` is consumed once, and only by the browser
 * that consented (binding cookie); another browser gets a page and no code. Cognito's code is
 * sealed under a new one-time facade code, which goes to the client's redirect URI with the
 * client's `state` and exactly one `iss` (RFC 9207). Upstream errors are relayed the same way.
 */
import type { HttpEvent, HttpResult } from '../../shared/http';
import { log } from '../../shared/logger';
import { countLogin } from '../../shared/metrics';
import { newOpaqueToken } from '../../shared/tokens';
import type { OAuthDeps } from '../deps';
import { bindingHash, readBinding } from './binding';
import { errorToClient, redirectToClient, safeErrorCode, safeErrorDescription } from './client-redirect';
import { clientOrPage, pendingFrom } from './consent';
import { CODE_TTL_SECONDS, type AuthorizationItem } from './flow';
import { errorPage } from './html';
import { param, repeated } from './params';
import { seal } from './seal';
import { putItem, consumeItem } from './store';

/** A `code#` item: what the token endpoint checks before redeeming the sealed upstream code. */
export interface CodeItem {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly resource?: string;
  readonly scopes: readonly string[];
  /** Cognito's code and the broker's verifier, sealed under the facade code (`seal.ts`). */
  readonly sealed: string;
}

const NOT_THIS_BROWSER =
  'This sign-in cannot be completed in this browser: it was started in another browser, has expired, or was already completed. Start the sign-in again from your application.';

export async function getCallback(deps: OAuthDeps, event: HttpEvent): Promise<HttpResult> {
  const query = new URLSearchParams(event.rawQueryString ?? '');
  if (repeated(query).length) return errorPage(400, 'invalid_request', 'The sign-in service answered with repeated parameters.');
  const state = param(query, 'state');
  if (!state) return errorPage(400, 'invalid_request', 'The sign-in service answered without state.');
  const key = await deps.signingKey();
  const binding = readBinding(event, deps.config, key);
  const item = binding ? await consumeItem<AuthorizationItem>(deps, 'authz', state, bindingHash(binding)) : undefined;
  if (!item) {
    log.warn('callback refused: unknown, expired or used state, or another browser', { hadBindingCookie: binding !== undefined });
    return errorPage(400, 'access_denied', NOT_THIS_BROWSER);
  }
  const pending = pendingFrom(item);
  const client = await clientOrPage(deps, pending.clientId);
  if (!('clientId' in client)) return client;

  const upstreamError = param(query, 'error');
  const upstreamCode = param(query, 'code');
  if (upstreamError || !upstreamCode) {
    const error = upstreamError ? safeErrorCode(upstreamError) : 'server_error';
    const description = upstreamError ? safeErrorDescription(param(query, 'error_description')) : 'The sign-in service returned no code.';
    return errorToClient(deps.config, client, pending.redirectUri, pending.state, error, description);
  }
  const code = newOpaqueToken(32);
  const codeItem: CodeItem = {
    clientId: pending.clientId,
    redirectUri: pending.redirectUri,
    codeChallenge: pending.codeChallenge,
    resource: pending.resource,
    scopes: pending.scopes,
    sealed: seal(code, { code: upstreamCode, verifier: item.upstreamVerifier }),
  };
  await putItem(deps, 'code', code, codeItem, CODE_TTL_SECONDS);
  countLogin();
  return redirectToClient(deps.config, client, pending.redirectUri, { code, state: pending.state });
}
