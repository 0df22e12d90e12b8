/**
 * The authorization-server facade's Lambda handler served over node:http the way API Gateway
 * calls it (lambdaServer), for the benchmark's cold start. Configuration from the environment.
 */
import { lambdaServer, withLocalContext } from '../local/lambda-http.ts';
import { handler } from '../../lambda/oauth/handler.mts';

const server = lambdaServer(withLocalContext(handler, 'bench-oauth'));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});

process.on('SIGINT', () => process.exit(0));
