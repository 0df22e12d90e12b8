/**
 * `npx tsx scripts/bench/ab.ts A_DIR B_DIR [rounds] [list|whoami] | cat >/dev/null`: the in-process
 * leg for two checkouts of this repository at once (say a `git worktree` of main as A and the
 * working tree as B), to tell whether a change to the MCP handler made it faster.
 *
 * Why not two `npm run bench` runs: on this shared machine the same bundle's rate moves by ±30%
 * from one run to the next, more than most changes are worth. Here both bundles (built as the
 * stacks deploy them) are loaded into one process and measured in alternating CPU-second slices,
 * so whatever slows the machine slows both; the figure is B's rate over A's, slice pair by pair.
 * Results go to stderr: stdout carries the handlers' log lines, and should be a drained pipe, as
 * the Lambda runtime's log pipe is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_ALIASES } from '../../lib/lambda-bundling';
import { callsFor, cpuSeconds, eventFor, mainThreadCpu, type Handler } from './inprocess';

/** Calls per slice: long enough that reading the CPU clock costs nothing, short enough to alternate often. */
const SLICE = 50;
import { bundle, median, startBenchTables } from './measure';
import { benchCalls, benchEnv, rs256PerSecond, startIssuer } from './tokens';

async function main(): Promise<void> {
  const [aDir, bDir, roundsArg = '8', what = 'list'] = process.argv.slice(2);
  if (!aDir || !bDir) throw new Error('usage: ab.ts A_DIR B_DIR [rounds] [list|whoami]');
  const out = mkdtempSync(join(tmpdir(), 'mcp-ab-'));
  const issuer = await startIssuer();
  const dynamo = await startBenchTables();
  try {
    const files: string[] = [];
    for (const [name, dir] of [['a', aDir], ['b', bDir]] as const) {
      const root = resolve(dir);
      // The aliases name files relative to a checkout's root: each bundle takes its own checkout's.
      const alias = Object.fromEntries(Object.entries(BUNDLE_ALIASES.mcp ?? {}).map(([from, to]) => [from, join(root, to)]));
      const built = await bundle(join(root, 'lambda/mcp/handler.mts'), out, `${name}-handler`, { sourceMap: true, alias });
      process.stderr.write(`${name}: ${root} (${Math.round(built.bytes / 1024)} KB)\n`);
      files.push(built.file);
    }
    Object.assign(process.env, benchEnv(issuer, dynamo.endpoint));
    const handlers: Handler[] = [];
    for (const file of files) handlers.push(((await import(pathToFileURL(file).href)) as { handler: Handler }).handler);
    const calls = benchCalls(issuer);
    const call = what === 'whoami' ? calls.modernWhoami : calls.modernList;
    // One call each first: a measured loop never yields to the event loop (every await is a
    // settled promise), so the other handler's JWKS fetch, begun at import, would time out.
    for (const handler of handlers) await handler(eventFor(call));
    // Warm both (V8 optimizes each bundle's hot path), then alternate slices of SLICE calls,
    // charging each handler the main thread's CPU time of its own slices only. Short slices:
    // the machine's speed moves within seconds, and both must see the same moments.
    for (let i = 0; i < 2; i++) for (const handler of handlers) await callsFor(handler, call, 1500);
    const blocks = Number(roundsArg);
    const ratios: number[] = [];
    const totals = [0, 0].map(() => ({ calls: 0, cpu: 0 }));
    for (let block = 0; block < blocks; block++) {
      const used = [0, 0].map(() => ({ calls: 0, cpu: 0 }));
      for (let slice = 0; slice < 40; slice++) {
        for (const i of slice % 2 === 0 ? [0, 1] : [1, 0]) {
          const cpu = mainThreadCpu();
          for (let n = 0; n < SLICE; n++) await handlers[i](eventFor(call));
          used[i].cpu += cpuSeconds(mainThreadCpu(cpu));
          used[i].calls += SLICE;
        }
      }
      const [a, b] = used.map((u) => u.calls / u.cpu);
      ratios.push(b / a);
      used.forEach((u, i) => {
        totals[i].calls += u.calls;
        totals[i].cpu += u.cpu;
      });
      process.stderr.write(`block ${block + 1}: a ${Math.round(a)}/s, b ${Math.round(b)}/s, b/a ${(b / a).toFixed(3)}\n`);
    }
    const [a, b] = totals.map((u) => u.calls / u.cpu);
    const rs256 = rs256PerSecond(calls.staticToken, issuer.publicKey);
    const share = (rate: number) => `${((rate / rs256) * 100).toFixed(1)}% of raw RS256`;
    process.stderr.write(
      `${what}: a ${Math.round(a)}/s (${share(a)}), b ${Math.round(b)}/s (${share(b)}); ` +
        `b/a ${(b / a).toFixed(3)} overall, blocks ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)} (median ${median(ratios).toFixed(3)})\n`,
    );
  } finally {
    await dynamo.stop();
    await issuer.close();
    rmSync(out, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
