/**
 * `POST /revoke` (RFC 7009): passed through to Cognito's revocation endpoint for the mapped client,
 * with the client's own credentials. Cognito revokes refresh tokens (and the access tokens issued
 * from them); `token_type_hint` is not forwarded, as Cognito does not document it.
 */
import { OAuthError } from '../../shared/errors';
import type { HttpEvent, HttpResult } from '../../shared/http';
import type { OAuthDeps } from '../deps';
import { clientCredentials } from './client-auth';
import { resolveClient } from './clients';
import { formBody, param } from './params';
import { postToCognito } from './upstream';

export async function postRevoke(deps: OAuthDeps, event: HttpEvent): Promise<HttpResult> {
  const form = formBody(event);
  const token = param(form, 'token');
  if (!token) throw new OAuthError('invalid_request', 400, 'token is required.');
  const credentials = clientCredentials(event, form);
  const client = await resolveClient(deps, credentials.clientId);
  return postToCognito(deps.config, '/oauth2/revoke', { token }, { cognitoClientId: client.cognitoClientId, secret: credentials.secret });
}
