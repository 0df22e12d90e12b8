/**
 * What the login stand-in asks cognito-local: is this an app client (and what may it do), and is
 * this the user's password. Clients created by the DCR bridge are exactly what login accepts,
 * and a deleted client can neither log in nor refresh.
 */
import {
  AdminGetUserCommand,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
  type TimeUnitsType,
} from '@aws-sdk/client-cognito-identity-provider';

export interface LoginClient {
  readonly clientId: string;
  /** Present for confidential clients. */
  readonly clientSecret?: string;
  readonly callbackUrls: readonly string[];
  readonly allowedScopes: readonly string[];
  readonly allowsCodeFlow: boolean;
  readonly allowsClientCredentials: boolean;
  readonly accessTokenSeconds: number;
  readonly idTokenSeconds: number;
  readonly refreshTokenSeconds: number;
}

export interface LoginUser {
  readonly sub: string;
  readonly username: string;
  readonly email?: string;
}

const UNIT_SECONDS: Record<TimeUnitsType, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/** Cognito's defaults: access and ID tokens 60 minutes, refresh tokens 30 days. */
function seconds(value: number | undefined, unit: TimeUnitsType | undefined, fallbackUnit: TimeUnitsType, fallback: number): number {
  return value ? value * UNIT_SECONDS[unit ?? fallbackUnit] : fallback;
}

function isNotFound(err: unknown): boolean {
  const name = (err as Error).name;
  return name === 'ResourceNotFoundException' || name === 'UserNotFoundException';
}

export class CognitoDirectory {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
    /** The internal app client with ALLOW_USER_PASSWORD_AUTH used to check passwords. */
    private readonly loginClientId: string,
  ) {}

  /** The app client, or undefined when the pool has none with this id. */
  async client(clientId: string): Promise<LoginClient | undefined> {
    if (!/^[\w+]{1,128}$/.test(clientId)) return undefined;
    try {
      const { UserPoolClient: c } = await this.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: this.userPoolId, ClientId: clientId }));
      if (!c) return undefined;
      const units = c.TokenValidityUnits ?? {};
      return {
        clientId,
        clientSecret: c.ClientSecret || undefined,
        callbackUrls: c.CallbackURLs ?? [],
        allowedScopes: c.AllowedOAuthScopes ?? [],
        allowsCodeFlow: (c.AllowedOAuthFlows ?? []).includes('code') && c.AllowedOAuthFlowsUserPoolClient !== false,
        allowsClientCredentials: (c.AllowedOAuthFlows ?? []).includes('client_credentials') && c.AllowedOAuthFlowsUserPoolClient !== false,
        accessTokenSeconds: seconds(c.AccessTokenValidity, units.AccessToken, 'hours', 3600),
        idTokenSeconds: seconds(c.IdTokenValidity, units.IdToken, 'hours', 3600),
        refreshTokenSeconds: seconds(c.RefreshTokenValidity, units.RefreshToken, 'days', 30 * 86400),
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * The user when the password is right, else undefined. cognito-local raises
   * InvalidPasswordException for a wrong password where Cognito raises NotAuthorizedException:
   * both (and an unknown user) are a failed login.
   */
  async checkPassword(username: string, password: string): Promise<LoginUser | undefined> {
    if (!username || !password) return undefined;
    try {
      await this.cognito.send(
        new InitiateAuthCommand({ ClientId: this.loginClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
      );
    } catch (err) {
      const name = (err as Error).name;
      if (['NotAuthorizedException', 'InvalidPasswordException', 'UserNotFoundException', 'UserNotConfirmedException', 'PasswordResetRequiredException'].includes(name)) return undefined;
      throw err;
    }
    const user = await this.user(username);
    // cognito-local answers AdminGetUser with the sub as Username; the pool's username is the name the user typed.
    return user && { ...user, username };
  }

  /** The user's id and email, or undefined when there is no such user. */
  async user(username: string): Promise<LoginUser | undefined> {
    try {
      const user = await this.cognito.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: username }));
      const attribute = (name: string) => user.UserAttributes?.find((a) => a.Name === name)?.Value;
      const sub = attribute('sub');
      if (!sub || !user.Username) return undefined;
      return { sub, username: user.Username, email: attribute('email') };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
