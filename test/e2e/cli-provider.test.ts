/**
 * SEP-2352 in the CLI's OAuth provider (no stack needed): a client is bound to the authorization
 * server that issued it. The DCR case (register again at the new server) runs end to end in the
 * conformance suite's auth/authorization-server-migration scenario (conformance-client.test.ts).
 *
 * | test                                                         | rule                                   |
 * |--------------------------------------------------------------|----------------------------------------|
 * | same issuer (or one trailing slash apart): client kept       | SEP-2352; SDK issuer comparison         |
 * | pre-registered client, another issuer: stops with a sentence | SEP-2352 (credentials are per server)  |
 * | CIMD client, another issuer: same URL, tokens dropped        | SEP-2352; CIMD (the URL is portable)    |
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliOAuthProvider } from '../../scripts/client/provider';
import { StateStore } from '../../scripts/client/store';

const A = 'https://as-a.example.com';
const B = 'https://as-b.example.com';
let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mcp-provider-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function boundStore(client: Record<string, unknown>): StateStore {
  const store = new StateStore('https://mcp.example.com/mcp', { XDG_CONFIG_HOME: home });
  store.state.client = { ...client, issuer: A } as StateStore['state']['client'];
  store.state.tokens = { access_token: 'at', token_type: 'Bearer', refresh_token: 'rt', issuer: A } as StateStore['state']['tokens'];
  store.save();
  return store;
}

const said: string[] = [];
const mode = { headless: true, say: (s: string) => said.push(s) };

test('the same authorization server (or one trailing slash apart) keeps the client and its tokens', async () => {
  const store = boundStore({ client_id: 'c1' });
  const provider = new CliOAuthProvider(store, 1234, mode, { kind: 'pre-registered', clientId: 'c1' });
  await expect(provider.clientInformation({ issuer: A })).resolves.toMatchObject({ client_id: 'c1', issuer: A });
  await expect(provider.clientInformation({ issuer: `${A}/` })).resolves.toMatchObject({ client_id: 'c1' });
  expect(store.state.tokens?.refresh_token).toBe('rt');
});

test('a pre-registered client stops with a sentence when the resource names another authorization server', async () => {
  const store = boundStore({ client_id: 'c1', client_secret: 's1' });
  const provider = new CliOAuthProvider(store, 1234, mode, { kind: 'pre-registered', clientId: 'c1', clientSecret: 's1' });
  await expect(provider.clientInformation({ issuer: B })).rejects.toThrow(
    `The authorization server of https://mcp.example.com/mcp changed from ${A} to ${B}; the pre-registered client c1 belongs to the old one.`,
  );
});

test('a CIMD client keeps its URL at the new authorization server, and drops the old one\'s tokens', async () => {
  const url = 'https://app.example.com/client.json';
  const store = boundStore({ client_id: url, token_endpoint_auth_method: 'none' });
  const provider = new CliOAuthProvider(store, 1234, mode, { kind: 'cimd', url });
  await expect(provider.clientInformation({ issuer: B })).resolves.toEqual({ client_id: url, token_endpoint_auth_method: 'none', issuer: B });
  expect(store.state.tokens).toBeUndefined();
  expect(new StateStore('https://mcp.example.com/mcp', { XDG_CONFIG_HOME: home }).state.client?.issuer).toBe(B);
  expect(said.at(-1)).toContain('logging in there again with the same client metadata document');
});

test('a CIMD client stops when the new authorization server does not accept metadata documents', async () => {
  const url = 'https://app.example.com/client.json';
  const provider = new CliOAuthProvider(boundStore({ client_id: url }), 1234, mode, { kind: 'cimd', url });
  provider.saveDiscoveryState({ authorizationServerUrl: B, authorizationServerMetadata: { issuer: B, authorization_endpoint: `${B}/authorize`, token_endpoint: `${B}/token`, response_types_supported: ['code'] } });
  await expect(provider.clientInformation({ issuer: B })).rejects.toThrow('which does not accept Client ID Metadata Documents');
});

test('a client secret given once is kept; a new --client-id or --client-secret replaces the stored client and its tokens', () => {
  const store = boundStore({ client_id: 'c1', client_secret: 'old' });
  new CliOAuthProvider(store, 1234, mode, { kind: 'pre-registered', clientId: 'c1' });
  expect(store.state.client).toEqual({ client_id: 'c1', client_secret: 'old', issuer: A });
  expect(store.state.tokens?.refresh_token).toBe('rt');
  new CliOAuthProvider(store, 1234, mode, { kind: 'pre-registered', clientId: 'c1', clientSecret: 'new' });
  expect(store.state.client).toEqual({ client_id: 'c1', client_secret: 'new' });
  expect(store.state.tokens).toBeUndefined();
});
