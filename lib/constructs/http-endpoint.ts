import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { removalPolicyFor } from './retention';

/**
 * HTTP API context variables (the REST API ones such as `$context.resourcePath` do not exist here).
 * No headers and no query string: nothing that can carry a token or an authorization code is logged.
 */
const HTTP_API_ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export interface HttpEndpointProps {
  /** API name shown in the console. */
  readonly apiName: string;
  readonly description: string;
  /** Stage throttling: steady-state requests per second and burst. */
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  /** Access log retention in days. */
  readonly logRetentionDays: number;
  /** RETAIN instead of DESTROY for the access log group. */
  readonly retainData: boolean;
}

/**
 * An HTTP API with a throttled, access-logged `$default` stage and no routes yet: its URL is the
 * bare API URL (no stage path), which is what the OAuth issuer and the MCP resource URL must be.
 * Routes are added by the part that owns the handler (`new HttpRoute(scope, id, { httpApi })`),
 * possibly in another stack, so the URL can be known before the functions that use it exist.
 */
export class HttpEndpoint extends Construct {
  public readonly httpApi: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly accessLogs: logs.LogGroup;
  /** `https://<id>.execute-api.<region>.<suffix>`, without a trailing slash. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: HttpEndpointProps) {
    super(scope, id);
    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: props.description,
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      // Under /aws/vendedlogs/: CloudWatch Logs then needs no resource-policy entry for the
      // delivery (outside it, each stage adds one to a policy limited in size, and a nearly full
      // policy makes stage creation fail). The API id keeps the name unique when a retained group
      // outlives its stack and the stack is deployed again.
      logGroupName: `/aws/vendedlogs/apigateway/${props.apiName}/${this.httpApi.apiId}`,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: removalPolicyFor(props.retainData),
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: HTTP_API_ACCESS_LOG_FORMAT,
      },
    });
    this.url = this.httpApi.apiEndpoint;
  }
}
