/**
 * CORS headers. Public metadata (PRM) may be read from any origin; `/mcp` answers only the
 * browser origins in ALLOWED_ORIGINS (others got 403 before this), and lets them read the
 * challenge and the MCP headers.
 */
import type { Headers } from '../shared/http';

export const PUBLIC_CORS: Headers = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
  'access-control-allow-headers': '*',
  'access-control-max-age': '86400',
};

const MCP_REQUEST_HEADERS = 'authorization, content-type, accept, mcp-protocol-version, mcp-method, mcp-name, last-event-id';

/** Headers for an `/mcp` response to an allowed browser origin; none for non-browser callers. */
export function mcpCors(origin: string | undefined): Headers {
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'www-authenticate, mcp-protocol-version',
    vary: 'Origin',
  };
}

/** The preflight answer for `/mcp` (the origin was already checked). */
export function mcpPreflight(origin: string | undefined): Headers {
  return {
    ...mcpCors(origin),
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': MCP_REQUEST_HEADERS,
    'access-control-max-age': '600',
  };
}
