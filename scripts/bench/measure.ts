/** Measurement helpers for the benchmark: bundling, child processes, cold starts, load runs. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { LOCAL_AWS, startDynalite, type RunningService } from '../local/services';
import { createNotesTable, createRegistrationsTable } from '../local/tables';
import type { InProcessRuns } from './inprocess-child';
import { DCR_CLIENT } from './tokens';
import { BUNDLE_MAIN_FIELDS, BUNDLE_TARGET, ESM_REQUIRE_BANNER } from '../../lib/lambda-bundling';

export interface BundleSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * esbuild, minified, everything bundled (no externals, AWS SDK included), ESM for Node 22 with
 * `module` main fields: the settings the CDK stacks deploy the handlers with (`alias` and `inject`
 * as lib/lambda-bundling.ts `bundleExtras` gives them for the MCP function).
 */
export async function bundle(
  entry: string,
  outDir: string,
  name: string,
  options: { minify?: boolean; sourceMap?: boolean; alias?: Record<string, string>; inject?: string[] } = {},
): Promise<BundleSize> {
  const file = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [entry], outfile: file, bundle: true, minify: options.minify ?? true, sourcemap: options.sourceMap ?? false, platform: 'node', target: BUNDLE_TARGET, format: 'esm',
    mainFields: BUNDLE_MAIN_FIELDS, banner: { js: ESM_REQUIRE_BANNER }, logLevel: 'error', legalComments: 'none', ...(options.alias ? { alias: options.alias } : {}), ...(options.inject ? { inject: options.inject } : {}),
  });
  const code = readFileSync(file);
  return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Starts `node file` (pinned to `cpu` when taskset exists) and resolves with its port once it prints `listening <port>`. */
export function startServer(file: string, env: Record<string, string>, cpu?: number): Promise<{ child: ChildProcess; port: number }> {
  const args = [file];
  const child =
    cpu !== undefined && hasTaskset
      ? spawn('taskset', ['-c', String(cpu), process.execPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  return new Promise((ok, fail) => {
    let out = '';
    const listening = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (!match) return;
      // From here on the server's output (a log line per request) is drained unread: kept and
      // searched, it made this process the bottleneck, the server blocking on a full stdout pipe.
      child.stdout?.off('data', listening);
      child.stdout?.on('data', () => undefined);
      out = '';
      ok({ child, port: Number(match[1]) });
    };
    child.stdout?.on('data', listening);
    child.once('exit', (code) => fail(new Error(`${file} exited (${code}): ${errors}`)));
  });
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    child.once('exit', () => ok());
    child.kill('SIGKILL');
  });
}

export interface HttpCall {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** One POST /mcp; resolves with status and body. */
export function post(port: number, call: HttpCall): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/mcp', method: 'POST', agent: false, headers: { ...call.headers, 'content-length': String(Buffer.byteLength(call.body)) } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', fail);
    req.end(call.body);
  });
}

/** Spawn to the first 200 answer of `ask` (ms): process start, import, listen, the request. */
async function timeToFirstAnswer(file: string, env: Record<string, string>, ask: (port: number) => Promise<{ status: number; body: string }>): Promise<number> {
  const started = performance.now();
  const { child, port } = await startServer(file, { ...env, PORT: '0' });
  try {
    const answer = await ask(port);
    if (answer.status !== 200) throw new Error(`cold request failed: ${answer.status} ${answer.body.slice(0, 300)}`);
    return performance.now() - started;
  } finally {
    await stop(child);
  }
}

/** Spawn to first authorized answer (ms): process start, import, listen, JWKS fetch, verification, tools/list. */
export function coldStart(file: string, env: Record<string, string>, call: HttpCall): Promise<number> {
  return timeToFirstAnswer(file, env, (port) => post(port, call));
}

/** One GET of `path` (no redirects followed); resolves with status and body. */
export function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Spawn to the first 200 answer to `GET path` (ms): process start, import, listen, the request. */
export function coldStartGet(file: string, env: Record<string, string>, path: string): Promise<number> {
  return timeToFirstAnswer(file, env, (port) => get(port, path));
}

/** The `q` quantile (0–1) of a sample, nearest rank. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Warm throughput: server pinned to CPU 0, load generator in its own process (CPU 1 when
 * available). `rps` per wall second; `cpuRps` per second of the server's CPU time (Linux).
 */
