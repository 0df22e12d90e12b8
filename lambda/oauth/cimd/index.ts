/**
 * Client ID Metadata Documents (MCP 2026-07-28, draft-ietf-oauth-client-id-metadata-document): a
 * client whose `client_id` is an https URL is described by the JSON document at that URL. This is
 * the interface the authorization broker calls; the fetch (SSRF rules), cache, document checks and
 * the provisioning of one Cognito app client per document URL live beside it.
 *
 * STUB: not implemented yet; every CIMD client is refused with `invalid_client`.
 */
import { OAuthError } from '../../shared/errors';
import type { OAuthDeps } from '../deps';

/** A CIMD client as the broker needs it. */
export interface CimdClient {
  /** The document URL, which is the client's `client_id`. */
  readonly clientId: string;
  /** The Cognito app client provisioned for this document URL. */
  readonly cognitoClientId: string;
  readonly clientName: string;
  readonly redirectUris: readonly string[];
  /** Scopes the client may get. */
  readonly scopes: readonly string[];
  /** The document's host, shown on the consent page. */
  readonly documentHost: string;
}

/** Whether `clientId` names a metadata document: an https URL with a path (CIMD §3). */
export function isCimdClientId(clientId: string): boolean {
  if (!clientId.startsWith('https://')) return false;
  try {
    const url = new URL(clientId);
    return url.pathname.length > 1;
  } catch {
    return false;
  }
}

class InvalidClientError extends OAuthError {
  constructor(description: string) {
    super('invalid_client', 401, description);
  }
}

/** Resolves a CIMD client_id to the client it describes (stub: refuses). */
export async function resolveCimdClient(_deps: OAuthDeps, url: string): Promise<CimdClient> {
  throw new InvalidClientError(`Client ID Metadata Documents are not supported yet (${url.slice(0, 200)}).`);
}
