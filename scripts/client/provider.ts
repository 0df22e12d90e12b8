/**
 * The CLI's OAuthClientProvider for the MCP SDK v2 client: registration and tokens persist in the
 * state file; the login itself (browser + loopback callback, or headless) runs when the SDK asks
 * to send the user to the authorization server, and its callback is kept for `finishAuth`.
 */
import { randomBytes } from 'node:crypto';
import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { callbackServer, followHeadless, openBrowser, type Credentials } from './login';
import type { StateStore } from './store';

export interface LoginMode {
  readonly headless: boolean;
  readonly credentials?: Credentials;
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
    private readonly fixedClientId?: string,
  ) {
    // A pre-registered client is stored like a registered one, so the SDK's issuer stamp round-trips.
    if (fixedClientId && store.state.client?.client_id !== fixedClientId) {
      store.state.client = { client_id: fixedClientId };
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

  clientInformation(): StoredOAuthClientInformation | undefined {
    return this.store.state.client;
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
      params = await followHeadless(url, this.redirectUrl, this.mode.credentials);
    } else {
      const callback = callbackServer(this.port);
      await callback.ready;
      try {
        const opened = await openBrowser(url.toString());
        this.mode.say(opened ? 'Opened your browser to log in; waiting for the login to finish...' : 'Open this URL in a browser to log in; waiting for the login to finish...');
        this.mode.say(url.toString());
        params = await callback.result;
      } finally {
        callback.close();
      }
    }
    const error = params.get('error');
    if (error) throw new Error(`The authorization server refused the login: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}.`);
    // The SDK does not check state: a callback that is not the answer to this request is dropped (RFC 6749 §10.12).
    if (params.get('state') !== this.expectedState) throw new Error('The login callback carried the wrong state; try again.');
    if (!params.get('code')) throw new Error('The login callback carried no authorization code.');
    this.callback = params;
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
    if (scope === 'all' || scope === 'client') this.store.state.client = this.fixedClientId ? { client_id: this.fixedClientId } : undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = '';
    this.store.save();
  }
}
