/** An RS256 key, its JWKS served on loopback, and Cognito-shaped access tokens for the benchmark. */
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const KID = 'bench-key';

export interface Issuer {
  readonly url: string;
  readonly publicKey: KeyObject;
  sign(claims: Record<string, unknown>): string;
  close(): Promise<void>;
}

export async function startIssuer(): Promise<Issuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid: KID, alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    url,
    publicKey,
    sign(claims) {
      const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: KID })}.${b64({ iss: url, ...claims })}`;
      return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/** Raw RS256 signature verifications per second on this core (node:crypto, the same token). */
export function rs256PerSecond(token: string, publicKey: KeyObject, durationMs = 1500): number {
  const [header, payload, signature] = token.split('.');
  const input = `${header}.${payload}`;
  const sig = Buffer.from(signature, 'base64url');
  let count = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) createVerify('RSA-SHA256').update(input).verify(publicKey, sig);
    count += 100;
  }
  return count / (durationMs / 1000);
}
