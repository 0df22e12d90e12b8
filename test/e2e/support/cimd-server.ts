/**
 * A Client ID Metadata Document host on 127.0.0.1 for end-to-end tests: https, because the MCP
 * SDK takes only an https `clientMetadataUrl` (SEP-991), with a throwaway self-signed certificate
 * for the IP address (openssl). While it runs, this process trusts that certificate
 * (`tls.setDefaultCACertificates`, Node ≥ 22.19), so the facade's CIMD fetch, which runs in the
 * test process with the local stack, verifies it as it would a public one; `close` restores the
 * default trust store. The stack must list `origin` in `cimdTrustedOrigins` (loopback is refused
 * otherwise).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';

export interface CimdServer {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  /** `path → document`; the function gets the document's own URL. Unknown paths answer 404. */
  readonly documents: Map<string, (url: string) => unknown>;
  /** The paths fetched, in order. */
  readonly fetched: string[];
  url(path: string): string;
  close(): Promise<void>;
}

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cimd-e2e-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'pipe' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startCimdServer(): Promise<CimdServer> {
  const { key, cert } = selfSignedCertificate();
  const documents = new Map<string, (url: string) => unknown>();
  const fetched: string[] = [];
  let origin = '';
  const server = createServer({ key, cert }, (req, res) => {
    const path = req.url ?? '/';
    fetched.push(path);
    const document = documents.get(path);
    if (!document) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(JSON.stringify(document(`${origin}${path}`)));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const trusted = getCACertificates('default');
  setDefaultCACertificates([...trusted, cert]);
  return {
    origin,
    documents,
    fetched,
    url: (path) => `${origin}${path}`,
    async close() {
      setDefaultCACertificates(trusted);
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}
