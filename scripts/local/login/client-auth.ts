/**
 * Who is calling the token and revocation endpoints (RFC 6749 §2.3): confidential clients by
 * `client_secret_basic` or `client_secret_post`, public clients by `client_id` alone.
 */
import { OAuthError } from '../../../lambda/shared/errors';
import { header, type HttpEvent } from '../../../lambda/shared/http';
import { sameText } from '../../../lambda/shared/tokens';
import type { CognitoDirectory, LoginClient } from './directory';

/** RFC 6749 §5.2: invalid_client is 401, with a Basic challenge when the client tried Basic. */
export function invalidClient(description: string, usedBasic: boolean): OAuthError {
  return new OAuthError('invalid_client', 401, description, usedBasic ? { 'www-authenticate': 'Basic realm="token"' } : {});
}


export async function authenticateClient(event: HttpEvent, form: URLSearchParams, directory: CognitoDirectory): Promise<LoginClient> {
  const authorization = header(event, 'authorization');
  let clientId = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  const usedBasic = /^basic /i.test(authorization ?? '');
  if (usedBasic) {
    const decoded = Buffer.from(authorization!.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidClient('Malformed Basic credentials.', true);
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    const basicId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const basicSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    if (clientId && clientId !== basicId) throw invalidClient('client_id does not match the Basic credentials.', true);
    if (secret) throw new OAuthError('invalid_request', 400, 'Use one client authentication method, not two.');
    clientId = basicId;
    secret = basicSecret;
  }
  if (!clientId) throw invalidClient('Client authentication failed: no client_id.', usedBasic);
  const client = await directory.client(clientId);
  if (!client) throw invalidClient('Client authentication failed: unknown client.', usedBasic);
  if (client.clientSecret) {
    if (!secret || !sameText(secret, client.clientSecret)) throw invalidClient('Client authentication failed.', usedBasic);
  } else if (secret) {
    throw invalidClient('This client is public and has no secret.', usedBasic);
  }
  return client;
}
