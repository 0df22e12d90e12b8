import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BrokerSigningKey } from './broker-signing-key';
import { HandlerFunction } from './handler-function';
import { HANDLER_ENTRIES } from '../lambda-bundling';

/** Handler entry, per docs/contracts.md. */
export const OAUTH_HANDLER_ENTRY = HANDLER_ENTRIES.oauth;

const { GET, POST, PUT, DELETE, OPTIONS } = apigwv2.HttpMethod;

/**
 * Why a facade route has no API Gateway authorizer (cdk-nag AwsSolutions-APIG4): metadata is
 * public by definition, and registration is guarded in the handler, which must answer with RFC
 * 7591/7592 error bodies that an authorizer cannot produce.
 */
const PUBLIC_METADATA = 'RFC 8414 / OIDC discovery metadata is public by definition: clients read it before they have any credential.';
const OPEN_REGISTRATION =
  'RFC 7591 registration happens before a client has credentials; the handler enforces REGISTRATION_MODE (open, initial access token, closed) and a per-IP rate limit, and answers RFC 7591 errors.';
const PREFLIGHT =
  'CORS preflight requests never carry credentials (Fetch standard); browser-based MCP clients send them before discovery and registration.';
const AUTHORIZATION_ENDPOINT =
  'RFC 6749 §3.1: the authorization endpoint is opened by the user\'s browser, which holds no credential for it; the handler checks the client, the exact redirect URI, PKCE S256 and the resource before anything else, and shows its own consent page before sending the browser to Cognito\'s login.';
const CONSENT =
  'The consent form is posted by the user\'s browser: the handler checks its CSRF token and the signed cookie that binds the flow to that browser, which an API Gateway authorizer cannot do.';
const CALLBACK =
  'Cognito redirects the browser here after login: the handler accepts the single-use upstream state only together with the signed browser-binding cookie, and then answers the client with a one-time code and RFC 9207 iss.';
const TOKEN_ENDPOINT =
  'RFC 6749 §3.2: clients authenticate in the request itself (one-time code with its PKCE verifier, refresh token, or client secret that Cognito checks); the handler must answer RFC 6749 §5.2 error bodies that an authorizer cannot produce.';
const REVOCATION_ENDPOINT =
  'RFC 7009 §2.1: the client authenticates in the request and the token to revoke is the credential; the handler passes it to Cognito\'s revocation endpoint, which checks both.';
const CLIENT_MANAGEMENT =
  'RFC 7592 client management is authorized by the registration access token, which the handler compares with the SHA-256 hash stored with the registration; a generic authorizer cannot do that check.';

/**
 * Routes of the facade; one function serves them all and routes on path and method itself.
 * Every path also has OPTIONS: the handler answers CORS preflights for browser-based clients.
 */
export const AUTHORIZATION_SERVER_ROUTES: ReadonlyArray<{ method: apigwv2.HttpMethod; path: string; whyPublic: string }> = [
  { method: GET, path: '/.well-known/oauth-authorization-server', whyPublic: PUBLIC_METADATA }, // RFC 8414 (no OIDC discovery document: docs/authorization.md)
  { method: POST, path: '/register', whyPublic: OPEN_REGISTRATION }, // RFC 7591
  { method: GET, path: '/register/{client_id}', whyPublic: CLIENT_MANAGEMENT }, // RFC 7592 read
  { method: PUT, path: '/register/{client_id}', whyPublic: CLIENT_MANAGEMENT }, // RFC 7592 update
  { method: DELETE, path: '/register/{client_id}', whyPublic: CLIENT_MANAGEMENT }, // RFC 7592 delete
  { method: GET, path: '/authorize', whyPublic: AUTHORIZATION_ENDPOINT }, // broker: RFC 6749 §4.1.1
  { method: POST, path: '/consent', whyPublic: CONSENT }, // broker: the consent page's form
  { method: GET, path: '/callback', whyPublic: CALLBACK }, // broker: Cognito's redirect after login
  { method: POST, path: '/token', whyPublic: TOKEN_ENDPOINT }, // broker: RFC 6749 §3.2
  { method: POST, path: '/revoke', whyPublic: REVOCATION_ENDPOINT }, // broker: RFC 7009
  { method: OPTIONS, path: '/.well-known/oauth-authorization-server', whyPublic: PREFLIGHT },
  { method: OPTIONS, path: '/register', whyPublic: PREFLIGHT },
  { method: OPTIONS, path: '/register/{client_id}', whyPublic: PREFLIGHT },
  { method: OPTIONS, path: '/token', whyPublic: PREFLIGHT },
  { method: OPTIONS, path: '/revoke', whyPublic: PREFLIGHT },
];

