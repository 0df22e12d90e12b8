/**
 * `npm run smoke -- --local <mcp url>` (issue 15, "Post-deploy smoke test") against the local stack:
 * the same script a deployer runs after `npm run deploy`, as a child process. It passes with one
 * line per step, fails at the first failure with the failing request printed (no secrets), and
 * leaves no user, app client or registration behind, whether it passed or not.
 */
import { ListUserPoolClientsCommand, ListUsersCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TABLES } from '../../scripts/local/config';
import { LOCAL_AWS } from '../../scripts/local/services';
import { main } from '../../scripts/smoke/cli';
import { resolveTarget } from '../../scripts/smoke/target';
import { ENDPOINTS_FILE } from '../../scripts/local/stack';
import { startTestStack } from './support/stack';

jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '../..');
const SMOKE_SCRIPT = (require(join(ROOT, 'package.json')) as { scripts: Record<string, string> }).scripts.smoke;

let stack: Awaited<ReturnType<typeof startTestStack>>;
let cognito: CognitoIdentityProviderClient;
let ddb: DynamoDBClient;

beforeAll(async () => {
  stack = await startTestStack();
  cognito = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: stack.endpoints.cognito });
  ddb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.endpoints.dynamodb });
});

afterAll(async () => {
  cognito?.destroy();
  ddb?.destroy();
  await stack?.cleanup();
});

/** The smoke script as `npm run smoke` runs it (tsx), asynchronously: the stack answers from this process. */
function smoke(args: string[]): Promise<{ code: number | null; output: string }> {
  const [command, script] = SMOKE_SCRIPT.split(' ');
  const child = spawn(join(ROOT, 'node_modules/.bin', command!), [script!, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((ok) => child.once('close', (code) => ok({ code, output })));
}

/** What the pool and the registrations table hold: users, app clients, registration records. */
async function leftovers(): Promise<{ users: string[]; clients: string[]; registrations: number }> {
  const users = await cognito.send(new ListUsersCommand({ UserPoolId: stack.userPoolId }));
  const clients = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: stack.userPoolId, MaxResults: 60 }));
  const items = await ddb.send(new ScanCommand({ TableName: TABLES.registrations }));
  return {
    users: (users.Users ?? []).map((u) => u.Username!).sort(),
    clients: (clients.UserPoolClients ?? []).map((c) => c.ClientId!).sort(),
    registrations: (items.Items ?? []).filter((item) => Object.values(item).some((v) => v.S?.startsWith('client#'))).length,
  };
}

test('the stack says where cognito-local listens, for the smoke script', () => {
  expect(existsSync(join(stack.stateDir, ENDPOINTS_FILE))).toBe(true);
});

test('passes against the local stack, one line per step, and leaves nothing behind', async () => {
  const before = await leftovers();
  const { code, output } = await smoke(['--local', stack.urls.mcp, '--state-dir', stack.stateDir]);
  expect(output).toContain('Smoke test passed.');
  expect(code).toBe(0);
  for (const step of ['user', 'discovery', 'registration', 'login', 'token', 'whoami', 'step-up', 'refresh', 'unregister', 'delete user']) {
    expect(output).toMatch(new RegExp(`^ok +${step} +\\d+ ms$`, 'm'));
  }
  expect(output).not.toMatch(/FAIL/);
  expect(await leftovers()).toEqual(before);
});

test('a wrong URL fails at discovery with the request printed, non-zero, and still cleans up', async () => {
  const before = await leftovers();
  const wrong = `${stack.urls.base}/not-mcp`;
  const { code, output } = await smoke(['--local', wrong, '--state-dir', stack.stateDir]);
  expect(code).toBe(1);
  expect(output).toMatch(/^FAIL +discovery +\d+ ms$/m);
  expect(output).toContain(`request: POST ${wrong} -> 404`);
  expect(output).not.toMatch(/^ok +registration/m);
  expect(output).toMatch(/^ok +delete user/m);
  expect(output).toContain('Smoke test FAILED.');
  expect(await leftovers()).toEqual(before);
});

/**
 * Runs the smoke script in this process with a fault injected into its HTTP (mocks only to inject
 * faults): `fault` may replace the real response. Returns the exit code and the printed lines.
 */
async function smokeWithFault(fault: (request: Request, response: Response) => Promise<Response | undefined>): Promise<{ code: number; output: string }> {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    return (await fault(new Request(input, init), response)) ?? response;
  };
  const lines: string[] = [];
  try {
    const code = await main(['--local', stack.urls.mcp, '--state-dir', stack.stateDir], (line) => lines.push(line));
    return { code, output: lines.join('\n') };
  } finally {
    globalThis.fetch = realFetch;
  }
}

