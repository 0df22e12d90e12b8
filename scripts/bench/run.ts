/**
 * `npm run bench`: the MCP Lambda handler beside the MCP SDK's own Node/Express server (baseline),
 * measured in the same run on this machine. Prints bundle sizes, cold start, warm throughput of
 * authorized tools/list, raw RS256 verification rate, and pass/fail against the targets.
 *
 * Liveness check: the token's client is the static client id, so no DynamoDB call happens
 * (the handler still constructs its DynamoDB client at cold start, as on Lambda).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HttpEvent, HttpResult } from '../../lambda/shared/http';
import { bundle, coldStart, hasTaskset, median, throughput, type HttpCall } from './measure';
import { rs256PerSecond, startIssuer } from './tokens';

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 11);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOAD = { connections: 10, durationMs: Number(process.env.BENCH_DURATION_MS ?? 5000), warmupMs: 1000 };
const TARGETS = { bundle: 0.5, init: 0.8, throughput: 1.5 };
const RESOURCE_URL = 'http://127.0.0.1:9/mcp';
const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

const root = resolve(__dirname, '..', '..');
const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;
const fmt = (value: number) => Math.round(value).toLocaleString('en-US');

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const issuer = await startIssuer();
  try {
    const now = Math.floor(Date.now() / 1000);
    const token = issuer.sign({
      sub: 'bench-user', username: 'bench', client_id: 'bench-static-client', token_use: 'access',
      scope: `${RESOURCE_URL}/read ${RESOURCE_URL}/write`, iat: now, exp: now + 3600, jti: randomUUID(),
    });
    const env = {
      AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench',
      RESOURCE_URL, AUTHORIZATION_SERVER_URL: 'http://127.0.0.1:9', STATIC_CLIENT_ID: 'bench-static-client',
      REGISTRATIONS_TABLE: 'registrations', NOTES_TABLE: 'notes', SCOPE_READ: `${RESOURCE_URL}/read`, SCOPE_WRITE: `${RESOURCE_URL}/write`,
      TOKEN_ISSUER: issuer.url, LOG_LEVEL: 'warn', NODE_NO_WARNINGS: '1',
    };
    const modernList: HttpCall = {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: META } }),
    };
    const legacyList: HttpCall = {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    };

    process.stdout.write(`Bundling (esbuild, minified, ESM, no externals: as the CDK stacks deploy) into ${out}\n`);
    const lambdaBundle = await bundle(join(root, 'lambda/mcp/handler.ts'), out, 'mcp-handler');
    const handlerServer = await bundle(join(root, 'scripts/bench/handler-server.ts'), out, 'handler-server');
    const baselineServer = await bundle(join(root, 'scripts/bench/baseline-server.ts'), out, 'baseline-server');
    const loadFile = (await bundle(join(root, 'scripts/bench/load.ts'), out, 'load')).file;

    process.stdout.write(`Cold starts: ${COLD_RUNS} fresh processes each (spawn → first authorized tools/list answer)\n`);
    const coldHandler: number[] = [];
    const coldBaseline: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      coldHandler.push(await coldStart(handlerServer.file, env, modernList));
      coldBaseline.push(await coldStart(baselineServer.file, env, legacyList));
    }

    process.stdout.write(`Throughput: ${ROUNDS} interleaved rounds, ${LOAD.connections} connections, ${LOAD.durationMs / 1000} s after ${LOAD.warmupMs / 1000} s warm-up, server ${hasTaskset ? 'pinned to CPU 0 (taskset), load on CPU 1' : 'unpinned (no taskset)'}\n`);
    // Rounds interleave the three servers, so background load on a shared machine hits all alike; medians reported.
    const runs = { handler: [] as number[], legacy: [] as number[], baseline: [] as number[] };
    let failedTotal = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [key, file, call] of [
        ['handler', handlerServer.file, modernList],
        ['baseline', baselineServer.file, legacyList],
        ['legacy', handlerServer.file, legacyList],
      ] as const) {
        const { rps, failed } = await throughput(file, loadFile, env, call, LOAD);
        runs[key].push(rps);
        failedTotal += failed;
      }
    }
    const tpHandler = { rps: median(runs.handler) };
    const tpHandlerLegacy = { rps: median(runs.legacy) };
    const tpBaseline = { rps: median(runs.baseline) };

    process.stdout.write('In-process: raw RS256 verifications and handler calls\n');
    const rs256 = rs256PerSecond(token, issuer.publicKey);
    Object.assign(process.env, env);
    const { handler } = (await import(pathToFileURL(lambdaBundle.file).href)) as { handler: (event: HttpEvent) => Promise<HttpResult> };
    const inProcess = await handlerCallsPerSecond(handler, modernList);

    const cold = { handler: median(coldHandler), baseline: median(coldBaseline) };
    const rows: [string, string, string, number, string, boolean][] = [
      ['bundle, minified', kb(lambdaBundle.bytes), kb(baselineServer.bytes), lambdaBundle.bytes / baselineServer.bytes, `≤ ${TARGETS.bundle}`, lambdaBundle.bytes / baselineServer.bytes <= TARGETS.bundle],
      ['bundle, gzipped', kb(lambdaBundle.gzipBytes), kb(baselineServer.gzipBytes), lambdaBundle.gzipBytes / baselineServer.gzipBytes, `≤ ${TARGETS.bundle}`, lambdaBundle.gzipBytes / baselineServer.gzipBytes <= TARGETS.bundle],
      ['cold start, median ms', fmt(cold.handler), fmt(cold.baseline), cold.handler / cold.baseline, `≤ ${TARGETS.init}`, cold.handler / cold.baseline <= TARGETS.init],
      ['tools/list req/s (1 core)', fmt(tpHandler.rps), fmt(tpBaseline.rps), tpHandler.rps / tpBaseline.rps, `≥ ${TARGETS.throughput}`, tpHandler.rps / tpBaseline.rps >= TARGETS.throughput],
    ];
    const table = [
      '| metric | MCP Lambda handler | baseline (SDK v1 Express + requireBearerAuth + jose) | ratio | target | result |',
      '|---|---|---|---|---|---|',
      ...rows.map(([name, a, b, ratio, target, pass]) => `| ${name} | ${a} | ${b} | ${ratio.toFixed(2)} | ${target} | ${pass ? 'PASS' : 'FAIL'} |`),
    ];
    process.stdout.write(`\n${table.join('\n')}\n\n`);
    process.stdout.write(`cold start samples (ms): handler ${coldHandler.map(fmt).join(', ')}; baseline ${coldBaseline.map(fmt).join(', ')}\n`);
    process.stdout.write(`handler over HTTP, 2025-11-25 tools/list (legacy leg): ${fmt(tpHandlerLegacy.rps)} req/s (${(tpHandlerLegacy.rps / tpBaseline.rps).toFixed(2)}× baseline)\n`);
    process.stdout.write(`throughput samples (req/s): handler ${runs.handler.map(fmt).join(', ')}; baseline ${runs.baseline.map(fmt).join(', ')}; handler legacy ${runs.legacy.map(fmt).join(', ')}\n`);
    process.stdout.write(`non-200 answers under load: ${failedTotal}\n`);
    process.stdout.write(`raw RS256 verifications/s (node:crypto, one core): ${fmt(rs256)}\n`);
    process.stdout.write(`handler in-process authorized tools/list calls/s: ${fmt(inProcess)} = ${((inProcess / rs256) * 100).toFixed(1)}% of raw RS256\n`);
    process.stdout.write(`liveness check: static client id (no DynamoDB call)\n`);
    process.exitCode = rows.every((row) => row[5]) ? 0 : 1;
  } finally {
    await issuer.close();
    rmSync(out, { recursive: true, force: true });
  }
}

function eventFor(call: HttpCall): HttpEvent {
  return {
    version: '2.0', routeKey: '$default', rawPath: '/mcp', rawQueryString: '', headers: { host: '127.0.0.1:9', ...call.headers },
    body: call.body, isBase64Encoded: false,
    requestContext: {
      accountId: 'bench', apiId: 'bench', domainName: '127.0.0.1:9', domainPrefix: 'bench', requestId: 'bench', routeKey: '$default', stage: '$default',
      http: { method: 'POST', path: '/mcp', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' }, time: '', timeEpoch: 0,
    },
  } as HttpEvent;
}

async function handlerCallsPerSecond(handler: (event: HttpEvent) => Promise<HttpResult>, call: HttpCall, durationMs = 2000): Promise<number> {
  const first = await handler(eventFor(call));
  if (first.statusCode !== 200) throw new Error(`in-process call failed: ${first.statusCode} ${first.body}`);
  for (let i = 0; i < 200; i++) await handler(eventFor(call));
  let count = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    await handler(eventFor(call));
    count++;
  }
  return count / (durationMs / 1000);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 2;
});
