import { HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { allTemplates, cdkJsonContext, nagFindings, onlyFunction, resourcesOf, stableTemplate, synthApp, type SynthesizedApp } from './app-fixture';

// One synth of the default (dev) app for every test below: bundling the handlers is the slow part.
let dev: SynthesizedApp;
beforeAll(() => {
  dev = synthApp();
});


describe('stack layout', () => {
  it('names stacks after the stage and depends one way: Cognito <- AuthorizationServer <- McpServer <- Monitoring', () => {
    const { cognito, authorizationServer, mcpServer, monitoring } = dev.stacks;
    expect([cognito.stackName, authorizationServer.stackName, mcpServer.stackName, monitoring.stackName]).toEqual([
      'McpAuth-dev-Cognito',
      'McpAuth-dev-AuthorizationServer',
      'McpAuth-dev-McpServer',
      'McpAuth-dev-Monitoring',
    ]);
    expect(monitoring.dependencies.map((s) => s.stackName).sort()).toEqual(
      [cognito.stackName, authorizationServer.stackName, mcpServer.stackName].sort(),
    );
    expect(cognito.dependencies).toEqual([]);
    expect(authorizationServer.dependencies).toEqual([cognito]);
    expect(mcpServer.dependencies.map((s) => s.stackName).sort()).toEqual([authorizationServer.stackName, cognito.stackName].sort());
  });

  it('passes values between stacks as strong references (Export / Fn::ImportValue), never Fn::GetStackOutput (issue 12.13)', () => {
    // A weak reference is resolved once, when the consumer is deployed: a replaced pool or API
    // would leave the functions on the old one. An import stops the producer's update instead.
    expect(cdkJsonContext()['@aws-cdk/core:defaultCrossStackReferences']).toBe('strong');
    const json = (t: Template) => JSON.stringify(t.toJSON());
    for (const [, template] of allTemplates(dev)) expect(json(template)).not.toContain('Fn::GetStackOutput');
    const imports = (t: Template) => [...new Set(json(t).match(/"Fn::ImportValue":"[^"]+"/g) ?? [])].map((i) => i.split('"')[3]).sort();
    const exported = (t: Template) => Object.values(t.toJSON().Outputs ?? {}).flatMap((o: any) => (o.Export ? [o.Export.Name] : []));
    const available = [...exported(dev.cognito), ...exported(dev.authorizationServer), ...exported(dev.mcpServer)];
    const consumed = [...imports(dev.authorizationServer), ...imports(dev.mcpServer), ...imports(dev.monitoring)];
    expect(consumed.length).toBeGreaterThan(5);
    for (const name of consumed) expect(available).toContain(name);
    // The managed-login URL is built from the prefix: a changed domainPrefix is no export in use.
    expect(consumed.join()).not.toMatch(/UserPoolDomain/);
  });

  it('exports the registrations table ARN whatever clientCheck is, so switching it never removes an export in use', () => {
    const arnExport = (s: SynthesizedApp) =>
      Object.values(s.authorizationServer.toJSON().Outputs ?? {}).flatMap((o: any) => (o.Export && JSON.stringify(o.Value).includes('Arn') ? [o.Export.Name] : []));
    const none = synthApp({ stage: 'dev', clientCheck: 'none', tokenIssuer: 'https://login.example.com', registrationIdleDays: '0' });
    expect(arnExport(dev)).toHaveLength(1);
    expect(arnExport(none)).toEqual(arnExport(dev));
  });

  it('imports into Monitoring only what every configuration has, and names functions as plain strings', () => {
    // Turning the sweeper off must not remove an export the monitoring stack still imports.
    const imported = [...new Set(JSON.stringify(dev.monitoring.toJSON()).match(/"Fn::ImportValue":"[^"]+"/g) ?? [])].join();
    expect(imported).not.toMatch(/Function|Sweeper/);
    const off = synthApp({ stage: 'dev', registrationIdleDays: '0' });
    const importsOf = (t: Template) => [...new Set(JSON.stringify(t.toJSON()).match(/"Fn::ImportValue":"[^"]+"/g) ?? [])].sort();
    expect(importsOf(off.monitoring)).toEqual(importsOf(dev.monitoring));
  });

  it.each(['Cognito', 'AuthorizationServer', 'McpServer', 'Monitoring'])('%s stack matches its snapshot', (name) => {
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

  it('has no unacknowledged errors or warnings with retainData, token registration, MFA required and an alarm e-mail', () => {
    const prod = synthApp({
      stage: 'prod',
      alarmEmail: 'ops@example.com',
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
  const statefulTypes = ['AWS::Cognito::UserPool', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret', 'AWS::KMS::Key'];
  const stateful = (s: SynthesizedApp) =>
    allTemplates(s).flatMap(([, template]) => statefulTypes.flatMap((type) => resourcesOf(template, type).map(([id, r]) => ({ id, type, r }))));

  it('dev (retainData=false) deletes the user pool, tables and log groups with their stacks', () => {
    const resources = stateful(dev);
    // 1 user pool, 2 tables, 2 access log groups, 3 function log groups (facade, MCP server, sweeper),
    // the broker's signing key, the alarm topic's KMS key.
    expect(resources).toHaveLength(10);
    for (const { r } of resources) {
      expect(r.DeletionPolicy).toBe('Delete');
      expect(r.UpdateReplacePolicy).toBe('Delete');
    }
    dev.cognito.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
  });

  it('retainData=true retains them and turns deletion protection on', () => {
    const kept = synthApp({ retainData: true });
    const resources = stateful(kept);
    expect(resources).toHaveLength(10);
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
    // Client-facing redirect URIs go to the broker; Cognito only ever calls the broker back.
    expect(onlyFunction(custom.authorizationServer).Properties.Environment.Variables.STATIC_CLIENT_REDIRECT_URIS).toBe('https://app.example.com/cb');
    expect(JSON.stringify(resourcesOf(custom.cognito, 'AWS::Cognito::UserPoolClient')[0][1].Properties.CallbackURLs)).not.toContain('app.example.com');
    // mfa=required: the hosted login enrolls TOTP at first sign-in; nothing to warn about.
    custom.cognito.hasResourceProperties('AWS::Cognito::UserPool', { EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    expect(Annotations.fromStack(custom.stacks.cognito).findWarning('*', Match.anyValue())).toEqual([]);
    custom.cognito.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
    expect(JSON.stringify(onlyFunction(custom.mcpServer).Properties.Environment.Variables.SCOPE_WRITE)).toContain('/mcp/mcp.write');
  });
});

describe('outputs', () => {
  it('publish everything a user needs after deploy', () => {
    const keys = (template: Template) => Object.keys(template.toJSON().Outputs ?? {}).filter((k) => !k.startsWith('ExportsOutput'));
    expect(keys(dev.cognito).sort()).toEqual(['ManagedLoginUrl', 'StaticClientId', 'UserPoolId']);
    expect(keys(dev.authorizationServer).sort()).toEqual(['AuthorizationServerMetadataUrl', 'Issuer', 'RegistrationEndpoint']);
    expect(keys(dev.mcpServer).sort()).toEqual(['McpServerUrl', 'ProtectedResourceMetadataUrl']);
    expect(keys(dev.monitoring).sort()).toEqual(['AlarmTopicArn', 'DashboardName']);
    dev.authorizationServer.hasOutput('AuthorizationServerMetadataUrl', {
      Value: { 'Fn::Join': ['', [Match.anyValue(), '/.well-known/oauth-authorization-server']] },
    });
    dev.authorizationServer.hasOutput('RegistrationEndpoint', { Value: { 'Fn::Join': ['', [Match.anyValue(), '/register']] } });
    dev.mcpServer.hasOutput('McpServerUrl', { Value: { 'Fn::Join': ['', [Match.anyValue(), '/mcp']] } });
  });
});
