/**
 * Who is asking: a `client_id` resolved to what the broker needs to know about it, from one of
 * three places (PLAN: static client from config, a CIMD document URL, else a DCR registration).
 * An unknown client is `invalid_client`; /authorize shows it on a page, /token answers 401.
 */
import { OAuthError } from '../../shared/errors';
import { isCimdClientId, resolveCimdClient } from '../cimd';
import type { OAuthDeps } from '../deps';
import { getRegistration } from '../registration-store';

export interface BrokerClient {
  readonly kind: 'static' | 'dcr' | 'cimd';
  /** The `client_id` the client uses with the broker. */
  readonly clientId: string;
  /** The Cognito app client behind it (for DCR and the static client, the same id). */
  readonly cognitoClientId: string;
  /** Self-asserted by whoever registered the client: shown escaped, never trusted. */
  readonly name: string;
  readonly redirectUris: readonly string[];
  /** Scopes the client may be granted. */
  readonly scopes: readonly string[];
  readonly grantTypes: readonly string[];
  /** Has a secret at Cognito (the broker never sees it except in transit to Cognito's token endpoint). */
  readonly confidential: boolean;
  /** CIMD: the document's host, shown on the consent page. */
  readonly documentHost?: string;
}

/** RFC 6749 §5.2 `invalid_client` (401). */
export class InvalidClientError extends OAuthError {
  constructor(description: string, headers: Record<string, string> = {}) {
    super('invalid_client', 401, description, headers);
  }
}

/** Cognito app client ids: word characters. Anything else cannot name a registration. */
const COGNITO_CLIENT_ID = /^[\w+]{1,128}$/;
/** Longest `client_id` looked at (a CIMD URL included). */
const MAX_CLIENT_ID_LENGTH = 2048;

async function dcrClient(deps: OAuthDeps, clientId: string): Promise<BrokerClient | undefined> {
  if (!COGNITO_CLIENT_ID.test(clientId)) return undefined;
  const record = await getRegistration({ ddb: deps.ddb, tableName: deps.config.registrationsTable }, clientId);
  // CIMD clients have a `client#` record too (cimdUrl, no metadata): they must use their URL.
  if (!record?.metadata || (record as { cimdUrl?: string }).cimdUrl) return undefined;
  const { metadata } = record;
  return {
    kind: 'dcr',
    clientId,
    cognitoClientId: clientId,
    name: metadata.client_name ?? 'Unnamed client',
    redirectUris: metadata.redirect_uris,
    scopes: metadata.scope.split(' ').filter(Boolean),
    grantTypes: metadata.grant_types,
    confidential: record.confidential,
  };
}

function staticClient(deps: OAuthDeps): BrokerClient {
  const { config } = deps;
  return {
    kind: 'static',
    clientId: config.staticClientId,
    cognitoClientId: config.staticClientId,
    name: 'MCP client (first-party)',
    redirectUris: config.staticClientRedirectUris,
    scopes: config.allowedScopes,
    grantTypes: ['authorization_code', 'refresh_token'],
    confidential: false,
  };
}

/** The client named by `clientId`; throws `InvalidClientError` when there is none. */
export async function resolveClient(deps: OAuthDeps, clientId: string): Promise<BrokerClient> {
  if (clientId.length === 0 || clientId.length > MAX_CLIENT_ID_LENGTH) throw new InvalidClientError('Unknown client_id.');
  if (clientId === deps.config.staticClientId) return staticClient(deps);
  if (isCimdClientId(clientId)) {
    const cimd = await resolveCimdClient(deps, clientId);
    return {
      kind: 'cimd',
      clientId: cimd.clientId,
      cognitoClientId: cimd.cognitoClientId,
      name: cimd.clientName,
      redirectUris: cimd.redirectUris,
      scopes: cimd.scopes,
      grantTypes: ['authorization_code', 'refresh_token'],
      confidential: false,
      documentHost: cimd.documentHost,
    };
  }
  const client = await dcrClient(deps, clientId);
  if (!client) throw new InvalidClientError('Unknown client_id: no client is registered under it.');
  return client;
}
