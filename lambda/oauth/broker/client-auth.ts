/**
 * Who is calling the token or revocation endpoint (RFC 6749 §2.3.1): `client_secret_basic`,
 * `client_secret_post`, or a public client's `client_id` alone. The broker does not check secrets:
 * it passes them to Cognito, which does (the broker stores no client secret).
 */
import { OAuthError } from '../../shared/errors';
import { header, type HttpEvent } from '../../shared/http';
import { InvalidClientError } from './clients';
import { param } from './params';

export interface ClientCredentials {
  readonly clientId: string;
  readonly secret?: string;
  readonly method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="token"' };

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new InvalidClientError('The Authorization header is not valid client_secret_basic.', BASIC_CHALLENGE);
  }
}

function basic(value: string): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(value);
  if (!match) return undefined;
  const pair = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  if (colon < 1) throw new InvalidClientError('The Authorization header is not valid client_secret_basic.', BASIC_CHALLENGE);
  // RFC 6749 §2.3.1: both parts are form-urlencoded before Base64.
  return { clientId: decode(pair.slice(0, colon)), secret: decode(pair.slice(colon + 1)) };
}

export function clientCredentials(event: HttpEvent, form: URLSearchParams): ClientCredentials {
  const authorization = header(event, 'authorization');
  const fromHeader = authorization ? basic(authorization) : undefined;
  if (authorization && !fromHeader) throw new InvalidClientError('Only the Basic authentication scheme is supported here.', BASIC_CHALLENGE);
  const formId = param(form, 'client_id');
  const formSecret = param(form, 'client_secret');
  if (fromHeader) {
    // RFC 6749 §2.3: one authentication method per request.
    if (formSecret !== undefined) throw new OAuthError('invalid_request', 400, 'Send the client secret in the Authorization header or in the body, not both.');
    if (formId !== undefined && formId !== fromHeader.clientId) throw new OAuthError('invalid_request', 400, 'client_id differs from the client authenticated in the Authorization header.');
    return { clientId: fromHeader.clientId, secret: fromHeader.secret, method: 'client_secret_basic' };
  }
  if (!formId) throw new InvalidClientError('The request names no client: send client_id (public clients) or authenticate the client.');
  return formSecret !== undefined ? { clientId: formId, secret: formSecret, method: 'client_secret_post' } : { clientId: formId, method: 'none' };
}
