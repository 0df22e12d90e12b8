import type { Node } from 'constructs';

/**
 * Typed CDK context of the app. Every key can be set in `cdk.json` or per command with
 * `-c key=value` (for example `npx cdk deploy --all -c stage=prod -c retainData=true`).
 * Values given on the command line arrive as strings; lists accept a JSON array or a
 * comma-separated string. Invalid values fail the synth with a message naming the key.
 */
export interface AppConfig {
  /**
   * Deployment stage; part of every stack name, so stages can live side by side in one account.
   * Lowercase letters, digits and hyphens.
   * @default 'dev'
   */
  readonly stage: string;
  /**
   * Cognito managed login domain prefix (`<prefix>.auth.<region>.amazoncognito.com`).
   * Must be unique per region across all AWS accounts, lowercase letters, digits and hyphens,
   * and must not contain `aws`, `amazon` or `cognito`.
   * @default - `mcp-auth-<stage>-<account id>`, resolved at deploy time
   */
  readonly domainPrefix?: string;
  /**
   * Callback URLs of the static app client (exact match, port included).
   * @default ['http://localhost:8090/callback', 'http://127.0.0.1:8090/callback']
   */
  readonly callbackUrls: readonly string[];
  /**
   * Sign-out URLs of the static app client.
   * @default ['http://localhost:8090/']
   */
  readonly logoutUrls: readonly string[];
  /**
   * Name of the resource server's read scope; the full scope is `<MCP URL>/<name>`.
   * @default 'read'
   */
  readonly scopeRead: string;
  /**
   * Name of the resource server's write scope.
   * @default 'write'
   */
  readonly scopeWrite: string;
  /**
   * Access token validity of the static client and of clients created by the bridge (5–1440).
   * @default 60
   */
  readonly accessTokenValidityMinutes: number;
  /**
   * ID token validity, same range as access tokens.
   * @default 60
   */
  readonly idTokenValidityMinutes: number;
  /**
   * Refresh token validity (1–3650).
   * @default 30
   */
  readonly refreshTokenValidityDays: number;
  /**
   * Grace period during which a rotated refresh token still works (0–60), for retried requests.
   * Applies to the static client and to every client the registration bridge creates
   * (facade env `REFRESH_TOKEN_ROTATION_GRACE_SECONDS`). With 0, two refreshes that overlap (a
   * client retrying after a lost response, two windows of one app) log the user out: the second
   * presents a token the first has just rotated away. 30 s covers a retry after API Gateway's
   * 30 s integration timeout, and gives a stolen, already-rotated token no more than that.
   * A rotated refresh token keeps the original expiry: sessions end `refreshTokenValidityDays`
   * after the login, however active the user.
   * @default 30
   */
  readonly refreshTokenRotationGracePeriodSeconds: number;
  /**
   * Keep data when a stack is destroyed: RETAIN on the user pool, tables and log groups, plus
   * deletion protection on the user pool and tables. `false` makes `npm run destroy` remove everything.
   * @default false
   */
  readonly retainData: boolean;
  /**
   * Let anyone create an account on the managed login page. Off: administrators create users.
   * @default false
   */
  readonly selfSignUp: boolean;
  /**
   * Multi-factor authentication (TOTP authenticator apps): `off`, `optional` or `required`.
   * `required` makes the hosted login enroll an authenticator at the first sign-in. With
   * `optional`, the classic hosted UI never offers enrollment, and enrolling through the API
   * (AssociateSoftwareToken) needs an access token with the `aws.cognito.signin.user.admin`
   * scope, which no client of this stack gets: only an app of your own, outside this stack, can
   * enroll users, so `optional` synthesizes with a warning. Off by default so that the default
   * does not look like MFA while protecting nobody; use `required` in production.
   * @default 'off'
   */
  readonly mfa: 'off' | 'optional' | 'required';
  /**
   * Dynamic client registration: `open` (anyone, rate limited), `token` (RFC 7591 initial access
   * token, see `initialAccessTokenSha256`) or `closed`.
   * @default 'open'
   */
  readonly registrationMode: 'open' | 'token' | 'closed';
  /**
   * Hex SHA-256 of the initial access token; required when `registrationMode` is `token`.
   * Only the hash is deployed: `printf %s "$TOKEN" | sha256sum`.
   * @default - none
   */
  readonly initialAccessTokenSha256?: string;
  /**
   * Registrations allowed per source IP per window.
   * @default 10
   */
  readonly registrationRateLimit: number;
  /**
   * Length of the registration rate-limit window.
   * @default 3600
   */
  readonly registrationRateWindowSeconds: number;
  /**
   * Redirect URIs allowed per registered client.
   * @default 10
   */
  readonly maxRedirectUris: number;
  /**
   * Browser origins allowed to call `/mcp` (the MCP server rejects other `Origin`s with 403).
   * @default [] (no browser origins; clients without an `Origin` header are unaffected)
   */
  readonly allowedOrigins: readonly string[];
  /**
   * Steady-state request rate per second of each HTTP API's `$default` stage.
   * @default 50
   */
  readonly throttleRateLimit: number;
  /**
   * Burst request limit of each HTTP API's `$default` stage.
   * @default 100
   */
  readonly throttleBurstLimit: number;
  /**
   * Retention of Lambda and API access log groups, in days (a CloudWatch Logs retention value).
   * @default 30
   */
  readonly logRetentionDays: number;
  /**
   * Handler log level: `debug`, `info`, `warn` or `error`.
   * @default 'info'
   */
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * PRM `resource_name` shown by clients.
   * @default 'MCP server'
   */
  readonly resourceName: string;
  /**
   * PRM `resource_documentation`: a page describing the MCP server (MCP env `RESOURCE_DOCUMENTATION`).
   * https only.
   * @default - none (not advertised)
   */
  readonly resourceDocumentation?: string;
  /**
   * Reject access tokens without an `aud` claim (MCP env `REQUIRE_AUDIENCE`). Cognito puts the
   * resource URL in `aud` only when the client asked for it (RFC 8707 `resource`), so `true`
   * turns away clients that do not send `resource`.
   * @default false
   */
  readonly requireAudience: boolean;
  /**
   * Verify access tokens of this OIDC issuer instead of the Cognito user pool (MCP env
   * `TOKEN_ISSUER`), exactly as it appears in the tokens' `iss`. https only. Usually combined with
   * `clientCheck=none`: the registrations table knows only clients of this stack's bridge.
   * @default - the Cognito user pool's issuer
   */
  readonly tokenIssuer?: string;
  /**
   * JWKS of `tokenIssuer` (MCP env `TOKEN_JWKS_URI`); only together with `tokenIssuer`. https only.
   * @default - `<tokenIssuer>/.well-known/jwks.json`
   */
  readonly tokenJwksUri?: string;
  /**
   * An extra accepted `aud` value, besides the MCP URL (MCP env `TOKEN_AUDIENCE`); only together
   * with `tokenIssuer`, for issuers that cannot put the MCP URL in `aud`.
   * @default - none (only the MCP URL)
   */
  readonly tokenAudience?: string;
  /**
   * Client liveness check of the MCP server (MCP env `CLIENT_CHECK`): `registrations` accepts a
   * token only while its client is the static client or still registered with the bridge (one
   * cached `GetItem`); `none` skips the lookup, for tokens of another issuer (`tokenIssuer`).
   * @default 'registrations'
   */
  readonly clientCheck: 'registrations' | 'none';
  /**
   * How long the MCP server caches a registration's liveness (0–86400); a deleted client's tokens
   * stop working within this (MCP env `CLIENT_CHECK_TTL_SECONDS`).
   * @default 60
   */
  readonly clientCheckTtlSeconds: number;
  /**
   * The registration sweeper deletes a DCR registration (Cognito app client and record) once its
   * client has not used a token at `/mcp` for this many days (0–3650). `0` disables the sweeper:
   * no function and no schedule are deployed.
   * @default 90
   */
  readonly registrationIdleDays: number;
  /**
   * The sweeper deletes a registration that never used a token (its login never completed) once
   * it is this many hours old (1 to `registrationIdleDays` × 24).
   * @default 24
   */
  readonly registrationUnusedHours: number;
  /**
   * Machine clients (facade and MCP env `MACHINE_CLIENTS`): `true` lets `client_credentials`
   * registrations through (in `token` registration mode only) and lets `/mcp` accept tokens that
   * name no user. Off: every token at `/mcp` belongs to a user who logged in.
   * @default false
   */
  readonly machineClients: boolean;
  /**
   * Most Cognito app clients this system creates for open registrations and CIMD clients,
   * counted pool-wide (facade env `REGISTRATION_POOL_BUDGET`); `token`-mode registrations may go
   * beyond it up to the pool's quota. Must stay below `appClientQuota`.
   * @default 500
   */
  readonly registrationPoolBudget: number;
  /**
   * The user pool's quota of app clients (Cognito's default is 1,000 per pool; raise it here after
   * a quota increase). The alarm on the pool's app-client count fires at 80% of it.
   * @default 1000
   */
  readonly appClientQuota: number;
  /**
   * How long an Allow on the consent page is remembered per client and browser (facade env
   * `CONSENT_REMEMBER_SECONDS`, 0–31,536,000); 0 asks on every authorization.
   * @default 0
   */
  readonly consentRememberSeconds: number;
  /**
   * Accept Client ID Metadata Documents (facade env `CIMD_ENABLED`; only in `open` registration
   * mode). Turn it off when the facade cannot reach the internet: clients then register instead.
   * @default true
   */
  readonly cimd: boolean;
  /**
   * An e-mail address subscribed to the alarm topic (SNS sends a confirmation mail first).
   * @default - none (the topic has no subscription; subscribe later in the console)
   */
  readonly alarmEmail?: string;
}

