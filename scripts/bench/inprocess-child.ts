/**
 * The in-process leg in its own process (run.ts spawns it, bundled): imports the handler bundle
 * (argv[2]) with the environment the runner set and sends back, over the IPC channel, raw RS256
 * verifications and authorized handler calls per CPU second of the main thread, for `rounds`
 * rounds. argv[3] is a JSON {rounds, list, whoami, token, publicKeyPem, syscallProbe?}.
 *
 * Within a round the three are measured in alternating short slices (100 verifications, 20
 * `tools/list`, 20 whoami, over and over: `alternatingRates`), so that both sides of each ratio
 * see the same moments of a machine whose speed moves within seconds.
 *
 * Its own process because the handler writes a log line (with the request's EMF metrics) per
 * call to stdout: in the runner's process that line went wherever the runner's stdout went, a
 * terminal (slow, synchronous writes), a pipe or a file, and the figure moved with it. Here stdout
 * is a pipe the runner drains, as the Lambda runtime's log pipe is.
 *
 * With `syscallProbe` (run with LOG_LEVEL=silent), each call is preceded by one write of a line of
 * the same size to /dev/null: a system call that wakes no reader, to tell what the log line costs
 * as a system call from what it costs as a pipe write (README, "Performance").
 */
import { createPublicKey } from 'node:crypto';
import { openSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { alternatingRates, callSlice, warmUp, type Handler, type Slice } from './inprocess';
import type { HttpCall } from './measure';
import { rs256Verifier } from './tokens';

interface ChildSpec {
  readonly rounds: number;
  readonly list: HttpCall;
  readonly whoami: HttpCall;
  readonly token: string;
  readonly publicKeyPem: string;
  readonly syscallProbe?: boolean;
}

export interface InProcessRuns {
  readonly rs256: number[];
  readonly list: number[];
  readonly whoami: number[];
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[3]) as ChildSpec;
  const loaded = (await import(pathToFileURL(process.argv[2]).href)) as { handler: Handler };
  const handler = spec.syscallProbe ? withSyscallProbe(loaded.handler) : loaded.handler;
  const publicKey = createPublicKey(spec.publicKeyPem);
  const runs: InProcessRuns = { rs256: [], list: [], whoami: [] };
  await warmUp(handler, spec.list);
  await warmUp(handler, spec.whoami);
  const verify = rs256Verifier(spec.token, publicKey);
  const slices: Slice[] = [
    {
      count: RS256_SLICE,
      run() {
        for (let i = 0; i < RS256_SLICE; i++) verify();
      },
    },
    callSlice(handler, spec.list, CALL_SLICE),
    callSlice(handler, spec.whoami, CALL_SLICE),
  ];
  for (let round = 0; round < spec.rounds; round++) {
    const [rs256, list, whoami] = await alternatingRates(slices, ROUND_CPU_MS);
    runs.rs256.push(rs256);
    runs.list.push(list);
    runs.whoami.push(whoami);
  }
  process.send?.(runs, () => process.exit(0));
}

/** A metric line's worth of bytes (the handler's EMF line is about 350), written before each call. */
const PROBE_LINE = `${'x'.repeat(350)}\n`;

function withSyscallProbe(handler: Handler): Handler {
  const devNull = openSync('/dev/null', 'w');
  return (event) => {
    writeSync(devNull, PROBE_LINE);
    return handler(event);
  };
}

/** CPU time per round for each of the three (ms of the main thread). */
const ROUND_CPU_MS = 1500;
const RS256_SLICE = 100;
const CALL_SLICE = 20;

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});
