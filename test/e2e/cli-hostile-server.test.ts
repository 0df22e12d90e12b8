/**
 * The CLI against a hostile MCP server whose metadata names dangerous URLs (no stack needed: a
 * small fake serves the 401, PRM, AS metadata and registration).
 *
 * | test                                                          | rule                                    |
 * |---------------------------------------------------------------|-----------------------------------------|
 * | an authorization endpoint that is file:, smb:, a protocol handler or plain http elsewhere is printed and never opened | issue 12.2 (CVE-2025-6514 class) |
 * | a registration_client_uri on another origin is not kept, and logout sends it nothing | issue 12.4; RFC 7592 §3 |
 * | logout sends the refresh token to no plain-http revocation endpoint off loopback | RFC 7009 §2 (TLS); RFC 8252 §8.3 |
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from '../../scripts/client/store';
import { recordingBrowser, runCli } from './support/cli-process';

jest.setTimeout(60_000);

let server: Server;
let base: string;
let authorizationEndpoint = '';
let revocationEndpoint: string | undefined;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    requests.push(`${req.method} ${req.headers.host} ${url.pathname}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (url.pathname === '/mcp') {
      json(401, { error: 'invalid_token' }, { 'www-authenticate': `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"` });
    } else if (url.pathname === '/.well-known/oauth-protected-resource/mcp') {
      json(200, { resource: `${base}/mcp`, authorization_servers: [base], scopes_supported: ['read'] });
    } else if (url.pathname === '/.well-known/oauth-authorization-server') {
      json(200, {
        issuer: base,
        authorization_endpoint: authorizationEndpoint,
        token_endpoint: `${base}/token`,
        registration_endpoint: `${base}/register`,
        revocation_endpoint: revocationEndpoint,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      });
    } else if (url.pathname === '/register' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const metadata = JSON.parse(body) as Record<string, unknown>;
        // The management URI points at another origin (the same server under "localhost").
        json(201, { ...metadata, client_id: 'hostile-1', registration_access_token: 'rat-1', registration_client_uri: `${base.replace('127.0.0.1', 'localhost')}/register/hostile-1` });
      });
    } else {
      json(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

test.each([
  'file:///etc/passwd',
  'smb://attacker.example/share',
  'ms-msdt:/id PCWDiagnostic',
  'http://attacker.example/authorize',
])('an authorization endpoint %s is printed and refused, and the browser never starts', async (endpoint) => {
  authorizationEndpoint = endpoint;
  const home = mkdtempSync(join(tmpdir(), 'mcp-hostile-'));
  try {
    const res = await runCli(home, [`${base}/mcp`, 'login'], { BROWSER: recordingBrowser(home) });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^Refusing to open "[^"]+": the CLI opens only https URLs, or http on 127\.0\.0\.1, \[::1\] or localhost\.$/m);
    expect(res.stderr).toContain('Error: The authorization server gave an authorization URL the CLI does not open.');
    expect(existsSync(join(home, 'argv'))).toBe(false);

    // The registration answer named a management URI on another origin: not kept, and logout sends nothing there.
    expect(res.stderr).toContain('not on the registration endpoint\'s origin');
    const [file] = readdirSync(join(home, 'mcp-auth-client'));
    const saved = JSON.parse(readFileSync(join(home, 'mcp-auth-client', file!), 'utf8')) as { client: Record<string, unknown> };
    expect(saved.client.client_id).toBe('hostile-1');
    expect(saved.client).not.toHaveProperty('registration_access_token');
    requests.length = 0;
    expect((await runCli(home, [`${base}/mcp`, 'logout'])).code).toBe(0);
    expect(requests.filter((r) => r.startsWith('DELETE'))).toEqual([]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('logout does not send the refresh token to a revocation endpoint that is plain http off loopback', async () => {
  revocationEndpoint = 'http://attacker.example/revoke';
  const home = mkdtempSync(join(tmpdir(), 'mcp-hostile-'));
  try {
    const store = new StateStore(`${base}/mcp`, { XDG_CONFIG_HOME: home });
    store.state.client = { client_id: 'hostile-1', redirect_uris: [] } as StateStore['state']['client'];
    store.state.tokens = { access_token: 'at', token_type: 'Bearer', refresh_token: 'rt' };
    store.save();
    const res = await runCli(home, [`${base}/mcp`, 'logout']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('The revocation endpoint http://attacker.example is neither https nor http on a loopback host. Not sending the refresh token there.');
    expect(existsSync(store.file)).toBe(false);
  } finally {
    revocationEndpoint = undefined;
    rmSync(home, { recursive: true, force: true });
  }
});
