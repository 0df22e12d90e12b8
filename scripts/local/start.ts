/**
 * `npm start`: the whole system on this machine, no AWS account needed. Only node built-ins are
 * imported up front, so a missing `npm ci` becomes a one-sentence message, not a stack trace.
 * Settings: PORT (3000), MCP_LOCAL_USERNAME, MCP_LOCAL_PASSWORD, MCP_LOCAL_STATE_DIR (.local),
 * MCP_LOCAL_CIMD_TRUSTED_ORIGINS (none), MCP_LOCAL_CIMD (on; `off` for offline machines), LOG_LEVEL of
 * the handlers (warn). See docs/local-stack.md.
 */
import { createRequire } from 'node:module';

const REQUIRED = ['dynalite', 'cognito-local', '@aws-sdk/client-dynamodb', '@aws-sdk/client-cognito-identity-provider', '@modelcontextprotocol/server', 'aws-jwt-verify'];

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function checkDependencies(): void {
  const requireHere = createRequire(__filename);
  const missing = REQUIRED.filter((name) => {
    try {
      requireHere.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) fail(`Missing dependencies (${missing.join(', ')}): run \`npm ci\` in the project folder first.`);
}

function parsePort(value: string | undefined): number {
  if (!value) return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a number between 1 and 65535, got ${JSON.stringify(value)}.`);
  return port;
}

async function main(): Promise<void> {
  checkDependencies();
  // A crash in a stand-in (e.g. dynalite) is one sentence, not a stack trace, and stops what runs.
  process.on('uncaughtException', (err) => {
    process.stderr.write(`The local stack stopped on an unexpected error: ${err.message}\n`);
    const stopAll = (require('./stack') as typeof import('./stack')).stopAll; // eslint-disable-line @typescript-eslint/no-require-imports
    void Promise.race([stopAll(), new Promise((ok) => setTimeout(ok, 5000))]).finally(() => process.exit(1));
  });
  const port = parsePort(process.env.PORT);
  let cimdTrustedOrigins: string[] = [];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cimdTrustedOrigins = (require('./config') as typeof import('./config')).parseCimdTrustedOrigins(process.env.MCP_LOCAL_CIMD_TRUSTED_ORIGINS);
  } catch (err) {
    fail((err as Error).message);
  }
  // Loaded only now, after the dependency check (require: this file runs as CommonJS under tsx).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startLocalStack, PortInUseError, StartAbortedError } = require('./stack') as typeof import('./stack');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { StateInUseError } = require('./state-lock') as typeof import('./state-lock');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { connectionHelp } = require('./help') as typeof import('./help');
  // Signals are handled from the start: Ctrl-C while starting stops what has started so far.
  let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
  let stopRequested = false;
  const aborter = new AbortController();
  const shutdown = (signal: string) => {
    if (stopRequested) return;
    stopRequested = true;
    aborter.abort();
    process.stdout.write(`\n${signal} received, stopping the local stack...\n`);
    if (!stack) return; // startup finishes first, then stops (below)
    stack.stop().then(
      () => process.exit(0),
      (err: Error) => fail(`Stopping failed: ${err.message}`),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  process.stdout.write('Starting the local stack (dynalite, cognito-local, handlers)...\n');
  try {
    stack = await startLocalStack({
      port,
      stateDir: process.env.MCP_LOCAL_STATE_DIR || undefined,
      username: process.env.MCP_LOCAL_USERNAME || undefined,
      password: process.env.MCP_LOCAL_PASSWORD || undefined,
      logLevel: process.env.LOG_LEVEL || undefined,
      cimdTrustedOrigins,
      cimd: process.env.MCP_LOCAL_CIMD !== 'off',
      signal: aborter.signal,
    });
  } catch (err) {
    // Interrupted while starting (a terminal's Ctrl-C also stops cognito-local): startLocalStack cleaned up.
    if (stopRequested || err instanceof StartAbortedError) process.exit(0);
    if (err instanceof StateInUseError) fail(`Another local stack (pid ${err.pid}) is using ${err.stateDir}: stop it first, or give this one its own state with MCP_LOCAL_STATE_DIR.`);
    if (err instanceof PortInUseError) fail(`Port ${port} is already in use: stop whatever uses it, or start on another port with PORT=${port + 1} npm start.`);
    fail(`The local stack could not start: ${(err as Error).message}`);
  }
  if (stopRequested) {
    await stack.stop();
    process.exit(0);
  }
  for (const warning of stack.warnings) process.stdout.write(`warning: ${warning}\n`);
  process.stdout.write(`Local MCP stack ready: ${stack.urls.mcp}\n`);
  process.stdout.write(connectionHelp(stack));
}

void main();
