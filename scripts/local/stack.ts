/**
 * The local stack as a function: the project's own Lambda handlers behind one HTTP server on
 * 127.0.0.1, dynalite and cognito-local as real stand-ins for DynamoDB and Cognito, and a
 * stand-in for Cognito's hosted login. Used by `npm start` (start.ts) and the end-to-end tests.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { bootstrapCognito, ensureUser, STATIC_CLIENT_CALLBACKS } from './bootstrap';
import { loadOrCreateBrokerKey } from './broker-key';
import { brokerRelay } from './broker-relay';
import {
  DEFAULT_ALLOWED_ORIGINS,
  DEFAULT_CLIENT_CHECK_TTL_SECONDS,
  DEFAULT_PASSWORD,
  DEFAULT_PORT,
  DEFAULT_USERNAME,
  TABLES,
  allowedScopes,
  handlerEnv,
  localUrls,
  type LocalUrls,
} from './config';
import { bundleHandler, importHttpHandler } from './handler-bundles';
import type { LambdaHandler } from './lambda-http';
import { createLoginHandler } from './login';
import { createRouter, withCors, type Handlers } from './router';
import { LOCAL_AWS, LOCAL_STATE_DIR, startCognitoLocal, startDynalite, type RunningService } from './services';
import { lockStateDir } from './state-lock';
import { createNotesTable, createRegistrationsTable } from './tables';

export interface LocalStackOptions {
  /** Port of the project's endpoints. @default 3000 */
  readonly port?: number;
  /** Where state lives (dynamodb/, cognito/, signing key, refresh tokens, ids). @default `.local` */
  readonly stateDir?: string;
  /** The demo user. @default demo@example.com / Passw0rd!demo */
  readonly username?: string;
  readonly password?: string;
  /** The MCP server's registration liveness cache. @default 5 */
  readonly clientCheckTtlSeconds?: number;
  /** Handlers' LOG_LEVEL. @default warn (the stack logs one line per request itself) */
  readonly logLevel?: string;
  /** Browser origins allowed on /mcp. @default MCP Inspector's (localhost:6274) */
  readonly allowedOrigins?: string;
  /** Origins the facade may fetch CIMD documents from over http (`MCP_LOCAL_CIMD_TRUSTED_ORIGINS`, parsed). @default none */
  readonly cimdTrustedOrigins?: readonly string[];
  /** Accept Client ID Metadata Documents (`MCP_LOCAL_CIMD=off` turns them off: offline machines, where clients should register instead). @default true */
  readonly cimd?: boolean;
  /** Receives one line per request; `false` for silence. @default stdout */
  readonly log?: ((line: string) => void) | false;
  /** Aborts a start in progress (Ctrl-C while starting): nothing more is started, what was is stopped. */
  readonly signal?: AbortSignal;
}

export interface LocalStack {
  readonly urls: LocalUrls;
  readonly userPoolId: string;
  readonly staticClientId: string;
  readonly staticClientCallbacks: readonly string[];
  readonly username: string;
  readonly password: string;
  readonly stateDir: string;
  readonly endpoints: { readonly dynamodb: string; readonly cognito: string };
  /** Endpoints that answered the readiness probe with a 5xx (e.g. a handler not implemented yet). */
  readonly warnings: readonly string[];
  /** Creates (or resets the password of) a user in the local pool. */
  createUser(username: string, password: string): Promise<void>;
  /** Stops the server and every process the stack started. */
  stop(): Promise<void>;
}

/** A start aborted through `signal`. */
export class StartAbortedError extends Error {
  constructor() {
    super('The start was interrupted.');
  }
}

/** The port is taken: start.ts turns this into a one-sentence message. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`Port ${port} is already in use.`);
  }
}

/** `<stateDir>/endpoints.json`: the running stand-ins' endpoints, written once the stack is up. */
export const ENDPOINTS_FILE = 'endpoints.json';

/** Stop functions of stacks started or starting in this process, for `stopAll` on a crash. */
const running = new Set<() => Promise<void>>();

/** Stops every stack of this process, also one still starting (an uncaught error must not orphan cognito-local). */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...running].map((stop) => stop()));
}

/** Handlers read their config at import; they can be loaded once per process, for one environment. */
let loadedFor: string | undefined;

async function listen(server: Server, port: number): Promise<void> {
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'EADDRINUSE' ? new PortInUseError(port) : err));
    server.listen(port, '127.0.0.1', () => ok());
  });
}

async function loadHandlers(env: Record<string, string>, bundles: Promise<readonly [string, string]>): Promise<{ mcp: LambdaHandler; oauth: LambdaHandler }> {
  const key = JSON.stringify(env);
  if (loadedFor && loadedFor !== key) throw new Error('The handlers were already loaded with another configuration in this process; start one local stack per process.');
  // The bundles read process.env as they load (contracts.md): set it first, then import.
  Object.assign(process.env, env);
  loadedFor = key;
  const [mcp, oauth] = await bundles;
  return { mcp: await importHttpHandler(mcp, 'mcp-auth-local-mcp'), oauth: await importHttpHandler(oauth, 'mcp-auth-local-oauth') };
}

