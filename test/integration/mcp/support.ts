/**
 * Fixture for the MCP handler tests: dynalite with both tables, RSA keys made with jose and their
 * JWKS served over local http (the issuer is http, as in the local stack), the environment the
 * handler reads, and helpers to mint tokens and build API Gateway events.
 */
import { DynamoDBClient, PutItemCommand, DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpEvent } from '../../support/http-event';
import type { HttpEvent, HttpResult } from '../../../lambda/shared/http';
import { rsaKey, signRs256, type RsaKey } from './jwt';
import { LOCAL_AWS, startDynalite, type RunningService } from '../../../scripts/local/services';
import { createNotesTable, createRegistrationsTable } from '../../../scripts/local/tables';
import { loadBundledHandler } from '../../../scripts/local/handler-bundles';
import { startDynamoDbProxy, type DynamoDbProxy } from '../../support/dynamodb-proxy';

export const RESOURCE_URL = 'http://127.0.0.1:9/mcp';
export const SCOPE_READ = `${RESOURCE_URL}/read`;
export const SCOPE_WRITE = `${RESOURCE_URL}/write`;
export const STATIC_CLIENT_ID = 'static-client';
export const AS_URL = 'http://127.0.0.1:9/as';
export const PRM_URL = 'http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp';
export const KID = 'test-key-1';
export const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

export interface Fixture {
  readonly issuer: string;
  readonly ddb: DynamoDBClient;
  readonly key: RsaKey;
  /** The claims `token()` signs unless overridden. */
  claims(overrides?: Record<string, unknown>): Record<string, unknown>;
  handler(event: HttpEvent): Promise<HttpResult>;
  /** A signed access token; `claims` override the defaults, `header` the protected header. */
  token(claims?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  register(clientId: string): Promise<void>;
  unregister(clientId: string): Promise<void>;
  /** Between the handler and dynalite: records the handler's DynamoDB calls, injects faults. */
  readonly dynamodb: DynamoDbProxy;
  stop(): Promise<void>;
}

export async function startFixture(env: Record<string, string> = {}): Promise<Fixture> {
  const dynamo: RunningService = await startDynalite();
  const ddb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  await createRegistrationsTable(ddb, 'registrations');
  await createNotesTable(ddb, 'notes');
  const proxy = await startDynamoDbProxy(dynamo.endpoint);

  const key = rsaKey(KID);
  const jwks = createServer((req, res) => {
    res.writeHead(req.url === '/.well-known/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [key.jwk] }));
  });
  await new Promise<void>((ok) => jwks.listen(0, '127.0.0.1', ok));
  const issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;

  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    RESOURCE_URL,
    AUTHORIZATION_SERVER_URL: AS_URL,
    STATIC_CLIENT_ID,
    REGISTRATIONS_TABLE: 'registrations',
    NOTES_TABLE: 'notes',
    SCOPE_READ,
    SCOPE_WRITE,
    TOKEN_ISSUER: issuer,
    DYNAMODB_ENDPOINT: proxy.endpoint,
    CLIENT_CHECK_TTL_SECONDS: '0',
    LOG_LEVEL: 'error',
    ...env,
  });
  // The handler as deployed (its ESM bundle), reading its configuration at import, as on Lambda.
  const handler = await loadBundledHandler('mcp');

  const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
    const now = Math.floor(Date.now() / 1000);
    const body = {
      iss: issuer,
      sub: 'user-1',
      username: 'alice',
      client_id: STATIC_CLIENT_ID,
      token_use: 'access',
      scope: `${SCOPE_READ} ${SCOPE_WRITE}`,
      iat: now,
      exp: now + 600,
      jti: randomUUID(),
      ...overrides,
    };
    for (const [name, value] of Object.entries(body)) if (value === undefined) delete (body as Record<string, unknown>)[name];
    return body;
  };
  const token = async (overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> =>
    signRs256(claims(overrides), { kid: KID, ...header }, key.privateKey);

  return {
    issuer,
    ddb,
    key,
    claims,
    handler,
    token,
    async register(clientId) {
      await ddb.send(new PutItemCommand({ TableName: 'registrations', Item: { pk: { S: `client#${clientId}` }, clientId: { S: clientId } } }));
    },
    async unregister(clientId) {
      await ddb.send(new DeleteItemCommand({ TableName: 'registrations', Key: { pk: { S: `client#${clientId}` } } }));
    },
    dynamodb: proxy,
    async stop() {
      ddb.destroy();
      await proxy.stop();
      const closed = new Promise<void>((ok) => jwks.close(() => ok()));
      jwks.closeAllConnections();
      await closed;
      await dynamo.stop();
    },
  };
}

/** An API Gateway v2 event as the HTTP API would build it. */
export function event(method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}): HttpEvent {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers = { host: '127.0.0.1:9', 'user-agent': 'jest', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers };
  return httpEvent(method, path, { headers, body, domainName: '127.0.0.1:9' });
}

/** Headers of a 2026-07-28 request for `method` (and `name` for tools/call). */
export function modernHeaders(token: string, method: string, name?: string): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': method,
    ...(name ? { 'mcp-name': name } : {}),
  };
}

/** A 2026-07-28 POST /mcp event. */
export function modernCall(token: string, method: string, params: Record<string, unknown> = {}, id: number | string = 1): HttpEvent {
  const name = method === 'tools/call' ? (params.name as string) : undefined;
  return event('POST', '/mcp', { headers: modernHeaders(token, method, name), body: { jsonrpc: '2.0', id, method, params: { ...params, _meta: META } } });
}

export function parse(result: HttpResult): any {
  return result.body ? JSON.parse(result.body) : undefined;
}

export function headerOf(result: HttpResult, name: string): string | undefined {
  return (result.headers as Record<string, string> | undefined)?.[name];
}
