import { audienceProblem, type AudienceRule } from '../../../lambda/mcp/audience';
import { tokenScopes } from '../../../lambda/mcp/token-verifier';

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
  expect(audienceProblem(aud, scope?.split(' ') ?? [], rule) === undefined).toBe(ok);
});

test('REQUIRE_AUDIENCE rejects a token without aud even with resource scopes', () => {
  expect(audienceProblem(undefined, ['https://api.example/mcp/read'], { ...rule, requireAudience: true })).toMatch(/no audience/);
});

describe('tokenScopes: scope, else scp', () => {
  test.each([
    ['scope, space-separated (Cognito, RFC 9068)', { scope: 'openid https://api.example/mcp/read' }, ['openid', 'https://api.example/mcp/read']],
    ['scp as an array (Okta)', { scp: ['a', 'b'] }, ['a', 'b']],
    ['scp as a string (Entra ID)', { scp: 'Files.Read User.Read' }, ['Files.Read', 'User.Read']],
    ['scope wins over scp', { scope: 'a', scp: ['b'] }, ['a']],
    ['non-string entries dropped', { scp: ['a', 3, '', null] }, ['a']],
    ['none', {}, []],
  ])('%s', (_name, payload, scopes) => {
    expect(tokenScopes(payload as never)).toEqual(scopes);
  });
});
