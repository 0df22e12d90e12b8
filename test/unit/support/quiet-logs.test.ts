/**
 * The suite's output is quiet (issue 15, test/support/quiet-logs.ts): a fixture file run by a
 * nested Jest shows the log lines of its failing test only; with LOG_LEVEL set it shows them all.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

function runFixture(env: Record<string, string | undefined>): string {
  const { LOG_LEVEL: _ignored, ...base } = process.env;
  const out = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/jest/bin/jest.js'), '--runInBand', '--ci', '--testMatch', '**/test/support/fixtures/quiet-logs.fixture.ts'],
    { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8', timeout: 120_000 },
  );
  expect(out.status).toBe(1); // the fixture has a failing test
  return out.stdout + out.stderr;
}

test('without LOG_LEVEL: only the failing test\'s log lines are printed, after it', () => {
  const output = runFixture({});
  expect(output).toContain('line from the failing test');
  expect(output).toContain('log lines of the failed test "fails and logs"');
  expect(output).not.toContain('line from the passing test');
  expect(output).not.toContain('warning from the passing test');
}, 120_000);

test('with LOG_LEVEL: every line at that level or above, as it comes', () => {
  const output = runFixture({ LOG_LEVEL: 'warn' });
  expect(output).toContain('warning from the passing test');
  expect(output).not.toContain('line from the passing test');
  expect(output).not.toContain('log lines of the failed test');
}, 120_000);
