/** PKCE (RFC 7636) for both sides of the broker: checking clients' challenges and verifiers, and its own pair upstream. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.2: an S256 challenge is BASE64URL(SHA-256(verifier)): 43 characters, no padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: 43–128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export function isS256Challenge(value: string): boolean {
  return S256_CHALLENGE.test(value);
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** RFC 7636 §4.6: the verifier's S256 hash equals the stored challenge, compared in constant time. */
export function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (verifier === undefined || !VERIFIER.test(verifier) || !isS256Challenge(challenge)) return false;
  return timingSafeEqual(Buffer.from(s256(verifier)), Buffer.from(challenge));
}

/** The broker's own verifier for the upstream request (32 random bytes → 43 characters). */
export function newVerifier(): string {
  return randomBytes(32).toString('base64url');
}
