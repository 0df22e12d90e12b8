/**
 * The facade's configuration, read once from the environment at cold start (docs/contracts.md).
 * This is the only module of `lambda/oauth/` that reads `process.env`; a bad value fails loudly.
 */
import { bool, ConfigError, integer, list, optional, required, url, type Env } from '../shared/env';

/**
 * Seconds a rotated-out refresh token stays valid, for client retries (Cognito allows 0–60). 0, as
 * the CDK context `refreshTokenRotationGracePeriodSeconds` defaults to (it passes its value here):
 * an old refresh token is refused at once (OAuth 2.1 §4.3.1 rotation for public clients).
 */
export const DEFAULT_ROTATION_GRACE_SECONDS = 0;
/** How long clients and CDNs may cache the metadata documents. */
export const METADATA_MAX_AGE_SECONDS = 300;

export type RegistrationMode = 'open' | 'token' | 'closed';

/**
 * App clients this system creates for open registrations and CIMD clients (`budget#pool`), below
 * Cognito's default quota of 1,000 per pool so that token-mode registrations and the operator keep headroom.
 */
export const DEFAULT_REGISTRATION_POOL_BUDGET = 500;

export interface OAuthConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly registrationsTable: string;
  readonly resourceUrl: string;
  /** RFC 8414 `issuer`, no trailing slash. */
  readonly issuerUrl: string;
  /** Cognito managed login base URL. */
  readonly cognitoDomainUrl: string;
  readonly jwksUri: string;
  readonly allowedScopes: readonly string[];
  /** @default [`<RESOURCE_URL>/read`] */
  readonly defaultScopes: readonly string[];
  /** The allowed scopes that belong to the MCP resource (`<RESOURCE_URL>/<name>`): every client may use them. */
  readonly resourceScopes: readonly string[];
  /** @default 'open' */
  readonly registrationMode: RegistrationMode;
  /** Hex SHA-256 of the initial access token (`token` mode). */
  readonly initialAccessTokenSha256?: string;
  /** @default 10 registrations and updates (the Cognito-writing calls) per source IP per window */
  readonly registrationRateLimit: number;
  /** @default 3600 */
  readonly registrationRateWindowSeconds: number;
  /** @default 10 */
  readonly maxRedirectUris: number;
  /** @default 60 */
  readonly accessTokenValidityMinutes: number;
  /** @default 60 */
  readonly idTokenValidityMinutes: number;
  /** @default 30 */
  readonly refreshTokenValidityDays: number;
  /** `REFRESH_TOKEN_ROTATION_GRACE_SECONDS`, set from the CDK context `refreshTokenRotationGracePeriodSeconds`. @default 0 */
  readonly rotationGraceSeconds: number;
  /** `SERVICE_DOCUMENTATION` (not in contracts.md): RFC 8414 `service_documentation`. @default none */
  readonly serviceDocumentation?: string;
  /**
   * `CIMD_ENABLED=false` turns Client ID Metadata Documents off (a facade without internet egress
   * cannot fetch them; clients then register instead). They are accepted only in `open` mode anyway. @default true
   */
  readonly cimdEnabled: boolean;
  /** `MACHINE_CLIENTS`: client_credentials registrations are allowed, in `token` registration mode only. @default false */
  readonly machineClients: boolean;
  /** `REGISTRATION_POOL_BUDGET`: app clients open registrations and CIMD may create pool-wide. @default 500 */
  readonly registrationPoolBudget: number;
  /**
   * `LOCAL_CIMD_TRUSTED_ORIGINS`, local stack only (the CDK never sets it): origins (`http://127.0.0.1:8123`)
   * whose CIMD documents may be fetched over http and from loopback addresses. @default none
   */
  readonly localCimdTrustedOrigins: readonly string[];
  /** The static first-party app client (`STATIC_CLIENT_ID`). */
  readonly staticClientId: string;
  /** Redirect URIs the broker accepts for the static client (`STATIC_CLIENT_REDIRECT_URIS`, space-separated). */
  readonly staticClientRedirectUris: readonly string[];
  /** `<ISSUER_URL>/callback`: the only callback of every Cognito app client the system creates. */
  readonly brokerCallbackUrl: string;
  /** Where the broker's HMAC key comes from: the key itself (hex, local stack) or a Secrets Manager secret. */
  readonly brokerSigningKey: { readonly hex: string } | { readonly secretArn: string };
  /** Remember an Allow per client + browser for this long; 0 = ask every time. @default 0 */
  readonly consentRememberSeconds: number;
  /** Local only: dynalite. */
  readonly dynamodbEndpoint?: string;
  /** Local only: cognito-local. */
  readonly cognitoEndpoint?: string;
  readonly logLevel?: string;
}

