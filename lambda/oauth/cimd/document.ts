/**
 * The checks on a fetched Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document
 * §4, MCP 2026-07-28): it describes the client whose `client_id` is its own URL, a public client
 * of the authorization code grant. Its metadata then goes through the same rules as a DCR
 * registration (`validateClientMetadata`: redirect URIs, scopes, lengths), so a CIMD client can
 * register nothing a DCR client could not.
 */
import { OAuthError } from '../../shared/errors';
import { validateClientMetadata, type ClientMetadata, type MetadataPolicy } from '../client-metadata';

/** The validated document as stored in the `cimd#` item: what is registered, plus its `client_id`. */
export type CimdDocument = ClientMetadata & { readonly client_id: string; readonly client_name: string };

/** A document that cannot describe a client here; `message` says what is wrong with it. */
export class CimdDocumentError extends Error {}

const ALLOWED_GRANTS = ['authorization_code', 'refresh_token'];
/** Fields a document may carry that are passed on to the DCR rules (others are ignored, RFC 7591 §2). */
const REGISTERED_FIELDS = ['redirect_uris', 'scope', 'client_name', 'client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'contacts', 'software_id', 'software_version', 'application_type'];

/** Checks the document fetched from `url`; returns what is registered for it or throws `CimdDocumentError`. */
export function validateCimdDocument(body: unknown, url: string, policy: MetadataPolicy): CimdDocument {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CimdDocumentError('the document is not a JSON object');
  const doc = body as Record<string, unknown>;
  // CIMD §4.1: the client_id in the document MUST equal the URL it was fetched from, exactly.
  if (doc.client_id !== url) throw new CimdDocumentError(`the document's client_id must equal its URL exactly (${url})`);
  if (typeof doc.client_name !== 'string' || doc.client_name.trim() === '') throw new CimdDocumentError('the document must have a client_name');
  if (!Array.isArray(doc.redirect_uris) || doc.redirect_uris.length === 0) throw new CimdDocumentError('the document must list redirect_uris');
  // CIMD §4.1: no shared secrets: a document is public, so anything it says is known to everyone.
  for (const field of ['client_secret', 'client_secret_expires_at']) {
    if (field in doc) throw new CimdDocumentError(`the document must not contain ${field}`);
  }
  // Absent means `none` for CIMD (a public client); key-based methods are not supported here.
  if (doc.token_endpoint_auth_method !== undefined && doc.token_endpoint_auth_method !== 'none') {
    throw new CimdDocumentError('token_endpoint_auth_method must be "none" (or absent): this server accepts CIMD for public clients only');
  }
  const grants = doc.grant_types ?? ['authorization_code'];
  if (!Array.isArray(grants) || grants.some((g) => !ALLOWED_GRANTS.includes(g as string)) || !grants.includes('authorization_code')) {
    throw new CimdDocumentError('grant_types may list only authorization_code and refresh_token, and must include authorization_code');
  }
  const responses = doc.response_types ?? ['code'];
  if (!Array.isArray(responses) || responses.length !== 1 || responses[0] !== 'code') {
    throw new CimdDocumentError('response_types must be ["code"] (or absent)');
  }
  const requested: Record<string, unknown> = { token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'] };
  for (const field of REGISTERED_FIELDS) if (field in doc) requested[field] = doc[field];
  let metadata: ClientMetadata;
  try {
    metadata = validateClientMetadata(requested, policy);
  } catch (err) {
    if (err instanceof OAuthError) throw new CimdDocumentError(err.description.replace(/\.$/, ''));
    throw err;
  }
  return { ...metadata, client_id: url, client_name: metadata.client_name ?? String(doc.client_name) };
}
