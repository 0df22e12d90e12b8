/**
 * The MCP server behind the endpoint: `createMcpHandler` (SDK v2) for 2026-07-28, and a stateless
 * JSON-answering transport for 2025-11-25 / 2025-06-18 clients, both fed by one factory.
 *
 * Performance: the SDK calls the factory for every request, and building an `McpServer` (tool
 * registration, schema conversion) is most of a naive handler's cost. The factory here hands out
 * an idle instance from a small per-era pool and builds one only when all are busy; an instance is
 * idle again once its request is answered and the SDK closed it (`transport === undefined`). Pools are per era because the
 * modern path installs modern-only handlers on the instance it serves.
 */
import {
  createMcpHandler,
  isLegacyRequest,
  McpServer,
  PROTOCOL_VERSION_META_KEY,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type McpRequestContext,
  type Transport,
} from '@modelcontextprotocol/server';
import { errorFields, log } from '../shared/logger';
import { withListedSchemaMemo } from './listed-schema';
import type { NotesStore } from './notes-store';
import type { VerifiedToken } from './token-verifier';
import { toolError, type ToolDefinition } from './tools/types';

export interface McpServerOptions {
  readonly name: string;
  readonly version: string;
  readonly tools: readonly ToolDefinition[];
  readonly notes: NotesStore;
  /** `ttlMs` for `tools/list` and `server/discover` (2026-07-28 caching hints). */
  readonly listTtlMs: number;
}

/** The SDK's answer as API Gateway returns it (header names lower-case). */
export interface McpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Serves one parsed JSON-RPC message for an authenticated caller. */
export type McpEndpoint = (request: Request, body: unknown, authInfo: AuthInfo) => Promise<McpAnswer>;

/** The caller as the handler put it into `AuthInfo.extra` (the token itself is not passed on). */
export function callerOf(authInfo: AuthInfo | undefined): VerifiedToken | undefined {
  return authInfo?.extra?.caller as VerifiedToken | undefined;
}

function buildServer(options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: options.name, version: options.version },
    {
      // A Lambda behind API Gateway cannot hold the stream change notifications need.
      capabilities: { tools: { listChanged: false } },
      // The tool list is the same for every caller (scopes are checked per call, not by hiding
      // tools), so shared caches may keep it.
      cacheHints: {
        'tools/list': { ttlMs: options.listTtlMs, cacheScope: 'public' },
        'server/discover': { ttlMs: options.listTtlMs, cacheScope: 'public' },
      },
    },
  );
  for (const [tool, inputSchema] of listedSchemas(options.tools)) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema, annotations: tool.annotations },
      async (input: unknown, ctx) => {
        const caller = callerOf(ctx.http?.authInfo);
        if (!caller) return toolError('Not authenticated');
        try {
          return await tool.run(input as never, { caller, notes: options.notes });
        } catch (err) {
          log.error('tool failed', { tool: tool.name, ...errorFields(err) });
          return toolError(`${tool.name} failed; try again later`);
        }
      },
    );
  }
  return server;
}

const schemaMemos = new WeakMap<readonly ToolDefinition[], [ToolDefinition, ToolDefinition['inputSchema']][]>();

/** The tools with their memoized input schemas, shared by every pooled server of one tool list. */
function listedSchemas(tools: readonly ToolDefinition[]): [ToolDefinition, ToolDefinition['inputSchema']][] {
  let listed = schemaMemos.get(tools);
  if (!listed) {
    listed = tools.map((tool) => [tool, withListedSchemaMemo(tool.inputSchema)]);
    schemaMemos.set(tools, listed);
  }
  return listed;
}

