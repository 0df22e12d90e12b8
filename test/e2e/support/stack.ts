/**
 * Starts the local stack for one test file: a free port, a fresh state dir, requests logged only
 * when E2E_VERBOSE is set. Handlers load once per process, and jest gives each test file its own
 * module registry, so one stack per file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../scripts/local/services';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../../scripts/local/stack';

export async function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack & { cleanup(): Promise<void> }> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'mcp-e2e-'));
  const stack = await startLocalStack({
    port: options.port ?? (await freePort()),
    stateDir,
    log: process.env.E2E_VERBOSE ? (line) => process.stdout.write(`${line}\n`) : false,
    ...options,
  });
  return {
    ...stack,
    async cleanup() {
      await stack.stop();
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** A fetch that records `METHOD /path status` for every request, to assert the order of a flow. */
export function recordingFetch(log: string[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    log.push(`${request.method} ${new URL(request.url).pathname} ${response.status}`);
    return response;
  };
}

export const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
