/**
 * The CLI's OAuthClientProvider for the MCP SDK v2 client: the client and tokens persist in the
 * state file; the login itself (browser + loopback callback, or headless) runs when the SDK asks
 * to send the user to the authorization server, and its callback is kept for `finishAuth`.
 *
 * SEP-2352: a client is bound to the authorization server that issued it. When discovery names
 * another one (the resource's PRM changed), a registered client registers again there, a CIMD
 * client keeps its URL but drops its tokens, and a pre-registered client stops with an error.
 */
import { randomBytes } from 'node:crypto';
import type {
  OAuthClientInformationContext,
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { callbackServer, openBrowser } from './browser';
import type { Credentials } from './forms';
import { followHeadless } from './headless';
import { fixedClient, register, sameIssuer, type ClientIdentity } from './identity';
import type { ClientState, StateStore } from './store';
import { openableUrl } from './url-rules';

export interface LoginMode {
  readonly headless: boolean;
  readonly credentials?: Credentials;
  /** Origins besides the authorization endpoint's that --headless may send the password to. */
  readonly loginOrigins?: readonly string[];
  /** Progress for the user, one sentence per call. */
  readonly say: (sentence: string) => void;
}

export const CLIENT_NAME = 'mcp-auth-client CLI';

export class CliOAuthProvider implements OAuthClientProvider {
  private verifier = '';
  private discovery?: OAuthDiscoveryState;
  private expectedState?: string;
  /**
   * The latest login callback's parameters, for transport.finishAuth: the SDK reads `code` and
   * checks `iss` (RFC 9207) when the authorization server advertises it.
   */
  callback?: URLSearchParams;

  constructor(
    private readonly store: StateStore,
    private readonly port: number,
    private readonly mode: LoginMode,
    readonly identity: ClientIdentity = { kind: 'dcr' },
  ) {
    const stored = store.state.client;
    // A secret given once is kept (state file, 0600) until logout or another --client-secret.
    if (identity.kind === 'pre-registered' && !identity.clientSecret && stored?.client_id === identity.clientId && stored.client_secret) {
      this.identity = { ...identity, clientSecret: stored.client_secret };
    }
    // A fixed client is stored like a registered one, so the SDK's issuer stamp round-trips.
    const fixed = fixedClient(this.identity);
    if (fixed && (stored?.client_id !== fixed.client_id || stored.client_secret !== fixed.client_secret)) {
      store.state.client = fixed;
      store.state.tokens = undefined;
    }
  }

  get redirectUrl(): string {
    return `http://127.0.0.1:${this.port}/callback`;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: CLIENT_NAME,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // A public native client (RFC 8252): PKCE instead of a secret.
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    };
  }

  state(): string {
    this.expectedState = randomBytes(16).toString('base64url');
    return this.expectedState;
  }

  /** The client for the authorization server the SDK just discovered (`ctx.issuer`), rebinding it if that changed. */
  async clientInformation(ctx?: OAuthClientInformationContext): Promise<StoredOAuthClientInformation | undefined> {
    const client = this.store.state.client;
    if (!client?.issuer || !ctx?.issuer || sameIssuer(client.issuer, ctx.issuer)) return client;
    return this.rebind(client, ctx.issuer);
  }

  private async rebind(client: NonNullable<ClientState['client']>, issuer: string): Promise<StoredOAuthClientInformation> {
    const changed = `The authorization server of ${this.store.serverUrl} changed from ${client.issuer} to ${issuer}`;
    if (this.identity.kind === 'pre-registered') {
      throw new Error(`${changed}; the pre-registered client ${this.identity.clientId} belongs to the old one. Register a client with ${issuer} and pass its --client-id, or leave out --client-id to register automatically.`);
    }
    this.store.state.tokens = undefined;
    if (this.identity.kind === 'cimd') {
      if (this.discovery && this.discovery.authorizationServerMetadata?.client_id_metadata_document_supported !== true) {
        throw new Error(`${changed}, which does not accept Client ID Metadata Documents; leave out --client-id to register there instead.`);
      }
      this.mode.say(`${changed}: logging in there again with the same client metadata document.`);
      this.store.state.client = { ...fixedClient(this.identity)!, issuer };
    } else {
      if (!this.discovery) throw new Error(`${changed}, and its metadata is not known; run the command again.`);
      this.mode.say(`${changed}: registering there again (the old registration is not used there).`);
      this.store.state.client = await register(this.discovery, this.clientMetadata, this.mode.say);
    }
    this.store.save();
    return this.store.state.client!;
  }

  saveClientInformation(info: StoredOAuthClientInformation): void {
    // Keep what the SDK drops (registration_access_token, registration_client_uri) for logout.
    this.store.state.client = { ...this.store.state.client, ...info };
    this.store.save();
  }

  tokens(): StoredOAuthTokens | undefined {
    return this.store.state.tokens;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    this.store.state.tokens = tokens;
    this.store.save();
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.callback = undefined;
    let params: URLSearchParams;
    if (this.mode.headless) {
      this.mode.say('Logging in without a browser...');
      params = await followHeadless(url, this.redirectUrl, this.mode);
    } else {
      params = await this.browserLogin(url);
    }
    const error = params.get('error');
    if (error) throw new Error(`The authorization server refused the login: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}.`);
    // The SDK does not check state: a callback that is not the answer to this request is dropped (RFC 6749 §10.12).
    if (params.get('state') !== this.expectedState) throw new Error('The login callback carried the wrong state; try again.');
    if (!params.get('code')) throw new Error('The login callback carried no authorization code.');
    this.callback = params;
  }

  private async browserLogin(url: URL): Promise<URLSearchParams> {
    const openable = openableUrl(url);
    if (openable instanceof Error) {
      // Printed so the user sees what the server asked for, and refused (CVE-2025-6514 class).
      this.mode.say(openable.message);
      throw new Error('The authorization server gave an authorization URL the CLI does not open.');
    }
    const callback = callbackServer(this.port);
    await callback.ready;
    try {
      const { opened } = await openBrowser(openable);
      this.mode.say(opened ? 'Opened your browser to log in; waiting for the login to finish...' : 'Open this URL in a browser to log in; waiting for the login to finish...');
      this.mode.say(openable.href);
      return await callback.result;
    } finally {
      callback.close();
    }
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'tokens') this.store.state.tokens = undefined;
    if (scope === 'all' || scope === 'client') this.store.state.client = fixedClient(this.identity);
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = '';
    this.store.save();
  }
}
