/**
 * Keeps the suite's output quiet (issue 15): the handlers' one-line JSON logs and metric lines
 * (`lambda/shared/logger.ts`, `metrics.ts`) that a test does not capture itself are held, not printed, and are
 * printed after a test only if it failed. `LOG_LEVEL=debug npx jest …` (any level) prints them as
 * they come and sets the handlers' logger to that level.
 *
 * Tests that read log lines still spy on `process.stdout.write` / `process.stderr.write` as before:
 * their spy sits on top of this one, sees every line, and restoring it puts this one back.
 */
import { setLogLevel } from '../../lambda/shared/logger';

type Write = typeof process.stdout.write;

const held: string[] = [];
const originals = new Map<NodeJS.WriteStream, Write>();
/** The logger's lines and the metric lines start like this; anything else (a test's own output) passes through. */
const HANDLER_LINE = /^\{"(level|_aws)":/;

function hold(stream: NodeJS.WriteStream): void {
  const original = stream.write;
  originals.set(stream, original);
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk === 'string' && HANDLER_LINE.test(chunk)) {
      held.push(chunk);
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      if (callback) process.nextTick(callback);
      return true;
    }
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Write;
}

const failed = () => (globalThis as { __testFailed?: boolean }).__testFailed === true;

if (process.env.LOG_LEVEL) {
  setLogLevel(process.env.LOG_LEVEL);
} else {
  hold(process.stdout);
  hold(process.stderr);
  beforeEach(() => {
    held.length = 0;
  });
  afterEach(() => {
    if (failed() && held.length > 0) {
      const header = `\n── log lines of the failed test "${expect.getState().currentTestName}" ──\n`;
      originals.get(process.stderr)!.call(process.stderr, header + held.join(''));
    }
    held.length = 0;
  });
  afterAll(() => {
    for (const [stream, original] of originals) stream.write = original;
  });
}
