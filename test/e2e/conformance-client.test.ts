/**
 * The official MCP conformance suite's authorization scenarios for clients, run against the
 * project's CLI client (scripts/client): discovery variants (PRM named in the challenge or at the
 * well-known paths, AS metadata at OAuth or OIDC locations), scope selection and step-up, token
 * endpoint authentication, pre-registration (--client-id, --client-secret), Client ID Metadata
 * Documents (--client-id <URL>), and the 2026-07-28 scenarios: RFC 8707 resource, RFC 9207 iss,
 * metadata issuer checks, offline_access, and authorization-server migration (SEP-2352). The
 * suite stands up its own MCP and authorization servers; known gaps would be listed with reasons
 * in conformance-client-baseline.yml (none at present).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(900_000);

const CONFORMANCE_BIN = require.resolve('@modelcontextprotocol/conformance/dist/index.js');
const BASELINE = join(__dirname, 'conformance-client-baseline.yml');
const COMMAND = join(__dirname, 'support/conformance-cli.sh');

function conformance(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [CONFORMANCE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => ok({ code, output }));
  });
}

const outputDir = () => mkdtempSync(join(tmpdir(), 'conformance-client-'));

test('the CLI client passes the suite\'s auth scenarios (apart from baselined ones)', async () => {
  const result = await conformance(['client', '--command', COMMAND, '--suite', 'auth', '--timeout', '120000', '--expected-failures', BASELINE, '-o', outputDir()]);
  expect(result.output).toMatch(/auth\/scope-step-up: \d+ passed, 0 failed/);
  expect(result.output).toMatch(/auth\/pre-registration: \d+ passed, 0 failed$/m);
  expect(result.output).toMatch(/auth\/basic-cimd: \d+ passed, 0 failed$/m);
  if (result.code !== 0) throw new Error(`conformance client suite exited ${result.code}:\n${result.output.slice(-4000)}`);
});

test('the CLI client passes the 2026-07-28 auth scenarios, authorization-server migration (SEP-2352) included', async () => {
  // The scenarios introduced by 2026-07-28 are not in the `auth` suite; run each one by name.
  const listed = await conformance(['list', '--client']);
  const scenarios = [...listed.output.matchAll(/^\s*-\s*(auth\/\S+) \[2026-07-28\]$/gm)].map((m) => m[1]!);
  expect(scenarios).toContain('auth/authorization-server-migration');
  const failures: string[] = [];
  // Four at a time: each scenario runs the CLI twice, and the machine is shared.
  for (let i = 0; i < scenarios.length; i += 4) {
    const results = await Promise.all(
      scenarios.slice(i, i + 4).map(async (scenario) => ({ scenario, ...(await conformance(['client', '--command', COMMAND, '--scenario', scenario, '--timeout', '120000', '--expected-failures', BASELINE, '-o', outputDir()])) })),
    );
    for (const { scenario, code, output } of results) {
      if (code !== 0 || !/Passed: \d+\/\d+, 0 failed, 0 warnings/.test(output)) failures.push(`${scenario} exited ${code}:\n${output.slice(-2000)}`);
    }
  }
  if (failures.length) throw new Error(failures.join('\n\n'));
});
