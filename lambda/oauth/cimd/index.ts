/**
 * Client ID Metadata Documents (MCP 2026-07-28, draft-ietf-oauth-client-id-metadata-document): a
 * client whose `client_id` is an https URL is described by the JSON document at that URL. This is
 * the interface the authorization broker calls. Beside it: the fetch and its SSRF rules
 * (`fetch.ts`, `address.ts`), the cache bounds (`cache.ts`), the document checks (`document.ts`),
 * and the one Cognito app client per document URL (`provision.ts`, `store.ts`).
 */
import { OAuthError } from '../../shared/errors';
import { errorFields, log } from '../../shared/logger';
import type { OAuthDeps } from '../deps';
import { cimdAccepted } from '../metadata';
import { cacheSeconds } from './cache';
import { CimdDocumentError, validateCimdDocument, type CimdDocument } from './document';
import { CimdFetchError, fetchCimdDocument, type CimdFetchPolicy } from './fetch';
import { provisionCimdClient, refreshCimdClient, storeOf } from './provision';
import { getMapping, type CimdMapping } from './store';
import { countRefusals } from '../registration-metrics';

/** Longest document URL accepted (also keeps the `cimd#` key input and log lines bounded). */
export const MAX_CIMD_URL_LENGTH = 2048;

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

/**
 * Whether `clientId` names a metadata document: an http(s) URL with a path (CIMD §3). http is
 * recognised so that it is refused with a clear reason (only LOCAL_CIMD_TRUSTED_ORIGINS may use
 * it); Cognito client ids never look like URLs, so nothing else is taken for one.
 */
export function isCimdClientId(clientId: string): boolean {
  if (!clientId.startsWith('https://') && !clientId.startsWith('http://')) return false;
  try {
    const url = new URL(clientId);
    return url.pathname.length > 1;
  } catch {
    return false;
  }
}

/** `invalid_client` (RFC 6749 §5.2) for a CIMD client that cannot be used, with the reason. */
export class CimdClientError extends OAuthError {
  constructor(description: string) {
    super('invalid_client', 401, description);
  }
}

/** CIMD §3: the URL rules, checked before anything is fetched. */
function checkUrl(value: string, trustedOrigins: readonly string[]): URL {
  if (value.length > MAX_CIMD_URL_LENGTH) throw new CimdClientError(`The client_id URL is longer than ${MAX_CIMD_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CimdClientError('The client_id is not a URL.');
  }
  const shown = value.slice(0, 200);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && trustedOrigins.includes(url.origin))) {
    throw new CimdClientError(`The client_id metadata document URL must use https: ${shown}`);
  }
  if (url.username || url.password) throw new CimdClientError(`The client_id URL must not contain user information: ${shown}`);
  if (url.hash || value.includes('#')) throw new CimdClientError(`The client_id URL must not contain a fragment: ${shown}`);
  if (url.pathname.length <= 1) throw new CimdClientError(`The client_id URL must have a path: ${shown}`);
  // Its own serialization (no dot segments, no upper-case host, no default port): the document's
  // client_id is compared with it byte for byte, and the cache key is this exact string.
  if (url.href !== value) throw new CimdClientError(`The client_id URL is not in canonical form (expected ${url.href.slice(0, 200)}).`);
  return url;
}

function toClient(mapping: CimdMapping): CimdClient {
  const document: CimdDocument = mapping.document;
  return {
    clientId: mapping.url,
    cognitoClientId: mapping.cognitoClientId,
    clientName: document.client_name,
    redirectUris: document.redirect_uris,
    scopes: document.scope.split(' '),
    documentHost: new URL(mapping.url).host,
  };
}

function fetchPolicy(deps: OAuthDeps): CimdFetchPolicy {
  return { trustedOrigins: deps.config.localCimdTrustedOrigins };
}

/** Fetches and checks the document; a refusal becomes `invalid_client` naming the reason. */
async function fetchDocument(deps: OAuthDeps, url: URL, policy: CimdFetchPolicy): Promise<{ document: CimdDocument; cacheUntil: number }> {
  try {
    const fetched = await fetchCimdDocument(url, policy);
    const document = validateCimdDocument(fetched.body, url.href, deps.config);
    const now = deps.now();
    return { document, cacheUntil: Math.floor(now.getTime() / 1000) + cacheSeconds(fetched.cache, now) };
  } catch (err) {
    if (err instanceof CimdFetchError || err instanceof CimdDocumentError) {
      log.warn('CIMD client refused', { cimdUrl: url.href.slice(0, 200), reason: err.message });
      throw new CimdClientError(`The client metadata document at ${url.href.slice(0, 200)} cannot be used: ${err.message}.`);
    }
    log.error('CIMD document fetch failed', { cimdUrl: url.href.slice(0, 200), ...errorFields(err) });
    throw err;
  }
}

/**
 * Resolves a CIMD `client_id` to the client it describes: the cached document while it is fresh,
 * else the document fetched again (SSRF rules) and checked; the app client is created on first use
 * (idempotent under concurrency) and follows changes of the document. Throws `CimdClientError`
 * (`invalid_client`) for a bad URL, a refused fetch or a bad document, and 429/503 errors when
 * DynamoDB or Cognito are busy or the pool budget is spent.
 */
export async function resolveCimdClient(deps: OAuthDeps, url: string, policy: CimdFetchPolicy = fetchPolicy(deps)): Promise<CimdClient> {
  if (!cimdAccepted(deps.config)) {
    const why = deps.config.cimdEnabled ? `registration mode ${deps.config.registrationMode}` : 'CIMD is turned off';
    throw new CimdClientError(`This server accepts only registered clients (${why}), not client metadata documents.`);
  }
  const parsed = checkUrl(url, policy.trustedOrigins);
  const mapping = await getMapping(storeOf(deps), parsed.href);
  if (mapping && mapping.cacheUntil > deps.now().getTime() / 1000) return toClient(mapping);
  // Counted like registrations (`RegistrationsRefused{Operation=cimd}`): a CIMD client is an open registration.
  return countRefusals('cimd', async () => {
    const { document, cacheUntil } = await fetchDocument(deps, parsed, policy);
    const current = mapping ? await refreshCimdClient(deps, mapping, document, cacheUntil) : await provisionCimdClient(deps, parsed.href, document, cacheUntil);
    return toClient(current);
  });
}
