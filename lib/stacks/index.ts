import type { App } from 'aws-cdk-lib';
import type { AppConfig } from '../config';
import { AuthorizationServerStack } from './authorization-server-stack';
import { CognitoStack } from './cognito-stack';
import { McpServerStack } from './mcp-server-stack';
import { MonitoringStack } from './monitoring-stack';

export { AuthorizationServerStack, CognitoStack, McpServerStack, MonitoringStack };

export interface McpAuthStacks {
  readonly cognito: CognitoStack;
  readonly authorizationServer: AuthorizationServerStack;
  readonly mcpServer: McpServerStack;
  readonly monitoring: MonitoringStack;
}

/**
 * The whole system, as four stacks named `McpAuth-<stage>-…` so stages can share an account.
 * Environment-agnostic: they synthesize offline without credentials and deploy to the account and
 * region of the credentials `cdk deploy` runs with. Dependencies run one way:
 * Cognito ← AuthorizationServer ← McpServer ← Monitoring (alarms and dashboard of the stage).
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
  const monitoring = new MonitoringStack(app, `${prefix}-Monitoring`, {
    config,
    cognito,
    authorizationServer,
    mcpServer,
    tags,
    description: 'MCP auth: alarms (SNS topic), thresholds and the dashboard of the stage',
  });
  return { cognito, authorizationServer, mcpServer, monitoring };
}
