/**
 * Who the CLI is at an authorization server, and how it becomes that:
 * - `dcr` (default): it registers itself (RFC 7591), asking for every scope the PRM lists;
 * - `pre-registered` (`--client-id <id>`, optionally `--client-secret`): a client an administrator
 *   registered; a secret makes it confidential (client_secret_basic unless the metadata's
 *   token_endpoint_auth_methods_supported offers only client_secret_post; the SDK picks);
 * - `cimd` (`--client-id <https URL>`): a Client ID Metadata Document the user hosts; the URL is
 *   the client_id and nothing is registered (MCP 2026-07-28, draft-ietf-oauth-client-id-metadata-document).
 */
import { registerClient, type OAuthClientMetadata, type OAuthDiscoveryState } from '@modelcontextprotocol/client';
import type { ClientState } from './store';
import { isLoopbackHost, managementUriProblem } from './url-rules';

export type ClientIdentity =
  | { readonly kind: 'dcr' }
  | { readonly kind: 'pre-registered'; readonly clientId: string; readonly clientSecret?: string }
  | { readonly kind: 'cimd'; readonly url: string };

/**
 * A client_id that is a metadata document URL: https with a path (the CIMD draft), or, for the local
 * stack's `MCP_LOCAL_CIMD_TRUSTED_ORIGINS`, http on a loopback host with a path.
 */
export function isCimdUrl(clientId: string): boolean {
  if (!/^https?:\/\//i.test(clientId)) return false;
  try {
    const url = new URL(clientId);
    const secure = url.protocol === 'https:' || isLoopbackHost(url.hostname);
    return secure && url.pathname !== '/' && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** The identity the options name, or an Error for a combination that makes no sense. */
export function identityOf(clientId: string | undefined, clientSecret: string | undefined): ClientIdentity | Error {
  if (!clientId) return clientSecret ? new Error('--client-secret needs --client-id (the pre-registered client it belongs to).') : { kind: 'dcr' };
  if (/^https?:/i.test(clientId) && !isCimdUrl(clientId)) {
    return new Error(`--client-id ${clientId} looks like a URL but is not a Client ID Metadata Document URL (https, with a path).`);
  }
  if (isCimdUrl(clientId)) {
    return clientSecret ? new Error('A Client ID Metadata Document client is public: leave out --client-secret.') : { kind: 'cimd', url: clientId };
  }
  return { kind: 'pre-registered', clientId, ...(clientSecret ? { clientSecret } : {}) };
}

/** The stored client for a fixed identity (pre-registered or CIMD); undefined for DCR. */
export function fixedClient(identity: ClientIdentity): ClientState['client'] {
  if (identity.kind === 'cimd') return { client_id: identity.url, token_endpoint_auth_method: 'none' };
  if (identity.kind === 'pre-registered') return { client_id: identity.clientId, ...(identity.clientSecret ? { client_secret: identity.clientSecret } : {}) };
  return undefined;
}

/** The authorization server's issuer as discovery recorded it (the SDK's own rule). */
export function issuerOf(discovery: Pick<OAuthDiscoveryState, 'authorizationServerUrl' | 'authorizationServerMetadata'>): string {
  return discovery.authorizationServerMetadata?.issuer ?? String(discovery.authorizationServerUrl);
}

/** SEP-2352 issuer comparison as the SDK makes it: equal, or equal but for one trailing slash. */
export function sameIssuer(a: string, b: string): boolean {
  return a === b || (a.endsWith('/') && a.slice(0, -1) === b) || (b.endsWith('/') && b.slice(0, -1) === a);
}

/**
 * RFC 7591 registration at the discovered authorization server, asking for every scope the PRM
 * lists: left to itself the SDK registers only the first challenge's scope, and an authorization
 * server that caps a client at its registered scope (Cognito does) could then never grant a
 * step-up. The management credentials (RFC 7592) are kept for logout only when the management URI
 * is on the registration endpoint's origin, over https or loopback.
 */
export async function register(
  discovery: OAuthDiscoveryState,
  clientMetadata: OAuthClientMetadata,
  say: (sentence: string) => void,
): Promise<NonNullable<ClientState['client']>> {
  const metadata = discovery.authorizationServerMetadata;
  say(`Registering this client with ${discovery.authorizationServerUrl}...`);
  // The SDK's parsed result drops registration_access_token and registration_client_uri; keep the raw answer.
  let raw: Record<string, unknown> = {};
  const keepBody = async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    raw = ((await res.clone().json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
    return res;
  };
  const scope = discovery.resourceMetadata?.scopes_supported?.join(' ');
  const registered = await registerClient(discovery.authorizationServerUrl, { metadata, clientMetadata, scope, fetchFn: keepBody });
  const client: NonNullable<ClientState['client']> = { ...registered, issuer: issuerOf(discovery) };
  const endpoint = metadata?.registration_endpoint ?? new URL('/register', discovery.authorizationServerUrl).href;
  if (typeof raw.registration_access_token === 'string' && typeof raw.registration_client_uri === 'string') {
    const problem = managementUriProblem(raw.registration_client_uri, endpoint);
    if (problem) say(`${problem} Logout will not try to delete this registration.`);
    else Object.assign(client, { registration_access_token: raw.registration_access_token, registration_client_uri: raw.registration_client_uri, registration_endpoint: endpoint });
  }
  return client;
}
