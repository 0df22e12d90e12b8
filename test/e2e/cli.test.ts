/**
 * End to end: the CLI client (`npm run client`) against the local stack, headless.
 *
 * | test                                        | spec                                                      |
 * |---------------------------------------------|-----------------------------------------------------------|
 * | discovery, registration, PKCE login, tools  | MCP Authorization (whole flow); RFC 9728; RFC 8414; RFC 7591; RFC 7636 |
 * | loopback redirect on the registered port    | RFC 8252 §7.3                                             |
 * | step-up when a tool needs write             | MCP §Scope Challenge Handling                             |
 * | token file 0600, folder 0700                | RFC 6819 §5.1.6 (client-side token storage)               |
 * | logout revokes and deletes the registration | RFC 7009 §2; RFC 7592 §2.3                                |
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { logIn } from './support/login-form';
import { tokenRequest } from './support/oauth';
import { startTestStack } from './support/stack';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../..');
let stack: Awaited<ReturnType<typeof startTestStack>>;
let configHome: string;

beforeAll(async () => {
  stack = await startTestStack();
  configHome = mkdtempSync(join(tmpdir(), 'mcp-cli-'));
});
afterAll(async () => {
  await stack?.cleanup();
  rmSync(configHome, { recursive: true, force: true });
});

function cli(
  args: string[],
  env: Record<string, string> = {},
  onStderr?: (text: string) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/client/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: configHome, MCP_USERNAME: '', MCP_PASSWORD: '', ...env },
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

const stateFiles = () => readdirSync(join(configHome, 'mcp-auth-client')).filter((f) => f.endsWith('.json'));

test('headless login, tools, a write call with step-up, whoami, file permissions, logout', async () => {
  const credentials = ['--headless', '--username', stack.username, '--password', stack.password];
  const tools = await cli([stack.urls.mcp, 'tools', ...credentials]);
  expect(tools.stderr).toContain('Registering this client');
  expect(tools.stderr).toContain('Logged in.');
  expect(tools.code).toBe(0);
  expect(tools.stdout).toMatch(/^whoami - /m);
  expect(tools.stdout).toMatch(/^notes_add - /m);

  const [file] = stateFiles();
  const path = join(configHome, 'mcp-auth-client', file);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(statSync(join(configHome, 'mcp-auth-client')).mode & 0o777).toBe(0o700);
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { serverUrl: string; redirectPort: number; client: { client_id: string; redirect_uris: string[] }; tokens: { refresh_token: string } };
  expect(saved.serverUrl).toBe(stack.urls.mcp);
  expect(saved.client.redirect_uris).toEqual([`http://127.0.0.1:${saved.redirectPort}/callback`]);

  // notes_add needs write: the first token has read only, so the SDK asks again, headless, for more.
  const added = await cli([stack.urls.mcp, 'call', 'notes_add', '{"text":"from the CLI"}', ...credentials], {});
  expect(added.code).toBe(0);
  expect(added.stdout).toContain('from the CLI');

  // Tokens are reused: no login needed, so no credentials.
  const whoami = await cli([stack.urls.mcp, 'whoami']);
  expect(whoami.code).toBe(0);
  expect(JSON.parse(whoami.stdout)).toMatchObject({ username: stack.username, clientId: saved.client.client_id });
  expect(whoami.stderr).not.toContain('Logging in');

  const refreshToken = (JSON.parse(readFileSync(path, 'utf8')) as { tokens: { refresh_token: string } }).tokens.refresh_token;
  const out = await cli([stack.urls.mcp, 'logout']);
  expect(out.code).toBe(0);
  expect(out.stderr).toContain('Revoked the refresh token.');
  expect(out.stderr).toContain('Deleted this client\'s registration.');
  expect(stateFiles()).toEqual([]);
  const refresh = await tokenRequest(stack.urls, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: saved.client.client_id });
  expect(refresh.status).toBeGreaterThanOrEqual(400);
});

test('a pre-registered client (--client-id) with env credentials', async () => {
  const res = await cli([stack.urls.mcp, 'whoami', '--client-id', stack.staticClientId, '--callback-port', '8765', '--headless'], { MCP_USERNAME: stack.username, MCP_PASSWORD: stack.password });
  expect(res.code).toBe(0);
  expect(res.stderr).not.toContain('Registering');
  expect(JSON.parse(res.stdout)).toMatchObject({ clientId: stack.staticClientId });
  expect((await cli([stack.urls.mcp, 'logout', '--client-id', stack.staticClientId])).code).toBe(0);
});

test('failures are plain sentences with a non-zero exit code', async () => {
  const wrong = await cli([stack.urls.mcp, 'tools', '--headless', '--username', stack.username, '--password', 'not-the-Passw0rd']);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain('Error: Login failed');
  const noCredentials = await cli([stack.urls.mcp, 'tools', '--headless']);
  expect(noCredentials.code).toBe(1);
  expect(noCredentials.stderr).toContain('pass --username and --password');
  const noUrl = await cli([]);
  expect(noUrl.code).toBe(2);
  expect(noUrl.stderr).toContain('Usage:');
  for (const line of [wrong.stderr, noCredentials.stderr]) expect(line).not.toMatch(/\n\s+at /);
  await cli([stack.urls.mcp, 'logout']);
});

test('an expired or rejected access token is refreshed without a new login', async () => {
  const credentials = ['--headless', '--username', stack.username, '--password', stack.password];
  expect((await cli([stack.urls.mcp, 'login', ...credentials])).code).toBe(0);
  const [file] = stateFiles();
  const path = join(configHome, 'mcp-auth-client', file);
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { tokens: { access_token: string; refresh_token: string } };
  writeFileSync(path, JSON.stringify({ ...saved, tokens: { ...saved.tokens, access_token: 'expired' } }), { mode: 0o600 });
  const res = await cli([stack.urls.mcp, 'whoami']);
  expect(res.code).toBe(0);
  expect(res.stderr).not.toContain('Logging in');
  const after = JSON.parse(readFileSync(path, 'utf8')) as { tokens: { access_token: string; refresh_token: string } };
  expect(after.tokens.access_token).not.toBe('expired');
  expect(after.tokens.refresh_token).not.toBe(saved.tokens.refresh_token); // rotated
  expect((await cli([stack.urls.mcp, 'logout'])).code).toBe(0);
});

test('with a browser flow: prints the URL when it cannot open one, and takes the code on its loopback callback', async () => {
  let browser: Promise<void> | undefined;
  // No xdg-open/open on this PATH: the CLI must print the URL; the test plays the browser.
  const res = await cli([stack.urls.mcp, 'whoami'], { PATH: join(ROOT, 'node_modules/.bin') }, (stderr) => {
    const url = /^(http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+)$/m.exec(stderr)?.[1];
    if (!url || browser) return;
    browser = (async () => {
      const login = await logIn(url, stack.username, stack.password);
      expect(login.callbackUrl?.hostname).toBe('127.0.0.1');
      const page = await fetch(login.callbackUrl!); // the loopback callback server of the CLI
      expect(await page.text()).toContain('Logged in');
    })();
  });
  await browser;
  expect(res.stderr).toContain('Open this URL in a browser to log in');
  expect(res.code).toBe(0);
  expect(JSON.parse(res.stdout)).toMatchObject({ username: stack.username });
  expect((await cli([stack.urls.mcp, 'logout'])).code).toBe(0);
});
