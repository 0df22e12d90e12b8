/** Opaque tokens: randomness, hashing, constant-time comparison, bearer parsing. */
import { bearerToken, newOpaqueToken, sameHash, sameText, sha256Hex } from '../../../lambda/shared/tokens';

test('tokens carry at least 32 random bytes, base64url', () => {
  const a = newOpaqueToken();
  expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(newOpaqueToken(8)).toHaveLength(43);
  expect(newOpaqueToken()).not.toBe(a);
});

test('sha256Hex is the hex digest', () => {
  expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test.each([
  [sha256Hex('a'), sha256Hex('a'), true],
  [sha256Hex('a'), sha256Hex('a').toUpperCase(), true],
  [sha256Hex('a'), sha256Hex('b'), false],
  ['', '', false],
  ['0'.repeat(64), 'zz', false],
  ['f'.repeat(64), 'f'.repeat(63), false],
])('sameHash(%p, %p) is %p', (a, b, expected) => {
  expect(sameHash(a, b)).toBe(expected);
});

test.each([
  ['Bearer abc-_.~+/=', 'abc-_.~+/='],
  ['bearer   tok', 'tok'],
  ['Basic dXNlcjpwYXNz', undefined],
  ['Bearer', undefined],
  ['Bearer a b', undefined],
  [undefined, undefined],
])('bearerToken(%p) is %p', (header, token) => {
  expect(bearerToken(header)).toBe(token);
});

test.each([
  ['abc', 'abc', true],
  ['abc', 'abd', false],
  ['abc', 'abcd', false],
  ['', '', true],
  ['é', 'e\u0301', false],
])('sameText(%j, %j) is %s', (a, b, equal) => {
  expect(sameText(a, b)).toBe(equal);
});
