/**
 * Test harness for the facade: dynalite and cognito-local started once per suite, a fresh pool
 * and table per call to `newEnvironment`, dependencies built explicitly (no process.env), and
 * API Gateway v2 events built the way API Gateway would.
 */
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type OAuthConfig } from '../../../lambda/oauth/config';
import { createDeps, destroyDeps, type OAuthDeps } from '../../../lambda/oauth/deps';
import { createHandler } from '../../../lambda/oauth/router';
import { httpEvent } from '../../support/http-event';
import type { HttpEvent, HttpResult } from '../../../lambda/shared/http';
import { LOCAL_AWS, startCognitoLocal, startDynalite, type RunningService } from '../../../scripts/local/services';
import { createRegistrationsTable } from '../../../scripts/local/tables';

export const RESOURCE_URL = 'https://mcp.example.test/mcp';
export const READ = `${RESOURCE_URL}/read`;
export const WRITE = `${RESOURCE_URL}/write`;
/** The static client the broker knows from config (no Cognito app client behind it in these tests). */
export const STATIC_CLIENT_ID = 'staticclient';
export const STATIC_REDIRECT_URI = 'http://127.0.0.1:8765/callback';
/** The broker's HMAC key in tests (hex, 32 bytes). */
export const TEST_SIGNING_KEY = '11'.repeat(32);

export interface Services {
  dynamo: RunningService;
  cognito: RunningService;
  dynamoRaw: DynamoDBClient;
  ddb: DynamoDBDocumentClient;
  idp: CognitoIdentityProviderClient;
  dataDir: string;
  created: OAuthDeps[];
}

export async function startServices(): Promise<Services> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oauth-cognito-'));
  const [dynamo, cognito] = await Promise.all([startDynalite(), startCognitoLocal({ dataDir })]);
  const dynamoRaw = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
  const ddb = DynamoDBDocumentClient.from(dynamoRaw);
  const idp = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognito.endpoint });
  return { dynamo, cognito, dynamoRaw, ddb, idp, dataDir, created: [] };
}

export async function stopServices(services: Services | undefined): Promise<void> {
  if (!services) return;
  for (const deps of services.created) destroyDeps(deps);
  services.ddb.destroy();
  services.dynamoRaw.destroy();
  services.idp.destroy();
  await Promise.all([services.cognito.stop(), services.dynamo.stop()]);
  rmSync(services.dataDir, { recursive: true, force: true });
}

export interface Environment {
  poolId: string;
  table: string;
  env: Record<string, string>;
}

/** A fresh user pool and registrations table with random names. */
export async function newEnvironment(services: Services, extraEnv: Record<string, string> = {}): Promise<Environment> {
  const pool = await services.idp.send(new CreateUserPoolCommand({ PoolName: `pool-${randomUUID().slice(0, 8)}` }));
  const poolId = pool.UserPool!.Id!;
  const table = `registrations-${randomUUID().slice(0, 8)}`;
  try {
    await createRegistrationsTable(services.dynamoRaw, table);
  } catch (err) {
    // dynalite 4 has no UpdateTimeToLive: the table exists, only the TTL step failed (reported upstream).
    if ((err as Error).name !== 'UnknownOperationException') throw err;
  }
  const env = {
    AWS_REGION: 'us-east-1',
    USER_POOL_ID: poolId,
    REGISTRATIONS_TABLE: table,
    RESOURCE_URL,
    ISSUER_URL: 'https://as.example.test',
    COGNITO_DOMAIN_URL: 'https://login.example.test',
    JWKS_URI: 'https://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/jwks.json',
    ALLOWED_SCOPES: `${READ} ${WRITE} openid email profile`,
    STATIC_CLIENT_ID: STATIC_CLIENT_ID,
    STATIC_CLIENT_REDIRECT_URIS: STATIC_REDIRECT_URI,
    BROKER_SIGNING_KEY: TEST_SIGNING_KEY,
    DYNAMODB_ENDPOINT: services.dynamo.endpoint,
    COGNITO_ENDPOINT: services.cognito.endpoint,
    ...extraEnv,
  };
  return { poolId, table, env };
}

export type Handler = (event: HttpEvent) => Promise<HttpResult>;

/** Deps from the environment through the real config loader; `patch` may wrap clients for fault injection. */
export function buildHandler(
  services: Services,
  environment: Environment,
  patch: (deps: OAuthDeps) => OAuthDeps = (d) => d,
): { handler: Handler; deps: OAuthDeps; config: Readonly<OAuthConfig> } {
  const config = loadConfig(environment.env);
  const base = createDeps(config);
  services.created.push(base);
  const deps = patch(base);
  return { handler: createHandler(deps), deps, config };
}

export interface EventOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  sourceIp?: string;
  base64?: boolean;
}

/** An API Gateway HTTP API (v2) event. Objects in `body` are sent as JSON with the JSON content type. */
export function event(method: string, path: string, options: EventOptions = {}): HttpEvent {
  const headers: Record<string, string> = { 'user-agent': 'jest-client/1.0', ...(options.headers ?? {}) };
  let body = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return httpEvent(method, path, { headers, body, base64: options.base64, sourceIp: options.sourceIp ?? '203.0.113.7', domainName: 'as.example.test' });
}

export function bodyOf(result: HttpResult): Record<string, unknown> {
  return result.body ? (JSON.parse(result.body) as Record<string, unknown>) : {};
}

export function headerOf(result: HttpResult, name: string): string | undefined {
  return (result.headers as Record<string, string> | undefined)?.[name];
}

export async function listClients(services: Services, poolId: string): Promise<UserPoolClientType[]> {
  const out = await services.idp.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }));
  return out.UserPoolClients ?? [];
}

export async function describeClient(services: Services, poolId: string, clientId: string): Promise<UserPoolClientType | undefined> {
  const out = await services.idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }));
  return out.UserPoolClient;
}

export async function scanTable(services: Services, table: string): Promise<Record<string, unknown>[]> {
  const out = await services.ddb.send(new ScanCommand({ TableName: table }));
  return out.Items ?? [];
}

/** Registration items only (not rate-limit counters). */
export async function registrationItems(services: Services, table: string): Promise<Record<string, unknown>[]> {
  return (await scanTable(services, table)).filter((item) => String(item.pk).startsWith('client#'));
}

/** A typical MCP client's registration (Claude Code-like: public, loopback redirect). */
export function publicClient(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_name: 'Claude Code (test)',
    redirect_uris: ['http://localhost:53682/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: READ,
    ...extra,
  };
}

/**
 * A client whose `send` first awaits `fault(command)`: an Error it returns is thrown instead of
 * sending (fault injection); anything else lets the real call go ahead (and `fault` may act first).
 */
export function faulty<T>(client: T, fault: (command: unknown) => Error | undefined | void | Promise<Error | undefined | void>): T {
  return new Proxy(client as unknown as { send: (command: unknown) => Promise<unknown> }, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: unknown) => {
        const err = await fault(command);
        if (err) throw err;
        return target.send(command);
      };
    },
  }) as unknown as T;
}

/** Silences the handlers' log lines in the tests of the calling file (call at its top level). */
export function quietLogs(): void {
  beforeEach(() => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());
}
