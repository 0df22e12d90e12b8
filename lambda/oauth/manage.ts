/** `GET`/`PUT`/`DELETE /register/{client_id}` (RFC 7592), each authenticated by the registration access token. */
import { caller, empty, header, json, type HttpEvent, type HttpResult } from '../shared/http';
import { log } from '../shared/logger';
import type { OAuthDeps } from './deps';
import { countRefusals, countRegistration } from './registration-metrics';
import { registrationResponse } from './registration-response';
import { authenticateRegistration, deleteClient, readClient, updateClient } from './registrations';
import { jsonObjectBody } from './request';

/**
 * RFC 7592 §2.1: the current registration, with a new registration access token (§3; the old one
 * stops working). Rate-limited like POST and PUT: the rotation writes.
 */
export function getRegistrationRoute(deps: OAuthDeps, event: HttpEvent, clientId: string): Promise<HttpResult> {
  return countRefusals('read', async () => {
    const record = await authenticateRegistration(deps, clientId, header(event, 'authorization'));
    const { record: read, registrationAccessToken } = await readClient(deps, record, caller(event));
    return json(200, registrationResponse(read, deps.config.issuerUrl, { registrationAccessToken }));
  });
}

/** RFC 7592 §2.2: replace the registration with the full metadata sent; a new registration access token (§3). */
export function putRegistrationRoute(deps: OAuthDeps, event: HttpEvent, clientId: string): Promise<HttpResult> {
  return countRefusals('update', async () => {
    const record = await authenticateRegistration(deps, clientId, header(event, 'authorization'));
    const requested = jsonObjectBody(event);
    const who = caller(event);
    const { record: updated, registrationAccessToken } = await updateClient(deps, record, requested, who);
    log.info('client updated', { clientId, redirectUris: updated.metadata.redirect_uris, scope: updated.metadata.scope, ...who });
    countRegistration('Updated');
    return json(200, registrationResponse(updated, deps.config.issuerUrl, { registrationAccessToken }));
  });
}

/** RFC 7592 §2.3: delete the app client and the record; 204. */
export function deleteRegistrationRoute(deps: OAuthDeps, event: HttpEvent, clientId: string): Promise<HttpResult> {
  return countRefusals('delete', async () => {
    const record = await authenticateRegistration(deps, clientId, header(event, 'authorization'));
    // Conditional on the token hash this request authenticated with (issue 12 item 10).
    await deleteClient(deps, record, record.registrationTokenHash);
    log.info('client deleted', { clientId, ...caller(event) });
    countRegistration('Deleted');
    return empty(204);
  });
}
