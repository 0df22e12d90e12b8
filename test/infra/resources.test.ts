import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { AUTHORIZATION_SERVER_ROUTES } from '../../lib/constructs/authorization-server';
import { MCP_SERVER_ROUTES } from '../../lib/constructs/mcp-server';
import { allTemplates, nagFindings, onlyFunction, resourcesOf, sweeperFunction, synthApp, type SynthesizedApp } from './app-fixture';

// One synth of the default (dev) app for every test below: bundling the handlers is the slow part.
let dev: SynthesizedApp;
beforeAll(() => {
  dev = synthApp();
});


describe('Cognito user pool', () => {
  it('signs in by email on the Essentials plan, with a strong password policy and MFA off by default (issue 12.18)', () => {
    dev.cognito.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      // Optional TOTP cannot be enrolled from the classic hosted UI: off unless mfa=required.
      MfaConfiguration: 'OFF',
      // Self sign-up is off by default: administrators create users.
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('has a classic hosted UI domain whose default prefix includes stage and account', () => {
    dev.cognito.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      ManagedLoginVersion: 1,
      Domain: { 'Fn::Join': ['-', ['mcp-auth-dev', { Ref: 'AWS::AccountId' }]] },
    });
  });

  it('has a resource server identified by the canonical MCP URL, with read and write scopes', () => {
    const [[mcpApiId]] = resourcesOf(dev.cognito, 'AWS::ApiGatewayV2::Api').filter(([, api]) =>
      String(api.Properties.Name).endsWith('mcp-server'),
    );
    dev.cognito.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [mcpApiId, 'ApiEndpoint'] }, '/mcp']] },
      Scopes: [
        { ScopeName: 'read', ScopeDescription: Match.anyValue() },
        { ScopeName: 'write', ScopeDescription: Match.anyValue() },
      ],
    });
  });

  describe('static app client', () => {
    const client = () => {
      const clients = resourcesOf(dev.cognito, 'AWS::Cognito::UserPoolClient');
      expect(clients).toHaveLength(1);
      return clients[0][1].Properties;
    };

    it('is a public authorization-code client: no implicit, no client_credentials, no secret', () => {
      expect(client().AllowedOAuthFlows).toEqual(['code']);
      expect(client().AllowedOAuthFlowsUserPoolClient).toBe(true);
      expect(client().GenerateSecret).not.toBe(true);
    });

    it('gets openid, email, profile and the resource scopes, never aws.cognito.signin.user.admin', () => {
      const scopes = client().AllowedOAuthScopes;
      expect(scopes.slice(0, 3)).toEqual(['openid', 'email', 'profile']);
      expect(scopes).toHaveLength(5);
      expect(JSON.stringify(scopes)).not.toContain('aws.cognito.signin.user.admin');
      expect(JSON.stringify(scopes.slice(3))).toMatch(/\/read".*\/write"/);
    });

    it('rotates refresh tokens and so does not allow ALLOW_REFRESH_TOKEN_AUTH', () => {
      // 30 s (issue 12.15): a retry or a second window no longer logs the user out.
      expect(client().RefreshTokenRotation).toEqual({ Feature: 'ENABLED', RetryGracePeriodSeconds: 30 });
      expect(client().ExplicitAuthFlows).not.toContain('ALLOW_REFRESH_TOKEN_AUTH');
    });

    it('prevents user existence errors, revokes tokens, calls back only to the broker and takes validities from context', () => {
      expect(client()).toMatchObject({
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        SupportedIdentityProviders: ['COGNITO'],
        CallbackURLs: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^AuthorizationServerApi/), 'ApiEndpoint'] }, '/callback']] }],
        LogoutURLs: ['http://localhost:8090/'],
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 30 * 24 * 60,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      });
    });
  });
});

