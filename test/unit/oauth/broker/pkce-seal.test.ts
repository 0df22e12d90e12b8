/** PKCE checks (RFC 7636) and the sealed upstream code. */
import { isS256Challenge, newVerifier, s256, verifierMatches } from '../../../../lambda/oauth/broker/pkce';
import { seal, unseal } from '../../../../lambda/oauth/broker/seal';

test('S256 is BASE64URL(SHA-256(verifier)) without padding, and a matching verifier passes', () => {
  const verifier = 'dBjftJeZ4CVP-mJ92K1g8rOypSEPhgVk0JDk8gCH6KY';
  const challenge = 'wQRDkXQ1E5PEnnLIbtGmOuFu47aJAx-HADNiT5_BRlM';
  expect(s256(verifier)).toBe(challenge);
  expect(verifierMatches(verifier, challenge)).toBe(true);
});

test('wrong, missing, malformed or plain verifiers fail; challenge syntax is 43 base64url characters', () => {
  const verifier = newVerifier();
  const challenge = s256(verifier);
  expect(verifierMatches(newVerifier(), challenge)).toBe(false);
  expect(verifierMatches(undefined, challenge)).toBe(false);
  expect(verifierMatches('short', challenge)).toBe(false);
  expect(verifierMatches(`${verifier}!`, challenge)).toBe(false);
  // `plain`: the verifier equal to the challenge is not accepted.
  expect(verifierMatches(challenge, challenge)).toBe(false);
  expect(isS256Challenge(challenge)).toBe(true);
  expect(isS256Challenge(`${challenge}=`)).toBe(false);
  expect(isS256Challenge(challenge.slice(1))).toBe(false);
  expect(isS256Challenge(`${challenge.slice(1)}+`)).toBe(false);
});

test('the upstream code opens only with the facade code it was sealed under', () => {
  const box = seal('facade-code-1', { code: 'cognito-code', verifier: 'v'.repeat(43) });
  expect(box).not.toContain('cognito-code');
  expect(unseal('facade-code-1', box)).toEqual({ code: 'cognito-code', verifier: 'v'.repeat(43) });
  expect(unseal('facade-code-2', box)).toBeUndefined();
  const tampered = Buffer.from(box, 'base64url');
  tampered[tampered.length - 1] ^= 1;
  expect(unseal('facade-code-1', tampered.toString('base64url'))).toBeUndefined();
  expect(unseal('facade-code-1', 'garbage')).toBeUndefined();
});
