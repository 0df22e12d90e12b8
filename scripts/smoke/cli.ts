/**
 * `npm run smoke`: checks a deployed stage end to end with a throwaway user and registration, and
 * removes both again, also when a step fails. `npm run smoke -- --local http://127.0.0.1:3000/mcp`
 * runs the same steps against a running `npm start`. One line per step; exit 1 at the first failure.
 */
import { parseArgs } from 'node:util';
import { recordRequests } from './http';
import { challengeParam, deleteRegistration, discover, exchangeCode, authorize, refreshAndCheckRotation, register, type Registration } from './oauth';
import { callTool, expectSuccess } from './mcp';
import { stepRunner } from './steps';
import { resolveTarget } from './target';
import { createUser, deleteUser, type TestUser } from './user';

const USAGE = `Usage: npm run smoke [-- --stage <name>] [--outputs cdk-outputs.json]
       npm run smoke -- --local http://127.0.0.1:3000/mcp [--state-dir .local]

Checks a deployed stage (its outputs from cdk-outputs.json, written by npm run deploy; the user is
created with your AWS credentials) or a running local stack, end to end: discovery, registration,
login through the broker, whoami, step-up, refresh. The test user and registration are deleted after.`;

export async function main(argv: string[], print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { local: { type: 'string' }, 'state-dir': { type: 'string', default: process.env.MCP_LOCAL_STATE_DIR || '.local' }, outputs: { type: 'string', default: 'cdk-outputs.json' }, stage: { type: 'string' }, help: { type: 'boolean' } },
    }).values;
  } catch (err) {
    print(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    print(USAGE);
    return 0;
  }
  let target;
  try {
    target = resolveTarget({ local: args.local, stateDir: args['state-dir']!, outputs: args.outputs!, stage: args.stage });
  } catch (err) {
    print((err as Error).message);
    return 2;
  }
  print(`Smoke test of ${target.describe} (${target.mcpUrl})`);
  const requests = recordRequests();
  const { step } = stepRunner(print, requests.last);
  const { mcpUrl, cognito, userPoolId, loginOrigins } = target;
  let user: TestUser | undefined;
  let client: Registration | undefined;
  let failed = false;
  try {
    user = await step('user', () => createUser(cognito, userPoolId));
    const discovery = await step('discovery', () => discover(mcpUrl));
    const registered = await step('registration', () => register(discovery));
    client = registered;
    const firstScope = discovery.challengeScope ?? `${mcpUrl}/read`;
    const grant = await step('login', () => authorize(discovery, registered, user!, firstScope, mcpUrl, loginOrigins));
    const tokens = await step('token', () => exchangeCode(discovery, registered, grant, mcpUrl));
    await step('whoami', async () => {
      const text = expectSuccess(await callTool(mcpUrl, tokens.accessToken, 'whoami'), 'whoami');
      if (!text.includes(registered.clientId)) throw new Error('whoami does not name the registered client.');
    });
    await step('step-up', async () => {
      const denied = await callTool(mcpUrl, tokens.accessToken, 'notes_add', { text: 'smoke test' });
      const scope = challengeParam(denied.wwwAuthenticate, 'scope');
      if (denied.status !== 403 || challengeParam(denied.wwwAuthenticate, 'error') !== 'insufficient_scope' || !scope) {
        throw new Error(`notes_add with a read-only token answered ${denied.status}, not 403 insufficient_scope with a scope.`);
      }
      const again = await authorize(discovery, registered, user!, scope, mcpUrl, loginOrigins);
      const stepped = await exchangeCode(discovery, registered, again, mcpUrl);
      expectSuccess(await callTool(mcpUrl, stepped.accessToken, 'notes_add', { text: 'smoke test' }), 'notes_add');
    });
    await step('refresh', async () => {
      const refreshed = await refreshAndCheckRotation(discovery, registered, tokens.refreshToken);
      expectSuccess(await callTool(mcpUrl, refreshed.accessToken, 'whoami'), 'whoami after refresh');
    });
  } catch {
    failed = true;
  } finally {
    // Cleanup runs whatever failed above; a failing cleanup fails the run too.
    if (client) {
      const registered = client;
      await step('unregister', () => deleteRegistration(registered)).catch(() => (failed = true));
    }
    if (user) {
      const created = user;
      await step('delete user', () => deleteUser(cognito, userPoolId, created.username)).catch(() => (failed = true));
    }
    requests.restore();
    cognito.destroy();
  }
  print(failed ? 'Smoke test FAILED.' : 'Smoke test passed.');
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