export function createMcpEndpoint(options: McpServerOptions): McpEndpoint {
  const pools: Record<McpRequestContext['era'], McpServer[]> = { modern: [], legacy: [] };
  // A server is handed out to one request at a time: claimed when taken, released when that
  // request's answer is settled, and taken again only once the SDK has also closed it. The
  // transport alone does not say "busy": the SDK connects it only after awaits that follow the
  // factory call, so concurrent requests used to get the same instance (all but one failed).
  const claimed = new Map<McpServer, Request>();
  const claimedBy = new WeakMap<Request, McpServer>();
  const take = (era: McpRequestContext['era'], request: Request): McpServer => {
    let server = pools[era].find((candidate) => !claimed.has(candidate) && candidate.server.transport === undefined);
    if (!server) {
      server = buildServer(options);
      // The modern path's transport is built and connected inside the SDK: reach it on connect.
      closeEachTransportWithoutStackTraces(server);
      pools[era].push(server);
    }
    claimed.set(server, request);
    claimedBy.set(request, server);
    return server;
  };
  // The answer as API Gateway returns it. In the bundle the SDK's Response is sdk-response.ts's, whose
  // `text()` is the string `Response.json` serialized; unbundled it is undici's, read the same way.
  const answer = async (response: Response): Promise<McpAnswer> => {
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { status: response.status, headers, body: await response.text() };
  };
  const release = (request: Request) => {
    const server = claimedBy.get(request);
    if (server) claimed.delete(server);
  };
  const onerror = (err: Error) => log.debug('mcp request rejected', errorFields(err));
  const modern = withoutJsonModeWarning(() =>
    createMcpHandler(({ era, requestInfo }) => take(era, requestInfo as Request), { legacy: 'reject', responseMode: 'json', onerror }),
  );

  // 2025-era clients: stateless (no session id), answered as plain JSON rather than SSE framing.
  const legacy = async (request: Request, body: unknown, authInfo: AuthInfo): Promise<McpAnswer> => {
    const server = take('legacy', request);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await answer(await transport.handleRequest(request, { authInfo, parsedBody: body }));
    } finally {
      // `transport.close` is the stack-less one installed when the server connected it.
      await transport.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    }
  };

  return async (request, body, authInfo) => {
    try {
      // A body with the 2026-07-28 envelope claim is modern by the SDK's own rule; skip its
      // classification here (createMcpHandler classifies again) and ask it only about the rest.
      const modernClaim = hasEnvelopeClaim(body);
      if (!modernClaim && (await isLegacyRequest(request, body))) return await legacy(request, body, authInfo);
      return await answer(await modern.fetch(request, { authInfo, parsedBody: body }));
    } finally {
      release(request);
    }
  };
}

/**
 * Makes every transport the SDK connects to `server` close with V8's stack capture off (the SDK
 * connects a transport per request, inside `createMcpHandler` on the modern path). Closing a
 * served request's transport makes the SDK build a "Connection closed" error for whatever is still
 * waiting on it (`Protocol._onclose`, on every request, waiting or not), and capturing its stack
 * was about 6% of an authorized call. Nothing is waiting once the answer is settled, so the stack
 * would go unread.
 */
function closeEachTransportWithoutStackTraces(server: McpServer): void {
  const protocol = server.server;
  const connect = protocol.connect.bind(protocol);
  protocol.connect = (transport: Transport) => {
    const close = transport.close.bind(transport);
    transport.close = () => whileSet(Error, 'stackTraceLimit', 0, close);
    return connect(transport);
  };
}

/**
 * Runs `run` with `target[key]` set to `value`, and puts the old value back when it returns. `run`
 * is synchronous, so the change is undone before any other code runs and nothing else sees it.
 */
function whileSet<T extends object, K extends keyof T, R>(target: T, key: K, value: T[K], run: () => R): R {
  const previous = target[key];
  target[key] = value;
  try {
    return run();
  } finally {
    target[key] = previous;
  }
}

function hasEnvelopeClaim(body: unknown): boolean {
  const meta = (body as { params?: { _meta?: Record<string, unknown> } } | null)?.params?._meta;
  return typeof meta === 'object' && meta !== null && PROTOCOL_VERSION_META_KEY in meta;
}

/**
 * The SDK prints, on every construction in JSON mode, that mid-call notifications are dropped. This
 * server emits none (no progress, no logging notifications), so on Lambda the line is only noise in
 * every cold start's log; drop exactly that line while the handler is built.
 */
function withoutJsonModeWarning<T>(build: () => T): T {
  const warn = console.warn;
  const filtered = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith("responseMode: 'json' drops mid-call notifications")) return;
    warn(...args);
  };
  return whileSet(console, 'warn', filtered, build);
}