/** GETs/POSTs each endpoint once; returns the ones that answered 5xx. Throws if one does not answer at all. */
async function probe(urls: LocalUrls): Promise<string[]> {
  const checks: Array<[string, string]> = [
    ['GET', urls.protectedResourceMetadata],
    ['GET', urls.authorizationServerMetadata],
    ['GET', urls.jwks],
    ['GET', urls.authorize],
    ['POST', urls.mcp],
  ];
  const statuses = await Promise.all(
    checks.map(
      ([verb, url]) =>
        new Promise<number>((ok, fail) => {
          const req = request(url, { method: verb, agent: false, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } }, (res) => {
            res.resume();
            ok(res.statusCode ?? 0);
          });
          req.on('error', fail);
          req.end(verb === 'POST' ? '{}' : undefined);
        }),
    ),
  );
  return checks.flatMap(([verb, url], i) => (statuses[i] >= 500 ? [`${verb} ${new URL(url).pathname} answered ${statuses[i]}`] : []));
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const port = options.port ?? DEFAULT_PORT;
  const stateDir = resolve(options.stateDir ?? LOCAL_STATE_DIR);
  const username = options.username ?? DEFAULT_USERNAME;
  const password = options.password ?? DEFAULT_PASSWORD;
  const log = options.log === false ? () => {} : (options.log ?? ((line: string) => process.stdout.write(`${line}\n`)));
  const urls = localUrls('127.0.0.1', port);

  // Take the port first: a clash fails fast, before anything else is started.
  let handlers: Handlers | undefined;
  const server = createServer(createRouter(() => handlers, log));
  server.keepAliveTimeout = 5000;
  await listen(server, port);

  const started: RunningService[] = [];
  const clients: Array<{ destroy(): void }> = [];
  let unlock: (() => void) | undefined;
  const stop = async () => {
    await new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    });
    for (const client of clients.splice(0)) client.destroy();
    for (const service of started.splice(0).reverse()) await service.stop();
    if (unlock) rmSync(join(stateDir, ENDPOINTS_FILE), { force: true });
    unlock?.();
    unlock = undefined;
    running.delete(stop);
  };
  running.add(stop);
  const checkAborted = () => {
    if (options.signal?.aborted) throw new StartAbortedError();
  };

  try {
    unlock = lockStateDir(stateDir);
    // esbuild runs while the stand-ins start; the bundles are imported once the environment is known.
    const bundleDir = join(stateDir, 'bundles');
    const bundles = Promise.all([bundleHandler('mcp', bundleDir), bundleHandler('oauth', bundleDir)] as const);
    bundles.catch(() => undefined); // awaited below; a start aborted before then must not leave it unhandled
    checkAborted();
    const dynamo = await startDynalite({ path: join(stateDir, 'dynamodb') });
    started.push(dynamo);
    checkAborted();
    const cognitoLocal = await startCognitoLocal({ dataDir: join(stateDir, 'cognito') });
    started.push(cognitoLocal);
    checkAborted();

    const ddb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
    const cognito = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognitoLocal.endpoint });
    clients.push(ddb, cognito);
    await createRegistrationsTable(ddb, TABLES.registrations);
    await createNotesTable(ddb, TABLES.notes);
    const ids = await bootstrapCognito(cognito, { stateDir, scopes: allowedScopes(urls), username, password, brokerCallbackUrl: `${urls.base}/callback` });
    checkAborted();

    const env = handlerEnv(urls, ids, { dynamodb: dynamo.endpoint, cognito: cognitoLocal.endpoint }, {
      clientCheckTtlSeconds: options.clientCheckTtlSeconds ?? DEFAULT_CLIENT_CHECK_TTL_SECONDS,
      logLevel: options.logLevel ?? 'warn',
      allowedOrigins: options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS,
      brokerSigningKey: loadOrCreateBrokerKey(stateDir),
      staticClientRedirectUris: STATIC_CLIENT_CALLBACKS,
      cimdTrustedOrigins: options.cimdTrustedOrigins,
      cimd: options.cimd,
    });
    const { mcp, oauth } = await loadHandlers(env, bundles);
    // The login page's CSP must also name where the broker's /callback sends the browser (broker-relay.ts).
    const onwardRedirect = brokerRelay(ddb, TABLES.registrations, `${urls.base}/callback`);
    const login = createLoginHandler({ cognito, userPoolId: ids.userPoolId, loginClientId: ids.loginClientId, issuer: urls.base, resourceUrl: urls.mcp, stateDir, onwardRedirect });
    handlers = { mcp, oauth, login: withCors(login) };
    const warnings = await probe(urls);
    // For tools run beside the stack (npm run smoke -- --local): where cognito-local listens. Loopback only; removed at stop.
    writeFileSync(join(stateDir, ENDPOINTS_FILE), `${JSON.stringify({ cognito: cognitoLocal.endpoint, dynamodb: dynamo.endpoint }, null, 2)}\n`, { mode: 0o600 });

    return {
      urls,
      userPoolId: ids.userPoolId,
      staticClientId: ids.staticClientId,
      staticClientCallbacks: STATIC_CLIENT_CALLBACKS,
      username,
      password,
      stateDir,
      endpoints: { dynamodb: dynamo.endpoint, cognito: cognitoLocal.endpoint },
      warnings,
      createUser: (name, secret) => ensureUser(cognito, ids.userPoolId, name, secret),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
