/**
 * Routes for the MCP resource server (docs/contracts.md): `/mcp` and the Protected Resource
 * Metadata. `createMcpApp` takes its dependencies so tests and the local stack can run it; the
 * Lambda entry (`handler.ts`) builds them once per container.
 */
import { bodyBytes, bodyText, empty, header, json, MAX_BODY_BYTES, method, type HttpEvent, type HttpResult } from '../shared/http';
import { errorFields, log } from '../shared/logger';
import { authenticate, requireScopes } from './authorize';
import type { McpConfig } from './config';
import { mcpCors, mcpPreflight, PUBLIC_CORS } from './cors';
import type { McpEndpoint } from './mcp-server';
import { originAllowed } from './origin';
import { PRM_PATH, protectedResourceMetadata, resourceMetadataUrl } from './prm';
import { peek, RpcCode, rpcError, type JsonRpcId } from './rpc';
import { sdkRequest } from './sdk-request';
import type { TokenVerifier } from './token-verifier';
import type { ScopeRole, ToolDefinition } from './tools/types';

export interface McpAppDeps {
  readonly config: McpConfig;
  readonly verify: TokenVerifier;
  readonly endpoint: McpEndpoint;
  readonly tools: readonly ToolDefinition[];
}

const NO_STORE = { 'cache-control': 'no-store' } as const;

/** How long clients and caches may keep the PRM document. */
const PRM_MAX_AGE_SECONDS = 300;

/** The paths this function serves: the MCP endpoint (at the resource URL's path, and /mcp) and RFC 9728 metadata. */
export function mcpRoutes(config: Pick<McpConfig, 'resourceUrl'>): { mcp: string[]; prm: string[] } {
  const resourcePath = new URL(config.resourceUrl).pathname.replace(/\/+$/, '') || '/mcp';
  return { mcp: [...new Set([resourcePath, '/mcp'])], prm: [...new Set([PRM_PATH, `${PRM_PATH}${resourcePath}`, `${PRM_PATH}/mcp`])] };
}

export function createMcpApp({ config, verify, endpoint, tools }: McpAppDeps): (event: HttpEvent) => Promise<HttpResult> {
  const routes = mcpRoutes(config);
  const mcpPaths = new Set(routes.mcp);
  const prmPaths = new Set(routes.prm);
  const metadataUrl = resourceMetadataUrl(config.resourceUrl);
  const resource = new URL(config.resourceUrl);
  const prmBody = JSON.stringify(protectedResourceMetadata(config));
  const fullScope = (role: ScopeRole) => (role === 'read' ? config.scopeRead : config.scopeWrite);
  // Every authenticated method needs the read scope (the 401 challenge names it); a tool's own
  // scopes come on top. Read first, so challenges list scopes in one order.
  const baseScopes = [config.scopeRead];
  const withRead = (scopes: readonly string[]) => [config.scopeRead, ...scopes.filter((scope) => scope !== config.scopeRead)];
  const toolScopes = new Map(tools.map((tool) => [tool.name, withRead(tool.scopes.map(fullScope))]));

  function servePrm(event: HttpEvent): HttpResult {
    const verb = method(event);
    if (verb === 'OPTIONS') return empty(204, PUBLIC_CORS);
    if (verb !== 'GET' && verb !== 'HEAD') return json(405, { error: 'method_not_allowed' }, { allow: 'GET, OPTIONS', ...PUBLIC_CORS });
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': `public, max-age=${PRM_MAX_AGE_SECONDS}`, ...PUBLIC_CORS },
      body: verb === 'HEAD' ? '' : prmBody,
    };
  }

  async function serveMcp(event: HttpEvent): Promise<HttpResult> {
    const origin = header(event, 'origin');
    // MCP transport security: a browser origin not configured is refused (DNS rebinding).
    if (!originAllowed(origin, config.allowedOrigins)) return rpcError(403, requestId(event), RpcCode.ServerError, 'Forbidden: origin not allowed');
    const cors = mcpCors(origin);
    const verb = method(event);
    if (verb === 'OPTIONS') return empty(204, mcpPreflight(origin));
    // Stateless: no GET stream, no session to DELETE.
    if (verb !== 'POST') return rpcError(405, null, RpcCode.ServerError, 'Method not allowed', { allow: 'POST', ...cors });
    if (bodyBytes(event) > MAX_BODY_BYTES) return rpcError(413, null, RpcCode.ServerError, 'Payload too large', cors);

    const text = bodyText(event);
    const rpc = peek(text);
    const needed = (rpc.toolName && toolScopes.get(rpc.toolName)) || baseScopes;
    const auth = await authenticate(verify, metadataUrl, header(event, 'authorization'), needed, rpc.id);
    if ('refusal' in auth) return withHeaders(auth.refusal, cors);

    if (!rpc.parsed) return rpcError(400, null, RpcCode.ParseError, 'Parse error: the body is not JSON', cors);
    // 2026-07-28 removed batching; 2025-06-18 already had.
    if (rpc.isBatch) return rpcError(400, null, RpcCode.InvalidRequest, 'Invalid request: JSON-RPC batches are not supported', cors);
    const refused = requireScopes(auth.caller, metadataUrl, needed, rpc.id);
    if (refused) return withHeaders(refused, cors);
    // Nothing to subscribe to, and a Lambda cannot hold the stream: answer as for any unknown method.
    if (rpc.method === 'subscriptions/listen') return rpcError(404, rpc.id, RpcCode.MethodNotFound, 'Method not found', cors);

    const { caller } = auth;
    // Not an undici Request: the SDK gets the body parsed once (`parsedBody`) and reads only the
    // method and headers (sdk-request.ts).
    const answer = await endpoint(sdkRequest(event), rpc.body, {
      token: '', // never passed on: tools get the caller below, not the credential
      clientId: caller.clientId ?? '', // none only with CLIENT_CHECK=none and a token naming no client
      scopes: [...caller.scopes],
      expiresAt: caller.expiresAt,
      resource,
      extra: { caller },
    });
    return { statusCode: answer.status, headers: { ...answer.headers, ...cors }, body: answer.body };
  }

  return async (event) => {
    const path = event.rawPath;
    try {
      // Answers to /mcp depend on the credential (RFC 6749 §5.1's rule for token responses, by
      // analogy; RFC 9111 §5.2.2.5): no cache may keep any of them, errors and preflights included.
      if (mcpPaths.has(path)) return withHeaders(await serveMcp(event), NO_STORE);
      if (prmPaths.has(path)) return servePrm(event);
      return json(404, { error: 'not_found', error_description: 'No such resource' });
    } catch (err) {
      log.error('unhandled error', { path, ...errorFields(err) });
      if (prmPaths.has(path)) return servePrm(event);
      return rpcError(500, requestId(event), -32603, 'Internal error');
    }
  };
}

/**
 * The JSON-RPC id of a request refused before the body is otherwise read: a POST body within
 * MAX_BODY_BYTES is peeked; null without a body, for one too large, unparseable, or a batch.
 */
function requestId(event: HttpEvent): JsonRpcId {
  if (method(event) !== 'POST' || bodyBytes(event) > MAX_BODY_BYTES) return null;
  try {
    return peek(bodyText(event)).id;
  } catch {
    return null;
  }
}

function withHeaders(result: HttpResult, headers: Record<string, string>): HttpResult {
  return { ...result, headers: { ...(result.headers as Record<string, string>), ...headers } };
}
