/**
 * The local stack's token-signing key: one RSA key kept under the state dir (0600), so tokens
 * survive restarts, and published as a JWKS with its `kid`, as Cognito publishes its pool keys.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public half as a JWK with `kid`, `alg` and `use`. */
  readonly jwk: Record<string, string>;
}

/** File name of the PEM-encoded private key inside the state dir. */
export const SIGNING_KEY_FILE = 'signing-key.pem';

/** Loads the key from `stateDir`, creating it (RSA 2048) on first use. */
export function loadOrCreateSigningKey(stateDir: string): SigningKey {
  const file = join(stateDir, SIGNING_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const privateKey = createPrivateKey(readFileSync(file));
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as { n: string; e: string; kty: string };
  // RFC 7638 thumbprint as the key id: stable for the same key across restarts.
  const kid = createHash('sha256')
    .update(JSON.stringify({ e: publicJwk.e, kty: publicJwk.kty, n: publicJwk.n }))
    .digest('base64url');
  return { kid, privateKey, jwk: { kty: publicJwk.kty, n: publicJwk.n, e: publicJwk.e, kid, alg: 'RS256', use: 'sig' } };
}

/** Signs `payload` as a compact RS256 JWS with the key's `kid`. */
export function signJwt(key: SigningKey, payload: Record<string, unknown>): string {
  const header = { kid: key.kid, alg: 'RS256', typ: 'JWT' };
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
