/**
 * `npx tsx scripts/bench/ab.ts A_DIR B_DIR [rounds] [list|whoami] | cat >/dev/null`: the in-process
 * leg for two checkouts of this repository at once (say a `git worktree` of main as A and the
 * working tree as B), to tell whether a change to the MCP handler made it faster.
 *
 * Why not two `npm run bench` runs: on this shared machine the same bundle's rate moves by ±30%
 * from one run to the next, more than most changes are worth. Here both bundles (built as the
 * stacks deploy them) are loaded into one process and measured in alternating 50-call slices
 * (`alternatingRates`), so whatever slows the machine slows both; the figure is B's rate over
 * A's, block by block.
 * Results go to stderr: stdout carries the handlers' log lines, and should be a drained pipe, as
 * the Lambda runtime's log pipe is.
 *
 * `cold` instead of list|whoami: cold starts as the bench's cold leg measures them (spawn to the
 * first authorized tools/list), A then B, `rounds` pairs; the figure is the median of each pair's
 * B/A. An A/A run gives 0.99; a ±3% change is about what it can tell.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alternatingRates, callSlice, eventFor, warmUp, type Handler } from './inprocess';
import { bundle, coldStart, median, startBenchTables } from './measure';
import { benchCalls, benchEnv, rs256PerSecond, startIssuer, type Issuer } from './tokens';

/** Calls per slice: long enough that reading the CPU clock costs nothing, short enough to alternate often. */
const SLICE = 50;
/** CPU time per block for each handler (ms of the main thread): one ratio per block. */
const BLOCK_CPU_MS = 300;

async function main(): Promise<void> {
  const [aDir, bDir, roundsArg = '8', what = 'list'] = process.argv.slice(2);
  if (!aDir || !bDir) throw new Error('usage: ab.ts A_DIR B_DIR [rounds] [list|whoami|cold]');
  const out = mkdtempSync(join(tmpdir(), 'mcp-ab-'));
  const issuer = await startIssuer();
  const dynamo = await startBenchTables();
  try {
    if (what === 'cold') {
      await coldPairs([aDir, bDir], out, issuer, dynamo.endpoint, Number(roundsArg));
      return;
    }
    const files: string[] = [];
    for (const [name, dir] of [['a', aDir], ['b', bDir]] as const) {
      const root = resolve(dir);
      // Aliases and injected modules are files of a checkout: each bundle takes its own checkout's.
      const built = await bundle(join(root, 'lambda/mcp/handler.mts'), out, `${name}-handler`, { sourceMap: true, ...(await checkoutBundleExtras(root)) });
      process.stderr.write(`${name}: ${root} (${Math.round(built.bytes / 1024)} KB)\n`);
      files.push(built.file);
    }
    Object.assign(process.env, benchEnv(issuer, dynamo.endpoint));
    const handlers: Handler[] = [];
    // AB_LOG_LEVELS=A_LEVEL,B_LEVEL: each handler with its own LOG_LEVEL (read at import), e.g.
    // `warn,silent` with the same checkout twice for the cost of the request's log line.
    const levels = process.env.AB_LOG_LEVELS?.split(',');
    for (const [i, file] of files.entries()) {
      if (levels?.[i]) process.env.LOG_LEVEL = levels[i];
      handlers.push(((await import(pathToFileURL(file).href)) as { handler: Handler }).handler);
    }
    const calls = benchCalls(issuer);
    const call = what === 'whoami' ? calls.modernWhoami : calls.modernList;
    // One call each first: a measured loop never yields to the event loop (every await is a
    // settled promise), so the other handler's JWKS fetch, begun at import, would time out.
    for (const handler of handlers) await handler(eventFor(call));
    for (const handler of handlers) await warmUp(handler, call);
    const slices = handlers.map((handler) => callSlice(handler, call, SLICE));
    const rates: [number[], number[]] = [[], []];
    const ratios: number[] = [];
    for (let block = 0; block < Number(roundsArg); block++) {
      const [a, b] = await alternatingRates(slices, BLOCK_CPU_MS);
      rates[0].push(a);
      rates[1].push(b);
      ratios.push(b / a);
      process.stderr.write(`block ${block + 1}: a ${Math.round(a)}/s, b ${Math.round(b)}/s, b/a ${(b / a).toFixed(3)}\n`);
    }
    const [a, b] = rates.map(median);
    const rs256 = rs256PerSecond(calls.staticToken, issuer.publicKey);
    const share = (rate: number) => `${((rate / rs256) * 100).toFixed(1)}% of raw RS256`;
    process.stderr.write(
      `${what}: a ${Math.round(a)}/s (${share(a)}), b ${Math.round(b)}/s (${share(b)}); ` +
        `b/a median ${median(ratios).toFixed(3)}, blocks ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}\n`,
    );
  } finally {
    await dynamo.stop();
    await issuer.close();
    rmSync(out, { recursive: true, force: true });
  }
}

/** Cold starts of each checkout's bench server (handler-server.mts), in `pairs` A-then-B pairs. */
async function coldPairs(dirs: readonly string[], out: string, issuer: Issuer, dynamodbEndpoint: string, pairs: number): Promise<void> {
  const servers: string[] = [];
  for (const [i, dir] of dirs.entries()) {
    const root = resolve(dir);
    servers.push((await bundle(join(root, 'scripts/bench/handler-server.mts'), out, `server-${i}`, { sourceMap: true, ...(await checkoutBundleExtras(root)) })).file);
  }
  const env = { ...benchEnv(issuer, dynamodbEndpoint), NODE_OPTIONS: '' };
  const call = benchCalls(issuer).modernList;
  const times: [number[], number[]] = [[], []];
  const ratios: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const a = await coldStart(servers[0], env, call);
    const b = await coldStart(servers[1], env, call);
    times[0].push(a);
    times[1].push(b);
    ratios.push(b / a);
  }
  process.stderr.write(
    `cold: a median ${Math.round(median(times[0]))} ms, b median ${Math.round(median(times[1]))} ms; ` +
      `b/a median of pairs ${median(ratios).toFixed(3)} (${pairs} pairs, ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})\n`,
  );
}

/**
 * A checkout's MCP bundling extras from its own lib/lambda-bundling.ts (older checkouts have only
 * BUNDLE_ALIASES), with paths under that checkout.
 */
async function checkoutBundleExtras(root: string): Promise<{ alias: Record<string, string>; inject?: string[] }> {
  const settings = (await import(pathToFileURL(join(root, 'lib/lambda-bundling.ts')).href)) as {
    bundleExtras?: (name: 'mcp', root: string) => { alias: Record<string, string>; inject: string[] };
    BUNDLE_ALIASES?: { mcp?: Record<string, string> };
  };
  if (settings.bundleExtras) return settings.bundleExtras('mcp', root);
  return { alias: Object.fromEntries(Object.entries(settings.BUNDLE_ALIASES?.mcp ?? {}).map(([from, to]) => [from, join(root, to)])) };
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
