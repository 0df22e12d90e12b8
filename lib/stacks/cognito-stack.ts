import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config';
import { HttpEndpoint } from '../constructs/http-endpoint';
import { McpUserPool } from '../constructs/user-pool';

export interface CognitoStackProps extends StackProps {
  readonly config: AppConfig;
}

/**
 * Identity and the two public front doors. The HTTP APIs live here, without routes, because
 * their URLs are needed before their functions exist: the resource server identifier is the MCP
 * URL, the facade's function needs the MCP URL, and the MCP function needs the facade's URL.
 * With both URLs known here, the other stacks depend on this one and never on each other's URLs.
 */
export class CognitoStack extends Stack {
  public readonly auth: McpUserPool;
  /** The authorization-server facade's API; its URL is the OAuth issuer. */
  public readonly authApi: HttpEndpoint;
  /** The MCP server's API; `<url>/mcp` is the canonical resource URL. */
  public readonly mcpApi: HttpEndpoint;
  /** `<MCP API URL>/mcp`. */
  public readonly resourceUrl: string;

  constructor(scope: Construct, id: string, props: CognitoStackProps) {
    super(scope, id, props);
    const { config } = props;
    const endpointProps = {
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      logRetentionDays: config.logRetentionDays,
      retainData: config.retainData,
    };
    this.authApi = new HttpEndpoint(this, 'AuthorizationServerApi', {
      ...endpointProps,
      apiName: `mcp-auth-${config.stage}-authorization-server`,
      description: 'OAuth authorization-server facade: RFC 8414 metadata and dynamic client registration',
    });
    this.mcpApi = new HttpEndpoint(this, 'McpApi', {
      ...endpointProps,
      apiName: `mcp-auth-${config.stage}-mcp-server`,
      description: 'MCP resource server (Streamable HTTP) and its protected resource metadata',
    });
    this.resourceUrl = `${this.mcpApi.url}/mcp`;

    this.auth = new McpUserPool(this, 'Auth', {
      resourceUrl: this.resourceUrl,
      stage: config.stage,
      domainPrefix: config.domainPrefix,
      scopeRead: config.scopeRead,
      scopeWrite: config.scopeWrite,
      // The broker's callback (PLAN: BROKER_CALLBACK_URL = <ISSUER_URL>/callback); the old
      // client-facing callbackUrls are now the facade's STATIC_CLIENT_REDIRECT_URIS.
      brokerCallbackUrl: `${this.authApi.url}/callback`,
      logoutUrls: config.logoutUrls,
      accessTokenValidity: Duration.minutes(config.accessTokenValidityMinutes),
      idTokenValidity: Duration.minutes(config.idTokenValidityMinutes),
      refreshTokenValidity: Duration.days(config.refreshTokenValidityDays),
      refreshTokenRotationGracePeriod: Duration.seconds(config.refreshTokenRotationGracePeriodSeconds),
      selfSignUp: config.selfSignUp,
      mfa: config.mfa,
      retainData: config.retainData,
    });

    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId, description: 'Cognito user pool id' });
    new CfnOutput(this, 'ManagedLoginUrl', { value: this.auth.domainUrl, description: 'Cognito managed login (hosted UI) base URL' });
    new CfnOutput(this, 'StaticClientId', {
      value: this.auth.staticClient.userPoolClientId,
      description: 'Public app client for first-party use (authorization code + PKCE)',
    });
  }
}
