import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config';
import { McpServer } from '../constructs/mcp-server';
import { NotesTable } from '../constructs/tables';
import type { AuthorizationServerStack } from './authorization-server-stack';
import type { CognitoStack } from './cognito-stack';
import { functionNames } from './names';

export interface McpServerStackProps extends StackProps {
  readonly config: AppConfig;
  readonly cognito: CognitoStack;
  readonly authorizationServer: AuthorizationServerStack;
}

/** The MCP resource server: notes table, function, routes on the MCP API. */
export class McpServerStack extends Stack {
  public readonly notes: NotesTable;
  public readonly mcpServer: McpServer;

  constructor(scope: Construct, id: string, props: McpServerStackProps) {
    super(scope, id, props);
    const { config, cognito, authorizationServer } = props;

    this.notes = new NotesTable(this, 'Notes', { retainData: config.retainData });
    this.mcpServer = new McpServer(this, 'McpServer', {
      functionName: functionNames(config.stage).mcpServer,
      httpApi: cognito.mcpApi.httpApi,
      resourceUrl: cognito.resourceUrl,
      // Byte-identical to the facade's ISSUER_URL: clients compare PRM and RFC 8414 issuers.
      authorizationServerUrl: cognito.authApi.url,
      userPoolId: cognito.auth.userPool.userPoolId,
      staticClientId: cognito.auth.staticClient.userPoolClientId,
      registrationsTable: authorizationServer.registrations.table,
      notesTable: this.notes.table,
      readScope: cognito.auth.readScope,
      writeScope: cognito.auth.writeScope,
      allowedOrigins: config.allowedOrigins,
      resourceName: config.resourceName,
      resourceDocumentation: config.resourceDocumentation,
      requireAudience: config.requireAudience,
      tokenIssuer: config.tokenIssuer,
      tokenJwksUri: config.tokenJwksUri,
      tokenAudience: config.tokenAudience,
      clientCheck: config.clientCheck,
      clientCheckTtlSeconds: config.clientCheckTtlSeconds,
      machineClients: config.machineClients,
      logLevel: config.logLevel,
      logRetentionDays: config.logRetentionDays,
      retainData: config.retainData,
    });

    new CfnOutput(this, 'McpServerUrl', { value: cognito.resourceUrl, description: 'MCP endpoint: give this URL to MCP clients' });
    new CfnOutput(this, 'ProtectedResourceMetadataUrl', {
      value: `${cognito.mcpApi.url}/.well-known/oauth-protected-resource/mcp`,
      description: 'RFC 9728 protected resource metadata',
    });
  }
}