describe('HTTP APIs', () => {
  it('serve from a throttled, access-logged, auto-deployed $default stage (bare URL = issuer)', () => {
    dev.cognito.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
    dev.cognito.resourceCountIs('AWS::ApiGatewayV2::Stage', 2);
    for (const [, stage] of resourcesOf(dev.cognito, 'AWS::ApiGatewayV2::Stage')) {
      expect(stage.Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] }, Format: expect.stringContaining('$context.requestId') },
      });
      // Nothing that can carry a token: no headers, no query string.
      expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/header|querystring|authorizer/i);
    }
  });

  const routeKeys = (template: Template) =>
    resourcesOf(template, 'AWS::ApiGatewayV2::Route')
      .map(([, route]) => route.Properties.RouteKey)
      .sort();

  it('authorization server has exactly the contract routes, each path with OPTIONS for CORS preflight', () => {
    expect(routeKeys(dev.authorizationServer)).toEqual(
      [
        'GET /.well-known/oauth-authorization-server',
        'OPTIONS /.well-known/oauth-authorization-server',
        'POST /register',
        'OPTIONS /register',
        'GET /register/{client_id}',
        'PUT /register/{client_id}',
        'DELETE /register/{client_id}',
        'OPTIONS /register/{client_id}',
        // The authorization broker (issue 13).
        'GET /authorize',
        'POST /consent',
        'GET /callback',
        'POST /token',
        'OPTIONS /token',
        'POST /revoke',
        'OPTIONS /revoke',
      ].sort(),
    );
    expect(AUTHORIZATION_SERVER_ROUTES).toHaveLength(15);
    // Each route's cdk-nag APIG4 acknowledgement carries its own reason.
    for (const route of AUTHORIZATION_SERVER_ROUTES) expect(route.whyPublic.length).toBeGreaterThan(80);
  });

  it('MCP server has /mcp (POST, GET, DELETE, OPTIONS) and both PRM paths with OPTIONS', () => {
    expect(routeKeys(dev.mcpServer)).toEqual(
      [
        'POST /mcp',
        'GET /mcp',
        'DELETE /mcp',
        'OPTIONS /mcp',
        'GET /.well-known/oauth-protected-resource',
        'OPTIONS /.well-known/oauth-protected-resource',
        'GET /.well-known/oauth-protected-resource/mcp',
        'OPTIONS /.well-known/oauth-protected-resource/mcp',
      ].sort(),
    );
    expect(MCP_SERVER_ROUTES).toHaveLength(8);
  });

  it.each([
    ['AuthorizationServer', () => dev.authorizationServer],
    ['McpServer', () => dev.mcpServer],
  ])('%s routes all go to one Lambda proxy integration (payload 2.0)', (_name, template) => {
    const integrations = resourcesOf(template(), 'AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(1);
    expect(integrations[0][1].Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    // One invoke permission for the function, limited to its own API (any stage, method and route).
    // (The registration sweeper's schedule has its own, for events.amazonaws.com: see below.)
    const permissions = resourcesOf(template(), 'AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties.Principal !== 'events.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0][1].Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
    const sourceArn = permissions[0][1].Properties.SourceArn['Fn::Join'][1];
    expect(sourceArn.at(-1)).toBe('/*/*/*');
    expect(JSON.stringify(sourceArn)).toMatch(/execute-api/);
  });
});

