/**
 * Where the CLI keeps one server's registration and tokens: `$XDG_CONFIG_HOME/mcp-auth-client/`
 * (or `~/.config/...`), one file per server URL named by a hash of it. The folder is 0700 and the
 * file 0600: it holds tokens and the registration access token.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StoredOAuthClientInformation, StoredOAuthTokens } from '@modelcontextprotocol/client';

export interface ClientState {
  serverUrl: string;
  /** Loopback port registered in the redirect URI; reused so the registration stays valid. */
  redirectPort?: number;
  /**
   * The client: as the server registered it (with registration_access_token, registration_client_uri
   * and the registration_endpoint they were checked against, for logout), or as --client-id and
   * --client-secret name it. `issuer` binds it to one authorization server (SEP-2352).
   */
  client?: StoredOAuthClientInformation & { registration_access_token?: string; registration_client_uri?: string; registration_endpoint?: string };
  tokens?: StoredOAuthTokens;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'mcp-auth-client');
}

export function stateFile(serverUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256').update(serverUrl).digest('hex').slice(0, 16);
  return join(configDir(env), `${hash}.json`);
}

export class StateStore {
  readonly file: string;
  state: ClientState;

  constructor(readonly serverUrl: string, env: NodeJS.ProcessEnv = process.env) {
    this.file = stateFile(serverUrl, env);
    this.state = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as ClientState) : { serverUrl };
  }

  save(): void {
    // The folder of this store's own file: the environment given to the constructor decided both.
    const dir = dirname(this.file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  remove(): void {
    rmSync(this.file, { force: true });
    this.state = { serverUrl: this.serverUrl };
  }
}
