/**
 * The browser login: a loopback callback server (RFC 8252 §7.3) and opening the authorization URL
 * in the user's browser. Only https URLs, or http on a loopback host, are ever opened (see
 * url-rules.ts); the opener runs without a shell, with the URL as one argument of its own.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { openableUrl } from './url-rules';

/** Starts `http://127.0.0.1:<port>/callback` and resolves with the callback's query once it is hit. */
export function callbackServer(port: number): { ready: Promise<void>; result: Promise<URLSearchParams>; close(): void } {
  let server: Server;
  const result = new Promise<URLSearchParams>((ok) => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      if (url.pathname !== '/callback') {
        res.writeHead(404).end();
        return;
      }
      const failed = url.searchParams.has('error');
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(failed ? 'Authorization failed; see the terminal.\n' : 'Logged in. You can close this tab and return to the terminal.\n');
      ok(url.searchParams);
    });
  });
  const ready = new Promise<void>((ok, fail) => {
    server!.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'EADDRINUSE' ? new Error(`The callback port ${port} is in use; free it or run logout to register again.`) : err));
    server!.listen(port, '127.0.0.1', () => ok());
  });
  return { ready, result, close: () => server.close() };
}

/**
 * The command that opens a URL: `$BROWSER` when set (a program and optional arguments separated
 * by spaces; a `%s` argument is replaced by the URL, else the URL is appended), else the OS opener.
 * The result is an argument vector: nothing goes through a shell.
 */
export function openerCommand(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): [string, ...string[]] {
  const browser = env.BROWSER?.trim().split(/\s+/).filter(Boolean);
  if (browser?.length) {
    const [program, ...args] = browser as [string, ...string[]];
    return args.includes('%s') ? [program, ...args.map((a) => (a === '%s' ? url : a))] : [program, ...args, url];
  }
  return [platform === 'darwin' ? 'open' : platform === 'win32' ? 'explorer' : 'xdg-open', url];
}

export type OpenResult = { opened: true } | { opened: false; refused?: Error };

/**
 * Opens `raw` in the browser. Refuses (without running anything) every URL that is not https or
 * http on a loopback host; `opened: false` without `refused` means no opener could be started.
 */
export function openBrowser(raw: string | URL, env: NodeJS.ProcessEnv = process.env): Promise<OpenResult> {
  const url = openableUrl(raw);
  if (url instanceof Error) return Promise.resolve({ opened: false, refused: url });
  const [command, ...args] = openerCommand(url.href, env);
  return new Promise((ok) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false, env });
      child.once('error', () => ok({ opened: false }));
      child.once('spawn', () => {
        child.unref();
        ok({ opened: true });
      });
    } catch {
      ok({ opened: false });
    }
  });
}
