/**
 * The upstream (Cognito) code and the broker's verifier for it, sealed under a key derived from the
 * one-time facade code that the client holds. The table stores only the facade code's SHA-256, so
 * reading the table alone yields nothing redeemable: the sealed box opens only with the code itself.
 * AES-256-GCM; key = HKDF-SHA256(facade code).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface Upstream {
  /** Cognito's authorization code. */
  readonly code: string;
  /** The broker's PKCE verifier for it. */
  readonly verifier: string;
}

const SALT = 'mcp-broker-code-seal-v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function keyFor(facadeCode: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(facadeCode, 'utf8'), SALT, 'upstream code', 32));
}

export function seal(facadeCode: string, upstream: Upstream): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(facadeCode), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(upstream), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The sealed upstream code, or undefined if `facadeCode` is not the code it was sealed with. */
export function unseal(facadeCode: string, box: string): Upstream | undefined {
  try {
    const raw = Buffer.from(box, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', keyFor(facadeCode), raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    const parsed = JSON.parse(plain) as Upstream;
    return typeof parsed.code === 'string' && typeof parsed.verifier === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
