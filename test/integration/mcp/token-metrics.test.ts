/**
 * Token rejections at /mcp are counted by reason (issue 15, `TokenRejections{Reason}`), with no
 * user, token or client id in the dimensions.
 */
import { captureWrites, metricsIn } from '../../support/metrics-capture';
import { modernCall, startFixture, type Fixture } from './support';

let fx: Fixture;
let written: string[];
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.stop());
beforeEach(() => {
  written = captureWrites();
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** The fixture's handler trusts an issuer other than a Cognito pool (TOKEN_ISSUER): its pool dimension says so. */
const POOL = 'none';

const rejections = () => metricsIn(written).filter((m) => m.name === 'TokenRejections').map((m) => m.dimensions);

test.each([
  ['no bearer token', async () => undefined, 'missing'],
  ['an expired token', async () => fx.token({ exp: Math.floor(Date.now() / 1000) - 60 }), 'expired'],
  ['a token for another audience', async () => fx.token({ aud: 'https://elsewhere.example/mcp' }), 'audience'],
  ['a machine token (no user)', async () => fx.token({ sub: 'm2m', client_id: 'm2m', username: undefined }), 'no_user'],
  ['a token of a client that is not registered', async () => fx.token({ client_id: 'gone-client' }), 'client_gone'],
  ['a token that is not a JWT', async () => 'not-a-jwt', 'malformed'],
])('%s: one TokenRejections datum with Reason %s', async (_name, token, reason) => {
  const call = modernCall((await token()) ?? '', 'tools/list');
  if (!(await token())) delete (call.headers as Record<string, string>).authorization;
  expect((await fx.handler(call)).statusCode).toBe(401);
  expect(rejections()).toEqual([{ service: 'mcp', UserPoolId: POOL, Reason: reason }]);
});
