/**
 * `npm run bench [-- --json FILE]`: the MCP Lambda handler beside two baselines built on the MCP
 * SDK's own servers, measured in one run on this machine (ratios within a run survive a noisy,
 * shared machine; absolute figures do not):
 * - v1: SDK v1 Express app, StreamableHTTPServerTransport per request, `requireBearerAuth` + jose;
 * - v2: SDK v2 Express app (`@modelcontextprotocol/express`) serving `createMcpHandler` with the
 *   same three tools and bearer verification (jose).
 * Prints bundle sizes, cold starts (with the spread), HTTP throughput on one core, latency at
 * concurrency 50 in both protocol eras, and in-process authorized calls against the raw RS256
 * verification rate; with `--json FILE`, writes the ratios (and the figures behind them) to FILE.
 *
 * Liveness: tools/list uses the static client (no lookup); whoami uses a DCR client whose
 * registration lives in dynalite, so its liveness lookup runs once and is then served from the
 * per-container cache (CLIENT_CHECK_TTL_SECONDS, 60 s by default), as on a warm Lambda.
 *
 * After the MCP legs, the facade leg (facade.ts): the authorization-server facade's bundle, cold
 * start (interleaved with the MCP handler's) and in-process /authorize and /token latency against
 * the local stack.
 *
 * `--only LEG[,LEG...]` runs just those legs: cold, http, concurrency, inprocess, facade (the
 * facade leg alone still measures the MCP handler's cold start beside its own).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundle, coldStart, hasTaskset, inProcessRuns, latencies, median, resetLastUsed, spread, startBenchTables, syscallMitigation, throughput, type Latencies } from './measure';
import { runFacadeLeg, type FacadeFigures } from './facade';
import { benchCalls, benchEnv, startIssuer } from './tokens';
import { bundleExtras } from '../../lib/lambda-bundling';

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 11);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LATENCY_ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 3);
const LOAD = { connections: 10, durationMs: Number(process.env.BENCH_DURATION_MS ?? 5000), warmupMs: 1000 };
const CONCURRENCY = { connections: 50, total: 500 };
const TARGETS = { bundle: 0.5, cold: 0.7, httpV1: 2, httpV2: 1.6, inProcess: 0.15, whoami: 0.12, legacyP99: 1.5 };
const SOURCE_MAPS = '--enable-source-maps';

/** The median over rounds of `a[i] / b[i]`. */
const medianRatio = (a: number[], b: number[]) => median(a.map((value, i) => value / b[i]));

const root = resolve(__dirname, '..', '..');
const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;
const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/**
 * NODE_OPTIONS the stacks give the functions (lib/constructs/handler-function.ts), so the cold start
 * is measured as Lambda starts the bundle; BENCH_FUNCTION_NODE_OPTIONS overrides it.
 */
function functionNodeOptions(): string {
  if (process.env.BENCH_FUNCTION_NODE_OPTIONS !== undefined) return process.env.BENCH_FUNCTION_NODE_OPTIONS;
  const source = readFileSync(join(root, 'lib/constructs/handler-function.ts'), 'utf8');
  const match = /NODE_OPTIONS: '([^']*)'/.exec(source);
  return match ? match[1] : '';
}

