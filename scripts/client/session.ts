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
  registerClient,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { CliOAuthProvider, type LoginMode } from './provider';
import type { StateStore } from './store';

export interface SessionOptions extends LoginMode {
  readonly serverUrl: string;
  readonly clientId?: string;
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
 * RFC 7591 registration asking for every scope the PRM lists. Left to itself the SDK registers
 * only the first challenge's scope, and an authorization server that caps a client at its
 * registered scope (Cognito does) could then never grant a step-up.
 */
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

async function registerOnce(store: StateStore, provider: CliOAuthProvider, options: SessionOptions): Promise<void> {
  if (store.state.client?.issuer) return;
  options.say(`Discovering the authorization server of ${options.serverUrl}...`);
  const info = await discoverOAuthServerInfo(options.serverUrl, { resourceMetadataUrl: await challengedMetadataUrl(options.serverUrl) });
  if (store.state.client) {
    // A pre-registered client (--client-id): record which authorization server it belongs to.
    store.state.client = { ...store.state.client, issuer: info.authorizationServerMetadata?.issuer ?? info.authorizationServerUrl };
    store.save();
    return;
  }
  const scope = info.resourceMetadata?.scopes_supported?.join(' ');
  options.say(`Registering this client with ${info.authorizationServerUrl}...`);
  // The SDK's parsed result drops registration_access_token and registration_client_uri (RFC 7592 §3); keep the raw answer for logout.
  let raw: Record<string, unknown> = {};
  const keepBody = async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    raw = ((await res.clone().json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
    return res;
  };
  const registered = await registerClient(info.authorizationServerUrl, { metadata: info.authorizationServerMetadata, clientMetadata: provider.clientMetadata, scope, fetchFn: keepBody });
  const management = typeof raw.registration_access_token === 'string' && typeof raw.registration_client_uri === 'string'
    ? { registration_access_token: raw.registration_access_token, registration_client_uri: raw.registration_client_uri }
    : {};
  store.state.client = { ...registered, ...management, issuer: info.authorizationServerMetadata?.issuer ?? info.authorizationServerUrl };
  store.save();
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
  const provider = new CliOAuthProvider(store, port, options, options.clientId);
  await registerOnce(store, provider, options);

  const newTransport = () => new StreamableHTTPClientTransport(new URL(options.serverUrl), { authProvider: provider });
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
