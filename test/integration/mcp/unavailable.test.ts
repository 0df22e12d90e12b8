/**
 * Failures of what verification and tools depend on: the JWKS endpoint unreachable (503 with
 * Retry-After, not 401 and not a crash), and a DynamoDB failure inside a tool (a tool error).
 */
import { headerOf, modernCall, parse, startFixture, type Fixture } from './support';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture({ TOKEN_JWKS_URI: 'http://127.0.0.1:1/jwks.json' });
});
afterAll(() => fx.stop());

test('JWKS unreachable → 503 with Retry-After', async () => {
  const result = await fx.handler(modernCall(await fx.token(), 'tools/list', {}, 'u1'));
  expect(result.statusCode).toBe(503);
  expect(headerOf(result, 'retry-after')).toBe('5');
  expect(parse(result).id).toBe('u1');
});