describe('Lambda functions', () => {
  it.each([
    ['AuthorizationServer', () => dev.authorizationServer],
    ['McpServer', () => dev.mcpServer],
  ])('%s runs on nodejs22.x arm64 with an ESM bundle, source maps, and its own log group', (_name, template) => {
    const fn = onlyFunction(template()).Properties;
    expect(fn).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: expect.any(Number),
      Timeout: expect.any(Number),
      LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
    });
    expect(fn.Timeout).toBeLessThanOrEqual(29);
    // Source maps ship, but are not enabled at run time (cold start; README, "Performance").
    expect(fn.Environment?.Variables?.NODE_OPTIONS).toBeUndefined();
    template().hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    // No AWSLambdaBasicExecutionRole (logs:* everywhere): an explicit role per function.
    for (const [, role] of resourcesOf(template(), 'AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('authorization server gets every contract variable', () => {
    const env = onlyFunction(dev.authorizationServer).Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(
      [
        'USER_POOL_ID',
        'REGISTRATIONS_TABLE',
        'RESOURCE_URL',
        'LOG_LEVEL',
        'ISSUER_URL',
        'COGNITO_DOMAIN_URL',
        'JWKS_URI',
        'ALLOWED_SCOPES',
        'DEFAULT_SCOPES',
        'REGISTRATION_MODE',
        'REGISTRATION_RATE_LIMIT',
        'REGISTRATION_RATE_WINDOW_SECONDS',
        'MAX_REDIRECT_URIS',
        'ACCESS_TOKEN_VALIDITY_MINUTES',
        'ID_TOKEN_VALIDITY_MINUTES',
        'REFRESH_TOKEN_VALIDITY_DAYS',
        'REFRESH_TOKEN_ROTATION_GRACE_SECONDS',
        'STATIC_CLIENT_ID',
        'STATIC_CLIENT_REDIRECT_URIS',
        'MACHINE_CLIENTS',
        'REGISTRATION_POOL_BUDGET',
        'CONSENT_REMEMBER_SECONDS',
        'CIMD_ENABLED',
        'BROKER_SIGNING_KEY_SECRET_ARN',
      ].sort(),
    );
    expect(env).toMatchObject({
      LOG_LEVEL: 'info',
      REGISTRATION_MODE: 'open',
      REGISTRATION_RATE_LIMIT: '10',
      REGISTRATION_RATE_WINDOW_SECONDS: '3600',
      MAX_REDIRECT_URIS: '10',
      ACCESS_TOKEN_VALIDITY_MINUTES: '60',
      ID_TOKEN_VALIDITY_MINUTES: '60',
      REFRESH_TOKEN_VALIDITY_DAYS: '30',
      // Same default as the static client's RetryGracePeriodSeconds.
      REFRESH_TOKEN_ROTATION_GRACE_SECONDS: '30',
      // The static client's redirect URIs are the broker's business now (the old callbackUrls).
      STATIC_CLIENT_REDIRECT_URIS: 'http://localhost:8090/callback http://127.0.0.1:8090/callback',
      MACHINE_CLIENTS: 'false',
      REGISTRATION_POOL_BUDGET: '500',
      CONSENT_REMEMBER_SECONDS: '0',
      CIMD_ENABLED: 'true',
    });
    expect(env.STATIC_CLIENT_ID).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^McpAuth-dev-Cognito:ExportsOutputRefAuthUserPoolStaticClient/) });
    expect(env.BROKER_SIGNING_KEY_SECRET_ARN).toEqual({ Ref: expect.stringMatching(/^AuthorizationServerBrokerSigningKeySecret/) });
    const allowed = JSON.stringify(env.ALLOWED_SCOPES);
    expect(allowed).toMatch(/\/mcp\/read \S*\/mcp\/write openid email profile/);
    expect(JSON.stringify(env.DEFAULT_SCOPES)).toMatch(/\/mcp\/read"/);
    expect(JSON.stringify(env.JWKS_URI)).toContain('/.well-known/jwks.json');
  });

  it('MCP server gets every required contract variable and the token-check defaults', () => {
    const env = onlyFunction(dev.mcpServer).Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(
      [
        'USER_POOL_ID',
        'REGISTRATIONS_TABLE',
        'RESOURCE_URL',
        'LOG_LEVEL',
        'AUTHORIZATION_SERVER_URL',
        'STATIC_CLIENT_ID',
        'NOTES_TABLE',
        'SCOPE_READ',
        'SCOPE_WRITE',
        'RESOURCE_NAME',
        'REQUIRE_AUDIENCE',
        'CLIENT_CHECK',
        'CLIENT_CHECK_TTL_SECONDS',
        'MACHINE_CLIENTS',
      ].sort(),
    );
    expect(env).toMatchObject({ REQUIRE_AUDIENCE: 'false', CLIENT_CHECK: 'registrations', CLIENT_CHECK_TTL_SECONDS: '60', MACHINE_CLIENTS: 'false' });
    // Optional variables are left to the handler's defaults (the Cognito pool as issuer) when not configured.
    for (const name of ['TOKEN_ISSUER', 'TOKEN_JWKS_URI', 'TOKEN_AUDIENCE', 'RESOURCE_DOCUMENTATION', 'ALLOWED_ORIGINS']) {
      expect(env[name]).toBeUndefined();
    }
  });

  it('gives the static client and the clients the bridge creates the same refresh token grace period', () => {
    const graceful = synthApp({ refreshTokenRotationGracePeriodSeconds: '5' });
    graceful.cognito.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 5 },
    });
    expect(onlyFunction(graceful.authorizationServer).Properties.Environment.Variables.REFRESH_TOKEN_ROTATION_GRACE_SECONDS).toBe('5');
  });

  it('passes the token-check context to the MCP server: another issuer, its JWKS and audience, no client check', () => {
    const other = synthApp({
      requireAudience: 'true',
      tokenIssuer: 'https://login.example.com/realms/mcp',
      tokenJwksUri: 'https://login.example.com/realms/mcp/protocol/openid-connect/certs',
      tokenAudience: 'mcp-api',
      clientCheck: 'none',
      clientCheckTtlSeconds: '300',
      resourceDocumentation: 'https://docs.example.com/mcp',
      registrationIdleDays: '0',
    });
    const env = onlyFunction(other.mcpServer).Properties.Environment.Variables;
    expect(env).toMatchObject({
      REQUIRE_AUDIENCE: 'true',
      TOKEN_ISSUER: 'https://login.example.com/realms/mcp',
      TOKEN_JWKS_URI: 'https://login.example.com/realms/mcp/protocol/openid-connect/certs',
      TOKEN_AUDIENCE: 'mcp-api',
      CLIENT_CHECK: 'none',
      CLIENT_CHECK_TTL_SECONDS: '300',
      RESOURCE_DOCUMENTATION: 'https://docs.example.com/mcp',
    });
    // Without the liveness lookup the MCP function needs no access to the registrations table.
    const policies = JSON.stringify(resourcesOf(other.mcpServer, 'AWS::IAM::Policy'));
    expect(policies).not.toContain('RegistrationsTable');
    expect(policies).toContain('NotesTable');
    expect(Annotations.fromStack(other.stacks.mcpServer).findWarning('*', Match.anyValue())).toEqual([]);
    expect(nagFindings(other.app)).toEqual([]);
  });

  it('passes only the configured optional variables, and warns about another issuer with the registrations check', () => {
    const partial = synthApp({ tokenIssuer: 'https://login.example.com', resourceDocumentation: 'https://docs.example.com/mcp' });
    const env = onlyFunction(partial.mcpServer).Properties.Environment.Variables;
    expect(env).toMatchObject({
      TOKEN_ISSUER: 'https://login.example.com',
      RESOURCE_DOCUMENTATION: 'https://docs.example.com/mcp',
      CLIENT_CHECK: 'registrations',
      REQUIRE_AUDIENCE: 'false',
    });
    expect(env.TOKEN_JWKS_URI).toBeUndefined();
    expect(env.TOKEN_AUDIENCE).toBeUndefined();
    const warnings = Annotations.fromStack(partial.stacks.mcpServer).findWarning('*', Match.stringLikeRegexp('clientCheck=none'));
    expect(warnings).toHaveLength(1);
    expect(Annotations.fromStack(dev.stacks.mcpServer).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('the MCP server names the facade issuer and resource URL exactly as the facade does', () => {
    const oauth = onlyFunction(dev.authorizationServer).Properties.Environment.Variables;
    const mcp = onlyFunction(dev.mcpServer).Properties.Environment.Variables;
    // Clients refuse metadata whose issuer differs from PRM authorization_servers[0].
    expect(mcp.AUTHORIZATION_SERVER_URL).toEqual(oauth.ISSUER_URL);
    expect(mcp.RESOURCE_URL).toEqual(oauth.RESOURCE_URL);
    expect(JSON.stringify(mcp.RESOURCE_URL)).toMatch(/"\/mcp"\]\]/);
  });

  it('passes ALLOWED_ORIGINS and the token mode hash only when configured', () => {
    const custom = synthApp({
      allowedOrigins: 'https://app.example.com,https://other.example.com',
      registrationMode: 'token',
      initialAccessTokenSha256: 'b'.repeat(64),
    });
    expect(onlyFunction(custom.mcpServer).Properties.Environment.Variables.ALLOWED_ORIGINS).toBe(
      'https://app.example.com,https://other.example.com',
    );
    expect(onlyFunction(custom.authorizationServer).Properties.Environment.Variables).toMatchObject({
      REGISTRATION_MODE: 'token',
      INITIAL_ACCESS_TOKEN_SHA256: 'b'.repeat(64),
    });
    expect(onlyFunction(dev.authorizationServer).Properties.Environment.Variables.INITIAL_ACCESS_TOKEN_SHA256).toBeUndefined();
  });
});

