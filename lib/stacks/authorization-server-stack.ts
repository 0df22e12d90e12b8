import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config';
import { AuthorizationServer } from '../constructs/authorization-server';
import { RegistrationSweeper } from '../constructs/registration-sweeper';
import { RegistrationsTable } from '../constructs/tables';
import type { CognitoStack } from './cognito-stack';
import { functionNames } from './names';

export interface AuthorizationServerStackProps extends StackProps {
  readonly config: AppConfig;
  readonly cognito: CognitoStack;
}

/**
 * The authorization-server facade and DCR bridge: registrations table, function, routes on the facade's API,
 * and the daily registration sweeper.
 */
export class AuthorizationServerStack extends Stack {
  public readonly registrations: RegistrationsTable;
  public readonly authorizationServer: AuthorizationServer;
  /** Deletes idle and never-used registrations daily; absent when `registrationIdleDays` is 0. */
  public readonly sweeper?: RegistrationSweeper;

  constructor(scope: Construct, id: string, props: AuthorizationServerStackProps) {
    super(scope, id, props);
    const { config, cognito } = props;
    const issuerUrl = cognito.authApi.url;

    this.registrations = new RegistrationsTable(this, 'Registrations', { retainData: config.retainData });
    const names = functionNames(config.stage);
    this.authorizationServer = new AuthorizationServer(this, 'AuthorizationServer', {
      functionName: names.authorizationServer,
      httpApi: cognito.authApi.httpApi,
      issuerUrl,
      userPool: cognito.auth.userPool,
      staticClientId: cognito.auth.staticClient.userPoolClientId,
      staticClientRedirectUris: config.callbackUrls,
      cognitoDomainUrl: cognito.auth.domainUrl,
      registrationsTable: this.registrations.table,
      resourceUrl: cognito.resourceUrl,
      readScope: cognito.auth.readScope,
      writeScope: cognito.auth.writeScope,
      registrationMode: config.registrationMode,
      initialAccessTokenSha256: config.initialAccessTokenSha256,
      registrationRateLimit: config.registrationRateLimit,
      registrationRateWindowSeconds: config.registrationRateWindowSeconds,
      maxRedirectUris: config.maxRedirectUris,
      accessTokenValidityMinutes: config.accessTokenValidityMinutes,
      idTokenValidityMinutes: config.idTokenValidityMinutes,
      refreshTokenValidityDays: config.refreshTokenValidityDays,
      // Same grace period as the static client (Cognito stack), for every client the bridge creates.
      refreshTokenRotationGraceSeconds: config.refreshTokenRotationGracePeriodSeconds,
      machineClients: config.machineClients,
      registrationPoolBudget: config.registrationPoolBudget,
      consentRememberSeconds: config.consentRememberSeconds,
      cimd: config.cimd,
      logLevel: config.logLevel,
      logRetentionDays: config.logRetentionDays,
      retainData: config.retainData,
    });

    // Exported whether or not the MCP server reads the table (clientCheck): with strong
    // references, an export that disappears while a deployed MCP stack still imports it would stop
    // the deploy of this stack (CDK deploys producers first).
    this.exportValue(this.registrations.table.tableArn);

    if (config.registrationIdleDays > 0) {
      this.sweeper = new RegistrationSweeper(this, 'RegistrationSweeper', {
        functionName: names.sweeper,
        userPool: cognito.auth.userPool,
        registrationsTable: this.registrations.table,
        registrationIdleDays: config.registrationIdleDays,
        registrationUnusedHours: config.registrationUnusedHours,
        logLevel: config.logLevel,
        logRetentionDays: config.logRetentionDays,
        retainData: config.retainData,
      });
    }

    new CfnOutput(this, 'Issuer', { value: issuerUrl, description: 'OAuth issuer (RFC 8414)' });
    new CfnOutput(this, 'AuthorizationServerMetadataUrl', {
      value: `${issuerUrl}/.well-known/oauth-authorization-server`,
      description: 'RFC 8414 authorization server metadata',
    });
    new CfnOutput(this, 'RegistrationEndpoint', {
      value: `${issuerUrl}/register`,
      description: 'RFC 7591 dynamic client registration endpoint',
    });
  }
}
