/**
 * A logged-in MCP session for the CLI: registers if needed (for every scope the resource offers,
 * so a later step-up can succeed), connects with the SDK v2 client (version negotiation `auto`),
 * and finishes any login the SDK starts, including step-up on 403 insufficient_scope.
 */
import { createServer, type AddressInfo } from 'node:net';
import {
  Client,
  discoverOAuthServerInfo,
  extractWWWAuthenticateParams,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { issuerOf, register, type ClientIdentity } from './identity';
import { CliOAuthProvider, type LoginMode } from './provider';
import type { StateStore } from './store';

export interface SessionOptions extends LoginMode {
  readonly serverUrl: string;
  readonly identity: ClientIdentity;
  readonly callbackPort?: number;
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/**
 * The Protected Resource Metadata URL the server names in its 401 challenge (RFC 9728 §5.1), which
 * may be anywhere; without one, discovery falls back to the well-known locations.
 */
async function challengedMetadataUrl(serverUrl: string): Promise<URL | undefined> {
  try {
    const probe = await fetch(serverUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' }),
    });
    await probe.body?.cancel();
    return probe.status === 401 ? extractWWWAuthenticateParams(probe).resourceMetadataUrl : undefined;
  } catch {
    return undefined;
  }
}

/** First contact: bind the client to the resource's authorization server, registering when needed. */
async function bindOnce(store: StateStore, provider: CliOAuthProvider, options: SessionOptions): Promise<void> {
  if (store.state.client?.issuer) return;
  options.say(`Discovering the authorization server of ${options.serverUrl}...`);
  const info = await discoverOAuthServerInfo(options.serverUrl, { resourceMetadataUrl: await challengedMetadataUrl(options.serverUrl) });
  const issuer = issuerOf(info);
  const { identity } = options;
  if (identity.kind === 'cimd' && info.authorizationServerMetadata?.client_id_metadata_document_supported !== true) {
    throw new Error(`The authorization server ${issuer} does not accept Client ID Metadata Documents (no client_id_metadata_document_supported in its metadata); leave out --client-id to register instead.`);
  }
  store.state.client = identity.kind === 'dcr'
    ? await register({ ...info, authorizationServerUrl: String(info.authorizationServerUrl) }, provider.clientMetadata, options.say)
    : { ...store.state.client!, issuer };
  store.save();
}

/** True when `init` carried a bearer token: a 401 then means the resource refused it. */
function sentBearer(input: string | URL | Request, init?: RequestInit): boolean {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  return /^bearer\s/i.test(headers.get('authorization') ?? '');
}

export interface Session {
  /** Runs `op`, finishing a login the SDK started meanwhile and running it once more. */
  run<T>(op: (client: Client) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openSession(store: StateStore, options: SessionOptions): Promise<Session> {
  const port = options.callbackPort ?? store.state.redirectPort ?? (await freeLoopbackPort());
  if (store.state.redirectPort !== port) {
    store.state.redirectPort = port;
    store.save();
  }
  const provider = new CliOAuthProvider(store, port, options, options.identity);
  await bindOnce(store, provider, options);

  // SEP-2352: when the resource refuses a token, its PRM may name another authorization server
  // now; forget the discovery so the SDK reads it again, and the provider rebinds the client.
  const fetchFn: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (res.status === 401 && sentBearer(input, init)) provider.invalidateCredentials('discovery');
    return res;
  };
  const newTransport = () => new StreamableHTTPClientTransport(new URL(options.serverUrl), { authProvider: provider, fetch: fetchFn });
  const newClient = () => new Client({ name: 'mcp-auth-client', version: '0.1.0' }, { versionNegotiation: { mode: 'auto' } });
  let transport = newTransport();
  let client = newClient();
  try {
    await client.connect(transport);
  } catch (err) {
    if (!(err instanceof UnauthorizedError) || !provider.callback) throw err;
    await transport.finishAuth(provider.callback);
    options.say('Logged in.');
    transport = newTransport();
    client = newClient();
    await client.connect(transport);
  }
  return {
    async run(op) {
      provider.callback = undefined;
      try {
        return await op(client);
      } catch (err) {
        if (!(err instanceof UnauthorizedError) || !provider.callback) throw err;
        await transport.finishAuth(provider.callback);
        options.say('Logged in with the additional permissions.');
        return op(client);
      }
    },
    close: () => client.close(),
  };
}
