/**
 * The official MCP conformance suite's authorization scenarios for clients, run against the
 * project's CLI client (scripts/client): discovery variants (PRM named in the challenge or at the
 * well-known paths, AS metadata at OAuth or OIDC locations), scope selection and step-up, token
 * endpoint authentication, RFC 8707 resource, RFC 9207 iss. The suite stands up its own MCP and
 * authorization servers; known gaps are listed with reasons in conformance-client-baseline.yml.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(300_000);

const CONFORMANCE_BIN = require.resolve('@modelcontextprotocol/conformance/dist/index.js');

test('the CLI client passes the suite\'s auth scenarios (apart from baselined ones)', async () => {
  const result = await new Promise<{ code: number | null; output: string }>((ok) => {
    const child = spawn(
      process.execPath,
      [
        CONFORMANCE_BIN,
        'client',
        '--command',
        join(__dirname, 'support/conformance-cli.sh'),
        '--suite',
        'auth',
        '--expected-failures',
        join(__dirname, 'conformance-client-baseline.yml'),
        '-o',
        mkdtempSync(join(tmpdir(), 'conformance-client-')),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => ok({ code, output }));
  });
  expect(result.output).toMatch(/auth\/scope-step-up: \d+ passed, 0 failed/);
  if (result.code !== 0) throw new Error(`conformance client suite exited ${result.code}:\n${result.output.slice(-4000)}`);
});
