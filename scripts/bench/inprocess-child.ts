/**
 * The in-process leg in its own process (run.ts spawns it, bundled): imports the handler bundle
 * (argv[2]) with the environment the runner set and sends back, over the IPC channel, raw RS256
 * verifications and authorized handler calls per CPU second of the main thread, interleaved for
 * `rounds` rounds. argv[3] is a JSON {rounds, list, whoami, token, publicKeyPem}.
 *
 * Its own process because the handler writes a log line (with the request's EMF metrics) per
 * call to stdout: in the runner's process that line went wherever the runner's stdout went, a
 * terminal (slow, synchronous writes), a pipe or a file, and the figure moved with it. Here stdout
 * is a pipe the runner drains, as the Lambda runtime's log pipe is.
 */
import { createPublicKey } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { handlerCallsPerSecond, type Handler } from './inprocess';
import type { HttpCall } from './measure';
import { rs256PerSecond } from './tokens';

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
  for (let round = 0; round < spec.rounds; round++) {
    runs.rs256.push(rs256PerSecond(spec.token, publicKey));
    runs.list.push(await handlerCallsPerSecond(handler, spec.list));
    runs.whoami.push(await handlerCallsPerSecond(handler, spec.whoami));
  }
  process.send?.(runs, () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});
