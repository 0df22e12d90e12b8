/**
 * `npm start` itself, as a user runs it (DESIGN.md "Local stack interface"): it prints a line with
 * `ready` and the MCP URL, Ctrl-C (SIGINT to the process group) stops everything and exits 0
 * (also when start.ts cannot answer the signal at once, and whether npm forwards it or not),
 * a second start reuses `.local` state (same static client, same signing key, refresh tokens
 * still valid), and a port in use is a one-sentence error with a non-zero exit code.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../scripts/local/services';
import { decodeJwt, loginForCode, tokenRequest } from './support/oauth';
import { localUrls } from '../../scripts/local/config';

jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '../..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** The `start` script as package.json has it. */
const START_SCRIPT = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
/** The same command without npm: node (22, from node_modules/.bin) with tsx as a loader, in-process. */
const START_WITHOUT_NPM = [join(ROOT, 'node_modules/.bin/node'), '--import', 'tsx', 'scripts/local/start.ts'];

function npmStart(env: Record<string, string>, command: string[] = ['npm', 'start']): Started {
  // detached: its own process group, so SIGINT reaches every process as Ctrl-C in a terminal would.
  const child = spawn(command[0], command.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  running.add(child);
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => {
    running.delete(child);
    ok(code);
  }));
  return { child, output: () => output, exited };
}

async function waitFor(started: Started, pattern: RegExp, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(started.output())) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited ${started.child.exitCode}: ${started.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms: ${started.output()}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

async function interrupt(started: Started, graceMs = 15_000): Promise<number | null> {
  process.kill(-started.child.pid!, 'SIGINT');
  const timer = setTimeout(() => process.kill(-started.child.pid!, 'SIGKILL'), graceMs);
  const code = await started.exited;
  clearTimeout(timer);
  return code;
}

/** True once no process of the group is left (cognito-local included), waiting up to 10 s. */
async function groupGone(pid: number): Promise<boolean> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((ok) => setTimeout(ok, 100))) {
    try {
      process.kill(-pid, 0);
    } catch {
      return true;
    }
  }
  return false;
}

let stateDir: string;
beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'mcp-npm-start-'));
});
afterAll(() => {
  // A failed test may leave a stack behind: stop the groups this file started, and only those.
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(stateDir, { recursive: true, force: true });
});

test('npm start: ready line; Ctrl-C stops every process and start.ts exits 0; a second start reuses the state', async () => {
  const port = await freePort();
  const urls = localUrls('127.0.0.1', port);
  const env = { PORT: String(port), MCP_LOCAL_STATE_DIR: stateDir };

  const first = npmStart(env);
  await waitFor(first, /ready.*http:\/\/127\.0\.0\.1:\d+\/mcp/);
  expect(first.output()).toContain(`ready: ${urls.mcp}`);
  const ids = JSON.parse(readFileSync(join(stateDir, 'stack.json'), 'utf8')) as { staticClientId: string };
  const redirectUri = 'http://127.0.0.1:8765/callback';
  const { code, verifier } = await loginForCode(urls, { clientId: ids.staticClientId, redirectUri, username: 'demo@example.com', password: 'Passw0rd!demo', scope: `${urls.mcp}/read` });
  const tokens = (await tokenRequest(urls, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: ids.staticClientId })).body;
  expect(tokens.refresh_token).toEqual(expect.any(String));
  // One line per request, and never a token or code in the log.
  await waitFor(first, /POST \/oauth2\/token 200 [\d.]+ms/, 5000);
  expect(first.output()).not.toContain(tokens.access_token as string);
  expect(first.output()).not.toContain(code);

  // npm runs the script through `sh -c`: the script must `exec` (else the shell dies of SIGINT and
  // npm re-raises it, 130), and run start.ts in the process npm started, not under the tsx CLI,
  // whose signal relay kills its child and exits 130 when the child does not acknowledge within
  // 30 ms (a busy machine; npm 11 also forwards a second SIGINT). Then npm reports start.ts's 0.
  expect(START_SCRIPT).toBe('exec node --import tsx scripts/local/start.ts');
  expect(await interrupt(first)).toBe(0);
  expect(await groupGone(first.child.pid!)).toBe(true);

  // The same entry without npm in between: start.ts itself exits 0 on SIGINT.
  const second = npmStart(env, START_WITHOUT_NPM);
  try {
    await waitFor(second, /ready/);
    const again = JSON.parse(readFileSync(join(stateDir, 'stack.json'), 'utf8')) as { staticClientId: string };
    expect(again.staticClientId).toBe(ids.staticClientId);
    // Same signing key (tokens survive restarts), and the refresh token from the first run still works.
    const jwks = (await (await fetch(urls.jwks)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys[0].kid).toBe(decodeJwt(tokens.access_token as string).header.kid);
    const refreshed = await tokenRequest(urls, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, client_id: ids.staticClientId });
    expect(refreshed.status).toBe(200);

    // Meanwhile the port is taken: a third start fails with one sentence and a non-zero exit code.
    const third = npmStart(env);
    const code3 = await third.exited;
    expect(code3).not.toBe(0);
    expect(third.output()).toMatch(new RegExp(`Port ${port} is already in use`));

    // Another port but the same state dir: refused too (two dynalites on one LevelDB folder crash).
    const fourth = npmStart({ ...env, PORT: String(await freePort()) });
    expect(await fourth.exited).not.toBe(0);
    expect(fourth.output()).toContain(`is using ${stateDir}: stop it first`);
  } finally {
    expect(await interrupt(second)).toBe(0);
    expect(await groupGone(second.child.pid!)).toBe(true);
  }
});

