/**
 * The authorization broker's HMAC key for the local stack (`BROKER_SIGNING_KEY`, hex): 32 random
 * bytes generated on first start and kept under the state dir (0600), so consent cookies survive
 * restarts. On AWS the stack generates it in Secrets Manager instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BROKER_KEY_FILE = 'broker-signing-key.hex';

export function loadOrCreateBrokerKey(stateDir: string): string {
  const file = join(stateDir, BROKER_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
