import type { App } from 'aws-cdk-lib';
import type { AppConfig } from '../config';
import { AuthorizationServerStack } from './authorization-server-stack';
import { CognitoStack } from './cognito-stack';
import { McpServerStack } from './mcp-server-stack';

export { AuthorizationServerStack, CognitoStack, McpServerStack };

export interface McpAuthStacks {
  readonly cognito: CognitoStack;
  readonly authorizationServer: AuthorizationServerStack;
  readonly mcpServer: McpServerStack;
}

/**
 * The whole system, as three stacks named `McpAuth-<stage>-…` so stages can share an account.
 * Environment-agnostic: they synthesize offline without credentials and deploy to the account and
 * region of the credentials `cdk deploy` runs with. Dependencies run one way:
 * Cognito ← AuthorizationServer ← McpServer.
 */
export function createStacks(app: App, config: AppConfig): McpAuthStacks {
  const prefix = `McpAuth-${config.stage}`;
  const tags = { project: 'mcp-auth-aws', stage: config.stage };
  const cognito = new CognitoStack(app, `${prefix}-Cognito`, {
    config,
    tags,
    description: 'MCP auth: Cognito user pool, managed login, resource server, static client, HTTP API endpoints',
  });
  const authorizationServer = new AuthorizationServerStack(app, `${prefix}-AuthorizationServer`, {
    config,
    cognito,
    tags,
    description: 'MCP auth: OAuth authorization-server facade and dynamic client registration bridge',
  });
  const mcpServer = new McpServerStack(app, `${prefix}-McpServer`, {
    config,
    cognito,
    authorizationServer,
    tags,
    description: 'MCP auth: MCP resource server',
  });
  return { cognito, authorizationServer, mcpServer };
}
