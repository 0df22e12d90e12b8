/**
 * How the Lambda handlers are bundled, in one place for everything that bundles them: the CDK
 * stacks (lib/constructs/handler-function.ts), the local stack (scripts/local/handler-bundles.ts)
 * and the benchmark. No CDK import here: the local stack loads this module at start.
 *
 * The entries are ES modules (`.mts`), as Lambda runs them: `@middy/core` ships only as ESM, and
 * the rest of lambda/ stays CommonJS-compatible TypeScript that both jest and the bundles load.
 */
import { join } from 'node:path';

/** Handler modules, relative to the repository root, each exporting `handler`. */
export const HANDLER_ENTRIES = {
  mcp: 'lambda/mcp/handler.mts',
  oauth: 'lambda/oauth/handler.mts',
  sweeper: 'lambda/oauth/sweeper-handler.mts',
} as const;

/**
 * `node:http` as every bundle imports it (lambda/shared/node-http.ts): the built-in without the ESM
 * facade, whose reading of node:http's lazy WebSocket exports loaded undici, about 45 ms of a cold
 * start. Dependencies import it too (the AWS SDK's credential providers, middy), so it is an alias.
 */
const NODE_HTTP_ALIASES = { 'node:http': 'lambda/shared/node-http.ts', http: 'lambda/shared/node-http.ts' } as const;

/**
 * Module aliases per entry (import path → file relative to the repository root): node:http as
 * above, and for the MCP function the SDK's `_shims` as lambda/mcp/sdk-shims.ts, the same module
 * without Ajv, which the server never uses and which was a third of the bundle and of its import
 * time (docs/mcp-server.md, "Performance"). An SDK upgrade checks the shim against the SDK's own
 * (test/unit/mcp/sdk-shims.test.ts).
 */
export const BUNDLE_ALIASES: Readonly<Record<keyof typeof HANDLER_ENTRIES, Readonly<Record<string, string>>>> = {
  mcp: { ...NODE_HTTP_ALIASES, '@modelcontextprotocol/server/_shims': 'lambda/mcp/sdk-shims.ts' },
  oauth: NODE_HTTP_ALIASES,
  sweeper: NODE_HTTP_ALIASES,
};

/**
 * Modules whose exports replace globals of the same name in an entry's bundle (esbuild `inject`;
 * files relative to the repository root). The MCP function's SDK builds its answers with
 * lambda/mcp/sdk-response.ts's `Response` instead of undici's, whose loading was about a third of
 * the handler's own cold start (docs/mcp-server.md, "Performance").
 */
export const BUNDLE_INJECTS: Readonly<Partial<Record<keyof typeof HANDLER_ENTRIES, readonly string[]>>> = {
  mcp: ['lambda/mcp/sdk-response.ts'],
};

/** An entry's aliases and injected modules as esbuild takes them, with absolute paths under `root`. */
export function bundleExtras(name: keyof typeof HANDLER_ENTRIES, root: string): { alias: Record<string, string>; inject: string[] } {
  return {
    alias: Object.fromEntries(Object.entries(BUNDLE_ALIASES[name]).map(([from, to]) => [from, join(root, to)])),
    inject: (BUNDLE_INJECTS[name] ?? []).map((file) => join(root, file)),
  };
}

/** Lets bundled CommonJS dependencies call `require` (for Node built-ins) inside the ESM bundle. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The Lambda runtime's Node.js major, as esbuild's target. */
export const BUNDLE_TARGET = 'node22';

/** Prefer packages' ES module builds: they tree-shake better than their CommonJS ones. */
export const BUNDLE_MAIN_FIELDS = ['module', 'main'];
