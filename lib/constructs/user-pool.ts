import { Annotations, Aws, Duration, Fn, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { removalPolicyFor } from './retention';

export interface McpUserPoolProps {
  /** Canonical MCP URL (`<MCP API URL>/mcp`): the resource server identifier, so scopes read `<url>/<name>`. */
  readonly resourceUrl: string;
  /** Deployment stage, used in names. */
  readonly stage: string;
  /**
   * Managed login domain prefix.
   * @default `mcp-auth-<stage>-<account id>`
   */
  readonly domainPrefix?: string;
  /** Read and write scope names of the resource server. */
  readonly scopeRead: string;
  readonly scopeWrite: string;
  /**
   * The authorization broker's `/callback` (`<issuer>/callback`): the static client's only
   * callback. Clients never meet Cognito; the broker checks their redirect URIs itself.
   */
  readonly brokerCallbackUrl: string;
  /** Static client sign-out URLs. */
  readonly logoutUrls: readonly string[];
  /** Token validities of the static client. */
  readonly accessTokenValidity: Duration;
  readonly idTokenValidity: Duration;
  readonly refreshTokenValidity: Duration;
  /** Refresh token rotation grace period (0–60 s). */
  readonly refreshTokenRotationGracePeriod: Duration;
  /** Allow self sign-up on the managed login page. */
  readonly selfSignUp: boolean;
  /** TOTP multi-factor authentication. */
  readonly mfa: 'off' | 'optional' | 'required';
  /** RETAIN and deletion protection instead of DESTROY. */
  readonly retainData: boolean;
}

/**
 * The Cognito side of the system: a user pool that signs users in by email, its managed login
 * domain (classic hosted UI), a resource server whose identifier is the MCP URL, and one static
 * public app client for first-party use (authorization code grant only).
 */
export class McpUserPool extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly domain: cognito.UserPoolDomain;
  public readonly resourceServer: cognito.UserPoolResourceServer;
  public readonly staticClient: cognito.UserPoolClient;
  /** Managed login base URL, e.g. `https://prefix.auth.eu-west-1.amazoncognito.com`. */
  public readonly domainUrl: string;
  /** Full scope strings: `<resourceUrl>/<name>`. */
  public readonly readScope: string;
  public readonly writeScope: string;

  constructor(scope: Construct, id: string, props: McpUserPoolProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `mcp-auth-${props.stage}`,
      // Essentials: refresh-token rotation and the RFC 8707 `resource` parameter need it.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      selfSignUpEnabled: props.selfSignUp,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: { off: cognito.Mfa.OFF, optional: cognito.Mfa.OPTIONAL, required: cognito.Mfa.REQUIRED }[props.mfa],
      mfaSecondFactor: props.mfa === 'off' ? undefined : { otp: true, sms: false },
      deletionProtection: props.retainData,
      removalPolicy: removalPolicyFor(props.retainData),
    });
    if (props.mfa !== 'required') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is a deployment choice (context mfa=off|optional|required). The default is off because optional TOTP cannot be enrolled from the classic hosted UI (it prompts for setup only when MFA is required) and no client of this stack has the aws.cognito.signin.user.admin scope that API enrollment needs; mfa=required enrolls every user at first sign-in and is the production setting.',
      });
    }
    if (props.mfa === 'optional') {
      Annotations.of(this).addWarningV2(
        'mcp-auth:mfaOptionalNoEnrollment',
        'mfa=optional: the classic hosted UI never offers TOTP enrollment when MFA is optional, and no app client of this stack has the aws.cognito.signin.user.admin scope that AssociateSoftwareToken needs. Users can enroll only through an app of your own; otherwise use mfa=required (enrollment at first sign-in) or mfa=off.',
      );
    }
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials is the plan refresh-token rotation and RFC 8707 resource indicators need; Plus (threat protection) costs several times more per user and is a deployment choice, not a requirement of MCP authorization.',
    });

    // A token is fine here: CloudFormation joins it at deploy time, and account ids make it unique.
    const domainPrefix = props.domainPrefix ?? Fn.join('-', ['mcp-auth', props.stage, Aws.ACCOUNT_ID]);
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix },
      // Classic hosted UI: managed login v2 needs a branding style per app client, and clients
      // created by the registration bridge get none, so they would have no login page.
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    // Built from the prefix, not from the domain resource: other stacks read this URL, and a
    // reference would make the domain an export that a changed domainPrefix could not replace.
    this.domainUrl = `https://${domainPrefix}.auth.${Aws.REGION}.amazoncognito.com`;

    const read = new cognito.ResourceServerScope({ scopeName: props.scopeRead, scopeDescription: 'Read MCP tools and data' });
    const write = new cognito.ResourceServerScope({ scopeName: props.scopeWrite, scopeDescription: 'Change data through MCP tools' });
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: props.resourceUrl,
      userPoolResourceServerName: `mcp-${props.stage}`,
      scopes: [read, write],
    });
    this.readScope = `${props.resourceUrl}/${props.scopeRead}`;
    this.writeScope = `${props.resourceUrl}/${props.scopeWrite}`;

    this.staticClient = this.userPool.addClient('StaticClient', {
      userPoolClientName: `mcp-${props.stage}-static`,
      // Public client: PKCE instead of a secret (OAuth 2.1 §2.1).
      generateSecret: false,
      // SRP only: leaving authFlows unset would allow ALLOW_REFRESH_TOKEN_AUTH, which Cognito
      // refuses together with refresh-token rotation (CDK omits it once rotation is set).
      authFlows: { userSrp: true },
      oAuth: {
        // Explicit: unset flows enable the implicit grant (OAuth 2.1 removes it).
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        // Explicit: unset scopes include aws.cognito.signin.user.admin.
        scopes: [
          cognito.OAuthScope.OPENID,
          cognito.OAuthScope.EMAIL,
          cognito.OAuthScope.PROFILE,
          cognito.OAuthScope.resourceServer(this.resourceServer, read),
          cognito.OAuthScope.resourceServer(this.resourceServer, write),
        ],
        callbackUrls: [props.brokerCallbackUrl],
        logoutUrls: [...props.logoutUrls],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: props.accessTokenValidity,
      idTokenValidity: props.idTokenValidity,
      refreshTokenValidity: props.refreshTokenValidity,
      // MCP 2026-07-28: public clients' refresh tokens MUST be rotated.
      refreshTokenRotationGracePeriod: props.refreshTokenRotationGracePeriod,
    });
  }
}
