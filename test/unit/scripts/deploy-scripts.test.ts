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

function run(script: 'deploy' | 'destroy', args: string[], env: Record<string, string> = {}, root = ROOT) {
  const result = spawnSync(BASH, [path.join(root, 'scripts', `${script}.sh`), ...args], {
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

describe('bootstrap qualifier', () => {
  const KEY = '@aws-cdk/core:bootstrapQualifier';
  // The last lookup: a test that runs twice shares one call log.
  const ssmName = (calls: string[]) => [...calls].reverse().find((c) => c.startsWith('aws ssm get-parameter'))?.split(' ')[4];

  /** A copy of the scripts next to a cdk.json of our own, as a project with a custom qualifier would have. */
  function projectWithCdkJson(context: Record<string, unknown>): string {
    const project = fs.mkdtempSync(path.join(dir, 'project-'));
    fs.mkdirSync(path.join(project, 'scripts'));
    for (const file of ['deploy.sh', 'destroy.sh', 'aws-preflight.sh']) {
      fs.copyFileSync(path.join(ROOT, 'scripts', file), path.join(project, 'scripts', file));
    }
    fs.writeFileSync(path.join(project, 'cdk.json'), JSON.stringify({ app: 'npx tsx bin/app.ts', context }, null, 2));
    return project;
  }

  it('is CDK default hnb659fds when nothing sets one (cdk.json of this repo has none)', () => {
    withAws(true);
    const result = run('deploy', [], { AWS_REGION: 'eu-west-1' });
    expect(result.status).toBe(0);
    expect(ssmName(result.calls)).toBe('/cdk-bootstrap/hnb659fds/version');
    expect(result.calls.at(-1)).not.toContain(KEY);
  });

  it('comes from CDK_BOOTSTRAP_QUALIFIER, which is handed on to cdk as context', () => {
    withAws(true);
    const result = run('deploy', ['-c', 'stage=prod'], { AWS_REGION: 'eu-west-1', CDK_BOOTSTRAP_QUALIFIER: 'envq1' });
    expect(result.status).toBe(0);
    expect(ssmName(result.calls)).toBe('/cdk-bootstrap/envq1/version');
    expect(result.calls.at(-1)).toBe(
      `npx cdk deploy --all --require-approval never --outputs-file cdk-outputs.json -c ${KEY}=envq1 -c stage=prod`,
    );
  });

  it.each([
    [['-c', `${KEY}=argq1`]],
    [['--context', `${KEY}=argq1`]],
    [[`--context=${KEY}=argq1`]],
  ])('comes from a %j argument first, which reaches cdk unchanged', (qualifierArgs) => {
    withAws(true);
    const args = ['-c', 'stage=prod', ...qualifierArgs];
    const result = run('deploy', args, { AWS_REGION: 'eu-west-1', CDK_BOOTSTRAP_QUALIFIER: 'envq1' });
    expect(result.status).toBe(0);
    expect(ssmName(result.calls)).toBe('/cdk-bootstrap/argq1/version');
    expect(result.calls.at(-1)).toBe(`npx cdk deploy --all --require-approval never --outputs-file cdk-outputs.json ${args.join(' ')}`);
  });

  it('comes from cdk.json context when neither argument nor variable sets one', () => {
    withAws(true);
    const project = projectWithCdkJson({ stage: 'dev', [KEY]: 'jsonq1', retainData: false });
    const fromJson = run('deploy', [], { AWS_REGION: 'eu-west-1' }, project);
    expect(fromJson.status).toBe(0);
    expect(ssmName(fromJson.calls)).toBe('/cdk-bootstrap/jsonq1/version');
    // cdk reads cdk.json itself.
    expect(fromJson.calls.at(-1)).toBe('npx cdk deploy --all --require-approval never --outputs-file cdk-outputs.json');

    const overridden = run('deploy', [], { AWS_REGION: 'eu-west-1', CDK_BOOTSTRAP_QUALIFIER: 'envq1' }, project);
    expect(ssmName(overridden.calls)).toBe('/cdk-bootstrap/envq1/version');
    expect(overridden.calls.at(-1)).toContain(`-c ${KEY}=envq1`);
  });

  it('is named in the not-bootstrapped message, with the bootstrap command for it', () => {
    withAws(true);
    const result = run('deploy', ['-c', `${KEY}=argq1`], { AWS_REGION: 'eu-west-1', FAKE_AWS: 'noboot' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('not CDK-bootstrapped in eu-west-1 (bootstrap qualifier argq1)');
    expect(result.stderr).toContain('npx cdk bootstrap aws://123456789012/eu-west-1 --qualifier argq1');
    expect(result.calls.some((c) => c.startsWith('npx'))).toBe(false);
  });

  it('rejects a qualifier that CDK bootstrap would not accept, before calling aws', () => {
    withAws(true);
    const result = run('deploy', [], { AWS_REGION: 'eu-west-1', CDK_BOOTSTRAP_QUALIFIER: 'way/too-long-qualifier' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("invalid CDK bootstrap qualifier 'way/too-long-qualifier'");
    expect(result.calls).toEqual([]);
  });

  it('reaches cdk destroy too (the qualifier names the role cdk assumes)', () => {
    withAws(true);
    const result = run('destroy', ['-c', 'stage=prod'], { AWS_REGION: 'eu-west-1', CDK_BOOTSTRAP_QUALIFIER: 'envq1' });
    expect(result.status).toBe(0);
    expect(result.calls.at(-1)).toBe(`npx cdk destroy --all --force -c ${KEY}=envq1 -c stage=prod`);
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
