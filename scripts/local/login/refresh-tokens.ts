/**
 * Refresh tokens: opaque random strings, stored only as SHA-256 hashes in a JSON file under the
 * state dir (0600), so they survive restarts. Every use rotates the token (the old one stops
 * working), as public clients' refresh tokens must be (OAuth 2.1 §4.3.1, MCP 2026-07-28).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Grant } from './grant';

export const REFRESH_TOKENS_FILE = 'refresh-tokens.json';

export interface RefreshGrant extends Grant {
  /** `origin_jti` of the login this token family came from; kept across rotations, as Cognito does. */
  readonly originJti: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class RefreshTokenStore {
  private readonly file: string;
  private readonly grants: Map<string, RefreshGrant>;

  constructor(stateDir: string, private readonly now: () => number = Date.now) {
    this.file = join(stateDir, REFRESH_TOKENS_FILE);
    this.grants = new Map(existsSync(this.file) ? Object.entries(JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, RefreshGrant>) : []);
  }

  issue(grant: RefreshGrant): string {
    const token = randomBytes(48).toString('base64url');
    this.grants.set(hash(token), grant);
    this.save();
    return token;
  }

  /** The grant behind a live token, without using it up. */
  peek(token: string): RefreshGrant | undefined {
    const grant = this.grants.get(hash(token));
    return grant && grant.expiresAt > this.now() ? grant : undefined;
  }

  /** Invalidates `token`; returns whether it existed. */
  revoke(token: string): boolean {
    const existed = this.grants.delete(hash(token));
    if (existed) this.save();
    return existed;
  }

  private save(): void {
    const now = this.now();
    for (const [key, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(key);
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.grants)), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
