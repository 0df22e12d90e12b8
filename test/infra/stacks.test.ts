import { HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { allTemplates, nagFindings, onlyFunction, resourcesOf, stableTemplate, synthApp, type SynthesizedApp } from './app-fixture';

// One synth of the default (dev) app for every test below: bundling the handlers is the slow part.
let dev: SynthesizedApp;
beforeAll(() => {
  dev = synthApp();
});


describe('stack layout', () => {
  it('names stacks after the stage and depends one way: Cognito <- AuthorizationServer <- McpServer', () => {
    const { cognito, authorizationServer, mcpServer } = dev.stacks;
    expect([cognito.stackName, authorizationServer.stackName, mcpServer.stackName]).toEqual([
      'McpAuth-dev-Cognito',
      'McpAuth-dev-AuthorizationServer',
      'McpAuth-dev-McpServer',
    ]);
    expect(cognito.dependencies).toEqual([]);
    expect(authorizationServer.dependencies).toEqual([cognito]);
    expect(mcpServer.dependencies.map((s) => s.stackName).sort()).toEqual([authorizationServer.stackName, cognito.stackName].sort());
  });

  it.each(['Cognito', 'AuthorizationServer', 'McpServer'])('%s stack matches its snapshot', (name) => {
    const template = allTemplates(dev).find(([n]) => n === name)![1];
    expect(stableTemplate(template)).toMatchSnapshot();
  });
});

describe('cdk-nag AwsSolutions and Serverless packs', () => {
  it('has no unacknowledged errors or warnings (dev defaults)', () => {
    expect(nagFindings(dev.app)).toEqual([]);
  });

  it('has no unacknowledged errors or warnings without the registration sweeper', () => {
    expect(nagFindings(synthApp({ stage: 'nosweep', registrationIdleDays: '0' }).app)).toEqual([]);
  });

  it('has no unacknowledged errors or warnings with retainData, token registration and MFA required', () => {
    const prod = synthApp({
      stage: 'prod',
      retainData: 'true',
      mfa: 'required',
      registrationMode: 'token',
      initialAccessTokenSha256: 'a'.repeat(64),
    });
    expect(nagFindings(prod.app)).toEqual([]);
  });
});

describe('the cdk-nag check itself', () => {
  it('reports an unacknowledged finding (so the zero-findings tests above are not vacuous)', () => {
    const probe = synthApp({ stage: 'probe' });
    // A route without the acknowledgement next to it must surface AwsSolutions-APIG4.
    new HttpRoute(probe.stacks.mcpServer, 'UnacknowledgedRoute', {
      httpApi: probe.stacks.cognito.mcpApi.httpApi,
      routeKey: HttpRouteKey.with('/probe', HttpMethod.GET),
      integration: new HttpLambdaIntegration('ProbeIntegration', probe.stacks.mcpServer.mcpServer.handler.function),
    });
    const findings = nagFindings(probe.app);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/AwsSolutions-APIG4 at McpAuth-probe-McpServer\/UnacknowledgedRoute/);
  });
});

describe('removal policies', () => {
  const statefulTypes = ['AWS::Cognito::UserPool', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup'];
  const stateful = (s: SynthesizedApp) =>
    allTemplates(s).flatMap(([, template]) => statefulTypes.flatMap((type) => resourcesOf(template, type).map(([id, r]) => ({ id, type, r }))));

  it('dev (retainData=false) deletes the user pool, tables and log groups with their stacks', () => {
    const resources = stateful(dev);
    // 1 user pool, 2 tables, 2 access log groups, 3 function log groups (facade, MCP server, sweeper).
    expect(resources).toHaveLength(8);
    for (const { r } of resources) {
      expect(r.DeletionPolicy).toBe('Delete');
      expect(r.UpdateReplacePolicy).toBe('Delete');
    }
    dev.cognito.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
  });

  it('retainData=true retains them and turns deletion protection on', () => {
    const kept = synthApp({ retainData: true });
    const resources = stateful(kept);
    expect(resources).toHaveLength(8);
    for (const { r } of resources) expect(r.DeletionPolicy).toBe('Retain');
    kept.cognito.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
    for (const template of [kept.authorizationServer, kept.mcpServer]) {
      template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    }
  });
});

describe('context', () => {
  it('applies stage, domain prefix, scopes, self sign-up, MFA and throttling from context', () => {
    const custom = synthApp({
      stage: 'qa',
      domainPrefix: 'my-mcp-login',
      scopeRead: 'mcp.read',
      scopeWrite: 'mcp.write',
      selfSignUp: 'true',
      mfa: 'required',
      throttleRateLimit: '5',
      throttleBurstLimit: '10',
      callbackUrls: '["https://app.example.com/cb"]',
    });
    expect(custom.stacks.cognito.stackName).toBe('McpAuth-qa-Cognito');
    custom.cognito.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'my-mcp-login' });
    custom.cognito.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
    custom.cognito.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Scopes: [Match.objectLike({ ScopeName: 'mcp.read' }), Match.objectLike({ ScopeName: 'mcp.write' })],
    });
    custom.cognito.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['https://app.example.com/cb'] });
    custom.cognito.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
    expect(JSON.stringify(onlyFunction(custom.mcpServer).Properties.Environment.Variables.SCOPE_WRITE)).toContain('/mcp/mcp.write');
  });
});

describe('outputs', () => {
  it('publish everything a user needs after deploy', () => {
    const keys = (template: Template) => Object.keys(template.toJSON().Outputs ?? {}).filter((k) => !k.startsWith('PublishOutput'));
    expect(keys(dev.cognito).sort()).toEqual(['ManagedLoginUrl', 'StaticClientId', 'UserPoolId']);
    expect(keys(dev.authorizationServer).sort()).toEqual(['AuthorizationServerMetadataUrl', 'Issuer', 'RegistrationEndpoint']);
    expect(keys(dev.mcpServer).sort()).toEqual(['McpServerUrl', 'ProtectedResourceMetadataUrl']);
    dev.authorizationServer.hasOutput('AuthorizationServerMetadataUrl', {
      Value: { 'Fn::Join': ['', [Match.anyValue(), '/.well-known/oauth-authorization-server']] },
    });
    dev.authorizationServer.hasOutput('RegistrationEndpoint', { Value: { 'Fn::Join': ['', [Match.anyValue(), '/register']] } });
    dev.mcpServer.hasOutput('McpServerUrl', { Value: { 'Fn::Join': ['', [Match.anyValue(), '/mcp']] } });
  });
});
