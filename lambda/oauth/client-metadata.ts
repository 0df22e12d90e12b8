/**
 * RFC 7591 §2 client metadata: validates what a client asks for and decides what is registered.
 * Pure: no AWS, no clock. Following RFC 7591 §3.2.1, the server may replace requested values:
 * unsupported grant types and unknown scopes are dropped and defaults filled in, and the response
 * echoes the result. Only what cannot be made usable is rejected, with a description of what to fix.
 */
import { InvalidClientMetadataError, InvalidRedirectUriError } from '../shared/errors';
import type { RegistrationMode } from './config';
import { SUPPORTED_GRANT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from './metadata';
import { checkRedirectUri, type RedirectKind } from './redirect-uri';

export const MAX_CLIENT_NAME_LENGTH = 200;
export const MAX_URI_LENGTH = 2048;
export const MAX_CONTACTS = 5;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_SOFTWARE_FIELD_LENGTH = 256;
/** Cognito: at most 50 scopes per app client. */
export const MAX_SCOPE_COUNT = 50;
export const MAX_SCOPE_STRING_LENGTH = 4096;

export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export type GrantType = (typeof SUPPORTED_GRANT_TYPES)[number];

/** The metadata as registered: snake_case, exactly what is stored and echoed to the client. */
export interface ClientMetadata {
  redirect_uris: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  grant_types: GrantType[];
  response_types: string[];
  scope: string;
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  contacts?: string[];
  software_id?: string;
  software_version?: string;
  application_type?: 'native' | 'web';
}

export interface MetadataPolicy {
  readonly allowedScopes: readonly string[];
  readonly defaultScopes: readonly string[];
  /** The MCP resource's own scopes, registered for every client (see `scopes`). */
  readonly resourceScopes: readonly string[];
  readonly maxRedirectUris: number;
  /** `MACHINE_CLIENTS`: client_credentials registrations allowed (only together with `token` mode). */
  readonly machineClients: boolean;
  readonly registrationMode: RegistrationMode;
}

type Input = Record<string, unknown>;

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** True when the client gets a secret (RFC 7591 §3.2.1: `client_secret` only for confidential clients). */
export function isConfidential(metadata: Pick<ClientMetadata, 'token_endpoint_auth_method'>): boolean {
  return metadata.token_endpoint_auth_method !== 'none';
}

function optionalString(input: Input, field: string, max: number): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidClientMetadataError(`${field} must be a string.`);
  if (value.length > max) throw new InvalidClientMetadataError(`${field} must be at most ${max} characters.`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new InvalidClientMetadataError(`${field} must not contain control characters.`);
  return value.length ? value : undefined;
}

function optionalHttpsUri(input: Input, field: string): string | undefined {
  const value = optionalString(input, field, MAX_URI_LENGTH);
  if (value === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.protocol !== 'https:' || !parsed.hostname || parsed.username || parsed.password) {
    throw new InvalidClientMetadataError(`${field} must be an https URL without user information.`);
  }
  return value;
}

function stringArray(input: Input, field: string, error: (d: string) => Error): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw error(`${field} must be an array of strings.`);
  return [...new Set(value as string[])];
}

/**
 * Machine clients (client_credentials) get tokens that name no user: whoever registers one can call
 * the tools with no login in the way. Only an operator may allow them, and only where registering
 * needs the initial access token (issue 12 item 1).
 */
function checkMachineClientsAllowed(policy: Pick<MetadataPolicy, 'machineClients' | 'registrationMode'>): void {
  if (policy.machineClients && policy.registrationMode === 'token') return;
  throw new InvalidClientMetadataError(
    policy.machineClients
      ? 'grant_types client_credentials (machine clients) is accepted only when registration needs an initial access token (REGISTRATION_MODE=token); register an authorization_code client.'
      : 'grant_types client_credentials (machine clients, tokens without a user) is not enabled on this server; register an authorization_code client, or ask the operator (MACHINE_CLIENTS=true with REGISTRATION_MODE=token).',
  );
}