/** Defaults of every context key that has one; `cdk.json` repeats the ones users edit most. */
export const DEFAULT_CONFIG: AppConfig = Object.freeze({
  stage: 'dev',
  callbackUrls: ['http://localhost:8090/callback', 'http://127.0.0.1:8090/callback'],
  logoutUrls: ['http://localhost:8090/'],
  scopeRead: 'read',
  scopeWrite: 'write',
  accessTokenValidityMinutes: 60,
  idTokenValidityMinutes: 60,
  refreshTokenValidityDays: 30,
  refreshTokenRotationGracePeriodSeconds: 30,
  retainData: false,
  selfSignUp: false,
  mfa: 'off',
  registrationMode: 'open',
  registrationRateLimit: 10,
  registrationRateWindowSeconds: 3600,
  maxRedirectUris: 10,
  allowedOrigins: [],
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  logRetentionDays: 30,
  logLevel: 'info',
  resourceName: 'MCP server',
  requireAudience: false,
  clientCheck: 'registrations',
  clientCheckTtlSeconds: 60,
  registrationIdleDays: 90,
  registrationUnusedHours: 24,
  machineClients: false,
  registrationPoolBudget: 500,
  appClientQuota: 1000,
  consentRememberSeconds: 0,
  cimd: true,
});

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export class ConfigError extends Error {}

