/**
 * The MCP resource server's configuration: the only module that reads `process.env`
 * (docs/contracts.md, "MCP server"). A missing required variable fails the cold start loudly.
 */
import { bool, ConfigError, integer, list, optional, required, url, type Env } from '../shared/env';

/** How long a registration's liveness answer (live or gone) is cached, unless configured. */
export const DEFAULT_CLIENT_CHECK_TTL_SECONDS = 60;
/**
 * How a token's client is checked (`CLIENT_CHECK`): `registrations` (default) accepts the static
 * client or a live DCR registration (`client#<client_id>` in REGISTRATIONS_TABLE); `none` looks
 * nothing up, for another issuer whose clients this system did not register.
 */
export const CLIENT_CHECK_MODES = ['registrations', 'none'] as const;
export type ClientCheckMode = (typeof CLIENT_CHECK_MODES)[number];
/** PRM `resource_name` unless configured. */
export const DEFAULT_RESOURCE_NAME = 'MCP server';
/** How long clients may cache `tools/list` and `server/discover` results (2026-07-28 `ttlMs`). */
export const DEFAULT_LIST_TTL_MS = 5 * 60 * 1000;

export interface McpConfig {
  readonly region: string;
  /** Canonical MCP URL exactly as clients address it (PRM `resource`, the accepted `aud`). */
  readonly resourceUrl: string;
  /** PRM `authorization_servers[0]`, byte-identical to the facade's issuer. */
  readonly authorizationServerUrl: string;
  readonly clientCheck: ClientCheckMode;
  /** Required with `clientCheck: 'registrations'`, unused with `none`. */
  readonly staticClientId?: string;
  /** Required with `clientCheck: 'registrations'`, unused with `none`. */
  readonly registrationsTable?: string;
  readonly notesTable: string;
  readonly scopeRead: string;
  readonly scopeWrite: string;
  /** Cognito user pool, used as the token issuer unless `tokenIssuer` is set. */
  readonly userPoolId?: string;
  readonly tokenIssuer?: string;
  readonly tokenJwksUri?: string;
  readonly tokenAudience?: string;
  readonly requireAudience: boolean;
  readonly clientCheckTtlSeconds: number;
  /**
   * `MACHINE_CLIENTS=true`: accept access tokens that name no user (client_credentials). Off by
   * default: such a token is refused with 401 `invalid_token` (docs/mcp-server.md, "Machine clients").
   */
  readonly machineClients: boolean;
  /** Browser origins (scheme://host[:port]) allowed to call `/mcp`; none by default. */
  readonly allowedOrigins: readonly string[];
  readonly resourceName: string;
  readonly resourceDocumentation?: string;
  readonly dynamodbEndpoint?: string;
  /** The execution role's credentials, which Lambda puts in the environment (dummies locally). */
  readonly awsCredentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  readonly logLevel?: string;
}

/** Reads and validates the configuration from an environment (pure: tests pass their own). */
export function loadConfig(env: Env): McpConfig {
  // The issuer is compared byte for byte with `iss`: keep it exactly as configured (Auth0's ends in
  // `/`), only check that it is a URL. The default JWKS URI is built without a doubled slash.
  const tokenIssuer = env.TOKEN_ISSUER?.trim() ? (url(env, 'TOKEN_ISSUER'), env.TOKEN_ISSUER.trim()) : undefined;
  const userPoolId = optional(env, 'USER_POOL_ID');
  if (!tokenIssuer && !userPoolId) throw new Error('Set USER_POOL_ID (Cognito) or TOKEN_ISSUER (another issuer)');
  const clientCheck = clientCheckMode(env);
  const lookup = clientCheck === 'registrations';
  return Object.freeze({
    region: optional(env, 'AWS_REGION', 'us-east-1'),
    resourceUrl: url(env, 'RESOURCE_URL'),
    authorizationServerUrl: url(env, 'AUTHORIZATION_SERVER_URL'),
    clientCheck,
    staticClientId: lookup ? required(env, 'STATIC_CLIENT_ID') : optional(env, 'STATIC_CLIENT_ID'),
    registrationsTable: lookup ? required(env, 'REGISTRATIONS_TABLE') : optional(env, 'REGISTRATIONS_TABLE'),
    notesTable: required(env, 'NOTES_TABLE'),
    scopeRead: required(env, 'SCOPE_READ'),
    scopeWrite: required(env, 'SCOPE_WRITE'),
    userPoolId,
    tokenIssuer,
    tokenJwksUri: tokenIssuer ? url(env, 'TOKEN_JWKS_URI', `${tokenIssuer.replace(/\/+$/, '')}/.well-known/jwks.json`) : undefined,
    tokenAudience: optional(env, 'TOKEN_AUDIENCE'),
    requireAudience: bool(env, 'REQUIRE_AUDIENCE', false),
    clientCheckTtlSeconds: integer(env, 'CLIENT_CHECK_TTL_SECONDS', DEFAULT_CLIENT_CHECK_TTL_SECONDS, 0, 86_400),
    machineClients: bool(env, 'MACHINE_CLIENTS', false),
    allowedOrigins: Object.freeze(list(env, 'ALLOWED_ORIGINS').map((origin) => origin.replace(/\/+$/, ''))),
    resourceName: optional(env, 'RESOURCE_NAME', DEFAULT_RESOURCE_NAME),
    resourceDocumentation: env.RESOURCE_DOCUMENTATION?.trim() ? url(env, 'RESOURCE_DOCUMENTATION') : undefined,
    dynamodbEndpoint: optional(env, 'DYNAMODB_ENDPOINT'),
    // Lambda always sets these; locally (dynalite checks no signature) dummies do.
    awsCredentials: Object.freeze({
      accessKeyId: optional(env, 'AWS_ACCESS_KEY_ID', 'local'),
      secretAccessKey: optional(env, 'AWS_SECRET_ACCESS_KEY', 'local'),
      sessionToken: optional(env, 'AWS_SESSION_TOKEN'),
    }),
    logLevel: optional(env, 'LOG_LEVEL'),
  });
}

function clientCheckMode(env: Env): ClientCheckMode {
  const value = optional(env, 'CLIENT_CHECK', 'registrations').toLowerCase();
  if (!(CLIENT_CHECK_MODES as readonly string[]).includes(value)) {
    throw new ConfigError(`CLIENT_CHECK must be ${CLIENT_CHECK_MODES.join(' or ')}, got ${JSON.stringify(env.CLIENT_CHECK)}`);
  }
  return value as ClientCheckMode;
}

/** The configuration of this container, read once at cold start. */
export function configFromProcess(): McpConfig {
  return loadConfig(process.env);
}
