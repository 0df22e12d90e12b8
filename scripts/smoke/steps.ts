/** Running the smoke steps: one line per step (`ok  discovery  123 ms`), stop at the first failure. */
import { describe, type SeenRequest } from './http';

/** A step's failure with the request that showed it (printed without secrets). */
export class StepFailure extends Error {
  constructor(message: string, readonly request?: SeenRequest) {
    super(message);
  }
}

export interface StepRunner {
  step<T>(name: string, run: () => Promise<T>): Promise<T>;
}

export function stepRunner(print: (line: string) => void, lastRequest: () => SeenRequest | undefined): StepRunner {
  return {
    async step(name, run) {
      const started = performance.now();
      const ms = () => `${Math.round(performance.now() - started)} ms`;
      try {
        const result = await run();
        print(`ok    ${name.padEnd(14)} ${ms()}`);
        return result;
      } catch (err) {
        print(`FAIL  ${name.padEnd(14)} ${ms()}`);
        print(`  ${(err as Error).message}`);
        const request = (err instanceof StepFailure && err.request) || lastRequest();
        if (request) {
          await request.read;
          print(`  request: ${describe(request)}`);
        }
        throw err;
      }
    },
  };
}
