/**
 * `npx tsx scripts/bench/profile.ts [modern|legacy] [list|whoami] [seconds] [FILE.cpuprofile]`:
 * the in-process leg of `npm run bench` alone, on the bundled handler (not minified, so frames keep
 * their names). With FILE, the measured loop alone (after warm-up, without bundling and imports)
 * is CPU-profiled into FILE, as `node --cpu-prof` would; summarize it with
 * `npx tsx scripts/bench/profile-summary.ts FILE`, or open it in Chrome DevTools.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { handlerCallsPerSecond, type Handler } from './inprocess';
import { bundle, startBenchTables } from './measure';
import { bundleExtras } from '../../lib/lambda-bundling';
import { benchCalls, benchEnv, rs256PerSecond, startIssuer } from './tokens';

async function main(): Promise<void> {
  const [era = 'modern', what = 'list', seconds = '5', profileFile] = process.argv.slice(2);
  // BENCH_BUNDLE=deployed: minified with a source map file, as the stacks deploy it.
  const deployed = process.env.BENCH_BUNDLE === 'deployed';
  const out = mkdtempSync(join(tmpdir(), 'mcp-profile-'));
  const issuer = await startIssuer();
  try {
    // The MCP function's aliases and injected modules either way; readable frames unless as deployed.
    const extras = bundleExtras('mcp', resolve(__dirname, '../..'));
    const lambda = await bundle(resolve(__dirname, '../../lambda/mcp/handler.mts'), out, 'mcp-handler', deployed ? { sourceMap: true, ...extras } : { minify: false, ...extras });
    const dynamo = await startBenchTables();
    Object.assign(process.env, benchEnv(issuer, dynamo.endpoint), process.env.BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_LOG_LEVEL } : {});
    const { handler } = (await import(pathToFileURL(lambda.file).href)) as { handler: Handler };
    const calls = benchCalls(issuer);
    const call = era === 'legacy' ? (what === 'whoami' ? calls.legacyWhoami : calls.legacyList) : what === 'whoami' ? calls.modernWhoami : calls.modernList;
    const rate = await handlerCallsPerSecond(handler, call, Number(seconds) * 1000, profileFile ? cpuProfiler(profileFile) : undefined);
    const rs256 = rs256PerSecond(calls.staticToken, issuer.publicKey);
    process.stderr.write(`${era} ${what}: ${Math.round(rate)} calls/s; raw RS256 ${Math.round(rs256)}/s; share ${((rate / rs256) * 100).toFixed(1)}%\n`);
    await dynamo.stop();
  } finally {
    await issuer.close();
    rmSync(out, { recursive: true, force: true });
  }
}

/** Starts the V8 CPU profiler; the returned function stops it and writes the profile. */
function cpuProfiler(file: string): () => Promise<() => Promise<void>> {
  return async () => {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    return async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    };
  };
}

void main();
