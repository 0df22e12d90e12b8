/**
 * The authorization-server metadata, built in one place (RFC 8414 §2; OIDC Discovery 1.0 §3 for the
 * openid-configuration variant). Today the endpoints are Cognito's; when the broker step puts
 * /authorize and /token in front of Cognito, only `endpoints()` changes.
 */
import type { OAuthConfig } from './config';

/** Token endpoint (and revocation endpoint) client authentication methods the bridge registers. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
/** Grant types a registered client may get (RFC 7591 `grant_types`). */
export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

type MetadataConfig = Pick<OAuthConfig, 'issuerUrl' | 'cognitoDomainUrl' | 'jwksUri' | 'allowedScopes' | 'serviceDocumentation'>;

function endpoints(config: MetadataConfig) {
  return {
    authorization_endpoint: `${config.cognitoDomainUrl}/oauth2/authorize`,
    token_endpoint: `${config.cognitoDomainUrl}/oauth2/token`,
    revocation_endpoint: `${config.cognitoDomainUrl}/oauth2/revoke`,
    userinfo_endpoint: `${config.cognitoDomainUrl}/oauth2/userInfo`,
    registration_endpoint: `${config.issuerUrl}/register`,
  };
}

/**
 * RFC 8414 metadata. Left out on purpose:
 * - `introspection_endpoint`: Cognito has none; the resource server verifies JWTs itself.
 * - `authorization_response_iss_parameter_supported`: Cognito does not send RFC 9207 `iss`, and
 *   clients reject a missing `iss` only when this is advertised (the broker step will add it).
 * - `client_id_metadata_document_supported`: no CIMD before the broker step.
 * - `response_modes_supported`: the default (`query`, `fragment`) is what Cognito does.
 * - `token_endpoint_auth_signing_alg_values_supported`: no JWT client authentication.
 * - `pushed_authorization_request_endpoint`, `dpop_signing_alg_values_supported`,
 *   `mtls_endpoint_aliases`: Cognito supports none of them.
 * - `ui_locales_supported`, `op_policy_uri`, `op_tos_uri`: nothing to say.
 */
export function authorizationServerMetadata(config: MetadataConfig): Record<string, unknown> {
  const { userinfo_endpoint: _userinfo, ...urls } = endpoints(config);
  return {
    issuer: config.issuerUrl,
    ...urls,
    jwks_uri: config.jwksUri,
    scopes_supported: [...config.allowedScopes],
    // OAuth 2.1: the code flow only; Cognito's implicit grant is never enabled for registered clients.
    response_types_supported: ['code'],
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    // MCP clients refuse metadata without it; Cognito supports S256 only (no `plain`).
    code_challenge_methods_supported: ['S256'],
    ...(config.serviceDocumentation ? { service_documentation: config.serviceDocumentation } : {}),
  };
}

/**
 * The same document as OpenID Provider metadata, for clients that try openid-configuration first,
 * with the fields OIDC Discovery §3 requires. Note: Cognito ID tokens carry the user pool's issuer
 * (`https://cognito-idp.<region>.amazonaws.com/<pool>`), not this one; MCP clients use access
 * tokens only, and relying parties that validate ID tokens should use the pool's own discovery.
 * Left out on purpose: `claims_supported`, `request_parameter_supported` (Cognito has no request
 * objects), `end_session_endpoint` (Cognito's /logout is not RP-initiated logout).
 */
export function openIdConfiguration(config: MetadataConfig): Record<string, unknown> {
  return {
    ...authorizationServerMetadata(config),
    userinfo_endpoint: endpoints(config).userinfo_endpoint,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}
