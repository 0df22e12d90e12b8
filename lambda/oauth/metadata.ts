/**
 * The authorization-server metadata, built in one place (RFC 8414 §2). The endpoints are the
 * authorization broker's (lambda/oauth/broker/): clients talk to the facade only, and Cognito's
 * hosted login sits behind /authorize. The `issuer` is unchanged.
 */
import type { OAuthConfig } from './config';

/** Token endpoint (and revocation endpoint) client authentication methods the bridge registers. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
/** Grant types a registered client may get (RFC 7591 `grant_types`). */
export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

type MetadataConfig = Pick<OAuthConfig, 'issuerUrl' | 'jwksUri' | 'allowedScopes' | 'serviceDocumentation' | 'registrationMode' | 'machineClients' | 'cimdEnabled'>;

/**
 * Client ID Metadata Documents follow the registration mode: a document lets any client in, as
 * open registration does, so `token` and `closed` deployments (pre-registered clients only) refuse
 * them and do not advertise them. `CIMD_ENABLED=false` turns them off in `open` mode too.
 */
export function cimdAccepted(config: Pick<OAuthConfig, 'registrationMode' | 'cimdEnabled'>): boolean {
  return config.cimdEnabled && config.registrationMode === 'open';
}

function endpoints(config: MetadataConfig) {
  return {
    authorization_endpoint: `${config.issuerUrl}/authorize`,
    token_endpoint: `${config.issuerUrl}/token`,
    revocation_endpoint: `${config.issuerUrl}/revoke`,
    registration_endpoint: `${config.issuerUrl}/register`,
  };
}

/**
 * RFC 8414 metadata. Left out on purpose:
 * - `introspection_endpoint`: Cognito has none; the resource server verifies JWTs itself.
 * - `userinfo_endpoint` and the OIDC discovery document: Cognito's ID tokens and userInfo belong to
 *   the user pool's issuer, not this one (relying parties use the pool's own discovery).
 * - `response_modes_supported`: the default (`query`, `fragment`); the broker answers in the query.
 * - `token_endpoint_auth_signing_alg_values_supported`: no JWT client authentication.
 * - `pushed_authorization_request_endpoint`, `dpop_signing_alg_values_supported`,
 *   `mtls_endpoint_aliases`: not supported.
 * - `ui_locales_supported`, `op_policy_uri`, `op_tos_uri`: nothing to say.
 */
export function authorizationServerMetadata(config: MetadataConfig): Record<string, unknown> {
  return {
    issuer: config.issuerUrl,
    ...endpoints(config),
    jwks_uri: config.jwksUri,
    scopes_supported: [...config.allowedScopes],
    // OAuth 2.1: the code flow only.
    response_types_supported: ['code'],
    // client_credentials only where machine clients are enabled (the broker's /token refuses it otherwise).
    grant_types_supported: SUPPORTED_GRANT_TYPES.filter((grant) => grant !== 'client_credentials' || config.machineClients),
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    // The broker requires PKCE with S256 from every client (MCP clients refuse metadata without this).
    code_challenge_methods_supported: ['S256'],
    // RFC 9207 §3: every authorization response from the broker carries `iss`.
    authorization_response_iss_parameter_supported: true,
    // MCP 2026-07-28: a client_id may be the https URL of a Client ID Metadata Document.
    ...(cimdAccepted(config) ? { client_id_metadata_document_supported: true } : {}),
    ...(config.serviceDocumentation ? { service_documentation: config.serviceDocumentation } : {}),
  };
}
