/**
 * Opaque bearer tokens that are stored only as hashes (registration access tokens, initial access
 * tokens): generation, hashing and constant-time comparison of hashes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random token of `bytes` bytes (at least 32), base64url without padding. */
export function newOpaqueToken(bytes = 32): string {
  return randomBytes(Math.max(32, bytes)).toString('base64url');
}

/** Hex SHA-256 of a token, the only form in which tokens are stored or configured. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * True when two hex SHA-256 digests are equal, compared in constant time (`crypto.timingSafeEqual`).
 * Anything that is not a 64-digit hex string compares unequal, still without leaking where.
 */
export function sameHash(a: string, b: string): boolean {
  const valid = /^[0-9a-f]{64}$/i;
  const left = Buffer.from(valid.test(a) ? a.toLowerCase() : '0'.repeat(64), 'hex');
  const right = Buffer.from(valid.test(b) ? b.toLowerCase() : 'f'.repeat(64), 'hex');
  return timingSafeEqual(left, right) && valid.test(a) && valid.test(b);
}

/** True when two strings are equal, compared in constant time (a length difference is not hidden). */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 6750 §2.1), or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