function jsonTarget(): string | undefined {
  const at = process.argv.indexOf('--json');
  if (at === -1) return undefined;
  const file = process.argv[at + 1];
  if (!file) throw new Error('--json needs a file name');
  return resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

export const LEGS = ['cold', 'http', 'concurrency', 'inprocess', 'facade'] as const;
export type Leg = (typeof LEGS)[number];

/**
 * `--only LEG[,LEG...]`: just those legs (cold, http, concurrency, inprocess, facade), e.g.
 * `npm run bench -- --only cold` while working on the cold start; every leg without it.
 */
function selectedLegs(): Set<Leg> {
  const at = process.argv.indexOf('--only');
  if (at === -1) return new Set(LEGS);
  const named = (process.argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = named.filter((leg) => !(LEGS as readonly string[]).includes(leg));
  if (named.length === 0 || unknown.length > 0) throw new Error(`--only takes one or more of ${LEGS.join(', ')}, comma-separated (got ${process.argv[at + 1] ?? 'nothing'})`);
  return new Set(named as Leg[]);
}

/** The facade figures under the keys issue 13 names, beside the leg's other figures. */
function facadeJson(f: FacadeFigures): Record<string, unknown> {
  return {
    facadeBundleKb: f.facadeBundleKb, facadeColdStartMs: f.facadeColdStartMs, authorizeP95Ms: f.authorizeP95Ms, tokenP95Ms: f.tokenP95Ms,
    facade: { bundleMinifiedKb: f.facadeBundleMinifiedKb, mcpColdStartMs: f.mcpColdStartMs, authorizeP50Ms: f.authorizeP50Ms, tokenP50Ms: f.tokenP50Ms, samples: f.samples },
  };
}

async function main(): Promise<void> {
  const jsonFile = jsonTarget();
  const legs = selectedLegs();
  const mcpLegs = [...legs].some((leg) => leg !== 'facade');
  const out = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const issuer = await startIssuer();
  const dynamo = await startBenchTables();
  try {
    const env = benchEnv(issuer, dynamo.endpoint);
    const calls = benchCalls(issuer);
    const nodeOptions = functionNodeOptions();
    const withMaps = nodeOptions.includes(SOURCE_MAPS);
    const otherOptions = withMaps ? nodeOptions.replace(SOURCE_MAPS, '').trim() : `${nodeOptions} ${SOURCE_MAPS}`.trim();
    const handlerEnv = (options: string) => ({ ...env, NODE_OPTIONS: options });
    const baselineEnv = { ...env, NODE_OPTIONS: '' };

    // As deployed (lib/lambda-bundling.ts: the node:http and SDK shims aliases, the injected
    // Response), and, for comparison, with none of them: the SDK as published.
    const mcpBundling = { sourceMap: true, ...bundleExtras('mcp', root) };
    const otherBundling = { sourceMap: true };
    const deployedName = 'node:http and SDK shims aliases, Response injected';
    const otherName = 'SDK as published, no aliases or injected Response';
    process.stdout.write(`Bundling (esbuild, minified, ESM, no externals, source map file: as the CDK stacks deploy; MCP function: ${deployedName}) into ${out}\n`);
    const handlerServer = (await bundle(join(root, 'scripts/bench/handler-server.mts'), out, 'handler-server', mcpBundling)).file;
    const ratios: Record<string, number> = {};
    const m: Record<string, number> = {};
    const samples: Record<string, unknown> = {};
    const table = ['| metric | MCP Lambda handler | v1 baseline | v2 baseline | ratio (v1 / v2) | target | result |', '|---|---|---|---|---|---|---|'];
    const lines: string[] = [];
    const verdicts: boolean[] = [];
    let bytes: Record<string, number> | undefined;
    let failedTotal = 0;
    const row = (name: string, handlerValue: string, v1Value: string, v2Value: string, ratio: string, target: string, pass: boolean) =>
      table.push(`| ${name} | ${handlerValue} | ${v1Value} | ${v2Value} | ${ratio} | ${target} | ${pass ? 'PASS' : 'FAIL'} |`);
    const both = (a: number, b: number) => `${a.toFixed(2)} / ${b.toFixed(2)}`;
    const verdict = (pass: boolean) => {
      verdicts.push(pass);
      return pass;
    };

    if (mcpLegs) {
      const lambdaBundle = await bundle(join(root, 'lambda/mcp/handler.mts'), out, 'mcp-handler', mcpBundling);
      const otherLambdaBundle = await bundle(join(root, 'lambda/mcp/handler.mts'), out, 'mcp-handler-other', otherBundling);
      const v1 = await bundle(join(root, 'scripts/bench/baseline-server.ts'), out, 'baseline-v1');
      const v2 = await bundle(join(root, 'scripts/bench/baseline-v2-server.ts'), out, 'baseline-v2');
      const loadFile = (await bundle(join(root, 'scripts/bench/load.ts'), out, 'load')).file;
      bytes = { handler: lambdaBundle.bytes, handlerOtherBundling: otherLambdaBundle.bytes, v1: v1.bytes, v2: v2.bytes, handlerGzip: lambdaBundle.gzipBytes, v1Gzip: v1.gzipBytes, v2Gzip: v2.gzipBytes };
      Object.assign(ratios, {
        bundleRatioV1: lambdaBundle.bytes / v1.bytes, bundleRatioV2: lambdaBundle.bytes / v2.bytes,
        bundleGzipRatioV1: lambdaBundle.gzipBytes / v1.gzipBytes, bundleGzipRatioV2: lambdaBundle.gzipBytes / v2.gzipBytes,
      });
      row('bundle, minified', kb(lambdaBundle.bytes), kb(v1.bytes), kb(v2.bytes), both(ratios.bundleRatioV1, ratios.bundleRatioV2), `≤ ${TARGETS.bundle}`, verdict(Math.max(ratios.bundleRatioV1, ratios.bundleRatioV2) <= TARGETS.bundle));
      row('bundle, gzipped', kb(lambdaBundle.gzipBytes), kb(v1.gzipBytes), kb(v2.gzipBytes), both(ratios.bundleGzipRatioV1, ratios.bundleGzipRatioV2), `≤ ${TARGETS.bundle}`, Math.max(ratios.bundleGzipRatioV1, ratios.bundleGzipRatioV2) <= TARGETS.bundle);
      row(`bundle, minified (${otherName})`, kb(otherLambdaBundle.bytes), kb(v1.bytes), kb(v2.bytes), both(otherLambdaBundle.bytes / v1.bytes, otherLambdaBundle.bytes / v2.bytes), 'for comparison', true);

      if (legs.has('cold')) {
        process.stdout.write(`Cold starts: ${COLD_RUNS} fresh processes each, interleaved (spawn → first authorized tools/list answer); handler NODE_OPTIONS "${nodeOptions}" (the stacks'), and "${otherOptions}"\n`);
        const otherServer = (await bundle(join(root, 'scripts/bench/handler-server.mts'), out, 'handler-server-other', otherBundling)).file;
        const cold = { handler: [] as number[], other: [] as number[], otherBundling: [] as number[], v1: [] as number[], v2: [] as number[] };
        for (let i = 0; i < COLD_RUNS; i++) {
          cold.handler.push(await coldStart(handlerServer, handlerEnv(nodeOptions), calls.modernList));
          cold.other.push(await coldStart(handlerServer, handlerEnv(otherOptions), calls.modernList));
          cold.otherBundling.push(await coldStart(otherServer, handlerEnv(nodeOptions), calls.modernList));
          cold.v1.push(await coldStart(v1.file, baselineEnv, calls.legacyList));
          cold.v2.push(await coldStart(v2.file, baselineEnv, calls.modernList));
        }
        Object.assign(m, { coldHandler: median(cold.handler), coldOther: median(cold.other), coldOtherBundling: median(cold.otherBundling), coldV1: median(cold.v1), coldV2: median(cold.v2) });
        Object.assign(ratios, {
          coldStartRatio: m.coldHandler / m.coldV1, coldStartRatioOtherNodeOptions: m.coldOther / m.coldV1, coldStartRatioOtherBundling: m.coldOtherBundling / m.coldV1,
          coldStartRatioV2: m.coldHandler / m.coldV2,
        });
        samples.cold = cold;
        row(`cold start, median ms (NODE_OPTIONS "${nodeOptions}")`, fmt(m.coldHandler), fmt(m.coldV1), fmt(m.coldV2), both(ratios.coldStartRatio, ratios.coldStartRatioV2), `≤ ${TARGETS.cold} (v1)`, verdict(ratios.coldStartRatio <= TARGETS.cold));
        row(`cold start, median ms (NODE_OPTIONS "${otherOptions}")`, fmt(m.coldOther), fmt(m.coldV1), fmt(m.coldV2), both(ratios.coldStartRatioOtherNodeOptions, m.coldOther / m.coldV2), 'for comparison', true);
        row(`cold start, median ms (${otherName})`, fmt(m.coldOtherBundling), fmt(m.coldV1), fmt(m.coldV2), both(ratios.coldStartRatioOtherBundling, m.coldOtherBundling / m.coldV2), 'for comparison', true);
        lines.push(
          `cold start samples (ms): handler ${cold.handler.map(fmt).join(', ')}; handler "${otherOptions}" ${cold.other.map(fmt).join(', ')}; handler, ${otherName} ${cold.otherBundling.map(fmt).join(', ')}; v1 ${cold.v1.map(fmt).join(', ')}; v2 ${cold.v2.map(fmt).join(', ')}`,
          `cold start spread (min–max ms): handler ${fmtSpread(cold.handler)}; handler "${otherOptions}" ${fmtSpread(cold.other)}; handler, ${otherName} ${fmtSpread(cold.otherBundling)}; v1 ${fmtSpread(cold.v1)}; v2 ${fmtSpread(cold.v2)}`,
        );
      }

      if (legs.has('http')) {
        process.stdout.write(`Throughput: ${ROUNDS} interleaved rounds, ${LOAD.connections} connections, ${LOAD.durationMs / 1000} s after ${LOAD.warmupMs / 1000} s warm-up, server ${hasTaskset ? 'pinned to CPU 0 (taskset), load on CPU 1' : 'unpinned (no taskset)'}\n`);
        // Per second of each server's own CPU time (the ratios), and per wall second (printed beside).
        const tp = { handler: [] as number[], legacy: [] as number[], v1: [] as number[], v2: [] as number[] };
        const wall = { handler: [] as number[], legacy: [] as number[], v1: [] as number[], v2: [] as number[] };
        for (let round = 0; round < ROUNDS; round++) {
          for (const [key, file, serverEnv, call] of [
            ['handler', handlerServer, handlerEnv(nodeOptions), calls.modernList],
            ['v1', v1.file, baselineEnv, calls.legacyList],
            ['v2', v2.file, baselineEnv, calls.modernList],
            ['legacy', handlerServer, handlerEnv(nodeOptions), calls.legacyList],
          ] as const) {
            const { rps, cpuRps, failed } = await throughput(file, loadFile, serverEnv, call, LOAD);
            tp[key].push(cpuRps);
            wall[key].push(rps);
            failedTotal += failed;
          }
        }
        Object.assign(m, { tpHandler: median(tp.handler), tpLegacy: median(tp.legacy), tpV1: median(tp.v1), tpV2: median(tp.v2) });
        Object.assign(ratios, { httpRatioV1: m.tpHandler / m.tpV1, httpRatioV2: m.tpHandler / m.tpV2 });
        Object.assign(samples, { throughput: tp, throughputWall: wall });
        row('tools/list answers per server CPU second', fmt(m.tpHandler), fmt(m.tpV1), fmt(m.tpV2), both(ratios.httpRatioV1, ratios.httpRatioV2), `≥ ${TARGETS.httpV1} / ≥ ${TARGETS.httpV2}`, verdict(ratios.httpRatioV1 >= TARGETS.httpV1 && ratios.httpRatioV2 >= TARGETS.httpV2));
        lines.push(
          `handler over HTTP, 2025-11-25 tools/list: ${fmt(m.tpLegacy)} req/s (${(m.tpLegacy / m.tpV1).toFixed(2)}× v1, ${(m.tpLegacy / m.tpV2).toFixed(2)}× v2)`,
          `throughput samples (answers per server CPU second): handler ${tp.handler.map(fmt).join(', ')}; v1 ${tp.v1.map(fmt).join(', ')}; v2 ${tp.v2.map(fmt).join(', ')}; handler 2025 ${tp.legacy.map(fmt).join(', ')}`,
          `throughput per wall second (req/s, medians): handler ${fmt(median(wall.handler))}, v1 ${fmt(median(wall.v1))}, v2 ${fmt(median(wall.v2))}, handler 2025 ${fmt(median(wall.legacy))} (= ${(median(wall.handler) / median(wall.v1)).toFixed(2)}× v1, ${(median(wall.handler) / median(wall.v2)).toFixed(2)}× v2)`,
        );
      }

      if (legs.has('concurrency')) {
        // Each leg: a fresh handler warmed by one tools/list (static client), the DCR client's lastUsedAt
        // cleared; so the burst meets a cold liveness cache and a due lastUsedAt write, as a new client's
        // first burst does, in both eras alike.
        process.stdout.write(`Concurrency: ${LATENCY_ROUNDS} interleaved rounds of ${CONCURRENCY.total} whoami calls (DCR client), ${CONCURRENCY.connections} in flight, a fresh handler each\n`);
        const lat = { modern: [] as Latencies[], legacy: [] as Latencies[] };
        for (let round = 0; round < LATENCY_ROUNDS; round++) {
          await resetLastUsed(dynamo.endpoint);
          lat.modern.push(await latencies(handlerServer, loadFile, handlerEnv(nodeOptions), calls.modernList, calls.modernWhoami, CONCURRENCY));
          await resetLastUsed(dynamo.endpoint);
          lat.legacy.push(await latencies(handlerServer, loadFile, handlerEnv(nodeOptions), calls.legacyList, calls.legacyWhoami, CONCURRENCY));
          failedTotal += lat.modern[round].failed + lat.legacy[round].failed;
        }
        Object.assign(m, {
          p99Modern: median(lat.modern.map((l) => l.p99)), p99Legacy: median(lat.legacy.map((l) => l.p99)),
          p50Modern: median(lat.modern.map((l) => l.p50)), p50Legacy: median(lat.legacy.map((l) => l.p50)),
        });
        ratios.legacyP99Ratio = m.p99Legacy / m.p99Modern;
        samples.p99 = { modern: lat.modern.map((l) => l.p99), legacy: lat.legacy.map((l) => l.p99) };
        lines.push(
          `concurrency ${CONCURRENCY.connections}, ${CONCURRENCY.total} whoami: p99 2025-11-25 ${fmt(m.p99Legacy)} ms vs 2026-07-28 ${fmt(m.p99Modern)} ms = ${ratios.legacyP99Ratio.toFixed(2)}× (target ≤ ${TARGETS.legacyP99}: ${verdict(ratios.legacyP99Ratio <= TARGETS.legacyP99) ? 'PASS' : 'FAIL'}); p50 ${fmt(m.p50Legacy)} vs ${fmt(m.p50Modern)} ms`,
          `  p99 samples (ms): 2025-11-25 ${lat.legacy.map((l) => fmt(l.p99)).join(', ')}; 2026-07-28 ${lat.modern.map((l) => fmt(l.p99)).join(', ')}`,
        );
      }

      if (legs.has('inprocess')) {
        process.stdout.write('In-process: raw RS256 verifications and handler calls in alternating short slices, in a child process (its stdout, the handler\'s log lines, drained)\n');
        const childFile = (await bundle(join(root, 'scripts/bench/inprocess-child.ts'), out, 'inprocess-child')).file;
        const spec = {
          rounds: ROUNDS, list: calls.modernList, whoami: calls.modernWhoami, token: calls.staticToken,
          publicKeyPem: issuer.publicKey.export({ type: 'spki', format: 'pem' }),
        };
        // The handler bundle in a fresh child, at the bench's LOG_LEVEL (warn) unless `logLevel` is given.
        const runsAt = (logLevel?: string, syscallProbe = false) =>
          inProcessRuns(childFile, lambdaBundle.file, { ...handlerEnv(nodeOptions), ...(logLevel ? { LOG_LEVEL: logLevel } : {}) }, { ...spec, syscallProbe });
        const { rs256: rs256Runs, list: listRuns, whoami: whoamiRuns } = await runsAt();
        // The same calls without the request's log line (LOG_LEVEL=silent: neither the access line
        // nor its metrics), for comparison only: the deployed function writes that line to its log
        // pipe on every request, and the write is the single largest cost of a call.
        const silent = await runsAt('silent');
        // And without the line but with one write of as many bytes to /dev/null per call: a system
        // call that wakes no reader. On this machine (PTI forced on, no PCID) every system call
        // flushes the TLB, and the handler's next microseconds pay for it.
        const probe = await runsAt('silent', true);
        // And at the stacks' default level (lib/config.ts `logLevel`: info): the line is then the
        // access line (method, path, status, latency, request id, by Powertools Logger) carrying the
        // metrics, about twice the bytes of the metrics-only line the runs above write at warn.
        const atInfo = await runsAt('info');
        Object.assign(m, { rs256: median(rs256Runs), list: median(listRuns), whoami: median(whoamiRuns) });
        Object.assign(m, { silentRs256: median(silent.rs256), silentList: median(silent.list), silentWhoami: median(silent.whoami) });
        Object.assign(ratios, {
          // Each round's own ratio (its slices alternate with that round's RS256 slices), then the median.
          inProcessShareOfRs256: medianRatio(listRuns, rs256Runs), whoamiShareOfRs256: medianRatio(whoamiRuns, rs256Runs),
          inProcessShareWithoutLogLine: medianRatio(silent.list, silent.rs256), whoamiShareWithoutLogLine: medianRatio(silent.whoami, silent.rs256),
          inProcessShareWithDevNullWrite: medianRatio(probe.list, probe.rs256), whoamiShareWithDevNullWrite: medianRatio(probe.whoami, probe.rs256),
          inProcessShareAtInfo: medianRatio(atInfo.list, atInfo.rs256), whoamiShareAtInfo: medianRatio(atInfo.whoami, atInfo.rs256),
        });
        Object.assign(samples, { rs256: rs256Runs, list: listRuns, whoami: whoamiRuns });
        lines.unshift(
          `in-process authorized tools/list: ${fmt(m.list)} calls/s = ${pct(ratios.inProcessShareOfRs256)} of raw RS256 (median of each round's ratio; RS256 ${fmt(m.rs256)}/s); target ≥ ${pct(TARGETS.inProcess)}: ${verdict(ratios.inProcessShareOfRs256 >= TARGETS.inProcess) ? 'PASS' : 'FAIL'}`,
          `in-process authorized tools/call whoami (liveness from cache): ${fmt(m.whoami)} calls/s = ${pct(ratios.whoamiShareOfRs256)} of raw RS256; target ≥ ${pct(TARGETS.whoami)}: ${verdict(ratios.whoamiShareOfRs256 >= TARGETS.whoami) ? 'PASS' : 'FAIL'}`,
        );
        lines.push(
          `in-process at the stacks' default LOG_LEVEL=info (the access line with the metrics, as deployed): tools/list ${pct(ratios.inProcessShareAtInfo)}, whoami ${pct(ratios.whoamiShareAtInfo)} of raw RS256`,
          `in-process without the request's log line (LOG_LEVEL=silent, for comparison): tools/list ${pct(ratios.inProcessShareWithoutLogLine)}, whoami ${pct(ratios.whoamiShareWithoutLogLine)} of raw RS256`,
          `in-process without the line but one write of its size to /dev/null per call (the cost of a system call here; kernel ${syscallMitigation()}): tools/list ${pct(ratios.inProcessShareWithDevNullWrite)}, whoami ${pct(ratios.whoamiShareWithDevNullWrite)} of raw RS256`,
          `in-process samples (calls/s): RS256 ${rs256Runs.map(fmt).join(', ')}; tools/list ${listRuns.map(fmt).join(', ')}; whoami ${whoamiRuns.map(fmt).join(', ')}; silent tools/list ${silent.list.map(fmt).join(', ')}, whoami ${silent.whoami.map(fmt).join(', ')}; /dev/null write tools/list ${probe.list.map(fmt).join(', ')}, whoami ${probe.whoami.map(fmt).join(', ')}; info tools/list ${atInfo.list.map(fmt).join(', ')}, whoami ${atInfo.whoami.map(fmt).join(', ')}`,
        );
      }

      lines.push(`non-200 answers under load: ${failedTotal}`, `load average (1, 5, 15 min) at the end of the MCP legs: ${loadavg().map((l) => l.toFixed(1)).join(', ')}`);
      process.stdout.write(`\n${table.join('\n')}\n\n${lines.join('\n')}\n\n`);
    }

    const facade = legs.has('facade')
      ? await runFacadeLeg({ root, outDir: out, nodeOptions, coldRuns: COLD_RUNS, mcpColdStart: () => coldStart(handlerServer, handlerEnv(nodeOptions), calls.modernList) })
      : undefined;
    if (facade) verdicts.push(facade.passed);
    if (jsonFile) {
      const figures = {
        date: new Date().toISOString(), functionNodeOptions: nodeOptions, mcpBundling: deployedName, legs: [...legs], loadAverage: loadavg(), ...ratios,
        ...(mcpLegs ? { samples, medians: m, bytes } : {}),
        ...(facade ? facadeJson(facade) : {}),
      };
      writeFileSync(jsonFile, `${JSON.stringify(figures, null, 2)}\n`);
      process.stdout.write(`figures written to ${jsonFile}\n`);
    }
    process.exitCode = verdicts.every(Boolean) && failedTotal === 0 ? 0 : 1;
  } finally {
    await dynamo.stop();
    await issuer.close();
    rmSync(out, { recursive: true, force: true });
  }
}

function fmtSpread(values: number[]): string {
  const { min, max } = spread(values);
  return `${fmt(min)}–${fmt(max)}`;
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 2;
});
