/**
 * Connecting the official MCP clients through the whole OAuth flow: the first connect hits 401,
 * the SDK discovers, registers and sends the user to log in (FormLoginProvider fills the form),
 * then the test hands the callback to `transport.finishAuth` and connects again, as an app would
 * (v2: the whole callback, so the SDK checks RFC 9207 `iss`; v1 1.32 takes the code only).
 */
import { auth as v2Auth, Client, StreamableHTTPClientTransport, UnauthorizedError, type VersionNegotiationMode } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { auth as v1Auth, UnauthorizedError as V1UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FormLoginProvider } from './v2-provider';

/** What the tests need from a connected client, whatever its SDK. */
export interface Connected {
  listTools(): Promise<{ tools: Array<{ name: string }> }>;
  callTool(name: string, args?: Record<string, unknown>): Promise<{ isError?: boolean; structuredContent?: unknown; content?: unknown }>;
  protocolVersion(): string | undefined;
  /** Hands the latest login's code to the transport (after the SDK re-authorized). */
  finishAuth(): Promise<void>;
  /** What an app does when its SDK cannot step up by itself: drop the tokens and authorize again for `scope`. */
  reauthorize(scope: string): Promise<void>;
  close(): Promise<void>;
}

function isUnauthorized(err: unknown): boolean {
  return err instanceof UnauthorizedError || err instanceof V1UnauthorizedError;
}

/**
 * Runs `op`; if the SDK had to send the user to log in again meanwhile (step-up: v2 throws
 * UnauthorizedError, v1 "403 after trying upscoping"), finishes that login and runs `op` once more.
 */
export async function withLogin<T>(connected: Connected, provider: FormLoginProvider, op: () => Promise<T>): Promise<T> {
  const logins = provider.authorizationUrls.length;
  try {
    return await op();
  } catch (err) {
    if (!isUnauthorized(err) && provider.authorizationUrls.length === logins) throw err;
    await connected.finishAuth();
    return op();
  }
}

export type ClientKind = { sdk: 'v2'; mode: VersionNegotiationMode } | { sdk: 'v1'; offer?: string };

/** v1 always offers its latest revision; `offer` rewrites the initialize request to act as an older client. */
function offeringFetch(offer: string | undefined, inner: typeof fetch): typeof fetch {
  if (!offer) return inner;
  return async (input, init) => {
    if (typeof init?.body === 'string' && init.body.includes('"initialize"')) {
      const body = JSON.parse(init.body) as { method?: string; params?: { protocolVersion?: string } };
      if (body.method === 'initialize' && body.params) body.params.protocolVersion = offer;
      init = { ...init, body: JSON.stringify(body) };
    }
    return inner(input, init);
  };
}

/**
 * Connects; when the first attempt ends in 401 (the SDK sent the user to log in), finishes that
 * login with the code and connects again with a fresh transport and client, as an app would.
 */
async function connectLoggingIn<T, C extends { connect(transport: T): Promise<void> }>(
  finish: (t: T) => Promise<void>,
  newTransport: () => T,
  newClient: () => C,
): Promise<{ t: T; c: C }> {
  const t = newTransport();
  const c = newClient();
  try {
    await c.connect(t);
    return { t, c };
  } catch (err) {
    if (!isUnauthorized(err)) throw err;
    await finish(t);
  }
  const again = { t: newTransport(), c: newClient() };
  await again.c.connect(again.t);
  return again;
}

export async function connect(url: string, provider: FormLoginProvider, kind: ClientKind, fetchFn: typeof fetch = fetch): Promise<Connected> {
  if (kind.sdk === 'v2') {
    const finish = (transport: StreamableHTTPClientTransport) => transport.finishAuth(provider.lastCallback!.searchParams);
    const { t, c } = await connectLoggingIn(
      finish,
      () => new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, fetch: fetchFn }),
      () => new Client({ name: 'e2e-v2', version: '1.0.0' }, { versionNegotiation: { mode: kind.mode } }),
    );
    return {
      listTools: () => c.listTools(),
      callTool: (name, args = {}) => c.callTool({ name, arguments: args }) as never,
      protocolVersion: () => c.getNegotiatedProtocolVersion(),
      finishAuth: () => finish(t),
      async reauthorize(scope) {
        provider.invalidateCredentials('tokens');
        expect(await v2Auth(provider, { serverUrl: url, scope, fetchFn })).toBe('REDIRECT');
        await finish(t);
      },
      close: () => c.close(),
    };
  }
  const v1Fetch = offeringFetch(kind.offer, fetchFn);
  const { t, c } = await connectLoggingIn(
    (transport: V1Transport) => transport.finishAuth(provider.lastCode!),
    () => new V1Transport(new URL(url), { authProvider: provider as never, fetch: v1Fetch }),
    () => new V1Client({ name: 'e2e-v1', version: '1.0.0' }),
  );
  return {
    listTools: () => c.listTools(),
    callTool: (name, args = {}) => c.callTool({ name, arguments: args }) as never,
    protocolVersion: () => t.protocolVersion,
    finishAuth: () => t.finishAuth(provider.lastCode!),
    async reauthorize(scope) {
      provider.invalidateCredentials('tokens');
      expect(await v1Auth(provider as never, { serverUrl: url, scope, fetchFn: v1Fetch })).toBe('REDIRECT');
      await t.finishAuth(provider.lastCode!);
    },
    close: () => c.close(),
  };
}