test('a failure after login (fault: the token response lacks its refresh token) prints no secret and still deletes registration and user', async () => {
  const before = await leftovers();
  const issued: string[] = [];
  const { code, output } = await smokeWithFault(async (request, res) => {
    if (request.url !== stack.urls.token || res.status !== 200) return undefined;
    const { refresh_token: _dropped, ...body } = (await res.json()) as Record<string, string>;
    issued.push(body.access_token!);
    return Response.json(body);
  });
  expect(code).toBe(1);
  expect(output).toMatch(/^FAIL +token +\d+ ms$/m);
  expect(output).toContain('The token response has no refresh_token.');
  expect(output).toContain(`request: POST ${stack.urls.token} -> 200: `);
  expect(issued).toHaveLength(1);
  expect(output).not.toContain(issued[0]);
  expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  expect(output).not.toMatch(/[?&](code|state)=/);
  expect(output).toMatch(/^ok +unregister/m);
  expect(output).toMatch(/^ok +delete user/m);
  expect(await leftovers()).toEqual(before);
});

test('a redirect back whose iss is not the issuer fails the login (RFC 9207)', async () => {
  const before = await leftovers();
  const { code, output } = await smokeWithFault(async (_request, res) => {
    const location = res.headers.get('location');
    if (!location?.includes('code=') || !location.includes('iss=')) return undefined;
    const moved = new URL(location);
    moved.searchParams.set('iss', 'https://attacker.example');
    return new Response(null, { status: res.status, headers: { location: moved.href } });
  });
  expect(code).toBe(1);
  expect(output).toMatch(/^FAIL +login +\d+ ms$/m);
  expect(output).toContain('not ' + stack.urls.base);
  expect(await leftovers()).toEqual(before);
});

test('an old refresh token still accepted after rotation fails the refresh step', async () => {
  const before = await leftovers();
  const used = new Set<string>();
  const { code, output } = await smokeWithFault(async (request, _res) => {
    if (request.url !== stack.urls.token) return undefined;
    const form = new URLSearchParams(await request.text());
    const token = form.get('refresh_token');
    if (!token) return undefined;
    if (!used.has(token)) return void used.add(token);
    return Response.json({ access_token: 'x', refresh_token: 'y', token_type: 'Bearer' });
  });
  expect(code).toBe(1);
  expect(output).toMatch(/^FAIL +refresh +\d+ ms$/m);
  expect(output).toContain('The old refresh token was not refused after rotation (200');
  expect(await leftovers()).toEqual(before);
});

describe('a deployed stage, from cdk-outputs.json', () => {
  const outputs = (file: string, content: unknown) => {
    writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const stage = (name: string) => ({
    [`McpAuth-${name}-Cognito`]: { UserPoolId: 'eu-west-1_Abc', ManagedLoginUrl: `https://mcp-auth-${name}-1.auth.eu-west-1.amazoncognito.com`, StaticClientId: 'x' },
    [`McpAuth-${name}-McpServer`]: { McpServerUrl: `https://${name}.execute-api.eu-west-1.amazonaws.com/mcp` },
  });

  test('the only stage: MCP URL, pool, the pool region, and the managed login origin as the one other login origin', () => {
    const file = outputs(join(stack.stateDir, 'one.json'), stage('my-dev'));
    const target = resolveTarget({ outputs: file, stateDir: stack.stateDir });
    expect(target).toMatchObject({ mcpUrl: 'https://my-dev.execute-api.eu-west-1.amazonaws.com/mcp', userPoolId: 'eu-west-1_Abc', loginOrigins: ['https://mcp-auth-my-dev-1.auth.eu-west-1.amazoncognito.com'], describe: 'stage my-dev' });
    target.cognito.destroy();
  });

  test('several stages need --stage; an unknown stage or a missing file is a clear error', () => {
    const file = outputs(join(stack.stateDir, 'two.json'), { ...stage('dev'), ...stage('prod') });
    expect(() => resolveTarget({ outputs: file, stateDir: stack.stateDir })).toThrow('holds the stages dev, prod: pass --stage <name>.');
    expect(() => resolveTarget({ outputs: file, stateDir: stack.stateDir, stage: 'qa' })).toThrow('has no outputs of stage qa');
    const target = resolveTarget({ outputs: file, stateDir: stack.stateDir, stage: 'prod' });
    expect(target.mcpUrl).toBe('https://prod.execute-api.eu-west-1.amazonaws.com/mcp');
    target.cognito.destroy();
    expect(() => resolveTarget({ outputs: join(stack.stateDir, 'none.json'), stateDir: stack.stateDir })).toThrow('run npm run deploy first');
  });
});