describe('IAM', () => {
  const statements = (template: Template) =>
    resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as any[]);
  const actionsOf = (statement: any): string[] => [statement.Action].flat();
  /** Statements of the policies attached to the role whose logical id starts with `rolePrefix`. */
  const roleStatements = (template: Template, rolePrefix: string) =>
    resourcesOf(template, 'AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties.Roles.some((r: any) => String(r.Ref).startsWith(rolePrefix)))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as any[]);

  it('never grants cognito-idp, dynamodb or logs actions on Resource "*"', () => {
    for (const [, template] of allTemplates(dev)) {
      for (const statement of statements(template)) {
        expect(statement.Effect).toBe('Allow');
        expect([statement.Resource].flat()).not.toContain('*');
        expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|:\*"/);
        for (const action of actionsOf(statement)) expect(action).not.toMatch(/\*/);
      }
    }
  });

  it('lets the facade manage app clients of its own user pool only', () => {
    const cognito = roleStatements(dev.authorizationServer, 'AuthorizationServerHandlerRole').filter((s) => actionsOf(s).some((a) => a.startsWith('cognito-idp:')));
    expect(cognito).toHaveLength(1);
    expect(actionsOf(cognito[0]).sort()).toEqual([
      'cognito-idp:CreateUserPoolClient',
      'cognito-idp:DeleteUserPoolClient',
      'cognito-idp:DescribeUserPoolClient',
      'cognito-idp:UpdateUserPoolClient',
    ]);
    expect(JSON.stringify(cognito[0].Resource)).toMatch(/UserPool[0-9A-F]+Arn/);
  });

  it('lets the facade read and write registrations', () => {
    const registrationsRef = (s: any) => JSON.stringify(s.Resource).includes('RegistrationsTable');
    const facade = roleStatements(dev.authorizationServer, 'AuthorizationServerHandlerRole').filter(registrationsRef);
    expect(facade.flatMap(actionsOf).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  it('lets the MCP server read and write only pk and lastUsedAt of registrations, never a whole item (issue 12.19)', () => {
    const mcp = statements(dev.mcpServer).filter((s) => JSON.stringify(s.Resource).includes('RegistrationsTable'));
    // One statement: the liveness GetItem (ProjectionExpression 'pk, lastUsedAt') and the lastUsedAt write.
    expect(mcp).toHaveLength(1);
    expect(actionsOf(mcp[0]).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(mcp[0].Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'lastUsedAt'] },
      // A GetItem without a projection is a Select of ALL_ATTRIBUTES (token hash, metadata): refused.
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES', 'dynamodb:ReturnValues': ['NONE', 'UPDATED_NEW'] },
    });
  });

  it('lets the MCP server only PutItem and Query notes, the calls notes-store.ts makes (issue 12.19)', () => {
    const notes = statements(dev.mcpServer).filter((s) => JSON.stringify(s.Resource).includes('NotesTable'));
    expect(notes.flatMap(actionsOf).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
  });

  it('lets the facade read the broker signing key, and nothing else of Secrets Manager (issue 13)', () => {
    const secrets = statements(dev.authorizationServer).filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
    expect(secrets).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: expect.stringMatching(/^AuthorizationServerBrokerSigningKeySecret/) } },
    ]);
    expect(roleStatements(dev.authorizationServer, 'AuthorizationServerHandlerRole')).toContainEqual(secrets[0]);
  });
});

