/**
 * `npx tsx scripts/bench/latency-only.ts [rounds]`: only the concurrency leg of `npm run bench`
 * (500 whoami at concurrency 50 per era, a fresh handler each), for before/after comparisons.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundle, latencies, resetLastUsed, startBenchTables } from './measure';
import { bundleExtras } from '../../lib/lambda-bundling';
import { benchCalls, benchEnv, startIssuer } from './tokens';

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const out = mkdtempSync(join(tmpdir(), 'mcp-latency-'));
  const issuer = await startIssuer();
  const dynamo = await startBenchTables();
  try {
    const env = { ...benchEnv(issuer, dynamo.endpoint), NODE_OPTIONS: '' };
    const calls = benchCalls(issuer);
    const server = (await bundle(resolve(__dirname, 'handler-server.mts'), out, 'handler-server', bundleExtras('mcp', resolve(__dirname, '../..')))).file;
    const load = (await bundle(resolve(__dirname, 'load.ts'), out, 'load')).file;
    for (let round = 0; round < rounds; round++) {
      await resetLastUsed(dynamo.endpoint);
      const modern = await latencies(server, load, env, calls.modernList, calls.modernWhoami, { connections: 50, total: 500 });
      await resetLastUsed(dynamo.endpoint);
      const legacy = await latencies(server, load, env, calls.legacyList, calls.legacyWhoami, { connections: 50, total: 500 });
      process.stdout.write(`p99 2025-11-25 ${legacy.p99.toFixed(0)} ms (p50 ${legacy.p50.toFixed(0)}, non-200 ${legacy.failed}), 2026-07-28 ${modern.p99.toFixed(0)} ms (p50 ${modern.p50.toFixed(0)}, non-200 ${modern.failed}): ${(legacy.p99 / modern.p99).toFixed(2)}×\n`);
    }
  } finally {
    await dynamo.stop();
    await issuer.close();
    rmSync(out, { recursive: true, force: true });
  }
}

void main();
