/** Runs the CLI client (`scripts/client/cli.ts`) as a user would, with its own config folder. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `onStderr` sees the whole stderr so far after every chunk (to play the browser mid-run). */
export function runCli(configHome: string, args: string[], env: Record<string, string> = {}, onStderr?: (text: string) => void): Promise<CliResult> {
  return new Promise((ok) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/client/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: configHome, MCP_USERNAME: '', MCP_PASSWORD: '', MCP_CLIENT_SECRET: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      onStderr?.(stderr);
    });
    child.once('exit', (code) => ok({ code, stdout, stderr }));
  });
}

/** A stand-in browser for $BROWSER: a script that records its arguments (NUL-separated) in `dir`/argv. */
export function recordingBrowser(dir: string): string {
  const script = join(dir, 'browser');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\0' "$@" > "${dir}/argv.tmp" && mv "${dir}/argv.tmp" "${dir}/argv"\n`, { mode: 0o755 });
  return script;
}
