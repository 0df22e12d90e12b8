/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance) against the local stack's
 * /mcp, for the scenarios that apply to a real, authenticated, tools-only server, in both eras
 * (2026-07-28 and 2025-11-25). The suite sends no credentials, so a small proxy in front of /mcp
 * adds a bearer token obtained through the real flow (DCR, PKCE login, token). Known
 * not-applicable checks are listed, each with its reason, in conformance-baseline.yml; any other
 * failure fails the test.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/local/services';
import { logIn } from './support/login-form';
import { loginForCode, publicClient, register, tokenRequest } from './support/oauth';
import { startTestStack } from './support/stack';

jest.setTimeout(240_000);

const SCENARIOS: Record<string, string[]> = {
  '2026-07-28': [
    'server-stateless',
    'tools-list',
    'http-header-validation',
    'http-custom-header-server-validation',
    'caching',
    'dns-rebinding-protection',
    'json-schema-2020-12',
  ],
  '2025-11-25': ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection'],
};

const CONFORMANCE_BIN = require.resolve('@modelcontextprotocol/conformance/dist/index.js');
const BASELINE = join(__dirname, 'conformance-baseline.yml');

/** Runs the suite; `onOutput` sees everything it has printed so far, after each chunk. */
function runConformance(args: string[], onOutput?: (output: string) => void): Promise<{ code: number | null; output: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [CONFORMANCE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onOutput?.(output);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => ok({ code, output }));
  });
}

/** Forwards every request to `target`, adding `Authorization: Bearer <token>`. */
function bearerProxy(target: URL, token: string): Server {
  return createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, authorization: `Bearer ${token}` } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
}

describe('MCP conformance suite against the local stack', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let proxy: Server;
  let proxyUrl: string;

  beforeAll(async () => {
    const proxyPort = await freePort();
    // The suite's valid-origin check sends the proxy's own localhost origin: configure it, as a user would.
    stack = await startTestStack({ allowedOrigins: `http://localhost:${proxyPort},http://127.0.0.1:${proxyPort}` });
    const { urls } = stack;
    const redirectUri = 'http://127.0.0.1:43219/callback';
    const client = await register(urls, publicClient(urls, redirectUri));
    const { code, verifier } = await loginForCode(urls, {
      clientId: client.client_id,
      redirectUri,
      username: stack.username,
      password: stack.password,
      scope: `${urls.mcp}/read ${urls.mcp}/write`,
      resource: urls.mcp,
    });
    const tokens = await tokenRequest(urls, { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: client.client_id, redirect_uri: redirectUri });
    expect(tokens.status).toBe(200);
    proxy = bearerProxy(new URL(urls.mcp), tokens.body.access_token as string);
    await new Promise<void>((ok) => proxy.listen(proxyPort, '127.0.0.1', ok));
    proxyUrl = `http://localhost:${(proxy.address() as AddressInfo).port}/mcp`;
  });

  afterAll(async () => {
    proxy?.closeAllConnections();
    await new Promise((ok) => proxy?.close(ok));
    await stack?.cleanup();
  });

  const cases = Object.entries(SCENARIOS).flatMap(([version, scenarios]) => scenarios.map((scenario) => [version, scenario] as const));

  test.each(cases)('%s %s passes (apart from baselined, not-applicable checks)', async (version, scenario) => {
    const outputDir = mkdtempSync(join(tmpdir(), 'conformance-'));
    const result = await runConformance([
      'server',
      '--url',
      proxyUrl,
      '--spec-version',
      version,
      '--scenario',
      scenario,
      '--expected-failures',
      BASELINE,
      '-o',
      outputDir,
    ]);
    if (result.code !== 0) throw new Error(`conformance ${scenario} (${version}) exited ${result.code}:\n${result.output.slice(-3000)}`);
  });

  // The suite's authorization-server scenarios: RFC 8414 metadata, then a full authorization code
  // grant with PKCE and RFC 8707 resource for a client registered through the bridge. The suite
  // prints the authorization URL for a person to open; the test logs in there as the demo user.
  test('authorization server scenarios (metadata, authorization code grant) pass', async () => {
    const { urls } = stack;
    const callbackPort = await freePort();
    const client = await register(urls, publicClient(urls, `http://127.0.0.1:${callbackPort}/callback`));
    let loggedIn: Promise<void> | undefined;
    const result = await runConformance(
      ['authorization', '--url', urls.base, '--client-id', client.client_id, '--resource', urls.mcp, '-p', String(callbackPort), '-o', mkdtempSync(join(tmpdir(), 'conformance-'))],
      (output) => {
        const authorizationUrl = /(http:\/\/\S+\/authorize\?\S+)/.exec(output)?.[1];
        if (!authorizationUrl || loggedIn || !output.includes('Callback server started')) return;
        loggedIn = (async () => {
          const login = await logIn(authorizationUrl, stack.username, stack.password);
          if (!login.callbackUrl) throw new Error(`login failed: ${login.status}`);
          await fetch(login.callbackUrl);
        })();
      },
    );
    await loggedIn;
    expect(result.output).toMatch(/authorization-code-grant: 1 passed, 0 failed/);
    if (result.code !== 0) throw new Error(`conformance authorization exited ${result.code}:\n${result.output.slice(-3000)}`);
  });
});
