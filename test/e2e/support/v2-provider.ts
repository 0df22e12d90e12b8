/**
 * An OAuthClientProvider for the MCP TypeScript SDK v2 client that keeps everything in memory and,
 * when the SDK sends the user to log in, fills in the local login form as that user would and
 * keeps the code from the callback, for the test to hand to `transport.finishAuth`.
 */
import type { OAuthClientMetadata, OAuthClientProvider, OAuthDiscoveryState, StoredOAuthClientInformation, StoredOAuthTokens } from '@modelcontextprotocol/client';
import { logIn } from './login-form';

export interface ProviderOptions {
  readonly username: string;
  readonly password: string;
  readonly redirectUrl?: string;
  /** Scope registered with the client (RFC 7591 `scope`). */
  readonly scope?: string;
  /** Use an already registered client instead of dynamic registration. */
  readonly clientId?: string;
  /** Issuer the pre-registered client belongs to (the SDK stamps stored credentials with it, SEP-2352). */
  readonly issuer?: string;
  /** A Client ID Metadata Document URL: the SDK uses it as `client_id` instead of registering, when the server supports CIMD. */
  readonly clientMetadataUrl?: string;
}

export class FormLoginProvider implements OAuthClientProvider {
  private client?: StoredOAuthClientInformation;
  private stored?: StoredOAuthTokens;
  private verifier = '';
  private discovery?: OAuthDiscoveryState;
  /** Every authorization URL the SDK sent the user to. */
  readonly authorizationUrls: URL[] = [];
  /** The `code` of the latest callback. */
  lastCode?: string;
  lastCallback?: URL;
  /** Every token set the SDK saved, oldest first. */
  readonly savedTokens: StoredOAuthTokens[] = [];
  /** The HTML of every consent page answered, oldest first. */
  readonly consentPages: string[] = [];
  readonly clientMetadataUrl?: string;

  constructor(private readonly options: ProviderOptions) {
    if (options.clientId) this.client = { client_id: options.clientId, ...(options.issuer ? { issuer: options.issuer } : {}) };
    this.clientMetadataUrl = options.clientMetadataUrl;
  }

  get redirectUrl(): string {
    return this.options.redirectUrl ?? 'http://127.0.0.1:8765/callback';
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'e2e test client',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...(this.options.scope ? { scope: this.options.scope } : {}),
    };
  }

  state(): string {
    return 'state-' + Math.random().toString(36).slice(2);
  }

  clientInformation(): StoredOAuthClientInformation | undefined {
    return this.client;
  }

  saveClientInformation(info: StoredOAuthClientInformation): void {
    this.client = info;
  }

  tokens(): StoredOAuthTokens | undefined {
    return this.stored;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    this.stored = tokens;
    this.savedTokens.push(tokens);
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationUrls.push(url);
    const result = await logIn(url, this.options.username, this.options.password);
    if (result.consentPage) this.consentPages.push(result.consentPage);
    if (!result.callbackUrl) throw new Error(`login failed with ${result.status}: ${result.page?.slice(0, 300)}`);
    this.lastCallback = result.callbackUrl;
    const code = result.callbackUrl.searchParams.get('code');
    if (!code) throw new Error(`no code in callback: ${result.callbackUrl}`);
    if (result.callbackUrl.searchParams.get('state') !== url.searchParams.get('state')) throw new Error('state was not echoed');
    this.lastCode = code;
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
    if (scope === 'all' || scope === 'tokens') this.stored = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
    if (scope === 'all' || scope === 'client') this.client = this.options.clientId ? { client_id: this.options.clientId, issuer: this.options.issuer } : undefined;
  }
}