describe('DynamoDB tables', () => {
  const common = {
    BillingMode: 'PAY_PER_REQUEST',
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    SSESpecification: { SSEEnabled: true },
  };

  it('registrations: pk string, TTL on expiresAt, on-demand, PITR, encrypted', () => {
    dev.authorizationServer.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('notes: pk and sk strings, on-demand, PITR, encrypted', () => {
    dev.mcpServer.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });
});

describe('registration sweeper', () => {
  it('runs daily from an EventBridge rule, with only the pool, the table and the windows in its environment', () => {
    const sweeper = sweeperFunction(dev.authorizationServer)!;
    expect(sweeper).toBeDefined();
    expect(sweeper.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
    });
    expect(Object.keys(sweeper.Properties.Environment.Variables).sort()).toEqual(
      ['USER_POOL_ID', 'REGISTRATIONS_TABLE', 'LOG_LEVEL', 'REGISTRATION_IDLE_DAYS', 'REGISTRATION_UNUSED_HOURS'].sort(),
    );
    expect(sweeper.Properties.Environment.Variables).toMatchObject({ REGISTRATION_IDLE_DAYS: '90', REGISTRATION_UNUSED_HOURS: '24', LOG_LEVEL: 'info' });
    // 200 deletions 0.5 s apart must fit.
    expect(sweeper.Properties.Timeout).toBeGreaterThanOrEqual(200);
    dev.authorizationServer.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(17 3 * * ? *)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeper.id, 'Arn'] } })],
    });
    const [[ruleId]] = resourcesOf(dev.authorizationServer, 'AWS::Events::Rule');
    dev.authorizationServer.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [sweeper.id, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });

  it('may only Scan, GetItem, UpdateItem and DeleteItem the registrations table and list, describe and delete app clients of its pool', () => {
    const sweeperRole = resourcesOf(dev.authorizationServer, 'AWS::IAM::Role').find(([id]) => id.startsWith('RegistrationSweeper'))![0];
    const policies = resourcesOf(dev.authorizationServer, 'AWS::IAM::Policy').filter(([, p]) =>
      p.Properties.Roles.some((r: any) => r.Ref === sweeperRole),
    );
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const byAction = statements.map((s) => ({ actions: [s.Action].flat().sort(), resource: JSON.stringify(s.Resource), condition: s.Condition }));
    expect(byAction).toEqual([
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: expect.stringContaining('RegistrationSweeperHandlerLogs'), condition: undefined },
      { actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'], resource: expect.stringMatching(/^\{"Fn::GetAtt":\["RegistrationsTable[0-9A-F]+","Arn"\]\}$/), condition: undefined },
      {
        actions: ['cognito-idp:DeleteUserPoolClient', 'cognito-idp:DescribeUserPoolClient', 'cognito-idp:ListUserPoolClients'],
        resource: expect.stringMatching(/UserPool[0-9A-F]+Arn/),
        condition: undefined,
      },
    ]);
  });

  it('takes its windows from context', () => {
    const tuned = synthApp({ registrationIdleDays: '30', registrationUnusedHours: '6' });
    expect(sweeperFunction(tuned.authorizationServer)!.Properties.Environment.Variables).toMatchObject({
      REGISTRATION_IDLE_DAYS: '30',
      REGISTRATION_UNUSED_HOURS: '6',
    });
  });

  it('is not deployed when registrationIdleDays is 0: no function, no rule, no permission', () => {
    const off = synthApp({ registrationIdleDays: 0 });
    expect(sweeperFunction(off.authorizationServer)).toBeUndefined();
    off.authorizationServer.resourceCountIs('AWS::Lambda::Function', 1);
    off.authorizationServer.resourceCountIs('AWS::Events::Rule', 0);
    expect(resourcesOf(off.authorizationServer, 'AWS::Lambda::Permission').map(([, p]) => p.Properties.Principal)).toEqual(['apigateway.amazonaws.com']);
    expect(off.stacks.authorizationServer.sweeper).toBeUndefined();
  });

  it('the MCP server gets no access to the registrations table with clientCheck=none (no lastUsedAt write either)', () => {
    const none = synthApp({ clientCheck: 'none', tokenIssuer: 'https://login.example.com', registrationIdleDays: '0' });
    const statements = resourcesOf(none.mcpServer, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    expect(statements.filter((s) => JSON.stringify(s.Resource).includes('RegistrationsTable'))).toEqual([]);
  });
});


