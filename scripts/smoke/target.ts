/**
 * What the smoke test runs against: a deployed stage (from `cdk-outputs.json`, written by
 * scripts/deploy.sh) or the local stack (`--local <mcp url>`, ids and the cognito-local endpoint
 * from its state dir). Only the endpoints and the Cognito client differ between the two.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Target {
  readonly mcpUrl: string;
  readonly userPoolId: string;
  /** Origins besides the authorization endpoint's that may receive the test user's password. */
  readonly loginOrigins: readonly string[];
  readonly cognito: CognitoIdentityProviderClient;
  readonly describe: string;
}

export interface TargetOptions {
  readonly local?: string;
  readonly stateDir: string;
  readonly outputs: string;
  readonly stage?: string;
}

type Outputs = Record<string, Record<string, string>>;

/** The deployed stage's outputs, merged over its stacks (`McpAuth-<stage>-…`). */
function stageOutputs(file: string, stage?: string): { stage: string; values: Record<string, string> } {
  if (!existsSync(file)) throw new Error(`${file} not found: run npm run deploy first (it writes the stack outputs there), or pass --local <mcp url>.`);
  const all = JSON.parse(readFileSync(file, 'utf8')) as Outputs;
  const stages = [...new Set(Object.keys(all).flatMap((name) => /^McpAuth-(.+?)-[^-]+$/.exec(name)?.[1] ?? []))];
  const chosen = stage ?? (stages.length === 1 ? stages[0] : undefined);
  if (!chosen) throw new Error(`${file} holds ${stages.length ? `the stages ${stages.join(', ')}` : 'no McpAuth stack'}: pass --stage <name>.`);
  if (!stages.includes(chosen)) throw new Error(`${file} has no outputs of stage ${chosen} (it has: ${stages.join(', ') || 'none'}). Deploy it with npm run deploy -- -c stage=${chosen}.`);
  const values = Object.assign({}, ...Object.entries(all).filter(([name]) => name.startsWith(`McpAuth-${chosen}-`)).map(([, v]) => v)) as Record<string, string>;
  return { stage: chosen, values };
}

function required(values: Record<string, string>, key: string, file: string): string {
  const value = values[key];
  if (!value) throw new Error(`${file} has no ${key} output; redeploy with npm run deploy.`);
  return value;
}

/** The running local stack's endpoints, as it writes them to its state dir (scripts/local/stack.ts). */
function localTarget(mcpUrl: string, stateDir: string): Target {
  const dir = resolve(stateDir);
  const read = (name: string) => {
    const file = join(dir, name);
    if (!existsSync(file)) throw new Error(`${file} not found: is npm start running with that state dir (MCP_LOCAL_STATE_DIR, default .local)? Pass it with --state-dir.`);
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  };
  const { userPoolId } = read('stack.json');
  const { cognito } = read('endpoints.json');
  return {
    mcpUrl,
    userPoolId: userPoolId!,
    loginOrigins: [],
    // cognito-local checks no credentials; it refuses requests with an Origin header, which the SDK never sends.
    cognito: new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: cognito }),
    describe: `the local stack at ${new URL(mcpUrl).origin}`,
  };
}

export function resolveTarget(options: TargetOptions): Target {
  if (options.local) return localTarget(options.local, options.stateDir);
  const { stage, values } = stageOutputs(options.outputs, options.stage);
  const userPoolId = required(values, 'UserPoolId', options.outputs);
  return {
    mcpUrl: required(values, 'McpServerUrl', options.outputs),
    userPoolId,
    // On AWS the broker hands the browser to Cognito's managed login, on its own origin.
    loginOrigins: [new URL(required(values, 'ManagedLoginUrl', options.outputs)).origin],
    // The deploying machine's credentials (the default provider chain), in the pool's region.
    cognito: new CognitoIdentityProviderClient({ region: userPoolId.split('_')[0] }),
    describe: `stage ${stage}`,
  };
}
