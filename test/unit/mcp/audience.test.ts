import { audienceProblem, type AudienceRule } from '../../../lambda/mcp/audience';

const rule: AudienceRule = { accepted: ['https://api.example/mcp', 'extra-aud'], scopePrefix: 'https://api.example/mcp/', requireAudience: false };

test.each([
  ['aud equal to the resource', 'https://api.example/mcp', undefined, true],
  ['aud equal to TOKEN_AUDIENCE', 'extra-aud', undefined, true],
  ['aud array containing the resource', ['other', 'https://api.example/mcp'], undefined, true],
  ['aud of another resource', 'https://other.example/mcp', 'https://api.example/mcp/read', false],
  ['aud with a trailing slash', 'https://api.example/mcp/', undefined, false],
  ['no aud, resource scope', undefined, 'openid https://api.example/mcp/read', true],
  ['no aud, no resource scope', undefined, 'openid email', false],
  ['no aud, lookalike scope', undefined, 'https://api.example/mcpx/read', false],
  ['no aud, no scope', undefined, undefined, false],
])('%s', (_name, aud, scope, ok) => {
  expect(audienceProblem(aud, scope, rule) === undefined).toBe(ok);
});

test('REQUIRE_AUDIENCE rejects a token without aud even with resource scopes', () => {
  expect(audienceProblem(undefined, 'https://api.example/mcp/read', { ...rule, requireAudience: true })).toMatch(/no audience/);
});
