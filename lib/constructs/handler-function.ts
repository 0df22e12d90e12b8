import * as path from 'node:path';
import { type Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_MAIN_FIELDS, BUNDLE_TARGET, bundleExtras, ESM_REQUIRE_BANNER, HANDLER_ENTRIES } from '../lambda-bundling';
import { removalPolicyFor } from './retention';

/** Repository root: handler entries are named by path, never imported (lambda/ must not meet lib/). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');


export interface HandlerFunctionProps {
  /**
   * Handler module, relative to the repository root, exporting `handler`: one of HANDLER_ENTRIES,
   * bundled with that entry's aliases and injected modules (lib/lambda-bundling.ts `bundleExtras`).
   */
  readonly entry: string;
  /** What the function does, for the console. */
  readonly description: string;
  /**
   * The function's name. Explicit, so that alarms and the dashboard (another stack) can name it
   * without a cross-stack export that would pin the function in place.
   */
  readonly functionName: string;
  /** Environment variables, per docs/contracts.md. */
  readonly environment: Record<string, string>;
  /** Memory size in MB. */
  readonly memorySize: number;
  /** Timeout; API Gateway gives up after 30 s anyway. */
  readonly timeout: Duration;
  /** Log group retention. */
  readonly logRetentionDays: number;
  /** RETAIN instead of DESTROY for the log group. */
  readonly retainData: boolean;
  /**
   * Why the function needs no dead-letter queue (the cdk-nag Serverless-LambdaDLQ acknowledgement).
   * @default - invoked synchronously by API Gateway, which receives every error as the response
   */
  readonly whyNoDeadLetterQueue?: string;
}

/**
 * A Node.js 22 arm64 Lambda function bundled locally by esbuild into one minified ESM file with
 * source maps, its own log group, and a role that may write only to that log group.
 *
 * The AWS SDK v3 is bundled (not taken from the runtime): the handlers are tested against the
 * exact versions pinned in package-lock.json, the runtime's copy changes without notice, and
 * tree-shaken minified clients add little to the bundle.
 */
export class HandlerFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: removalPolicyFor(props.retainData),
    });
    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy (logs:* on
    // every log group): this function writes to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const name = (Object.keys(HANDLER_ENTRIES) as (keyof typeof HANDLER_ENTRIES)[]).find((key) => HANDLER_ENTRIES[key] === props.entry);
    if (!name) throw new Error(`${props.entry} is not one of HANDLER_ENTRIES (lib/lambda-bundling.ts)`);
    const extras = bundleExtras(name, PROJECT_ROOT);
    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      // No NODE_OPTIONS=--enable-source-maps: measured by `npm run bench`, it adds about a third to
      // the MCP module's cold start. Logs carry error names and messages with their context, not
      // stacks; the .map files still ship beside the bundles (sourceMap below) for resolving a
      // minified stack by hand (README, "Performance").
      environment: props.environment,
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: BUNDLE_MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        bundleAwsSDK: true,
        logLevel: LogLevel.WARNING,
        forceDockerBundling: false,
        inject: extras.inject,
        // esbuild's --alias:<import path>=<file>, once per alias.
        esbuildArgs: { '--alias': Object.entries(extras.alias).map(([from, to]) => `${from}=${to}`) },
      },
    });
    const ack = (id: string, reason: string) => Validations.of(this.function).acknowledge({ id, reason });
    const pinnedRuntime =
      'Node.js 22 is pinned on purpose: the handlers, their tests and the local stack all run on the node@22 devDependency; move runtime and devDependency together.';
    ack('AwsSolutions-L1', pinnedRuntime);
    ack('Serverless-LambdaLatestVersion', pinnedRuntime);
    ack(
      'Serverless-LambdaDLQ',
      props.whyNoDeadLetterQueue ??
        'API Gateway invokes the function synchronously and receives every error as the HTTP response; a dead-letter queue only ever receives failed asynchronous invocations, and there are none.',
    );
    ack(
      'Serverless-LambdaTracing',
      'X-Ray tracing is left off: its IAM actions need Resource "*", and per-request access logs plus the function log group already trace each request by requestId.',
    );
  }
}
