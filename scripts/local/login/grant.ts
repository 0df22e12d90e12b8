/**
 * What one login granted one client: carried from the authorization code to the refresh token and
 * into every token minted from them.
 */
export interface Grant {
  readonly clientId: string;
  /** Granted scopes, space-separated. */
  readonly scope: string;
  /** RFC 8707 resource the client asked for, which becomes the access token's `aud`. */
  readonly resource?: string;
  readonly sub: string;
  readonly username: string;
  readonly email?: string;
  /** Epoch seconds of the login. */
  readonly authTime: number;
}