/**
 * The Cognito calls the registration bridge makes, on its own user pool only (CIMD provisioning
 * creates, updates, describes and deletes app clients with the same calls).
 */
const BRIDGE_COGNITO_ACTIONS = [
  'cognito-idp:CreateUserPoolClient',
  'cognito-idp:UpdateUserPoolClient',
  'cognito-idp:DeleteUserPoolClient',
  'cognito-idp:DescribeUserPoolClient',
];

export interface AuthorizationServerProps {
  /** The function's explicit name (lib/stacks/names.ts). */
  readonly functionName: string;
  /** The facade's HTTP API (its `$default` stage URL is the issuer). */
  readonly httpApi: apigwv2.IHttpApi;
  /** RFC 8414 `issuer`: the HTTP API URL, no trailing slash. */
  readonly issuerUrl: string;
  readonly userPool: cognito.IUserPool;
  /** The static first-party app client (`STATIC_CLIENT_ID`). */
  readonly staticClientId: string;
  /** Redirect URIs the broker accepts for the static client (`STATIC_CLIENT_REDIRECT_URIS`). */
  readonly staticClientRedirectUris: readonly string[];
  /** Managed login base URL (authorize, token and revoke endpoints live under it). */
  readonly cognitoDomainUrl: string;
  readonly registrationsTable: dynamodb.ITable;
  /** Canonical MCP URL (Cognito resource server identifier). */
  readonly resourceUrl: string;
  /** Full scope strings of the resource server. */
  readonly readScope: string;
  readonly writeScope: string;
  readonly registrationMode: 'open' | 'token' | 'closed';
  /** @default - none (only with registrationMode `token`) */
  readonly initialAccessTokenSha256?: string;
  readonly registrationRateLimit: number;
  readonly registrationRateWindowSeconds: number;
  readonly maxRedirectUris: number;
  /** Validities given to the clients the bridge creates. */
  readonly accessTokenValidityMinutes: number;
  readonly idTokenValidityMinutes: number;
  readonly refreshTokenValidityDays: number;
  /** Refresh token rotation grace period (0–60 s) given to the clients the bridge creates. */
  readonly refreshTokenRotationGraceSeconds: number;
  /** `client_credentials` registrations allowed (token mode only). */
  readonly machineClients: boolean;
  /** App clients open and CIMD registrations may create pool-wide. */
  readonly registrationPoolBudget: number;
  /** Seconds an Allow is remembered per client and browser; 0 asks every time. */
  readonly consentRememberSeconds: number;
  /** Client ID Metadata Documents accepted (open registration mode only). */
  readonly cimd: boolean;
  readonly logLevel: string;
  readonly logRetentionDays: number;
  readonly retainData: boolean;
}

/**
 * The authorization-server facade and DCR bridge: RFC 8414 metadata pointing at Cognito's managed
 * login, and RFC 7591/7592 registration that creates one Cognito app client per registration.
 */
export class AuthorizationServer extends Construct {
  public readonly handler: HandlerFunction;
  public readonly routes: apigwv2.HttpRoute[];
  /** The broker's HMAC key for consent cookies and CSRF tokens. */
  public readonly signingKey: BrokerSigningKey;

