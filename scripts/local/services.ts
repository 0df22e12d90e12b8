/**
 * Starts the real stand-ins for the AWS services, for the local stack and for tests:
 * dynalite (DynamoDB API) in this process and cognito-local (Cognito user pool API) as a
 * child process. Each returns its endpoint and a `stop` function.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join, resolve } from 'node:path';

// Plain CommonJS, shared with the cognito-local child process.
const GUARD = join(__dirname, 'loopback-guard.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { guardServer } = require(GUARD) as { guardServer<T extends Server>(server: T): T };

export interface RunningService {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Dummy credentials and region for SDK clients pointed at the stand-ins (they check neither). */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/**
 * dynalite on `port` (0 = any free port). With `path`, data persists in a LevelDB folder there;
 * without, it lives in memory.
 */
export async function startDynalite(options: { port?: number; path?: string } = {}): Promise<RunningService> {
  // dynalite ships no types; it is a CommonJS factory returning a node:http server.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (opts: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
  if (options.path) mkdirSync(options.path, { recursive: true });
  const server = guardServer(dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        // SDK clients keep connections alive; close them so the process can exit.
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/**
 * cognito-local on `port`, keeping its data in `dataDir` (it writes `.cognito/` under its working
 * directory). Resolves once it answers.
 */
export async function startCognitoLocal(options: { port?: number; dataDir: string }): Promise<RunningService> {
  const port = options.port || (await freePort());
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const entry = require.resolve('cognito-local/lib/bin/start.js');
  // The child exits when its stdin closes, which happens however this process ends (even SIGKILL,
  // or a Ctrl-C that lands while the child is being spawned), so no cognito-local is ever orphaned.
  // It also loads the loopback guard first, so browsers are refused (loopback-guard.cjs).
  const watchdog = `process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume(); require(${JSON.stringify(GUARD)}).guardAllServers(); require(${JSON.stringify(entry)});`;
  const child: ChildProcess = spawn(process.execPath, ['-e', watchdog], {
    cwd: dataDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_NO_WARNINGS: '1', DEBUG: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    // A child killed by a signal keeps exitCode null and sets signalCode instead.
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`cognito-local exited (${child.exitCode ?? child.signalCode}): ${output}`);
    }
    if (await answers(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`cognito-local did not answer on ${endpoint} within 20 s: ${output}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((ok) => setTimeout(ok, 3000).unref())]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
    },
  };
}

/** True when something answers HTTP on the port (no keep-alive, so nothing lingers after). */
function answers(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path: '/', agent: false }, (res) => {
      res.resume();
      ok(true);
    });
    req.on('error', () => ok(false));
    req.setTimeout(1000, () => req.destroy());
    req.end();
  });
}

/** Where the local stack keeps its state (gitignored). */
export const LOCAL_STATE_DIR = join(process.cwd(), '.local');