function grantTypes(input: Input, policy: MetadataPolicy): GrantType[] {
  const requested = stringArray(input, 'grant_types', (d) => new InvalidClientMetadataError(d)) ?? ['authorization_code'];
  // Drop what Cognito cannot do (implicit, password, device_code, urn:… extensions) rather than fail.
  const kept = requested.filter((g): g is GrantType => (SUPPORTED_GRANT_TYPES as readonly string[]).includes(g));
  // RFC 7591 §3.2.1: the server may replace requested metadata. A client that lists the code grant
  // is a user-facing client: it is registered for the code grant and client_credentials beside it
  // is dropped (one Cognito app client cannot do both, and clients list extra grant types freely).
  if (kept.includes('authorization_code')) return ['authorization_code', 'refresh_token']; // Cognito always issues refresh tokens with the code grant.
  if (kept.includes('client_credentials')) {
    checkMachineClientsAllowed(policy);
    return ['client_credentials']; // No refresh tokens for client_credentials.
  }
  throw new InvalidClientMetadataError(
    `grant_types has no usable grant type; supported: authorization_code (with refresh_token)${policy.machineClients && policy.registrationMode === 'token' ? ' or client_credentials' : ''}. Got: ${requested.join(' ') || '(empty)'}.`,
  );
}

/** OIDC scopes that Cognito accepts on an app client only together with `openid`. */
const NEEDS_OPENID = ['email', 'profile', 'phone'];

/**
 * The registered `scope`: what the client asked for and this server offers it (or the default when
 * nothing usable was asked for). Clients of the code grant also get every scope of the MCP
 * resource: Cognito caps a token's scopes at its app client's allowed scopes, and MCP clients
 * register once with the first challenge's scope, then step up (403 insufficient_scope) without
 * registering again; which scopes a token carries is decided per authorization request, by the
 * user's login. Machine clients (client_credentials) keep exactly the resource scopes they asked for
 * (or the resource's default scopes), never OIDC ones.
 */
function scopes(input: Input, policy: MetadataPolicy, codeGrant: boolean): string {
  // RFC 7591 §2 / RFC 6749 §3.3: the server may register fewer scopes than requested. Without a
  // user there is no OIDC: Cognito refuses openid/email/profile on a client_credentials app client
  // (InvalidOAuthFlowException), so machine clients are offered the resource's scopes only.
  const offered = codeGrant ? policy.allowedScopes : policy.allowedScopes.filter((s) => policy.resourceScopes.includes(s));
  const value = input.scope;
  let kept: string[] = [];
  if (value !== undefined && value !== null) {
    if (typeof value !== 'string') throw new InvalidClientMetadataError('scope must be a string of space-separated scope values.');
    if (value.length > MAX_SCOPE_STRING_LENGTH) throw new InvalidClientMetadataError(`scope must be at most ${MAX_SCOPE_STRING_LENGTH} characters.`);
    // Drop what this server does not offer (offline_access, product names, OIDC for machines, …) and keep the rest.
    kept = value.split(/\s+/).filter((s) => offered.includes(s));
  }
  const chosen = kept.length ? kept : policy.defaultScopes.filter((s) => offered.includes(s));
  // Cognito refuses email/profile/phone on an app client without openid (OIDC Core §5.4: they are
  // requests for ID-token claims). Offering them offers openid, so it is added; machine clients
  // never get here with them.
  const openid = chosen.some((s) => NEEDS_OPENID.includes(s)) ? ['openid'] : [];
  const registered = [...new Set([...openid, ...chosen, ...(codeGrant ? policy.resourceScopes : [])])].slice(0, MAX_SCOPE_COUNT);
  if (registered.length === 0) {
    // Only when DEFAULT_SCOPES holds no resource scope: a machine client must then name one.
    throw new InvalidClientMetadataError(`scope has no scope this client can be registered for; ask for one of: ${offered.join(' ')}.`.slice(0, 500));
  }
  return registered.join(' ');
}

function redirectUris(input: Input, policy: MetadataPolicy, usesRedirects: boolean): { uris: string[]; kinds: Set<RedirectKind> } {
  const uris = stringArray(input, 'redirect_uris', (d) => new InvalidRedirectUriError(d)) ?? [];
  if (!usesRedirects) {
    if (uris.length) throw new InvalidClientMetadataError('redirect_uris are only for the authorization_code grant; omit them for client_credentials.');
    return { uris, kinds: new Set() };
  }
  // RFC 7591 §2: redirect-based flows MUST register redirect URIs (Cognito matches them exactly).
  if (uris.length === 0) throw new InvalidRedirectUriError('redirect_uris is required for the authorization_code grant.');
  if (uris.length > policy.maxRedirectUris) throw new InvalidRedirectUriError(`At most ${policy.maxRedirectUris} redirect URIs may be registered.`);
  return { uris, kinds: new Set(uris.map(checkRedirectUri)) };
}

