import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * scripts/deploy.sh and scripts/destroy.sh against a fake `aws` and a fake `npx` on a PATH that
 * holds nothing else (plus the two coreutils the scripts use), so no AWS call and no deploy happens.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const BASH = ['/usr/bin/bash', '/bin/bash'].find((p) => fs.existsSync(p))!;

let dir: string;
let bin: string;
let log: string;

const FAKE_AWS = `#!${BASH}
echo "aws $* profile=\${AWS_PROFILE:-}" >> "$FAKE_LOG"
case "$1 $2" in
  "sts get-caller-identity")
    if [ "$FAKE_AWS" = nocreds ]; then echo "Unable to locate credentials. You can configure credentials by running \\"aws configure\\"." >&2; exit 253; fi
    echo 123456789012 ;;
  "configure get")
    if [ -n "\${FAKE_REGION:-}" ]; then echo "$FAKE_REGION"; else exit 1; fi ;;
  "ssm get-parameter")
    if [ "$FAKE_AWS" = noboot ]; then echo "An error occurred (ParameterNotFound)" >&2; exit 254; fi
    echo 30 ;;
esac
`;
const FAKE_NPX = `#!${BASH}
echo "npx $*" >> "$FAKE_LOG"
`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-scripts-'));
  bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const tool of ['dirname', 'cat']) {
    const real = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p))!;
    fs.symlinkSync(real, path.join(bin, tool));
  }
  fs.writeFileSync(path.join(bin, 'npx'), FAKE_NPX, { mode: 0o755 });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  log = path.join(dir, `calls-${Math.random().toString(36).slice(2)}.log`);
  fs.writeFileSync(log, '');
});

function withAws(present: boolean) {
  const aws = path.join(bin, 'aws');
  if (present) fs.writeFileSync(aws, FAKE_AWS, { mode: 0o755 });
  else fs.rmSync(aws, { force: true });
}

function run(script: 'deploy' | 'destroy', args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(BASH, [path.join(ROOT, 'scripts', `${script}.sh`), ...args], {
    env: { PATH: bin, HOME: dir, FAKE_LOG: log, FAKE_AWS: 'ok', ...env },
    encoding: 'utf8',
    timeout: 10_000,
  });
  const calls = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

describe.each(['deploy', 'destroy'] as const)('scripts/%s.sh', (script) => {
  it('prints usage for --help and -h without calling aws or cdk', () => {
    withAws(true);
    for (const flag of ['--help', '-h']) {
      const result = run(script, ['-c', 'stage=prod', flag]);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`Usage: npm run ${script} --`);
      expect(result.calls).toEqual([]);
    }
  });

  it('explains how to install the AWS CLI when aws is not on PATH', () => {
    withAws(false);
    const result = run(script, [], { AWS_REGION: 'eu-west-1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the AWS CLI (aws) is not installed or not on PATH');
    expect(result.calls).toEqual([]);
  });

  it('stops with the aws error and how to configure credentials when they are invalid', () => {
    withAws(true);
    const result = run(script, [], { AWS_REGION: 'eu-west-1', FAKE_AWS: 'nocreds' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no valid AWS credentials');
    expect(result.stderr).toContain('Unable to locate credentials');
    expect(result.stderr).toContain('aws configure');
    expect(result.calls.some((c) => c.startsWith('npx'))).toBe(false);
  });

  it('asks for a region when none is set', () => {
    withAws(true);
    const result = run(script, []);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no AWS region');
    expect(result.calls.some((c) => c.startsWith('npx'))).toBe(false);
  });

  it('uses the --profile given for cdk for its own aws calls', () => {
    withAws(true);
    const result = run(script, ['--profile', 'work', '-c', 'stage=qa'], { FAKE_REGION: 'us-west-2' });
    expect(result.status).toBe(0);
    expect(result.calls.filter((c) => c.startsWith('aws')).every((c) => c.endsWith('profile=work'))).toBe(true);
    expect(result.calls.at(-1)).toContain('--profile work -c stage=qa');
  });
});

describe('scripts/deploy.sh', () => {
  it('tells the user to bootstrap when the account/region is not bootstrapped', () => {
    withAws(true);
    const result = run('deploy', [], { AWS_REGION: 'eu-west-1', FAKE_AWS: 'noboot' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('not CDK-bootstrapped in eu-west-1');
    expect(result.stderr).toContain('npx cdk bootstrap aws://123456789012/eu-west-1');
    expect(result.calls.some((c) => c.startsWith('npx'))).toBe(false);
  });

  it('deploys all stacks without approval, writes outputs, and passes extra arguments through', () => {
    withAws(true);
    const result = run('deploy', ['-c', 'stage=prod', '-c', 'retainData=true'], { AWS_REGION: 'eu-west-1' });
    expect(result.status).toBe(0);
    expect(result.calls).toContain('aws ssm get-parameter --name /cdk-bootstrap/hnb659fds/version --region eu-west-1 --query Parameter.Value --output text profile=');
    expect(result.calls.at(-1)).toBe(
      'npx cdk deploy --all --require-approval never --outputs-file cdk-outputs.json -c stage=prod -c retainData=true',
    );
    expect(result.stdout).toContain('account 123456789012 in eu-west-1');
  });
});

describe('scripts/destroy.sh', () => {
  it('destroys all stacks without asking and passes extra arguments through', () => {
    withAws(true);
    const result = run('destroy', ['-c', 'stage=prod'], { AWS_DEFAULT_REGION: 'eu-central-1' });
    expect(result.status).toBe(0);
    expect(result.calls.at(-1)).toBe('npx cdk destroy --all --force -c stage=prod');
    // Deleting stacks does not need the bootstrap stack.
    expect(result.calls.some((c) => c.includes('ssm'))).toBe(false);
  });
});
