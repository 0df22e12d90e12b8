/**
 * Creates, idempotently, what the local stack needs in cognito-local: the user pool, the static
 * app client, the internal login client and the demo user. Ids are kept in `<stateDir>/stack.json`
 * so a second start reuses them; anything missing is created again.
 */
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolsCommand,
  UpdateUserPoolClientCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Pool name in cognito-local. */
export const LOCAL_POOL_NAME = 'mcp-local';
/**
 * The static (first-party) client's redirect URIs, held by the broker (`STATIC_CLIENT_REDIRECT_URIS`):
 * a fixed loopback port (any port works, RFC 8252 §7.3), both spellings of loopback.
 */
export const STATIC_CLIENT_CALLBACKS = ['http://127.0.0.1:8765/callback', 'http://localhost:8765/callback'] as const;
const STATE_FILE = 'stack.json';

export interface CognitoIds {
  readonly userPoolId: string;
  readonly staticClientId: string;
  readonly loginClientId: string;
}

function isNotFound(err: unknown): boolean {
  return ['ResourceNotFoundException', 'UserNotFoundException'].includes((err as Error).name);
}

async function ensurePool(cognito: CognitoIdentityProviderClient, saved?: string): Promise<string> {
  if (saved) {
    try {
      await cognito.send(new DescribeUserPoolCommand({ UserPoolId: saved }));
      return saved;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  const found = pools.UserPools?.find((p) => p.Name === LOCAL_POOL_NAME)?.Id;
  if (found) return found;
  const created = await cognito.send(new CreateUserPoolCommand({ PoolName: LOCAL_POOL_NAME }));
  return created.UserPool!.Id!;
}

async function clientExists(cognito: CognitoIdentityProviderClient, userPoolId: string, clientId?: string): Promise<boolean> {
  if (!clientId) return false;
  try {
    await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * The static client as the CDK stack defines it: public, code flow only, the resource's scopes
 * plus `openid email profile`. Updated on every start, because the scopes name the MCP URL and
 * so change with the port.
 */
async function ensureStaticClient(cognito: CognitoIdentityProviderClient, userPoolId: string, scopes: readonly string[], callbackUrl: string, saved?: string): Promise<string> {
  const settings = {
    AllowedOAuthFlows: ['code' as const],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: [...scopes],
    // As every app client: the broker's /callback only; the broker holds the client's redirect URIs.
    CallbackURLs: [callbackUrl],
    SupportedIdentityProviders: ['COGNITO'],
    ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH' as const],
  };
  if (await clientExists(cognito, userPoolId, saved)) {
    await cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: saved!, ClientName: 'mcp-local-static', ...settings }));
    return saved!;
  }
  const created = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'mcp-local-static', GenerateSecret: false, ...settings }));
  return created.UserPoolClient!.ClientId!;
}

async function ensureLoginClient(cognito: CognitoIdentityProviderClient, userPoolId: string, saved?: string): Promise<string> {
  if (await clientExists(cognito, userPoolId, saved)) return saved!;
  const created = await cognito.send(
    new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'mcp-local-login', GenerateSecret: false, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }),
  );
  return created.UserPoolClient!.ClientId!;
}

/** Creates the user if missing and sets the password (permanent) every time, so a changed password takes effect. */
export async function ensureUser(cognito: CognitoIdentityProviderClient, userPoolId: string, username: string, password: string): Promise<void> {
  try {
    await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const attributes = username.includes('@') ? [{ Name: 'email', Value: username }, { Name: 'email_verified', Value: 'true' }] : [];
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: attributes }));
  }
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: true }));
}

export async function bootstrapCognito(
  cognito: CognitoIdentityProviderClient,
  options: { stateDir: string; scopes: readonly string[]; username: string; password: string; brokerCallbackUrl: string },
): Promise<CognitoIds> {
  const file = join(options.stateDir, STATE_FILE);
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<CognitoIds>) : {};
  const userPoolId = await ensurePool(cognito, saved.userPoolId);
  const samePool = userPoolId === saved.userPoolId;
  const ids: CognitoIds = {
    userPoolId,
    staticClientId: await ensureStaticClient(cognito, userPoolId, options.scopes, options.brokerCallbackUrl, samePool ? saved.staticClientId : undefined),
    loginClientId: await ensureLoginClient(cognito, userPoolId, samePool ? saved.loginClientId : undefined),
  };
  await ensureUser(cognito, userPoolId, options.username, options.password);
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(ids, null, 2)}\n`, { mode: 0o600 });
  return ids;
}
