/**
 * Every redirect back to a client goes through here: the redirect URI is checked against the
 * client's registered ones again (it may have changed since /authorize, and no path of the code
 * should trust an earlier check), and `iss` is set exactly once (RFC 9207 §2), replacing any `iss`
 * a registered URI's query may carry, as `code`, `state` and `error` are.
 */
import type { HttpResult } from '../../shared/http';
import type { OAuthConfig } from '../config';
import type { BrokerClient } from './clients';
import { errorPage } from './html';
import { matchRedirectUri } from './redirect-match';

/** RFC 6749 §4.1.2.1: `error` and `error_description` are limited to these characters. */
const ERROR_CHARS = /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,200}$/;

/** An upstream error code fit to relay, else `server_error`. */
export function safeErrorCode(value: string | undefined): string {
  return value && /^[a-z_]{1,64}$/.test(value) ? value : 'server_error';
}

/** An upstream error description fit to relay, else undefined. */
export function safeErrorDescription(value: string | undefined): string | undefined {
  return value && ERROR_CHARS.test(value) ? value : undefined;
}

export function redirectToClient(
  config: Pick<OAuthConfig, 'issuerUrl'>,
  client: BrokerClient,
  redirectUri: string,
  params: Record<string, string | undefined>,
): HttpResult {
  if (!matchRedirectUri(client.redirectUris, redirectUri)) {
    return errorPage(400, 'invalid_request', 'The redirect URI is no longer registered for this client, so the sign-in cannot return to it.');
  }
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    url.searchParams.delete(name);
    if (value !== undefined) url.searchParams.set(name, value);
  }
  url.searchParams.set('iss', config.issuerUrl);
  return { statusCode: 302, headers: { location: url.toString(), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }, body: '' };
}

/** An error response to the client (RFC 6749 §4.1.2.1), with its `state`. */
export function errorToClient(
  config: Pick<OAuthConfig, 'issuerUrl'>,
  client: BrokerClient,
  redirectUri: string,
  state: string | undefined,
  error: string,
  description?: string,
): HttpResult {
  return redirectToClient(config, client, redirectUri, { error, error_description: description, state });
}
