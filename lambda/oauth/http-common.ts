/** Response headers shared by the facade's routes. */

/**
 * Browser-based MCP clients (e.g. the MCP Inspector) fetch metadata, register and call /token and
 * /revoke from another origin. These routes use no cookies, so any origin may call; credentials
 * travel in headers and bodies only. The broker's cookie-carrying pages (/authorize, /consent,
 * /callback) get no CORS headers at all (router.ts).
 */
export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'www-authenticate, retry-after',
};

export function preflightHeaders(allow: string[]): Record<string, string> {
  return {
    ...CORS_HEADERS,
    allow: [...allow, 'OPTIONS'].join(', '),
    'access-control-allow-methods': [...allow, 'OPTIONS'].join(', '),
    'access-control-allow-headers': 'authorization, content-type, mcp-protocol-version',
    'access-control-max-age': '86400',
  };
}
