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

/** Sequential calls per CPU second after a second of warm-up; the first answer must be 200 with a JSON-RPC result. */
export async function handlerCallsPerSecond(
  handler: Handler,
  call: HttpCall,
  durationMs = 2000,
  /** Starts a profiler around the measured loop; what it returns stops it. */
  profile?: () => Promise<() => Promise<void>>,
): Promise<number> {
  const first = await handler(eventFor(call));
  if (first.statusCode !== 200 || !JSON.parse(first.body ?? '{}').result) throw new Error(`in-process call failed: ${first.statusCode} ${first.body}`);
  // Warm for a second, so V8 has optimized the hot path as in a warm Lambda container (300 calls
  // left the first of three rounds at a third of the others' rate).
  const warm = performance.now() + 1000;
  while (performance.now() < warm) await handler(eventFor(call));
  const stop = await profile?.();
  let count = 0;
  const cpu = mainThreadCpu();
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    await handler(eventFor(call));
    count++;
  }
  const used = mainThreadCpu(cpu);
  await stop?.();
  return count / cpuSeconds(used);
}
