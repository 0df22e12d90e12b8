/**
 * The local stack's settings and the environment it gives the handlers (docs/contracts.md), in
 * one place. Everything is derived from the base URL, so one `PORT` moves every endpoint.
 */
import type { CognitoIds } from './bootstrap';

/** Port of the project's endpoints when `PORT` is unset. */
export const DEFAULT_PORT = 3000;
/** The demo user created at start (`MCP_LOCAL_USERNAME`, `MCP_LOCAL_PASSWORD`); the password meets Cognito's default policy. */
export const DEFAULT_USERNAME = 'demo@example.com';
export const DEFAULT_PASSWORD = 'Passw0rd!demo';
/** How long the MCP server caches a registration's liveness locally: short, so a deleted client stops quickly. */
export const DEFAULT_CLIENT_CHECK_TTL_SECONDS = 5;
/** Local DCR rate limit per source IP and hour: everything comes from 127.0.0.1 here. */
export const LOCAL_REGISTRATION_RATE_LIMIT = 1000;
/** Browser origins allowed on /mcp by default: MCP Inspector's UI. */
export const DEFAULT_ALLOWED_ORIGINS = 'http://localhost:6274,http://127.0.0.1:6274';

export const TABLES = { registrations: 'mcp-local-registrations', notes: 'mcp-local-notes' } as const;

export interface LocalUrls {
  readonly base: string;
  readonly mcp: string;
  readonly protectedResourceMetadata: string;
  readonly authorizationServerMetadata: string;
  readonly register: string;
  readonly authorize: string;
  readonly token: string;
  readonly revoke: string;
  readonly userInfo: string;
  readonly jwks: string;
}

export function localUrls(host: string, port: number): LocalUrls {
  const base = `http://${host}:${port}`;
  return {
    base,
    mcp: `${base}/mcp`,
    protectedResourceMetadata: `${base}/.well-known/oauth-protected-resource/mcp`,
    authorizationServerMetadata: `${base}/.well-known/oauth-authorization-server`,
    register: `${base}/register`,
    // The authorization broker's endpoints (what clients use, as the metadata says); the hosted-login
    // stand-in's /oauth2/* sit behind them, as Cognito's do on AWS.
    authorize: `${base}/authorize`,
    token: `${base}/token`,
    revoke: `${base}/revoke`,
    userInfo: `${base}/oauth2/userInfo`,
    jwks: `${base}/.well-known/jwks.json`,
  };
}

/** Full scope strings of the resource server, as the CDK stack names them. */
export function resourceScopes(urls: LocalUrls): { read: string; write: string } {
  return { read: `${urls.mcp}/read`, write: `${urls.mcp}/write` };
}

/** Every scope a client may be allowed: the resource's plus the OIDC ones (contracts: ALLOWED_SCOPES). */
export function allowedScopes(urls: LocalUrls): string[] {
  const { read, write } = resourceScopes(urls);
  return [read, write, 'openid', 'email', 'profile'];
}

/**
 * `MCP_LOCAL_CIMD_TRUSTED_ORIGINS`: comma-separated origins (`http://127.0.0.1:8123`) the local
 * facade may fetch CIMD documents from over http, loopback included. Each entry must be exactly an
 * origin (scheme http or https, host, optional port: no path, slash, query or credentials), so
 * the list cannot widen by accident. Throws an Error whose message names the bad entry.
 */
export function parseCimdTrustedOrigins(value: string | undefined): string[] {
  const entries = (value ?? '').split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '') return [];
  return entries.map((entry) => {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    // WHATWG URLs accept hosts such as `*`; an origin here names one DNS name or IP address.
    const plainHost = url && /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(url.hostname);
    if (!url || !plainHost || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry) {
      throw new Error(`MCP_LOCAL_CIMD_TRUSTED_ORIGINS: ${JSON.stringify(entry)} is not an origin; give comma-separated origins such as http://127.0.0.1:8123 (scheme, host and port only).`);
    }
    return url.origin;
  });
}

/** The handlers' environment (docs/contracts.md). `overrides` wins, e.g. LOG_LEVEL from the caller. */
export function handlerEnv(
  urls: LocalUrls,
  ids: CognitoIds,
  endpoints: { dynamodb: string; cognito: string },
  options: { clientCheckTtlSeconds: number; logLevel: string; allowedOrigins: string; brokerSigningKey: string; staticClientRedirectUris: readonly string[]; cimdTrustedOrigins?: readonly string[]; cimd?: boolean },
): Record<string, string> {
  const { read, write } = resourceScopes(urls);
  return {
    AWS_REGION: 'us-east-1',
    // Handlers build SDK clients from the default chain; the stand-ins check no credentials.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    USER_POOL_ID: ids.userPoolId,
    REGISTRATIONS_TABLE: TABLES.registrations,
    NOTES_TABLE: TABLES.notes,
    RESOURCE_URL: urls.mcp,
    DYNAMODB_ENDPOINT: endpoints.dynamodb,
    COGNITO_ENDPOINT: endpoints.cognito,
    LOG_LEVEL: options.logLevel,
    ISSUER_URL: urls.base,
    AUTHORIZATION_SERVER_URL: urls.base,
    COGNITO_DOMAIN_URL: urls.base,
    JWKS_URI: urls.jwks,
    ALLOWED_SCOPES: allowedScopes(urls).join(' '),
    DEFAULT_SCOPES: read,
    REGISTRATION_MODE: 'open',
    REGISTRATION_RATE_LIMIT: String(LOCAL_REGISTRATION_RATE_LIMIT),
    STATIC_CLIENT_ID: ids.staticClientId,
    STATIC_CLIENT_REDIRECT_URIS: options.staticClientRedirectUris.join(' '),
    BROKER_SIGNING_KEY: options.brokerSigningKey,
    SCOPE_READ: read,
    SCOPE_WRITE: write,
    TOKEN_ISSUER: urls.base,
    TOKEN_JWKS_URI: urls.jwks,
    CLIENT_CHECK_TTL_SECONDS: String(options.clientCheckTtlSeconds),
    ALLOWED_ORIGINS: options.allowedOrigins,
    RESOURCE_NAME: 'Local MCP server',
    // Local stack only (never set by the CDK app): CIMD documents over http from these origins.
    ...(options.cimdTrustedOrigins?.length ? { LOCAL_CIMD_TRUSTED_ORIGINS: options.cimdTrustedOrigins.join(',') } : {}),
    ...(options.cimd === false ? { CIMD_ENABLED: 'false' } : {}),
  };
}