  constructor(scope: Construct, id: string, props: AuthorizationServerProps) {
    super(scope, id);

    const environment: Record<string, string> = {
      USER_POOL_ID: props.userPool.userPoolId,
      REGISTRATIONS_TABLE: props.registrationsTable.tableName,
      RESOURCE_URL: props.resourceUrl,
      LOG_LEVEL: props.logLevel,
      ISSUER_URL: props.issuerUrl,
      COGNITO_DOMAIN_URL: props.cognitoDomainUrl,
      JWKS_URI: `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${props.userPool.userPoolId}/.well-known/jwks.json`,
      ALLOWED_SCOPES: [props.readScope, props.writeScope, 'openid', 'email', 'profile'].join(' '),
      DEFAULT_SCOPES: props.readScope,
      REGISTRATION_MODE: props.registrationMode,
      REGISTRATION_RATE_LIMIT: String(props.registrationRateLimit),
      REGISTRATION_RATE_WINDOW_SECONDS: String(props.registrationRateWindowSeconds),
      MAX_REDIRECT_URIS: String(props.maxRedirectUris),
      ACCESS_TOKEN_VALIDITY_MINUTES: String(props.accessTokenValidityMinutes),
      ID_TOKEN_VALIDITY_MINUTES: String(props.idTokenValidityMinutes),
      REFRESH_TOKEN_VALIDITY_DAYS: String(props.refreshTokenValidityDays),
      REFRESH_TOKEN_ROTATION_GRACE_SECONDS: String(props.refreshTokenRotationGraceSeconds),
      STATIC_CLIENT_ID: props.staticClientId,
      STATIC_CLIENT_REDIRECT_URIS: props.staticClientRedirectUris.join(' '),
      MACHINE_CLIENTS: String(props.machineClients),
      REGISTRATION_POOL_BUDGET: String(props.registrationPoolBudget),
      CONSENT_REMEMBER_SECONDS: String(props.consentRememberSeconds),
      CIMD_ENABLED: String(props.cimd),
    };
    if (props.initialAccessTokenSha256) environment.INITIAL_ACCESS_TOKEN_SHA256 = props.initialAccessTokenSha256;

    this.signingKey = new BrokerSigningKey(this, 'BrokerSigningKey', { retainData: props.retainData });
    environment.BROKER_SIGNING_KEY_SECRET_ARN = this.signingKey.secret.secretArn;

    this.handler = new HandlerFunction(this, 'Handler', {
      functionName: props.functionName,
      entry: OAUTH_HANDLER_ENTRY,
      description: 'MCP authorization-server facade and dynamic client registration bridge',
      environment,
      memorySize: 512,
      // Cognito client calls are throttled at 5/s per pool; leave room for the SDK's retries.
      timeout: Duration.seconds(15),
      logRetentionDays: props.logRetentionDays,
      retainData: props.retainData,
    });

    const role = this.handler.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: BRIDGE_COGNITO_ACTIONS, resources: [props.userPool.userPoolArn] }),
    );
    // The broker reads its HMAC key once per container; nothing else of Secrets Manager.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.signingKey.secret.secretArn] }),
    );
    // Registrations and rate-limit counters: get, conditional put, update, delete.
    props.registrationsTable.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');

    // One invoke permission for the whole API instead of one per route: every route of this API
    // goes to this function anyway, and it keeps the function's resource policy small.
    const integration = new HttpLambdaIntegration('Integration', this.handler.function, { scopePermissionToRoute: false });
    this.routes = AUTHORIZATION_SERVER_ROUTES.map(({ method, path, whyPublic }) => {
      const route = new apigwv2.HttpRoute(this, `Route${method}${path.replace(/[^A-Za-z0-9]/g, '')}`, {
        httpApi: props.httpApi,
        routeKey: apigwv2.HttpRouteKey.with(path, method),
        integration,
      });
      Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: whyPublic });
      return route;
    });
  }
}
