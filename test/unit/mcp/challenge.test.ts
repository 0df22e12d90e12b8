import { insufficientScopeChallenge, unauthorizedChallenge } from '../../../lambda/mcp/challenge';

const prm = 'https://api.example/.well-known/oauth-protected-resource/mcp';

test('401 without a token: resource_metadata and scope only', () => {
  expect(unauthorizedChallenge(prm, ['a/read'])).toBe(`Bearer resource_metadata="${prm}", scope="a/read"`);
});

test('401 with a rejected token: invalid_token and a description', () => {
  expect(unauthorizedChallenge(prm, ['a/read'], 'The access token expired')).toBe(
    `Bearer resource_metadata="${prm}", scope="a/read", error="invalid_token", error_description="The access token expired"`,
  );
});

test('403 names every scope needed', () => {
  const value = insufficientScopeChallenge(prm, ['a/read', 'a/write'], 'needs a/write');
  expect(value).toContain('error="insufficient_scope"');
  expect(value).toContain('scope="a/read a/write"');
  expect(value).toContain(`resource_metadata="${prm}"`);
});

test('quotes and line breaks cannot break out of a quoted-string', () => {
  expect(unauthorizedChallenge(prm, ['s'], 'bad "x"\r\ny')).not.toMatch(/"x"|\r|\n/);
});