/** Origins as `URL.origin` spells them; anything else fails the cold start. */
function origins(env: Env, name: string): string[] {
  return list(env, name).map((value) => {
    let origin: string | undefined;
    try {
      origin = new URL(value).origin;
    } catch {
      origin = undefined;
    }
    if (!origin || origin === 'null' || origin !== value.replace(/\/+$/, '')) {
      throw new ConfigError(`${name} must list origins such as http://127.0.0.1:8123 (scheme, host, port; no path), got ${JSON.stringify(value)}`);
    }
    return origin;
  });
}

/** The broker's HMAC key: at least this many bytes (`BROKER_SIGNING_KEY` is hex). */
export const MIN_SIGNING_KEY_BYTES = 32;

function signingKeySource(env: Env): OAuthConfig['brokerSigningKey'] {
  const hex = optional(env, 'BROKER_SIGNING_KEY');
  if (hex !== undefined) {
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex) || hex.length / 2 < MIN_SIGNING_KEY_BYTES) {
      throw new ConfigError(`BROKER_SIGNING_KEY must be at least ${MIN_SIGNING_KEY_BYTES} bytes, hex-encoded`);
    }
    return { hex: hex.toLowerCase() };
  }
  const secretArn = optional(env, 'BROKER_SIGNING_KEY_SECRET_ARN');
  if (!secretArn) throw new ConfigError('Missing required environment variable BROKER_SIGNING_KEY_SECRET_ARN (or BROKER_SIGNING_KEY)');
  return { secretArn };
}

/** Reads and validates the configuration from `env` (pass `process.env` in the handler module only). */
export function loadConfig(env: Env): Readonly<OAuthConfig> {
  const resourceUrl = url(env, 'RESOURCE_URL');
  const allowedScopes = list(env, 'ALLOWED_SCOPES');
  if (allowedScopes.length === 0) throw new ConfigError('Missing required environment variable ALLOWED_SCOPES');
  const defaultScopes = list(env, 'DEFAULT_SCOPES', [`${resourceUrl}/read`]);
  const stray = defaultScopes.filter((s) => !allowedScopes.includes(s));
  if (stray.length) throw new ConfigError(`DEFAULT_SCOPES must be a subset of ALLOWED_SCOPES; not allowed: ${stray.join(' ')}`);

  const registrationMode = optional(env, 'REGISTRATION_MODE', 'open') as RegistrationMode;
  if (!['open', 'token', 'closed'].includes(registrationMode)) {
    throw new ConfigError(`REGISTRATION_MODE must be open, token or closed, got ${JSON.stringify(registrationMode)}`);
  }
  const initialAccessTokenSha256 = optional(env, 'INITIAL_ACCESS_TOKEN_SHA256')?.toLowerCase();
  if (initialAccessTokenSha256 !== undefined && !/^[0-9a-f]{64}$/.test(initialAccessTokenSha256)) {
    throw new ConfigError('INITIAL_ACCESS_TOKEN_SHA256 must be a hex SHA-256 digest (64 hex digits)');
  }
  if (registrationMode === 'token' && !initialAccessTokenSha256) {
    throw new ConfigError('REGISTRATION_MODE=token needs INITIAL_ACCESS_TOKEN_SHA256');
  }

  return Object.freeze({
    region: optional(env, 'AWS_REGION', 'us-east-1'),
    userPoolId: required(env, 'USER_POOL_ID'),
    registrationsTable: required(env, 'REGISTRATIONS_TABLE'),
    resourceUrl,
    issuerUrl: url(env, 'ISSUER_URL'),
    cognitoDomainUrl: url(env, 'COGNITO_DOMAIN_URL'),
    jwksUri: url(env, 'JWKS_URI'),
    allowedScopes: Object.freeze(allowedScopes),
    defaultScopes: Object.freeze(defaultScopes),
    resourceScopes: Object.freeze(allowedScopes.filter((scope) => scope.startsWith(`${resourceUrl}/`))),
    registrationMode,
    initialAccessTokenSha256,
    registrationRateLimit: integer(env, 'REGISTRATION_RATE_LIMIT', 10, 1),
    registrationRateWindowSeconds: integer(env, 'REGISTRATION_RATE_WINDOW_SECONDS', 3600, 1),
    // Cognito: at most 100 callback URLs per app client.
    maxRedirectUris: integer(env, 'MAX_REDIRECT_URIS', 10, 1, 100),
    // Cognito's ranges: access and ID tokens 5 minutes–1 day, refresh tokens 1–3650 days.
    accessTokenValidityMinutes: integer(env, 'ACCESS_TOKEN_VALIDITY_MINUTES', 60, 5, 1440),
    idTokenValidityMinutes: integer(env, 'ID_TOKEN_VALIDITY_MINUTES', 60, 5, 1440),
    refreshTokenValidityDays: integer(env, 'REFRESH_TOKEN_VALIDITY_DAYS', 30, 1, 3650),
    rotationGraceSeconds: integer(env, 'REFRESH_TOKEN_ROTATION_GRACE_SECONDS', DEFAULT_ROTATION_GRACE_SECONDS, 0, 60),
    serviceDocumentation: optional(env, 'SERVICE_DOCUMENTATION') ? url(env, 'SERVICE_DOCUMENTATION') : undefined,
    cimdEnabled: bool(env, 'CIMD_ENABLED', true),
    machineClients: bool(env, 'MACHINE_CLIENTS', false),
    registrationPoolBudget: integer(env, 'REGISTRATION_POOL_BUDGET', DEFAULT_REGISTRATION_POOL_BUDGET, 1, 100_000),
    localCimdTrustedOrigins: Object.freeze(origins(env, 'LOCAL_CIMD_TRUSTED_ORIGINS')),
    staticClientId: required(env, 'STATIC_CLIENT_ID'),
    // Space-separated only: a comma may appear inside a URI.
    staticClientRedirectUris: Object.freeze(required(env, 'STATIC_CLIENT_REDIRECT_URIS').split(/\s+/)),
    brokerCallbackUrl: `${url(env, 'ISSUER_URL')}/callback`,
    brokerSigningKey: signingKeySource(env),
    consentRememberSeconds: integer(env, 'CONSENT_REMEMBER_SECONDS', 0, 0, 31_536_000),
    dynamodbEndpoint: optional(env, 'DYNAMODB_ENDPOINT'),
    cognitoEndpoint: optional(env, 'COGNITO_ENDPOINT'),
    logLevel: optional(env, 'LOG_LEVEL'),
  });
}

