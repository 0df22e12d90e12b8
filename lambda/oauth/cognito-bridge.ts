/**
 * The Cognito side of a registration: one app client per registered client. Maps registered
 * metadata to CreateUserPoolClient / UpdateUserPoolClient input (one mapping for both, since
 * UpdateUserPoolClient replaces every field it is not sent) and translates Cognito errors.
 */
import {
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  UpdateUserPoolClientCommand,
  type CognitoIdentityProviderClient,
  type CreateUserPoolClientCommandInput,
  type ExplicitAuthFlowsType,
} from '@aws-sdk/client-cognito-identity-provider';
import { NotFoundError } from '../shared/errors';
import { isConfidential, type ClientMetadata } from './client-metadata';
import { cognitoClientName } from './client-name';
import { translateCognitoError } from './aws-errors';
import type { OAuthConfig } from './config';

export type CognitoSettings = Pick<
  OAuthConfig,
  'userPoolId' | 'accessTokenValidityMinutes' | 'idTokenValidityMinutes' | 'refreshTokenValidityDays' | 'rotationGraceSeconds' | 'brokerCallbackUrl'
>;

type ClientSettings = Omit<CreateUserPoolClientCommandInput, 'GenerateSecret'>;

/**
 * What created app clients may read of a user: the `email` scope's claims. Unset, Cognito lets a
 * client read every attribute.
 */
export const READ_ATTRIBUTES = ['email', 'email_verified'];
/**
 * What they may write: unset means every standard attribute. `email` only, because it is the pool's
 * required attribute and managed-login sign-up (`selfSignUp`) writes it through the app client.
 */
export const WRITE_ATTRIBUTES = ['email'];

/** 404: the app client is gone, a concurrent RFC 7592 DELETE (or the sweeper) removed it. */
export class RegistrationGoneError extends NotFoundError {
  constructor() {
    super('The client registration was deleted by a concurrent request; nothing was changed.');
  }
}

function isNotFound(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'ResourceNotFoundException';
}

/** Every setting of the app client for `metadata` (shared by create and update). */
export function appClientSettings(metadata: ClientMetadata, settings: CognitoSettings): ClientSettings {
  const code = metadata.grant_types.includes('authorization_code');
  const publicClient = !isConfidential(metadata);
  // Registered clients sign users in through managed login only, which ExplicitAuthFlows does not
  // govern (it lists the InitiateAuth flows a client may call directly). No password or SRP flow
  // (issue 12 item 10). Confidential clients need ALLOW_REFRESH_TOKEN_AUTH to refresh (no rotation).
  // Public clients rotate refresh tokens, which Cognito refuses together with that flow, and an
  // empty list means Cognito's defaults (SRP, custom, refresh): they list ALLOW_CUSTOM_AUTH, which
  // only works through the pool's custom-auth Lambda triggers, and the stacks define none.
  const explicitAuthFlows: ExplicitAuthFlowsType[] = publicClient ? ['ALLOW_CUSTOM_AUTH'] : ['ALLOW_REFRESH_TOKEN_AUTH'];
  return {
    UserPoolId: settings.userPoolId,
    ClientName: cognitoClientName(metadata.client_name),
    AllowedOAuthFlowsUserPoolClient: true,
    // Never `implicit`; client_credentials cannot be combined with code in one Cognito client.
    AllowedOAuthFlows: code ? ['code'] : ['client_credentials'],
    AllowedOAuthScopes: metadata.scope.split(' '),
    // The broker's /callback is the only callback: the client's own redirect URIs are enforced by the
    // broker (RFC 8252 §7.3 loopback ports included), so Cognito can hand a code to nothing else.
    CallbackURLs: code ? [settings.brokerCallbackUrl] : undefined,
    SupportedIdentityProviders: ['COGNITO'],
    ExplicitAuthFlows: explicitAuthFlows,
    ReadAttributes: READ_ATTRIBUTES,
    WriteAttributes: WRITE_ATTRIBUTES,
    EnableTokenRevocation: true,
    PreventUserExistenceErrors: 'ENABLED',
    AccessTokenValidity: settings.accessTokenValidityMinutes,
    IdTokenValidity: settings.idTokenValidityMinutes,
    RefreshTokenValidity: settings.refreshTokenValidityDays,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    // MCP 2026-07-28 / OAuth 2.1 §4.3.1: public clients' refresh tokens MUST be rotated.
    ...(publicClient ? { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: settings.rotationGraceSeconds } } : {}),
  };
}

/** Creates the app client; returns its id and, for confidential clients, its secret (never stored). */
export async function createAppClient(
  idp: CognitoIdentityProviderClient,
  settings: CognitoSettings,
  metadata: ClientMetadata,
): Promise<{ clientId: string; clientSecret?: string }> {
  try {
    const out = await idp.send(
      new CreateUserPoolClientCommand({ ...appClientSettings(metadata, settings), GenerateSecret: isConfidential(metadata) }),
    );
    const clientId = out.UserPoolClient?.ClientId;
    if (!clientId) throw new Error('CreateUserPoolClient returned no ClientId');
    return { clientId, clientSecret: out.UserPoolClient?.ClientSecret };
  } catch (err) {
    throw translateCognitoError(err, { step: 'CreateUserPoolClient' });
  }
}

/** Replaces every setting of the app client with those for `metadata`. */
export async function updateAppClient(
  idp: CognitoIdentityProviderClient,
  settings: CognitoSettings,
  clientId: string,
  metadata: ClientMetadata,
): Promise<void> {
  try {
    await idp.send(new UpdateUserPoolClientCommand({ ...appClientSettings(metadata, settings), ClientId: clientId }));
  } catch (err) {
    if (isNotFound(err)) throw new RegistrationGoneError();
    throw translateCognitoError(err, { step: 'UpdateUserPoolClient', clientId });
  }
}

/**
 * Deletes the app client; an already-missing client counts as deleted (retries are idempotent).
 * True if this call deleted it, false if it was already gone.
 */
export async function deleteAppClient(idp: CognitoIdentityProviderClient, settings: Pick<CognitoSettings, 'userPoolId'>, clientId: string): Promise<boolean> {
  try {
    await idp.send(new DeleteUserPoolClientCommand({ UserPoolId: settings.userPoolId, ClientId: clientId }));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw translateCognitoError(err, { step: 'DeleteUserPoolClient', clientId });
  }
}

/** The app client's current secret, for RFC 7592 §2.2's check that a sent `client_secret` matches. */
export async function appClientSecret(idp: CognitoIdentityProviderClient, settings: CognitoSettings, clientId: string): Promise<string | undefined> {
  try {
    const out = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: settings.userPoolId, ClientId: clientId }));
    return out.UserPoolClient?.ClientSecret;
  } catch (err) {
    if (isNotFound(err)) throw new RegistrationGoneError();
    throw translateCognitoError(err, { step: 'DescribeUserPoolClient', clientId });
  }
}
