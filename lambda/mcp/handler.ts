/**
 * Lambda entry of the MCP resource server (docs/contracts.md). Everything shareable is built once
 * per container, here at module scope: config, DynamoDB client, JWKS cache and token verifier,
 * and the MCP server pool behind `createMcpHandler`.
 */
import { createDynamoDbLite } from '../shared/dynamodb-lite';
import { setLogLevel } from '../shared/logger';
import { setMetricsPool } from '../shared/metrics';
import { routeMatcher, withRequestLog } from '../shared/request-log';
import { createMcpApp, mcpRoutes } from './app';
import { configFromProcess, DEFAULT_LIST_TTL_MS } from './config';
import { createJwksCache } from './jwks-fetcher';
import { createMcpEndpoint } from './mcp-server';
import { createNotesStore } from './notes-store';
import { TOOLS } from './tools';
import { createConfiguredVerifier } from './verification';

/** Reported as `serverInfo`. */
export const SERVER_NAME = 'mcp-auth-aws';
export const SERVER_VERSION = '0.1.0';

const config = configFromProcess();
setLogLevel(config.logLevel);
setMetricsPool(config.userPoolId);

// A SigV4-signed JSON client instead of the AWS SDK: the function makes four DynamoDB calls, and
// the SDK was half the bundle and most of the cold start (docs/mcp-server.md, "Performance").
const ddb = createDynamoDbLite({ region: config.region, credentials: config.awsCredentials, endpoint: config.dynamodbEndpoint });

const verify = createConfiguredVerifier(config, { ddb, jwksCache: createJwksCache() });

// aws-jwt-verify's Lambda advice: fetch the JWKS during init. Not awaited (the module stays
// loadable as CommonJS); verify() waits for this same fetch, and a failure here is retried there.
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
export const handler = withRequestLog('mcp', app, routeMatcher([...routes.mcp, ...routes.prm]));
