/**
 * Authorization codes (RFC 6749 §4.1.2): random, single-use, short-lived, and bound to what the
 * authorization request said, so the token request must repeat it. Kept in memory: a code outlives
 * no restart, as a pending login would not.
 */
import { randomBytes } from 'node:crypto';
import type { Grant } from './grant';

/** RFC 6749 §4.1.2 recommends at most 10 minutes; Cognito's codes live 5. */
export const CODE_TTL_SECONDS = 300;

export interface CodeGrant extends Grant {
  readonly redirectUri: string;
  /** S256 challenge; absent only for confidential clients that sent none. */
  readonly codeChallenge?: string;
  /** OIDC `nonce` of the authorization request, echoed in the ID token. */
  readonly nonce?: string;
}

export class CodeStore {
  private readonly codes = new Map<string, { grant: CodeGrant; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now, private readonly ttlSeconds = CODE_TTL_SECONDS) {}

  issue(grant: CodeGrant): string {
    this.sweep();
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { grant, expiresAt: this.now() + this.ttlSeconds * 1000 });
    return code;
  }

  /** Returns the grant once: the code is gone after this call whether or not it had expired. */
  consume(code: string): CodeGrant | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return entry.grant;
  }

  private sweep(): void {
    const now = this.now();
    for (const [code, entry] of this.codes) if (entry.expiresAt <= now) this.codes.delete(code);
  }
}
