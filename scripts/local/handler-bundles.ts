/**
 * Loads the Lambda handlers the way Lambda does: each entry bundled by esbuild into one ES module,
 * with the settings the CDK stacks deploy (lib/lambda-bundling.ts), then imported. The local
 * stack, the handler tests and the benchmark run these bundles, so what they exercise is what
 * ships: ESM-only dependencies such as `@middy/core` included. Only minification differs, so
 * that a stack trace names real functions.
 *
 * Under jest, `import()` of an ES module needs Node's `--experimental-vm-modules`, which
 * `npm test` sets (package.json); a run without it gets a message saying so.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { build } from 'esbuild';
import { BUNDLE_MAIN_FIELDS, BUNDLE_TARGET, bundleExtras, ESM_REQUIRE_BANNER, HANDLER_ENTRIES } from '../../lib/lambda-bundling';
import type { HttpEvent, HttpResult } from '../../lambda/shared/http';
import { withLocalContext, type LambdaHandler } from './lambda-http';

const ROOT = resolve(__dirname, '..', '..');

export type HandlerName = keyof typeof HANDLER_ENTRIES;

/** Bundles one handler entry into `outDir/<name>.mjs` and returns the file. */
export async function bundleHandler(name: HandlerName, outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [join(ROOT, HANDLER_ENTRIES[name])],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    mainFields: BUNDLE_MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    ...bundleExtras(name, ROOT),
    sourcemap: 'inline',
    logLevel: 'error',
  });
  return outfile;
}

type BundledHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/**
 * Imports a bundled HTTP handler (`bundleHandler`) and returns it as the local stack calls handlers,
 * each call with its own Lambda context. The module reads its configuration from `process.env` as
 * it loads: set that first. A file is loaded once per process (module cache): bundle into a fresh
 * directory for a fresh configuration.
 */
export async function importHttpHandler(file: string, functionName: string): Promise<LambdaHandler> {
  let loaded: { handler: BundledHandler };
  try {
    loaded = (await import(pathToFileURL(file).href)) as { handler: BundledHandler };
  } catch (err) {
    if (/--experimental-vm-modules/.test(String(err))) {
      throw new Error('Loading the handlers (ES modules) under jest needs Node\'s --experimental-vm-modules: run the tests with `npm test` or `npm run jest -- <files>`.');
    }
    throw err;
  }
  return withLocalContext(loaded.handler, functionName);
}

/**
 * Bundles `name` into a fresh temporary directory and imports it: the handler as deployed, with the
 * configuration now in `process.env` (handler tests). The directory is removed once imported.
 */
export async function loadBundledHandler(name: Exclude<HandlerName, 'sweeper'>): Promise<LambdaHandler> {
  const dir = mkdtempSync(join(tmpdir(), `mcp-auth-${name}-`));
  try {
    return await importHttpHandler(await bundleHandler(name, dir), `mcp-auth-test-${name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
