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
 * | logout sends the registration token only to the registration endpoint's origin | issue 12.4; RFC 7592 §3 |
 * | a confidential pre-registered client (--client-secret) | RFC 6749 §2.3.1 (client_secret_basic)            |
 * | $BROWSER gets the authorization URL                   | issue 12.2                                         |
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { logIn } from './support/login-form';
import { publicClient, register, tokenRequest } from './support/oauth';
import { recordingBrowser, runCli } from './support/cli-process';
import { sleep, startTestStack } from './support/stack';

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

const cli = (args: string[], env: Record<string, string> = {}, onStderr?: (text: string) => void) => runCli(configHome, args, env, onStderr);

const stateFiles = () => readdirSync(join(configHome, 'mcp-auth-client')).filter((f) => f.endsWith('.json'));

test('headless login, tools, a write call with step-up, whoami, file permissions, logout', async () => {
  const credentials = ['--headless', '--username', stack.username, '--password', stack.password];
  const tools = await cli([stack.urls.mcp, 'tools', ...credentials]);
  expect(tools.stderr).toContain('Registering this client');
  expect(tools.stderr).toContain('Logged in.');
  // Locally the login form is on the authorization endpoint's origin, so no --login-origin is needed.
  expect(tools.stderr).toContain(`Sending your username and password to ${stack.urls.base}.`);
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
  const res = await cli([stack.urls.mcp, 'whoami'], { PATH: join(ROOT, 'node_modules/.bin'), BROWSER: '' }, (stderr) => {
    const url = /^(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)$/m.exec(stderr)?.[1];
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

test('logout sends the registration access token only to a management URI on the registration endpoint\'s origin', async () => {
  const credentials = ['--headless', '--username', stack.username, '--password', stack.password];
  expect((await cli([stack.urls.mcp, 'login', ...credentials])).code).toBe(0);
  const [file] = stateFiles();
  const path = join(configHome, 'mcp-auth-client', file);
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { client: { registration_client_uri: string; registration_access_token: string; registration_endpoint: string } };
  expect(saved.client.registration_endpoint).toBe(stack.urls.register);
  const genuine = saved.client.registration_client_uri;
  expect(new URL(genuine).origin).toBe(stack.urls.base);
  // The same server under another origin (localhost, not 127.0.0.1): a DELETE there would succeed, so it must not be sent.
  const elsewhere = genuine.replace('127.0.0.1', 'localhost');
  writeFileSync(path, JSON.stringify({ ...saved, client: { ...saved.client, registration_client_uri: elsewhere } }), { mode: 0o600 });
  const out = await cli([stack.urls.mcp, 'logout']);
  expect(out.code).toBe(0);
  expect(out.stderr).toContain(`The registration management URI is on ${new URL(elsewhere).origin}, not on the registration endpoint's origin ${stack.urls.base}.`);
  expect(out.stderr).not.toContain('Deleted this client');
  const read = await fetch(genuine, { headers: { authorization: `Bearer ${saved.client.registration_access_token}` } });
  expect(read.status).toBe(200);
  // The read may rotate the registration access token (RFC 7592 §3): delete with the one it returned.
  const { registration_access_token: token } = (await read.json()) as { registration_access_token: string };
  expect((await fetch(genuine, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBe(204);
});

test('a pre-registered confidential client: --client-id with MCP_CLIENT_SECRET (client_secret_basic)', async () => {
  const port = 43000 + Math.floor(Math.random() * 1000);
  const registered = await register(stack.urls, { ...publicClient(stack.urls, `http://127.0.0.1:${port}/callback`), token_endpoint_auth_method: 'client_secret_basic' });
  expect(registered.client_secret).toBeTruthy();
  const args = [stack.urls.mcp, 'whoami', '--client-id', registered.client_id, '--callback-port', String(port), '--headless'];
  const env = { MCP_USERNAME: stack.username, MCP_PASSWORD: stack.password };
  const wrong = await cli(args, { ...env, MCP_CLIENT_SECRET: 'not-the-secret' });
  expect(wrong.code).toBe(1);
  const res = await cli(args, { ...env, MCP_CLIENT_SECRET: registered.client_secret! });
  expect(res.stderr).not.toContain('Registering');
  expect(res.code).toBe(0);
  expect(JSON.parse(res.stdout)).toMatchObject({ clientId: registered.client_id, username: stack.username });
  expect((await cli([stack.urls.mcp, 'logout'])).stderr).toContain('Revoked the refresh token.');
  const cleanup = { authorization: `Bearer ${registered.registration_access_token}` };
  expect((await fetch(registered.registration_client_uri!, { method: 'DELETE', headers: cleanup })).status).toBe(204);
});

test('browser mode opens the authorization URL with $BROWSER, as one argument', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-browser-'));
  const recorder = recordingBrowser(dir);
  let browser: Promise<void> | undefined;
  const res = await cli([stack.urls.mcp, 'whoami'], { BROWSER: recorder }, (stderr) => {
    if (browser || !stderr.includes('Opened your browser')) return;
    browser = (async () => {
      while (!existsSync(join(dir, 'argv'))) await sleep(50);
      const argv = readFileSync(join(dir, 'argv'), 'utf8').split('\0').slice(0, -1);
      expect(argv).toHaveLength(1);
      expect(argv[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/authorize\?/);
      const login = await logIn(argv[0]!, stack.username, stack.password);
      await fetch(login.callbackUrl!);
    })();
  });
  await browser;
  expect(res.code).toBe(0);
  expect(JSON.parse(res.stdout)).toMatchObject({ username: stack.username });
  expect((await cli([stack.urls.mcp, 'logout'])).code).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});