type Context = (key: string) => unknown;

/** Reads and validates the app's context from a construct node (the App). */
export function loadConfig(node: Pick<Node, 'tryGetContext'>): AppConfig {
  return parseConfig((key) => node.tryGetContext(key));
}

/** Validates raw context values; exported for tests. */
export function parseConfig(get: Context): AppConfig {
  const d = DEFAULT_CONFIG;
  const config: AppConfig = {
    stage: text(get, 'stage', d.stage, /^[a-z][a-z0-9-]{0,19}$/),
    domainPrefix: optionalText(get, 'domainPrefix', /^(?!.*(aws|amazon|cognito))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/),
    callbackUrls: urls(get, 'callbackUrls', d.callbackUrls),
    logoutUrls: urls(get, 'logoutUrls', d.logoutUrls),
    scopeRead: text(get, 'scopeRead', d.scopeRead, SCOPE_NAME),
    scopeWrite: text(get, 'scopeWrite', d.scopeWrite, SCOPE_NAME),
    accessTokenValidityMinutes: int(get, 'accessTokenValidityMinutes', d.accessTokenValidityMinutes, 5, 1440),
    idTokenValidityMinutes: int(get, 'idTokenValidityMinutes', d.idTokenValidityMinutes, 5, 1440),
    refreshTokenValidityDays: int(get, 'refreshTokenValidityDays', d.refreshTokenValidityDays, 1, 3650),
    refreshTokenRotationGracePeriodSeconds: int(get, 'refreshTokenRotationGracePeriodSeconds', d.refreshTokenRotationGracePeriodSeconds, 0, 60),
    retainData: bool(get, 'retainData', d.retainData),
    selfSignUp: bool(get, 'selfSignUp', d.selfSignUp),
    mfa: oneOf(get, 'mfa', d.mfa, ['off', 'optional', 'required'] as const),
    registrationMode: oneOf(get, 'registrationMode', d.registrationMode, ['open', 'token', 'closed'] as const),
    initialAccessTokenSha256: optionalText(get, 'initialAccessTokenSha256', /^[0-9a-f]{64}$/),
    registrationRateLimit: int(get, 'registrationRateLimit', d.registrationRateLimit, 1, 1_000_000),
    registrationRateWindowSeconds: int(get, 'registrationRateWindowSeconds', d.registrationRateWindowSeconds, 60, 86_400),
    maxRedirectUris: int(get, 'maxRedirectUris', d.maxRedirectUris, 1, 100),
    allowedOrigins: urls(get, 'allowedOrigins', d.allowedOrigins),
    throttleRateLimit: int(get, 'throttleRateLimit', d.throttleRateLimit, 1, 10_000),
    throttleBurstLimit: int(get, 'throttleBurstLimit', d.throttleBurstLimit, 1, 5_000),
    logRetentionDays: int(get, 'logRetentionDays', d.logRetentionDays, 1, 3653),
    logLevel: oneOf(get, 'logLevel', d.logLevel, ['debug', 'info', 'warn', 'error'] as const),
    resourceName: text(get, 'resourceName', d.resourceName, /^.{1,200}$/),
    resourceDocumentation: httpsUrl(get, 'resourceDocumentation'),
    requireAudience: bool(get, 'requireAudience', d.requireAudience),
    tokenIssuer: httpsUrl(get, 'tokenIssuer'),
    tokenJwksUri: httpsUrl(get, 'tokenJwksUri'),
    tokenAudience: optionalText(get, 'tokenAudience', /^\S{1,1024}$/),
    clientCheck: oneOf(get, 'clientCheck', d.clientCheck, ['registrations', 'none'] as const),
    clientCheckTtlSeconds: int(get, 'clientCheckTtlSeconds', d.clientCheckTtlSeconds, 0, 86_400),
    registrationIdleDays: int(get, 'registrationIdleDays', d.registrationIdleDays, 0, 3650),
    registrationUnusedHours: int(get, 'registrationUnusedHours', d.registrationUnusedHours, 1, 87_600),
    machineClients: bool(get, 'machineClients', d.machineClients),
    registrationPoolBudget: int(get, 'registrationPoolBudget', d.registrationPoolBudget, 1, 1_000_000),
    appClientQuota: int(get, 'appClientQuota', d.appClientQuota, 2, 1_000_000),
    consentRememberSeconds: int(get, 'consentRememberSeconds', d.consentRememberSeconds, 0, 31_536_000),
    cimd: bool(get, 'cimd', d.cimd),
    alarmEmail: optionalText(get, 'alarmEmail', /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/),
  };
  if (!LOG_RETENTION_DAYS.includes(config.logRetentionDays)) {
    throw new ConfigError(`logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}, got ${config.logRetentionDays}`);
  }
  if (config.registrationMode === 'token' && !config.initialAccessTokenSha256) {
    throw new ConfigError('registrationMode=token needs initialAccessTokenSha256 (hex SHA-256 of the initial access token)');
  }
  // A never-used registration is idle after registrationIdleDays anyway: a longer unused window would mean nothing.
  if (config.registrationIdleDays > 0 && config.registrationUnusedHours > config.registrationIdleDays * 24) {
    throw new ConfigError(
      `registrationUnusedHours (${config.registrationUnusedHours}) must not exceed registrationIdleDays × 24 (${config.registrationIdleDays * 24})`,
    );
  }
  // Open and CIMD registrations stop at the budget so that token-mode registrations keep headroom.
  if (config.registrationPoolBudget >= config.appClientQuota) {
    throw new ConfigError(
      `registrationPoolBudget (${config.registrationPoolBudget}) must be below appClientQuota (${config.appClientQuota}), leaving app clients for the static client and token-mode registrations`,
    );
  }
  // The sweeper judges registrations by lastUsedAt, which only the MCP server's registration
  // lookup writes: without it every registration looks never used and is deleted.
  if (config.clientCheck === 'none' && config.registrationIdleDays > 0) {
    throw new ConfigError(
      `clientCheck=none never records a registration's last use, so the registration sweeper would delete every registration registrationUnusedHours (${config.registrationUnusedHours}) after it is made: set registrationIdleDays=0 (no sweeper) or clientCheck=registrations`,
    );
  }
  if (config.scopeRead === config.scopeWrite) throw new ConfigError('scopeRead and scopeWrite must differ');
  for (const key of ['tokenJwksUri', 'tokenAudience'] as const) {
    if (config[key] !== undefined && config.tokenIssuer === undefined) {
      throw new ConfigError(`${key} applies only to another token issuer: set tokenIssuer too (or drop ${key})`);
    }
  }
  return Object.freeze(config);
}