function contacts(input: Input): string[] | undefined {
  const list = stringArray(input, 'contacts', (d) => new InvalidClientMetadataError(d));
  if (!list?.length) return undefined;
  if (list.length > MAX_CONTACTS) throw new InvalidClientMetadataError(`contacts may list at most ${MAX_CONTACTS} e-mail addresses.`);
  for (const c of list) {
    if (c.length > MAX_EMAIL_LENGTH || !EMAIL.test(c)) throw new InvalidClientMetadataError(`contacts must be e-mail addresses; not one: ${c.slice(0, 80)}`);
  }
  return list;
}

function applicationType(input: Input, kinds: Set<RedirectKind>): 'native' | 'web' | undefined {
  const value = input.application_type;
  if (value === undefined || value === null) return undefined;
  if (value !== 'native' && value !== 'web') throw new InvalidClientMetadataError('application_type must be "native" or "web".');
  // Loose consistency (OIDC Registration §2): a web client cannot receive a private-use-scheme redirect.
  if (value === 'web' && kinds.has('private-use')) {
    throw new InvalidClientMetadataError('application_type "web" cannot use private-use-scheme redirect URIs; use "native".');
  }
  return value;
}

/**
 * Validates requested client metadata and returns what will be registered. Unknown fields are
 * ignored (RFC 7591 §2), as are `jwks`/`jwks_uri`, `software_statement` and `post_logout_redirect_uris`,
 * which this server does not support. Throws `invalid_redirect_uri` or `invalid_client_metadata`.
 */
export function validateClientMetadata(input: Input, policy: MetadataPolicy): ClientMetadata {
  // RFC 7591 §2: a missing token_endpoint_auth_method means client_secret_basic.
  const method = input.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof method !== 'string' || !(TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(method)) {
    throw new InvalidClientMetadataError(`token_endpoint_auth_method must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}.`);
  }
  const authMethod = method as TokenEndpointAuthMethod;
  const grants = grantTypes(input, policy);
  const code = grants.includes('authorization_code');
  if (!code && authMethod === 'none') {
    throw new InvalidClientMetadataError('client_credentials needs a confidential client: use client_secret_basic or client_secret_post.');
  }
  const responseTypes = stringArray(input, 'response_types', (d) => new InvalidClientMetadataError(d)) ?? (code ? ['code'] : []);
  if (code && !responseTypes.includes('code')) throw new InvalidClientMetadataError('response_types must include "code" (the only one supported).');
  // RFC 7591 §2.1: "code" goes with the authorization_code grant. A client_credentials client that
  // asks for it contradicts itself; say so rather than drop it (it never visits the authorization
  // endpoint). Other values (`token`, hybrids) go with the implicit grant, dropped like it.
  if (!code && responseTypes.includes('code')) {
    throw new InvalidClientMetadataError(
      'response_types "code" needs the authorization_code grant; a client_credentials client uses no authorization endpoint, so omit response_types or send [].',
    );
  }
  const { uris, kinds } = redirectUris(input, policy, code);

  const metadata: ClientMetadata = {
    redirect_uris: uris,
    token_endpoint_auth_method: authMethod,
    grant_types: grants,
    // Only `code` is registered; `token` and hybrid types are dropped with the implicit grant.
    response_types: code ? ['code'] : [],
    scope: scopes(input, policy, code),
    client_name: optionalString(input, 'client_name', MAX_CLIENT_NAME_LENGTH),
    client_uri: optionalHttpsUri(input, 'client_uri'),
    logo_uri: optionalHttpsUri(input, 'logo_uri'),
    tos_uri: optionalHttpsUri(input, 'tos_uri'),
    policy_uri: optionalHttpsUri(input, 'policy_uri'),
    contacts: contacts(input),
    software_id: optionalString(input, 'software_id', MAX_SOFTWARE_FIELD_LENGTH),
    software_version: optionalString(input, 'software_version', MAX_SOFTWARE_FIELD_LENGTH),
    application_type: applicationType(input, kinds),
  };
  // Drop absent optional fields so the stored and echoed documents carry only what is registered.
  for (const key of Object.keys(metadata) as (keyof ClientMetadata)[]) if (metadata[key] === undefined) delete metadata[key];
  return metadata;
}
