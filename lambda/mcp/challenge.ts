/**
 * `WWW-Authenticate` challenges for the MCP endpoint (RFC 6750 §3, RFC 9728 §5.1, MCP
 * authorization): every challenge names the PRM URL and the scopes the request needs.
 */

/** RFC 6750 §3: quoted-string values; strip what would break the quoting. */
function quote(value: string): string {
  return `"${value.replace(/["\\\r\n]/g, ' ')}"`;
}

/** 401 challenge. Without a token: no error code (RFC 6750 §3.1); with a rejected one: `invalid_token`. */
export function unauthorizedChallenge(metadataUrl: string, scopes: readonly string[], errorDescription?: string): string {
  const parts = [`resource_metadata=${quote(metadataUrl)}`, `scope=${quote(scopes.join(' '))}`];
  if (errorDescription !== undefined) parts.push('error="invalid_token"', `error_description=${quote(errorDescription)}`);
  return `Bearer ${parts.join(', ')}`;
}

/** 403 challenge for step-up: `scope` lists every scope the operation needs, not only the missing ones. */
export function insufficientScopeChallenge(metadataUrl: string, scopes: readonly string[], errorDescription: string): string {
  return `Bearer error="insufficient_scope", scope=${quote(scopes.join(' '))}, resource_metadata=${quote(metadataUrl)}, error_description=${quote(errorDescription)}`;
}