/** The pid of the process running start.ts in `started`'s group: the parent of cognito-local (not npm, not a tsx CLI). */
function stackPid(started: Started): number {
  const processes = execFileSync('ps', ['-o', 'pid=,ppid=,args=', '-g', String(started.child.pid)]).toString().trim().split('\n').map((l) => l.trim().split(/\s+/));
  const cognitoLocal = processes.find((p) => p.slice(2).join(' ').includes("process.stdin.on('end'"));
  if (!cognitoLocal) throw new Error(`cognito-local not found among ${processes.map((p) => p.join(' ')).join('; ')}`);
  return Number(cognitoLocal[1]);
}

test('Ctrl-C via npm while start.ts is too busy to answer for a moment: still a clean stop, exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-busy-stop-'));
  try {
    const started = npmStart({ PORT: String(await freePort()), MCP_LOCAL_STATE_DIR: dir });
    await waitFor(started, /ready/);
    // As on a loaded machine: the process cannot run for 300 ms when the signal lands.
    const pid = stackPid(started);
    process.kill(pid, 'SIGSTOP');
    const code = interrupt(started);
    await new Promise((ok) => setTimeout(ok, 300));
    process.kill(pid, 'SIGCONT');
    expect(await code).toBe(0);
    expect(started.output()).toContain('stopping the local stack');
    expect(await groupGone(started.child.pid!)).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port taken by another program: clear message, exit code 1', async () => {
  const blocker = createServer();
  const port = await freePort();
  await new Promise<void>((ok) => blocker.listen(port, '127.0.0.1', ok));
  try {
    const started = npmStart({ PORT: String(port), MCP_LOCAL_STATE_DIR: stateDir });
    expect(await started.exited).not.toBe(0);
    expect(started.output()).toContain(`Port ${port} is already in use`);
    expect(started.output()).not.toMatch(/\n\s+at /); // no stack trace
  } finally {
    blocker.close();
  }
});

test('missing dependencies: one sentence telling to run npm ci, exit code 1', async () => {
  // start.ts resolves its dependencies from where it lies: a copy outside the project has none.
  const dir = mkdtempSync(join(tmpdir(), 'mcp-no-deps-'));
  try {
    copyFileSync(join(ROOT, 'scripts/local/start.ts'), join(dir, 'start.ts'));
    const started = npmStart({ PORT: String(await freePort()) }, [join(ROOT, 'node_modules/.bin/tsx'), join(dir, 'start.ts')]);
    expect(await started.exited).toBe(1);
    expect(started.output()).toMatch(/^Missing dependencies \(.*\): run `npm ci` in the project folder first\.\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C while starting stops cleanly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-early-stop-'));
  try {
    const started = npmStart({ PORT: String(await freePort()), MCP_LOCAL_STATE_DIR: dir }, START_WITHOUT_NPM);
    await waitFor(started, /Starting the local stack/);
    // start.ts handles SIGINT from before that line on, so it stops what it started and exits 0,
    // however busy it is; a cognito-local spawned just as the signal landed also exits when its
    // parent's end closes its stdin (services.ts). Nothing may be left running.
    expect(await interrupt(started, 30_000)).toBe(0);
    expect(await groupGone(started.child.pid!)).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
