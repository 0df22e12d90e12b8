/**
 * The authorization-server facade's Lambda entry (docs/contracts.md), an ES module as Lambda runs
 * it: RFC 8414 metadata, RFC 7591 registration, RFC 7592 management and the authorization broker.
 * Config and AWS clients are built once per container. The handler is a middy chain: Powertools'
 * Lambda context in every log line, then the request log.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { HttpEvent, HttpResult } from '../shared/http.ts';
import { configureTelemetry } from '../shared/telemetry.ts';
import { requestLog, routeMatcher } from '../shared/request-log.ts';
import { loadConfig } from './config.ts';
import { createDeps } from './deps.ts';
import { OAUTH_METRIC_ROUTES } from './metric-routes.ts';
import { createHandler } from './router.ts';

const config = loadConfig(process.env);
// As `injectLambdaContext` types it: TypeScript sees the package's CommonJS build (imported by
// logger.ts) and its ES build as two classes; the ESM bundle holds one.
const logger = configureTelemetry('oauth', config) as unknown as Parameters<typeof injectLambdaContext>[0];
const routeRequest = createHandler(createDeps(config));

/** The Lambda handler, with one access-log and metrics line per request. */
export const handler = middy<HttpEvent, HttpResult>()
  .use(injectLambdaContext(logger))
  .use(requestLog(routeMatcher(OAUTH_METRIC_ROUTES)))
  .handler((event) => routeRequest(event));
