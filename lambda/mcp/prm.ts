/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) for the MCP endpoint. Built here rather than
 * with the SDK's helper, which refuses http issuers (the local stack runs on http).
 */
import type { McpConfig } from './config';

/** RFC 9728 §3: the well-known suffix; the path-suffixed form appends the resource's path. */
export const PRM_PATH = '/.well-known/oauth-protected-resource';

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: string[];
  resource_name: string;
  resource_documentation?: string;
}

/**
 * The metadata document. Left out on purpose: `jwks_uri` (the resource signs nothing),
 * `offline_access` (MCP 2026-07-28: never in PRM or challenges; refresh is the AS's business).
 */
export function protectedResourceMetadata(config: McpConfig): ProtectedResourceMetadata {
  return {
    resource: config.resourceUrl,
    authorization_servers: [config.authorizationServerUrl],
    scopes_supported: [config.scopeRead, config.scopeWrite],
    bearer_methods_supported: ['header'],
    resource_name: config.resourceName,
    ...(config.resourceDocumentation ? { resource_documentation: config.resourceDocumentation } : {}),
  };
}

/** RFC 9728 §3.1: the metadata URL for a resource with a path inserts the well-known part after the origin. */
export function resourceMetadataUrl(resourceUrl: string): string {
  const parsed = new URL(resourceUrl);
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  return `${parsed.origin}${PRM_PATH}${path}`;
}
