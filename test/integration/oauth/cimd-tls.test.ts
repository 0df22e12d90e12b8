/**
 * The CIMD fetch over real TLS: the connection goes to the checked (pinned) address while the
 * certificate is still verified against the URL's hostname (SNI and Host too), so pinning the
 * address never weakens TLS. A throwaway CA and server certificate are made with openssl.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CimdFetchError, fetchCimdDocument } from '../../../lambda/oauth/cimd/fetch';

let dir: string;
let server: Server;
let port: number;
let ca: string;
const seen: { servername?: string; host?: string }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cimd-tls-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=cimd test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=cimd.test');
  execFileSync('sh', ['-c', 'printf "subjectAltName=DNS:cimd.test\\n" > san.ext'], { cwd: dir });
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext');
  ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (req, res) => {
    seen.push({ servername: (req.socket as unknown as { servername?: string }).servername, host: req.headers.host });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=120' });
    res.end(JSON.stringify({ client_id: `https://${req.headers.host}${req.url}`, client_name: 'TLS client', redirect_uris: ['http://127.0.0.1:1/cb'] }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

/** `hostname` resolves (only through this resolver) to the local server; its origin is trusted so that loopback is allowed. */
const policyFor = (hostname: string) => ({
  trustedOrigins: [`https://${hostname}:${port}`],
  resolve: async () => [{ address: '127.0.0.1', family: 4 }],
  ca,
});

test('https to the pinned address with the certificate checked for the hostname; SNI and Host are the hostname', async () => {
  const fetched = await fetchCimdDocument(new URL(`https://cimd.test:${port}/client.json`), policyFor('cimd.test'));
  expect(fetched.body).toMatchObject({ client_id: `https://cimd.test:${port}/client.json`, client_name: 'TLS client' });
  expect(fetched.cache.cacheControl).toBe('max-age=120');
  expect(seen.at(-1)).toEqual({ servername: 'cimd.test', host: `cimd.test:${port}` });
});

test('a hostname the certificate does not name is refused, although it resolves to the same address', async () => {
  const attempt = fetchCimdDocument(new URL(`https://other.test:${port}/client.json`), policyFor('other.test'));
  await expect(attempt).rejects.toBeInstanceOf(CimdFetchError);
  await expect(attempt).rejects.toThrow(/could not be fetched \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
});

test('a certificate from a CA that is not trusted is refused', async () => {
  const { ca: _ca, ...untrusted } = policyFor('cimd.test');
  await expect(fetchCimdDocument(new URL(`https://cimd.test:${port}/client.json`), untrusted)).rejects.toThrow(/could not be fetched/);
});