// Cognito custom scope names: no spaces, quotes or backslashes.
const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;

function raw(get: Context, key: string): unknown {
  const value = get(key);
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

function text(get: Context, key: string, fallback: string, pattern: RegExp): string {
  return optionalText(get, key, pattern) ?? fallback;
}

function optionalText(get: Context, key: string, pattern: RegExp): string | undefined {
  const value = raw(get, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ConfigError(`Context ${key} must match ${pattern}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function int(get: Context, key: string, fallback: number, min: number, max: number): number {
  const value = raw(get, key);
  if (value === undefined || value === null) return fallback;
  const parsed = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`Context ${key} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function bool(get: Context, key: string, fallback: boolean): boolean {
  const value = raw(get, key);
  if (value === undefined || value === null) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ConfigError(`Context ${key} must be true or false, got ${JSON.stringify(value)}`);
}

function oneOf<T extends string>(get: Context, key: string, fallback: T, allowed: readonly T[]): T {
  const value = raw(get, key);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`Context ${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function list(get: Context, key: string, fallback: readonly string[]): readonly string[] {
  const value = raw(get, key);
  if (value === undefined || value === null) return fallback;
  let items: unknown = value;
  if (typeof value === 'string') {
    items = value.trim().startsWith('[') ? JSON.parse(value) : value.split(',').map((s) => s.trim()).filter(Boolean);
  }
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    throw new ConfigError(`Context ${key} must be a list of strings, got ${JSON.stringify(value)}`);
  }
  return items;
}

/** An optional absolute https URL without query or fragment (issuers, JWKS, documentation). */
function httpsUrl(get: Context, key: string): string | undefined {
  const value = raw(get, key);
  if (value === undefined || value === null) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.protocol !== 'https:' || parsed.search || parsed.hash || /\s/.test(value as string)) {
    throw new ConfigError(`Context ${key} must be an https URL without query or fragment, got ${JSON.stringify(value)}`);
  }
  return value as string;
}

/** https URLs, or http on loopback hosts only (Cognito's rule for callback URLs); custom schemes pass. */
function urls(get: Context, key: string, fallback: readonly string[]): readonly string[] {
  const items = list(get, key, fallback);
  for (const item of items) {
    let parsed: URL;
    try {
      parsed = new URL(item);
    } catch {
      throw new ConfigError(`Context ${key} holds an invalid URL: ${JSON.stringify(item)}`);
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
    if (parsed.protocol === 'http:' && !loopback) {
      throw new ConfigError(`Context ${key}: http is allowed only on localhost, 127.0.0.1 or [::1]: ${item}`);
    }
  }
  return items;
}
