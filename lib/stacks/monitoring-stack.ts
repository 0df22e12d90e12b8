import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config';
import { Monitoring } from '../constructs/monitoring';
import type { AuthorizationServerStack } from './authorization-server-stack';
import type { CognitoStack } from './cognito-stack';
import type { McpServerStack } from './mcp-server-stack';
import { functionNames } from './names';

export interface MonitoringStackProps extends StackProps {
  readonly config: AppConfig;
  readonly cognito: CognitoStack;
  readonly authorizationServer: AuthorizationServerStack;
  readonly mcpServer: McpServerStack;
}

/**
 * The stage's alarm topic, alarms and dashboard. It reads the other stacks only through values
 * that exist in every configuration (API ids, table names, the pool id) and names the functions
 * by their explicit names, so turning the sweeper off never leaves an export in use.
 */
export class MonitoringStack extends Stack {
  public readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config, cognito, authorizationServer, mcpServer } = props;
    const names = functionNames(config.stage);
    // Alarms on functions that do not exist yet would only sit in INSUFFICIENT_DATA; deploy last.
    this.addStackDependency(authorizationServer);
    this.addStackDependency(mcpServer);

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: config.stage,
      apiFunctions: [
        { label: 'authorization-server', functionName: names.authorizationServer },
        { label: 'mcp-server', functionName: names.mcpServer },
      ],
      sweeper: config.registrationIdleDays > 0 ? { label: 'sweeper', functionName: names.sweeper } : undefined,
      apis: [
        { label: 'authorization-server', apiId: cognito.authApi.httpApi.apiId },
        { label: 'mcp-server', apiId: cognito.mcpApi.httpApi.apiId },
      ],
      tables: [
        { label: 'registrations', tableName: authorizationServer.registrations.table.tableName },
        { label: 'notes', tableName: mcpServer.notes.table.tableName },
      ],
      userPoolId: cognito.auth.userPool.userPoolId,
      appClientQuota: config.appClientQuota,
      alarmEmail: config.alarmEmail,
      retainData: config.retainData,
    });

    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'SNS topic of the stage\'s alarms' });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName, description: 'CloudWatch dashboard of the stage' });
  }
}
