/**
 * Lambda entry of the MCP resource server (docs/contracts.md), an ES module as Lambda runs it.
 * Everything shareable is built once per container, here at module scope: config, DynamoDB client,
 * JWKS cache and token verifier, and the MCP server pool behind `createMcpHandler`. The handler is
 * a middy chain: Powertools' Lambda context in every log line, then the request log.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { HttpEvent, HttpResult } from '../shared/http.ts';
import { createDynamoDbLite } from '../shared/dynamodb-lite.ts';
import { configureTelemetry } from '../shared/telemetry.ts';
import { requestLog, routeMatcher } from '../shared/request-log.ts';
import { createMcpApp, mcpRoutes } from './app.ts';
import { configFromProcess, DEFAULT_LIST_TTL_MS } from './config.ts';
import { createJwksCache } from './jwks-fetcher.ts';
import { createMcpEndpoint } from './mcp-server.ts';
import { createNotesStore } from './notes-store.ts';
import { TOOLS } from './tools/index.ts';
import { createConfiguredVerifier } from './verification.ts';

/** Reported as `serverInfo`. */
export const SERVER_NAME = 'mcp-auth-aws';
export const SERVER_VERSION = '0.1.0';

const config = configFromProcess();
// As `injectLambdaContext` types it: TypeScript sees the package's CommonJS build (imported by
// logger.ts) and its ES build as two classes; the ESM bundle holds one.
const logger = configureTelemetry('mcp', config) as unknown as Parameters<typeof injectLambdaContext>[0];

// A SigV4-signed JSON client instead of the AWS SDK: the function makes four DynamoDB calls, and
// the SDK was half the bundle and most of the cold start (docs/mcp-server.md, "Performance").
const ddb = createDynamoDbLite({ region: config.region, credentials: config.awsCredentials, endpoint: config.dynamodbEndpoint });

const verify = createConfiguredVerifier(config, { ddb, jwksCache: createJwksCache() });

// aws-jwt-verify's Lambda advice: fetch the JWKS during init. Not awaited, so that an issuer
// outage cannot fail the init; verify() waits for this same fetch, and a failure here is retried there.
verify.hydrate().catch(() => undefined);

const endpoint = createMcpEndpoint({
  name: SERVER_NAME,
  version: SERVER_VERSION,
  tools: TOOLS,
  notes: createNotesStore(ddb, config.notesTable),
  listTtlMs: DEFAULT_LIST_TTL_MS,
});

const app = createMcpApp({ config, verify, endpoint, tools: TOOLS });

const routes = mcpRoutes(config);

/** The Lambda handler, with one access-log and metrics line per request (`Route`: one of `mcpRoutes`). */
export const handler = middy<HttpEvent, HttpResult>()
  .use(injectLambdaContext(logger))
  .use(requestLog(routeMatcher([...routes.mcp, ...routes.prm])))
  .handler((event) => app(event));
