import { Annotations, Duration, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { HandlerFunction } from './handler-function';
import { HANDLER_ENTRIES } from '../lambda-bundling';

/** Handler entry, per docs/contracts.md. */
export const MCP_HANDLER_ENTRY = HANDLER_ENTRIES.mcp;

const { GET, POST, DELETE, OPTIONS } = apigwv2.HttpMethod;

/**
 * Why an MCP route has no API Gateway authorizer (cdk-nag AwsSolutions-APIG4): `/mcp` verifies the
 * bearer token in the function, because an unauthorized request must get 401 with
 * `WWW-Authenticate: Bearer resource_metadata=...` (RFC 9728 §5.1), 403 must name the missing
 * scopes, and the token's audience and client liveness must be checked: a JWT authorizer does none.
 */
const BEARER_IN_HANDLER =
  'The handler verifies the Cognito access token (signature, issuer, expiry, token_use, audience, scopes, client still registered) and answers the RFC 9728 401 challenge that MCP clients need for discovery; an API Gateway JWT authorizer cannot send that challenge.';
const PUBLIC_METADATA = 'RFC 9728 protected resource metadata is public by definition: clients read it to find the authorization server.';
const PREFLIGHT = 'CORS preflight requests never carry credentials (Fetch standard); the handler answers them from ALLOWED_ORIGINS.';

/** The notes-table calls of lambda/mcp/notes-store.ts. */
export const NOTES_ACTIONS = ['dynamodb:PutItem', 'dynamodb:Query'] as const;

/** The registration attributes the liveness check reads and writes (lambda/mcp/client-liveness.ts). */
export const LIVENESS_ATTRIBUTES = ['pk', 'lastUsedAt'] as const;

/**
 * The MCP role's access to the registrations table: the liveness check's GetItem (with
 * `ProjectionExpression: 'pk, lastUsedAt'`) and its `SET lastUsedAt` UpdateItem, on those two
 * attributes only. `ForAllValues:StringEquals` on `dynamodb:Attributes` limits the attributes a
 * request may name (projection, update and condition expressions); `dynamodb:Select` must be
 * SPECIFIC_ATTRIBUTES where present, so a read without a projection (all attributes: the token
 * hash, the client metadata) is refused; `dynamodb:ReturnValues` may not ask for whole items back.
 * A GetItem must therefore always carry a projection naming only these attributes.
 */
export function registrationLivenessStatement(tableArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    resources: [tableArn],
    conditions: {
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...LIVENESS_ATTRIBUTES] },
      StringEqualsIfExists: {
        'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
        'dynamodb:ReturnValues': ['NONE', 'UPDATED_NEW'],
      },
    },
  });
}

/** Routes of the MCP server; one function serves them all and routes on path and method itself. */
export const MCP_SERVER_ROUTES: ReadonlyArray<{ method: apigwv2.HttpMethod; path: string; whyPublic: string }> = [
  { method: POST, path: '/mcp', whyPublic: BEARER_IN_HANDLER }, // Streamable HTTP
  { method: GET, path: '/mcp', whyPublic: BEARER_IN_HANDLER }, // answers 405: a Lambda cannot hold an SSE stream
  { method: DELETE, path: '/mcp', whyPublic: BEARER_IN_HANDLER }, // answers 405: stateless, no sessions to end
  { method: OPTIONS, path: '/mcp', whyPublic: PREFLIGHT }, // for browser origins in ALLOWED_ORIGINS
  { method: GET, path: '/.well-known/oauth-protected-resource', whyPublic: PUBLIC_METADATA }, // RFC 9728 §3
  { method: OPTIONS, path: '/.well-known/oauth-protected-resource', whyPublic: PREFLIGHT },
  { method: GET, path: '/.well-known/oauth-protected-resource/mcp', whyPublic: PUBLIC_METADATA }, // RFC 9728 §3.1 path-suffixed
  { method: OPTIONS, path: '/.well-known/oauth-protected-resource/mcp', whyPublic: PREFLIGHT },
];

