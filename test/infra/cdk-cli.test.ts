import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './app-fixture';

const run = promisify(execFile);

// `npx cdk synth` as a user runs it: cdk.json's app command, bin/app.ts, the cdk-nag plugin
// (a finding fails the synth), local esbuild bundling; no Docker, no credentials, no network.
describe('cdk synth (CLI)', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-synth-'));
  });
  afterAll(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  // A guard against a hung synth, not a timing assertion: about 20 s of CPU, but on a build
  // machine shared by several jobs it has taken 80 s of wall time.
  const SYNTH_TIMEOUT_MS = 300_000;

  it('synthesizes all four stacks offline with the nag plugin passing', async () => {
    const env = { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };
    await run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--output', outdir], { cwd: ROOT, env, timeout: SYNTH_TIMEOUT_MS });
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    const stacks = Object.entries<any>(manifest.artifacts)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([id, a]) => [id, a.environment]);
    expect(stacks.sort()).toEqual([
      ['McpAuth-dev-AuthorizationServer', 'aws://unknown-account/unknown-region'],
      ['McpAuth-dev-Cognito', 'aws://unknown-account/unknown-region'],
      ['McpAuth-dev-McpServer', 'aws://unknown-account/unknown-region'],
      ['McpAuth-dev-Monitoring', 'aws://unknown-account/unknown-region'],
    ]);
  }, SYNTH_TIMEOUT_MS);
});
