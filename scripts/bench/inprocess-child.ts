/**
 * The in-process leg in its own process (run.ts spawns it, bundled): imports the handler bundle
 * (argv[2]) with the environment the runner set and sends back, over the IPC channel, raw RS256
 * verifications and authorized handler calls per CPU second of the main thread, for `rounds`
 * rounds. argv[3] is a JSON {rounds, list, whoami, token, publicKeyPem}.
 *
 * Within a round the three are measured in alternating short slices (about 100 verifications,
 * 20 `tools/list`, 20 whoami, over and over), each charged the main thread's CPU time of its
 * own slices: this machine's speed moves within seconds (the raw RS256 rate alone went from
 * 37,000 to 53,000 a second between runs), and a ratio of two loops measured seconds apart
 * moved with it. Both sides of each ratio now see the same moments.
 *
 * Its own process because the handler writes a log line (with the request's EMF metrics) per
 * call to stdout: in the runner's process that line went wherever the runner's stdout went, a
 * terminal (slow, synchronous writes), a pipe or a file, and the figure moved with it. Here stdout
 * is a pipe the runner drains, as the Lambda runtime's log pipe is.
 */
import { createPublicKey } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { cpuSeconds, eventFor, handlerCallsPerSecond, mainThreadCpu, type Handler } from './inprocess';
import type { HttpCall } from './measure';
import { rs256Verifier } from './tokens';

interface ChildSpec {
  readonly rounds: number;
  readonly list: HttpCall;
  readonly whoami: HttpCall;
  readonly token: string;
  readonly publicKeyPem: string;
}

export interface InProcessRuns {
  readonly rs256: number[];
  readonly list: number[];
  readonly whoami: number[];
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[3]) as ChildSpec;
  const { handler } = (await import(pathToFileURL(process.argv[2]).href)) as { handler: Handler };
  const publicKey = createPublicKey(spec.publicKeyPem);
  const runs: InProcessRuns = { rs256: [], list: [], whoami: [] };
  // Warm both calls for WARM_UP_CPU_MS each first (answers checked), as a warm Lambda container is.
  await handlerCallsPerSecond(handler, spec.list, 1);
  await handlerCallsPerSecond(handler, spec.whoami, 1);
  for (let round = 0; round < spec.rounds; round++) {
    const rates = await interleavedRates(handler, spec, publicKey, ROUND_CPU_MS);
    runs.rs256.push(rates.rs256);
    runs.list.push(rates.list);
    runs.whoami.push(rates.whoami);
  }
  process.send?.(runs, () => process.exit(0));
}

/** CPU time per round for each of the three (ms of the main thread). */
const ROUND_CPU_MS = 1500;
const RS256_SLICE = 100;
const CALL_SLICE = 20;

/** Rates per CPU second of raw RS256 verifications and of each call, from alternating slices. */
async function interleavedRates(handler: Handler, spec: ChildSpec, publicKey: ReturnType<typeof createPublicKey>, cpuMs: number) {
  const verify = rs256Verifier(spec.token, publicKey);
  const used = { rs256: { count: 0, cpu: 0 }, list: { count: 0, cpu: 0 }, whoami: { count: 0, cpu: 0 } };
  while (Math.min(used.rs256.cpu, used.list.cpu, used.whoami.cpu) * 1000 < cpuMs) {
    let at = mainThreadCpu();
    for (let i = 0; i < RS256_SLICE; i++) verify();
    used.rs256.cpu += cpuSeconds(mainThreadCpu(at));
    used.rs256.count += RS256_SLICE;
    for (const kind of ['list', 'whoami'] as const) {
      at = mainThreadCpu();
      // A fresh event per call, as the HTTP legs' server builds one (its cost is the handler's share).
      for (let i = 0; i < CALL_SLICE; i++) await handler(eventFor(spec[kind]));
      used[kind].cpu += cpuSeconds(mainThreadCpu(at));
      used[kind].count += CALL_SLICE;
    }
  }
  return { rs256: used.rs256.count / used.rs256.cpu, list: used.list.count / used.list.cpu, whoami: used.whoami.count / used.whoami.cpu };
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});
