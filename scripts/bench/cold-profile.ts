/**
 * `npx tsx scripts/bench/cold-profile.ts [DIR] [RUNS]`: CPU profiles of the MCP handler's cold
 * start as the cold leg measures it (bundle as deployed, spawn → first authorized tools/list
 * answer), written to DIR as `node --cpu-prof` writes them (one per run). Summarize one with
 * `npx tsx scripts/bench/profile-summary.ts FILE`. Prints each run's spawn-to-answer time, unprofiled
 * and profiled.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundle, coldStart, post, startBenchTables, startServer } from './measure';
import { bundleExtras } from '../../lib/lambda-bundling';
import { benchCalls, benchEnv, startIssuer } from './tokens';

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? 'cold-profiles');
  const runs = Number(process.argv[3] ?? 3);
  mkdirSync(dir, { recursive: true });
  const root = resolve(__dirname, '../..');
  const out = mkdtempSync(join(tmpdir(), 'mcp-cold-'));
  const issuer = await startIssuer();
  const dynamo = await startBenchTables();
  try {
    const server = (await bundle(join(root, 'scripts/bench/handler-server.mts'), out, 'handler-server', { sourceMap: true, ...bundleExtras('mcp', root), minify: process.env.BENCH_BUNDLE !== 'readable' })).file;
    const env = { ...benchEnv(issuer, dynamo.endpoint), NODE_OPTIONS: '' };
    const call = benchCalls(issuer).modernList;
    for (let i = 0; i < runs; i++) {
      const plain = await coldStart(server, env, call);
      // Profiled: stopped with SIGINT (the server exits 0) so that node writes the profile.
      const started = performance.now();
      const { child, port } = await startServer(server, { ...env, PORT: '0', NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-interval=100` });
      const answer = await post(port, call);
      const profiled = performance.now() - started;
      await new Promise((ok) => { child.once('exit', ok); child.kill('SIGINT'); });
      process.stderr.write(`run ${i + 1}: ${Math.round(plain)} ms (profiled: ${Math.round(profiled)} ms, ${answer.status})\n`);
    }
  } finally {
    await dynamo.stop();
    await issuer.close();
    rmSync(out, { recursive: true, force: true });
  }
}

void main();
