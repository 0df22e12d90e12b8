/** An RS256 key, its JWKS served on loopback, and Cognito-shaped access tokens for the benchmark. */
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { cpuSeconds, mainThreadCpu } from './inprocess';
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

/** One raw RS256 signature verification of `token` per call (node:crypto), the in-process legs' yardstick. */
export function rs256Verifier(token: string, publicKey: KeyObject): () => boolean {
  const [header, payload, signature] = token.split('.');
  const input = `${header}.${payload}`;
  const sig = Buffer.from(signature, 'base64url');
  return () => createVerify('RSA-SHA256').update(input).verify(publicKey, sig);
}

/** Raw RS256 signature verifications per CPU second (node:crypto, the same token; see inprocess.ts). */
export function rs256PerSecond(token: string, publicKey: KeyObject, durationMs = 1500): number {
  const verify = rs256Verifier(token, publicKey);
  let count = 0;
  const cpu = mainThreadCpu();
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) verify();
    count += 100;
  }
  const used = mainThreadCpu(cpu);
  return count / cpuSeconds(used);
}

export const RESOURCE_URL = 'http://127.0.0.1:9/mcp';
export const STATIC_CLIENT = 'bench-static-client';
/** A DCR client id: its liveness is looked up in REGISTRATIONS_TABLE (then served from the cache). */
export const DCR_CLIENT = 'bench-dcr-client';
const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

/**
 * The MCP handler's environment for the benchmark (`dynamodbEndpoint`: where REGISTRATIONS_TABLE
 * lives). `LOG_LEVEL=warn`: each request writes its metrics line only. The stacks default to
 * `info`, where that line is the access line carrying the metrics, about twice the bytes; the
 * in-process leg measures that level too (run.ts).
 */
export function benchEnv(issuer: Pick<Issuer, 'url'>, dynamodbEndpoint?: string): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench',
    RESOURCE_URL, AUTHORIZATION_SERVER_URL: 'http://127.0.0.1:9', STATIC_CLIENT_ID: STATIC_CLIENT,
    REGISTRATIONS_TABLE: 'registrations', NOTES_TABLE: 'notes', SCOPE_READ: `${RESOURCE_URL}/read`, SCOPE_WRITE: `${RESOURCE_URL}/write`,
    TOKEN_ISSUER: issuer.url, LOG_LEVEL: 'warn', NODE_NO_WARNINGS: '1',
    ...(dynamodbEndpoint ? { DYNAMODB_ENDPOINT: dynamodbEndpoint } : {}),
  };
}

export function userToken(issuer: Pick<Issuer, 'sign'>, clientId: string): string {
  const now = Math.floor(Date.now() / 1000);
  return issuer.sign({
    sub: 'bench-user', username: 'bench', client_id: clientId, token_use: 'access',
    scope: `${RESOURCE_URL}/read ${RESOURCE_URL}/write`, iat: now, exp: now + 3600, jti: `bench-${clientId}`,
  });
}

export interface HttpCallSpec {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The requests the benchmark sends: tools/list and tools/call whoami in both eras. */
export function benchCalls(issuer: Pick<Issuer, 'sign'>) {
  const staticToken = userToken(issuer, STATIC_CLIENT);
  const dcrToken = userToken(issuer, DCR_CLIENT);
  const base = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' });
  const modern = (token: string, method: string, params: Record<string, unknown>, name?: string): HttpCallSpec => ({
    headers: { ...base(token), 'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...(name ? { 'mcp-name': name } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: META } }),
  });
  const legacy = (token: string, method: string, params: Record<string, unknown>): HttpCallSpec => ({
    headers: { ...base(token), 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const whoami = { name: 'whoami', arguments: {} };
  return {
    staticToken,
    modernList: modern(staticToken, 'tools/list', {}),
    legacyList: legacy(staticToken, 'tools/list', {}),
    /** whoami through a DCR client: the liveness lookup, served from its cache once warm. */
    modernWhoami: modern(dcrToken, 'tools/call', whoami, 'whoami'),
    legacyWhoami: legacy(dcrToken, 'tools/call', whoami),
    /** whoami through the static client (no lookup), for the HTTP legs without DynamoDB. */
    modernWhoamiStatic: modern(staticToken, 'tools/call', whoami, 'whoami'),
    legacyWhoamiStatic: legacy(staticToken, 'tools/call', whoami),
  };
}