describe('HTTP API access logs (issue 12.14)', () => {
  it('live under /aws/vendedlogs/, named after the API and its id, so no Logs resource-policy entry is needed', () => {
    const [[mcpApiId], [authApiId]] = ['mcp-server', 'authorization-server'].map((suffix) =>
      resourcesOf(dev.cognito, 'AWS::ApiGatewayV2::Api').find(([, api]) => String(api.Properties.Name).endsWith(suffix))!,
    );
    const names = resourcesOf(dev.cognito, 'AWS::Logs::LogGroup').map(([, group]) => group.Properties.LogGroupName);
    expect(names).toHaveLength(2);
    expect(names).toEqual(
      expect.arrayContaining([
        { 'Fn::Join': ['', ['/aws/vendedlogs/apigateway/mcp-auth-dev-mcp-server/', { Ref: mcpApiId }]] },
        { 'Fn::Join': ['', ['/aws/vendedlogs/apigateway/mcp-auth-dev-authorization-server/', { Ref: authApiId }]] },
      ]),
    );
    // Each stage writes to one of them.
    for (const [, stage] of resourcesOf(dev.cognito, 'AWS::ApiGatewayV2::Stage')) {
      expect(stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0]).toMatch(/AccessLogs/);
    }
  });
});

describe('MFA (issue 12.18)', () => {
  it('mfa=optional warns that nobody can enroll (required is checked with the context test)', () => {
    const optional = synthApp({ stage: 'mfaopt', mfa: 'optional' });
    optional.cognito.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL' });
    const warnings = Annotations.fromStack(optional.stacks.cognito).findWarning('*', Match.stringLikeRegexp('never offers TOTP enrollment'));
    expect(warnings).toHaveLength(1);
    expect(Annotations.fromStack(dev.stacks.cognito).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('broker signing key (issue 13)', () => {
  it('is generated by Secrets Manager at deploy time: 128 hex characters (64 random bytes), nothing in the template', () => {
    const secrets = resourcesOf(dev.authorizationServer, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    const props = secrets[0][1].Properties;
    expect(props.SecretString).toBeUndefined();
    expect(props.GenerateSecretString).toEqual({
      PasswordLength: 128,
      ExcludeUppercase: true,
      ExcludePunctuation: true,
      IncludeSpace: false,
      ExcludeCharacters: 'ghijklmnopqrstuvwxyz',
      RequireEachIncludedType: false,
    });
    // What is left to draw from: exactly the 16 hex digits.
    const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');
    const left = [...printable].filter((c) => !/[A-Z]/.test(c) && /[A-Za-z0-9]/.test(c) && !props.GenerateSecretString.ExcludeCharacters.includes(c));
    expect(left.join('')).toBe('0123456789abcdef');
    expect(secrets[0][1].DeletionPolicy).toBe('Delete');
  });
});