/** Days without a token use after which the sweeper deletes a registration (`REGISTRATION_IDLE_DAYS`). */
export const DEFAULT_REGISTRATION_IDLE_DAYS = 90;
/** Hours after which a registration that never used a token (its login never completed) is deleted (`REGISTRATION_UNUSED_HOURS`). */
export const DEFAULT_REGISTRATION_UNUSED_HOURS = 24;

/**
 * The registration sweeper's configuration (`lambda/oauth/sweeper-handler.ts`): only what it needs,
 * so that it does not carry the facade's issuer, scopes and token settings.
 */
export interface SweeperConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly registrationsTable: string;
  /** @default 90 */
  readonly registrationIdleDays: number;
  /** @default 24 */
  readonly registrationUnusedHours: number;
  /** Local only: dynalite. */
  readonly dynamodbEndpoint?: string;
  /** Local only: cognito-local. */
  readonly cognitoEndpoint?: string;
  readonly logLevel?: string;
}

/** Reads and validates the sweeper's configuration from `env` (pass `process.env` in the handler module only). */
export function loadSweeperConfig(env: Env): Readonly<SweeperConfig> {
  return Object.freeze({
    region: optional(env, 'AWS_REGION', 'us-east-1'),
    userPoolId: required(env, 'USER_POOL_ID'),
    registrationsTable: required(env, 'REGISTRATIONS_TABLE'),
    // The CDK app does not deploy the sweeper at 0 days; a deployed sweeper always has a positive window.
    registrationIdleDays: integer(env, 'REGISTRATION_IDLE_DAYS', DEFAULT_REGISTRATION_IDLE_DAYS, 1, 3650),
    registrationUnusedHours: integer(env, 'REGISTRATION_UNUSED_HOURS', DEFAULT_REGISTRATION_UNUSED_HOURS, 1, 87_600),
    dynamodbEndpoint: optional(env, 'DYNAMODB_ENDPOINT'),
    cognitoEndpoint: optional(env, 'COGNITO_ENDPOINT'),
    logLevel: optional(env, 'LOG_LEVEL'),
  });
}
