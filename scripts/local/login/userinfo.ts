/** `/oauth2/userInfo` (OIDC Core §5.3), as Cognito serves it: the user behind a valid access token. */
import { createPublicKey, verify } from 'node:crypto';
import { header, json, type HttpEvent, type HttpResult } from '../../../lambda/shared/http';
import type { CognitoDirectory } from './directory';
import type { SigningKey } from './keys';

function challenge(description: string): HttpResult {
  return json(401, { error: 'invalid_token', error_description: description }, { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` });
}

export async function userInfo(event: HttpEvent, key: SigningKey, issuer: string, directory: CognitoDirectory): Promise<HttpResult> {
  const match = /^bearer\s+(\S+)$/i.exec(header(event, 'authorization') ?? '');
  if (!match) return json(401, { error: 'invalid_request', error_description: 'A bearer access token is required.' }, { 'www-authenticate': 'Bearer' });
  const [head, body, signature] = match[1].split('.');
  if (!signature) return challenge('Malformed token.');
  const valid = verify('sha256', Buffer.from(`${head}.${body}`), createPublicKey(key.privateKey), Buffer.from(signature, 'base64url'));
  if (!valid) return challenge('Bad signature.');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (claims.iss !== issuer || claims.token_use !== 'access' || (claims.exp as number) * 1000 <= Date.now()) return challenge('The token is expired or not an access token of this issuer.');
  const scopes = String(claims.scope ?? '').split(' ');
  if (!scopes.includes('openid')) return json(403, { error: 'insufficient_scope', error_description: 'userInfo needs the openid scope.' }, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="openid"' });
  const email = scopes.includes('email') ? (await directory.user(String(claims.username)))?.email : undefined;
  return json(200, { sub: claims.sub, username: claims.username, ...(email ? { email, email_verified: 'true' } : {}) });
}
