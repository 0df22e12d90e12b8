/**
 * The authorization-server facade's Lambda entry (docs/contracts.md): RFC 8414 metadata, RFC 7591
 * registration and RFC 7592 management. Config and AWS clients are built once per container.
 */
import { setLogLevel } from '../shared/logger';
import { setMetricsPool } from '../shared/metrics';
import { routeMatcher, withRequestLog } from '../shared/request-log';
import { loadConfig } from './config';
import { createDeps } from './deps';
import { OAUTH_METRIC_ROUTES } from './metric-routes';
import { createHandler } from './router';

const config = loadConfig(process.env);
setLogLevel(config.logLevel);
setMetricsPool(config.userPoolId);
const routeRequest = createHandler(createDeps(config));

/** The Lambda handler, with one access-log and metrics line per request. */
export const handler = withRequestLog('oauth', routeRequest, routeMatcher(OAUTH_METRIC_ROUTES));
