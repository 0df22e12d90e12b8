/**
 * End to end in a real browser (headless Chromium, test/e2e/support/browser.ts): what `fetch`
 * cannot see. Chrome applies CSP `form-action` to every redirect that follows a form POST, so a
 * login page allowing only 'self' blocks the 302 back to the client (issue 12 item 0).
 *
 * | test                                                  | spec                                          |
 * |-------------------------------------------------------|-----------------------------------------------|
 * | the CLI's browser mode: login in Chromium, tools call | MCP Authorization; RFC 8252 §7.3 (loopback)   |
 * | login page CSP names the callback origin, no framing  | CSP Level 3 §6.4.3 form-action, §6.4.2 frame-ancestors |
 * | either order: consent page then login, or login only  | MCP Authorization (consent before upstream login) |
 * | a login in Chromium lands on the loopback callback    | RFC 6749 §4.1.2                               |
 * | a second authorization in that browser is silent      | Cognito's managed-login session cookie        |
 * | consent page without CSP violations; Deny → access_denied | RFC 6749 §4.1.2.1; RFC 9207 `iss`; CSP form-action |
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { freePort } from '../../scripts/local/services';
import { TestBrowser } from './support/browser';
import type { OpenerReport } from './support/browser-opener';
import { authorizationUrl, pkce, publicClient, register } from './support/oauth';
import { sleep, startTestStack } from './support/stack';

jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '../..');
let stack: Awaited<ReturnType<typeof startTestStack>>;
let workDir: string;

beforeAll(async () => {
  stack = await startTestStack();
  workDir = mkdtempSync(join(tmpdir(), 'mcp-browser-e2e-'));
});
afterAll(async () => {
  await stack?.cleanup();
  rmSync(workDir, { recursive: true, force: true });
});

/** A loopback "client": answers its callback as the CLI does, so the browser lands on a page. */
async function loopbackCallback(): Promise<{ uri: string; server: Server }> {
  const port = await freePort();
  const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`callback ${req.url?.split('?')[0]}`));
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return { uri: `http://127.0.0.1:${port}/callback`, server };
}

/** An `xdg-open` first on PATH that drives Chromium (support/browser-opener.ts) instead of the desktop's browser. */
function fakeOpener(dir: string): string {
  const bin = join(dir, 'bin');
  const script = join(bin, 'xdg-open');
  mkdirSync(bin, { recursive: true });
  writeFileSync(script, `#!/bin/sh\ncd ${JSON.stringify(ROOT)} && exec ${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(join(ROOT, 'test/e2e/support/browser-opener.ts'))} "$@"\n`);
  chmodSync(script, 0o755);
  return bin;
}

/** Runs the CLI until it exits, or until `giveUp` resolves (the browser failed, so no callback will come). */
function runCli(args: string[], env: Record<string, string>, giveUp: Promise<unknown>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/client/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => ok({ code, stdout, stderr }));
    void giveUp.then(() => child.kill());
  });
}

/** The opener's report, once written (it writes after closing Chromium). */
async function reportOf(file: string, stop: { done: boolean }): Promise<OpenerReport | undefined> {
  while (!stop.done && !existsSync(file)) await sleep(200);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as OpenerReport) : undefined;
}

