/**
 * Test keys and JWTs with node:crypto. (jose 6 is ESM-only and jest runs CommonJS here, so the
 * tests sign with node:crypto; the benchmark baseline still verifies with jose.)
 */
import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface RsaKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Public JWK with `kid`, `alg` and `use`. */
  readonly jwk: Record<string, string>;
}

export function rsaKey(kid: string): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid, alg: 'RS256', use: 'sig' };
  return { privateKey, publicKey, jwk };
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An RS256-signed JWT. */
export function signRs256(payload: Record<string, unknown>, header: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64({ alg: 'RS256', typ: 'JWT', ...header })}.${b64(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

/** An HS256-signed JWT with `secret` (for the key-confusion attack). */
export function signHs256(payload: Record<string, unknown>, header: Record<string, unknown>, secret: string | Buffer): string {
  const input = `${b64({ alg: 'HS256', typ: 'JWT', ...header })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** An unsigned JWT (`alg: none`). */
export function unsigned(payload: Record<string, unknown>, header: Record<string, unknown>): string {
  return `${b64({ alg: 'none', typ: 'JWT', ...header })}.${b64(payload)}.`;
}