export async function throughput(
  serverFile: string,
  loadFile: string,
  env: Record<string, string>,
  call: HttpCall,
  options: { connections: number; durationMs: number; warmupMs: number },
): Promise<{ rps: number; cpuRps: number; failed: number }> {
  const { child, port } = await startServer(serverFile, { ...env, PORT: '0' }, 0);
  try {
    const check = await post(port, call);
    if (check.status !== 200) throw new Error(`warm-up request failed: ${check.status} ${check.body.slice(0, 300)}`);
    const spec = { url: `http://127.0.0.1:${port}/mcp`, headers: call.headers, body: call.body, serverPid: child.pid, ...options };
    const { ok, failed, seconds, cpuSeconds } = (await runLoad(loadFile, spec)) as { ok: number; failed: number; seconds: number; cpuSeconds: number };
    // Answers per second of the server's own CPU time: what one core would serve, whatever share of
    // the core the server got from a machine shared with other work.
    return { rps: ok / seconds, cpuRps: ok / cpuSeconds, failed };
  } finally {
    await stop(child);
  }
}

/**
 * Runs the load generator (on CPU 1 when taskset exists) and resolves with its JSON line. Not
 * spawnSync: this process keeps serving the JWKS and dynalite meanwhile.
 */
function runLoad(loadFile: string, spec: Record<string, unknown>): Promise<unknown> {
  const args = [loadFile, JSON.stringify(spec)];
  const child = hasTaskset ? spawn('taskset', ['-c', '1', process.execPath, ...args]) : spawn(process.execPath, args);
  let out = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((ok, fail) => {
    child.once('exit', (code) => (code === 0 ? ok(JSON.parse(out.trim())) : fail(new Error(`load generator failed (${code}): ${errors}`))));
  });
}

export interface Latencies {
  readonly ok: number;
  readonly failed: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Concurrency: a fresh server pinned to CPU 0 answers `warmup` (so init is not counted), then
 * `total` requests of `call` with at most `connections` in flight (load generator on CPU 1);
 * latencies per request, ms.
 */
export async function latencies(
  serverFile: string,
  loadFile: string,
  env: Record<string, string>,
  warmup: HttpCall,
  call: HttpCall,
  options: { connections: number; total: number },
): Promise<Latencies> {
  const { child, port } = await startServer(serverFile, { ...env, PORT: '0' }, 0);
  try {
    const check = await post(port, warmup);
    if (check.status !== 200) throw new Error(`warm-up request failed: ${check.status} ${check.body.slice(0, 300)}`);
    // The load opens its connections first with GETs of the protected resource metadata (load.ts).
    const spec = { url: `http://127.0.0.1:${port}/mcp`, headers: call.headers, body: call.body, openPath: '/.well-known/oauth-protected-resource', ...options };
    return (await runLoad(loadFile, spec)) as Latencies;
  } finally {
    await stop(child);
  }
}

/**
 * Runs the in-process leg's child (inprocess-child.ts, bundled as `childFile`) against the handler
 * bundle `handlerFile` with `env`; its stdout (the handler's log lines) is drained, its result
 * comes back over IPC.
 */
export function inProcessRuns(childFile: string, handlerFile: string, env: Record<string, string>, spec: Record<string, unknown>): Promise<InProcessRuns> {
  const child = spawn(process.execPath, [childFile, handlerFile, JSON.stringify(spec)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.stdout?.on('data', () => undefined);
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  let runs: InProcessRuns | undefined;
  child.on('message', (message) => (runs = message as InProcessRuns));
  return new Promise((ok, fail) => {
    child.once('exit', (code) => (runs ? ok(runs) : fail(new Error(`in-process leg failed (${code}): ${errors}`))));
  });
}

/** Lowest and highest of a sample, for printing the spread beside a median. */
export function spread(values: number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** Forgets the benchmark DCR client's last use, so the next lookup writes `lastUsedAt` again. */
export async function resetLastUsed(endpoint: string): Promise<void> {
  const ddb = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  await ddb.send(new UpdateItemCommand({ TableName: 'registrations', Key: { pk: { S: `client#${DCR_CLIENT}` } }, UpdateExpression: 'REMOVE lastUsedAt' }));
  ddb.destroy();
}

/** dynalite with the registrations table holding the benchmark's DCR client (the liveness lookup's answer). */
export async function startBenchTables(): Promise<RunningService> {
  const dynamo = await startDynalite();
  const ddb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  await createRegistrationsTable(ddb, 'registrations');
  await createNotesTable(ddb, 'notes');
  await ddb.send(new PutItemCommand({ TableName: 'registrations', Item: { pk: { S: `client#${DCR_CLIENT}` }, clientId: { S: DCR_CLIENT } } }));
  ddb.destroy();
  return dynamo;
}

/**
 * What this kernel does on every system call that matters to the in-process figures: with page
 * table isolation (PTI) and no PCID, each kernel entry flushes the TLB, so the code that runs next
 * pays for it. Linux only; "unknown" elsewhere.
 */
export function syscallMitigation(): string {
  try {
    const meltdown = readFileSync('/sys/devices/system/cpu/vulnerabilities/meltdown', 'utf8').trim();
    const pcid = /\bpcid\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
    return `meltdown: ${meltdown}; PCID ${pcid ? 'available' : 'not available'}`;
  } catch {
    return 'unknown';
  }
}