test('the CLI in browser mode: Chromium logs in through the stack\'s pages to the loopback callback, then a tools call succeeds', async () => {
  const reportFile = join(workDir, 'opener.json');
  const callbackPort = await freePort();
  const cliDone = { done: false };
  const report = reportOf(reportFile, cliDone);
  const result = await runCli([stack.urls.mcp, 'whoami', '--callback-port', String(callbackPort)], {
    PATH: `${fakeOpener(workDir)}${delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(workDir, 'config'),
    MCP_USERNAME: '',
    MCP_PASSWORD: '',
    BROWSER_OPENER_REPORT: reportFile,
    BROWSER_OPENER_USERNAME: stack.username,
    BROWSER_OPENER_PASSWORD: stack.password,
  }, report.then((r) => (r?.ok ? new Promise(() => {}) : undefined)));
  // The CLI may exit as soon as its callback is hit, before the opener has closed Chromium.
  setTimeout(() => (cliDone.done = true), 20_000).unref();
  const opened = await report;
  cliDone.done = true;
  if (!opened?.ok) throw new Error(`The browser login failed: ${opened?.error ?? 'the opener wrote no report'}\nCLI: ${result.stderr}`);
  expect(opened.landedOn).toBe(`http://127.0.0.1:${callbackPort}/callback`);
  expect(result.stderr).toMatch(/Opened your browser/);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(stack.username);
});

describe('the login page in Chromium', () => {
  let browser: TestBrowser;
  beforeEach(async () => {
    browser = await TestBrowser.launch();
  });
  afterEach(async () => {
    await browser.close();
  });

  test("the login page's CSP lets the form's POST redirect to the callback origin and nowhere else, and frame-ancestors stays 'none'", async () => {
    const callback = await loopbackCallback();
    try {
      const client = await register(stack.urls, publicClient(stack.urls, callback.uri));
      const url = authorizationUrl(stack.urls, { response_type: 'code', client_id: client.client_id, redirect_uri: callback.uri, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 'st' });
      const landed = await browser.loginInBrowser(url.toString(), stack.username, stack.password);
      expect(`${landed.origin}${landed.pathname}`).toBe(callback.uri);
      expect(landed.searchParams.get('code')).toBeTruthy();
      expect(landed.searchParams.get('state')).toBe('st');
      expect(await browser.problems()).toEqual([]);

      // The hosted-login stand-in's page, as the browser got it (after a consent page, if the broker shows one).
      const loginPage = (await browser.pages()).find((p) => p.url.startsWith(`${stack.urls.base}/oauth2/authorize`) && p.status === 200);
      const directives = new Map((loginPage?.csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
      const formAction = directives.get('form-action') ?? [];
      expect(formAction).toContain(new URL(callback.uri).origin);
      // Nothing beyond this stack's origin and the client's (no wildcard, no scheme source).
      expect(formAction.filter((source) => !["'self'", stack.urls.base, new URL(callback.uri).origin].includes(source))).toEqual([]);
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(directives.get('default-src')).toEqual(["'none'"]);

      // Within the session (Cognito's managed-login cookie) the same browser is not asked to log in
      // again: the stand-in answers with a redirect, not its form (a consent page may still be shown).
      const session = (await browser.cookies(stack.urls.base)).find((c) => c.name === 'mcp_local_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      const before = (await browser.pages()).length;
      const again = await browser.loginInBrowser(authorizationUrl(stack.urls, { response_type: 'code', client_id: client.client_id, redirect_uri: callback.uri, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 'st2' }).toString(), stack.username, 'not-typed: no login form');
      expect(`${again.origin}${again.pathname}`).toBe(callback.uri);
      expect(again.searchParams.get('state')).toBe('st2');
      expect(again.searchParams.get('code')).toBeTruthy();
      const standIn = (await browser.pages()).slice(before).filter((p) => p.url.startsWith(`${stack.urls.base}/oauth2/authorize`));
      expect(standIn.map((p) => p.status)).toEqual([302]);
    } finally {
      callback.server.close();
    }
  });
});

describe('the consent page in Chromium', () => {
  test('it loads with no CSP violation, and Deny lands on the client with access_denied, state and iss', async () => {
    const browser = await TestBrowser.launch();
    const callback = await loopbackCallback();
    try {
      const client = await register(stack.urls, publicClient(stack.urls, callback.uri));
      const url = authorizationUrl(stack.urls, { response_type: 'code', client_id: client.client_id, redirect_uri: callback.uri, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 'deny-st' });
      const consent = await browser.goto(url.toString());
      expect(consent.status).toBe(200);
      expect(consent.text).toContain('Allow e2e wire client to access this MCP server?');
      expect(await browser.problems()).toEqual([]);

      const denied = await browser.click('button[name="decision"][value="deny"]');
      const landed = new URL(denied.url);
      expect(`${landed.origin}${landed.pathname}`).toBe(callback.uri);
      expect(Object.fromEntries(landed.searchParams)).toEqual({ error: 'access_denied', error_description: expect.any(String), state: 'deny-st', iss: stack.urls.base });
      // Chromium checked the consent page's form-action on the POST and on the redirect after it.
      expect(await browser.problems()).toEqual([]);
    } finally {
      await browser.close();
      callback.server.close();
    }
  });
});
