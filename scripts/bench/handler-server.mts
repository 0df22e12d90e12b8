/**
 * The MCP Lambda handler served over node:http the way API Gateway calls it (lambdaServer), for
 * the benchmark. The handler reads its configuration from the environment the runner sets.
 */
import { lambdaServer, withLocalContext } from '../local/lambda-http.ts';
import { handler } from '../../lambda/mcp/handler.mts';

const server = lambdaServer(withLocalContext(handler, 'bench-mcp'));
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});

process.on('SIGINT', () => process.exit(0));