export interface McpServerProps {
  /** The function's explicit name (lib/stacks/names.ts). */
  readonly functionName: string;
  /** The MCP server's HTTP API. */
  readonly httpApi: apigwv2.IHttpApi;
  /** Canonical MCP URL: PRM `resource`, and the audience tokens must carry. */
  readonly resourceUrl: string;
  /** The facade's issuer: PRM `authorization_servers[0]`. */
  readonly authorizationServerUrl: string;
  readonly userPoolId: string;
  readonly staticClientId: string;
  /** Registrations table: GetItem to check that a token's client still exists, UpdateItem of `lastUsedAt` only. */
  readonly registrationsTable: dynamodb.ITable;
  readonly notesTable: dynamodb.ITable;
  /** Full scope strings of the resource server. */
  readonly readScope: string;
  readonly writeScope: string;
  /** Browser origins allowed to call `/mcp`. */
  readonly allowedOrigins: readonly string[];
  readonly resourceName: string;
  /** PRM `resource_documentation`. @default - none */
  readonly resourceDocumentation?: string;
  /** Reject tokens without `aud`. */
  readonly requireAudience: boolean;
  /** Verify tokens of this issuer instead of the Cognito pool. @default - the user pool's issuer */
  readonly tokenIssuer?: string;
  /** JWKS of `tokenIssuer`. @default - the handler's `<tokenIssuer>/.well-known/jwks.json` */
  readonly tokenJwksUri?: string;
  /** Extra accepted `aud` value. @default - none */
  readonly tokenAudience?: string;
  /** `registrations`: the token's client must be the static client or still registered; `none`: no lookup. */
  readonly clientCheck: 'registrations' | 'none';
  /** How long a registration's liveness is cached. */
  readonly clientCheckTtlSeconds: number;
  /** Accept tokens that name no user (client_credentials). */
  readonly machineClients: boolean;
  readonly logLevel: string;
  readonly logRetentionDays: number;
  readonly retainData: boolean;
}

/** The MCP resource server: Streamable HTTP (stateless, JSON), Protected Resource Metadata, example tools. */
export class McpServer extends Construct {
  public readonly handler: HandlerFunction;
  public readonly routes: apigwv2.HttpRoute[];

  constructor(scope: Construct, id: string, props: McpServerProps) {
    super(scope, id);

    const environment: Record<string, string> = {
      USER_POOL_ID: props.userPoolId,
      REGISTRATIONS_TABLE: props.registrationsTable.tableName,
      RESOURCE_URL: props.resourceUrl,
      LOG_LEVEL: props.logLevel,
      AUTHORIZATION_SERVER_URL: props.authorizationServerUrl,
      STATIC_CLIENT_ID: props.staticClientId,
      NOTES_TABLE: props.notesTable.tableName,
      SCOPE_READ: props.readScope,
      SCOPE_WRITE: props.writeScope,
      RESOURCE_NAME: props.resourceName,
      REQUIRE_AUDIENCE: String(props.requireAudience),
      CLIENT_CHECK: props.clientCheck,
      CLIENT_CHECK_TTL_SECONDS: String(props.clientCheckTtlSeconds),
      MACHINE_CLIENTS: String(props.machineClients),
    };
    // Optional variables only when configured: the handler's defaults apply otherwise.
    const optionalEnvironment: Record<string, string | undefined> = {
      ALLOWED_ORIGINS: props.allowedOrigins.length > 0 ? props.allowedOrigins.join(',') : undefined,
      RESOURCE_DOCUMENTATION: props.resourceDocumentation,
      TOKEN_ISSUER: props.tokenIssuer,
      TOKEN_JWKS_URI: props.tokenJwksUri,
      TOKEN_AUDIENCE: props.tokenAudience,
    };
    for (const [name, value] of Object.entries(optionalEnvironment)) {
      if (value) environment[name] = value;
    }

    this.handler = new HandlerFunction(this, 'Handler', {
      functionName: props.functionName,
      entry: MCP_HANDLER_ENTRY,
      description: 'MCP resource server (Streamable HTTP, RFC 9728 metadata, bearer token verification)',
      environment,
      memorySize: 1024,
      timeout: Duration.seconds(29),
      logRetentionDays: props.logRetentionDays,
      retainData: props.retainData,
    });
    if (props.clientCheck === 'registrations') {
      this.handler.role.addToPrincipalPolicy(registrationLivenessStatement(props.registrationsTable.tableArn));
      if (props.tokenIssuer) {
        Annotations.of(this).addWarningV2(
          'mcp-auth:clientCheckWithTokenIssuer',
          'tokenIssuer is set but clientCheck is registrations: tokens are accepted only for the static client and clients registered through this stack. Set clientCheck=none for clients of another issuer.',
        );
      }
    }
    // What lambda/mcp/notes-store.ts calls: PutItem (notes_add) and Query (notes_list), nothing else.
    props.notesTable.grant(this.handler.role, ...NOTES_ACTIONS);

    // One invoke permission for the whole API instead of one per route: every route of this API
    // goes to this function anyway, and it keeps the function's resource policy small.
    const integration = new HttpLambdaIntegration('Integration', this.handler.function, { scopePermissionToRoute: false });
    this.routes = MCP_SERVER_ROUTES.map(({ method, path, whyPublic }) => {
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
