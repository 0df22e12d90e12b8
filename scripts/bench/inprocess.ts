/** The in-process leg: the Lambda handler called directly with API Gateway events, no HTTP. */
import type { HttpEvent, HttpResult } from '../../lambda/shared/http';
import type { HttpCall } from './measure';

export type Handler = (event: HttpEvent) => Promise<HttpResult>;

export function eventFor(call: HttpCall): HttpEvent {
  return {
    version: '2.0', routeKey: '$default', rawPath: '/mcp', rawQueryString: '', headers: { host: '127.0.0.1:9', ...call.headers },
    body: call.body, isBase64Encoded: false,
    requestContext: {
      accountId: 'bench', apiId: 'bench', domainName: '127.0.0.1:9', domainPrefix: 'bench', requestId: 'bench', routeKey: '$default', stage: '$default',
      http: { method: 'POST', path: '/mcp', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' }, time: '', timeEpoch: 0,
    },
  } as HttpEvent;
}

/**
 * CPU time of the main (JavaScript) thread, `process.threadCpuUsage` (Node 22.19+): the in-process
 * legs count calls per CPU second of that one thread, so other processes sharing the machine slow
 * the wall clock but barely the figure. GC helper threads are not counted (for either leg).
 */
export function mainThreadCpu(since?: NodeJS.CpuUsage): NodeJS.CpuUsage {
  return (process as unknown as { threadCpuUsage(previous?: NodeJS.CpuUsage): NodeJS.CpuUsage }).threadCpuUsage(since);
}

export function cpuSeconds(used: NodeJS.CpuUsage): number {
  return (used.user + used.system) / 1e6;
}

/**
 * Sequential calls per CPU second, counted over `durationMs` of main-thread CPU time after
 * `warmUp`; the first answer must be 200 with a JSON-RPC result.
 */
export async function handlerCallsPerSecond(
  handler: Handler,
  call: HttpCall,
  durationMs = 2000,
  /** Starts a profiler around the measured loop; what it returns stops it. */
  profile?: () => Promise<() => Promise<void>>,
): Promise<number> {
  await warmUp(handler, call);
  const stop = await profile?.();
  const cpu = mainThreadCpu();
  const count = await callsFor(handler, call, durationMs);
  const used = mainThreadCpu(cpu);
  await stop?.();
  return count / cpuSeconds(used);
}

/**
 * Checks that `call` is answered (200 with a JSON-RPC result), then warms it for WARM_UP_CPU_MS
 * of this thread's CPU time, so V8 has optimized the hot path as in a warm Lambda container (300
 * calls left the first of three rounds at a third of the others' rate). CPU time, not wall time:
 * on the shared machine a wall second was at times a fifth of that, and the first round then
 * measured code still being optimized (a quarter of the later rounds).
 */
export async function warmUp(handler: Handler, call: HttpCall): Promise<void> {
  const first = await handler(eventFor(call));
  if (first.statusCode !== 200 || !JSON.parse(first.body ?? '{}').result) throw new Error(`in-process call failed: ${first.statusCode} ${first.body}`);
  await callsFor(handler, call, WARM_UP_CPU_MS);
}

/** Warm-up before each measured loop, in ms of the main thread's CPU time. */
const WARM_UP_CPU_MS = 3000;
/** A loop stops after this much wall time whatever CPU time it got (a starved machine). */
const WALL_LIMIT_MS = 30_000;

/** Sequential calls until `cpuMs` of main-thread CPU time is used; returns how many. */
export async function callsFor(handler: Handler, call: HttpCall, cpuMs: number): Promise<number> {
  const slice = callSlice(handler, call, 20);
  const cpu = mainThreadCpu();
  const wallEnd = performance.now() + WALL_LIMIT_MS;
  let count = 0;
  for (;;) {
    await slice.run();
    count += slice.count;
    if (cpuSeconds(mainThreadCpu(cpu)) * 1000 >= cpuMs || performance.now() > wallEnd) return count;
  }
}

/** A unit of measured work: `run` does `count` operations. */
export interface Slice {
  readonly count: number;
  run(): unknown;
}

/** `count` sequential handler calls, each with a fresh event (its cost is the handler's share, as the HTTP legs' server builds one). */
export function callSlice(handler: Handler, call: HttpCall, count: number): Slice {
  return {
    count,
    async run() {
      for (let i = 0; i < count; i++) await handler(eventFor(call));
    },
  };
}

/**
 * Runs `slices` in turn (the order flipped at every turn) until each has used `cpuMs` of the main
 * thread's CPU time, charging each only its own turns, and returns each one's operations per CPU
 * second. This machine's speed moves within seconds: two rates measured seconds apart moved with
 * it (the raw RS256 rate alone from 37,000 to 53,000 a second between runs), while short slices
 * taken in turn see the same moments, so the ratio of two rates holds.
 */
export async function alternatingRates(slices: readonly Slice[], cpuMs: number): Promise<number[]> {
  const used = slices.map(() => ({ count: 0, cpu: 0 }));
  const forward = slices.map((_, i) => i);
  const backward = [...forward].reverse();
  for (let turn = 0; Math.min(...used.map((u) => u.cpu)) * 1000 < cpuMs; turn++) {
    for (const i of turn % 2 === 0 ? forward : backward) {
      const at = mainThreadCpu();
      await slices[i].run();
      used[i].cpu += cpuSeconds(mainThreadCpu(at));
      used[i].count += slices[i].count;
    }
  }
  return used.map((u) => u.count / u.cpu);
}
