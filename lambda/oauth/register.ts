/** `POST /register` (RFC 7591 §3): parse → authorize → register → 201 with the client information. */
import { caller, header, json, type HttpEvent, type HttpResult } from '../shared/http';
import { log } from '../shared/logger';
import type { OAuthDeps } from './deps';
import { authorizeRegistration } from './registration-policy';
import { registrationResponse } from './registration-response';
import { countRefusals, countRegistration } from './registration-metrics';
import { registerClient } from './registrations';
import { jsonObjectBody } from './request';

export function postRegister(deps: OAuthDeps, event: HttpEvent): Promise<HttpResult> {
  return countRefusals('register', () => register(deps, event));
}

async function register(deps: OAuthDeps, event: HttpEvent): Promise<HttpResult> {
  authorizeRegistration(deps.config, header(event, 'authorization'));
  const requested = jsonObjectBody(event);
  const who = caller(event);
  const { record, clientSecret, registrationAccessToken } = await registerClient(deps, requested, who);
  // Audit line: who registered what. Never tokens or secrets.
  log.info('client registered', {
    clientId: record.clientId,
    clientName: record.metadata.client_name,
    confidential: record.confidential,
    grantTypes: record.metadata.grant_types,
    redirectUris: record.metadata.redirect_uris,
    scope: record.metadata.scope,
    sourceIp: who.sourceIp,
    userAgent: who.userAgent,
  });
  countRegistration('Created');
  return json(201, registrationResponse(record, deps.config.issuerUrl, { clientSecret, registrationAccessToken }));
}
