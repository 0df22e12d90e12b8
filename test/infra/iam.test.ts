import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { OAUTH_HANDLER_ENTRY } from '../../lib/constructs/authorization-server';
import { MCP_HANDLER_ENTRY } from '../../lib/constructs/mcp-server';
import { SWEEPER_HANDLER_ENTRY } from '../../lib/constructs/registration-sweeper';
import { resourcesOf, ROOT, synthApp, type SynthesizedApp } from './app-fixture';

/**
 * Issue 15, "IAM, in a test": the AWS API calls each function's code makes, found in its
 * tree-shaken bundle, against the actions its role grants, exactly. A call without its grant
 * fails, and so does a grant no code uses.
 *
 * Calls are found as the Lambda bundle would contain them (esbuild, tree-shaken, packages left
 * external so SDK identifiers keep their names):
 * - `new XCommand(...)` of an `@aws-sdk/*` import: the SDK v3 command, mapped to its IAM action;
 * - `.getItem(` / `.putItem(` / ... on the project's own SigV4 DynamoDB client
 *   (lambda/shared/dynamodb-lite.ts): the operation it signs;
 * - a literal `x-amz-target` such as `'secretsmanager.GetSecretValue'`, signed by hand.
 */

/** IAM service prefix of each SDK client package. */
const SERVICE_OF_PACKAGE: Record<string, string> = {
  '@aws-sdk/client-cognito-identity-provider': 'cognito-idp',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
};

/** lib-dynamodb's document commands and the DynamoDB operation each sends. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  // Transactions are left out on purpose: their IAM actions are those of each item they hold.
};

/** JSON-protocol targets signed by hand (`x-amz-target: <prefix>.<Operation>`), by IAM service. */
const SIGNED_TARGETS: Record<string, string> = {
  secretsmanager: 'secretsmanager',
  AWSCognitoIdentityProviderService: 'cognito-idp',
  DynamoDB_20120810: 'dynamodb',
};

/** Methods of lambda/shared/dynamodb-lite.ts and the operation each signs. */
const LITE_METHODS: Record<string, string> = {
  getItem: 'GetItem',
  putItem: 'PutItem',
  updateItem: 'UpdateItem',
  deleteItem: 'DeleteItem',
  query: 'Query',
  scan: 'Scan',
};

/** The Lambda runtime writes the function's logs with these, not the handler code. */
const RUNTIME_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

async function callsOf(entry: string): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    logLevel: 'error',
  });
  const code = result.outputFiles[0].text;
  // Local name -> [package, imported name], from the bundle's import statements.
  const imported = new Map<string, [string, string]>();
  for (const [, names, pkg] of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/[^"]+)"/g)) {
    for (const spec of names.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, local = name] = spec.split(/\s+as\s+/);
      imported.set(local, [pkg, name]);
    }
  }
  const calls = new Set<string>();
  for (const [, local] of code.matchAll(/new\s+(\w+Command\w*)\s*\(/g)) {
    const source = imported.get(local);
    if (!source) throw new Error(`${entry}: ${local} is not imported from an @aws-sdk package`);
    const [pkg, name] = source;
    const service = SERVICE_OF_PACKAGE[pkg];
    if (!service) throw new Error(`${entry}: no IAM service prefix for ${pkg}; add it to SERVICE_OF_PACKAGE`);
    const action = pkg === '@aws-sdk/lib-dynamodb' ? DOCUMENT_COMMANDS[name] : name.replace(/Command$/, '');
    if (!action) throw new Error(`${entry}: unknown document command ${name}; add it to DOCUMENT_COMMANDS with the actions its requests need`);
    calls.add(`${service}:${action}`);
  }
  for (const [, method] of code.matchAll(/\.(getItem|putItem|updateItem|deleteItem|query|scan)\(/g)) {
    calls.add(`dynamodb:${LITE_METHODS[method]}`);
  }
  for (const [, prefix, operation] of code.matchAll(/["'`](secretsmanager|AWSCognitoIdentityProviderService|DynamoDB_20120810)\.(\w+)["'`]/g)) {
    calls.add(`${SIGNED_TARGETS[prefix]}:${operation}`);
  }
  return [...calls].sort();
}

function grantsOf(s: SynthesizedApp, rolePrefix: string): { actions: string[]; statements: any[] } {
  const statements = allPolicies(s)
    .filter(([, policy]) => policy.Properties.Roles.some((r: any) => String(r.Ref).startsWith(rolePrefix)))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as any[]);
  const actions = [...new Set(statements.flatMap((st) => [st.Action].flat() as string[]))].filter((a) => !RUNTIME_ACTIONS.includes(a));
  return { actions: actions.sort(), statements };
}

const allPolicies = (s: SynthesizedApp) => [
  ...resourcesOf(s.authorizationServer, 'AWS::IAM::Policy'),
  ...resourcesOf(s.mcpServer, 'AWS::IAM::Policy'),
];

const FUNCTIONS = [
  { name: 'facade', entry: OAUTH_HANDLER_ENTRY, role: 'AuthorizationServerHandlerRole' },
  { name: 'mcp', entry: MCP_HANDLER_ENTRY, role: 'McpServerHandlerRole' },
  { name: 'sweeper', entry: SWEEPER_HANDLER_ENTRY, role: 'RegistrationSweeperHandlerRole' },
] as const;

let dev: SynthesizedApp;
beforeAll(() => {
  dev = synthApp();
});

describe('each role grants exactly the AWS calls its code makes (issue 15)', () => {
  it.each(FUNCTIONS)('$name: $entry', async ({ entry, role }) => {
    const calls = await callsOf(entry);
    expect(calls.length).toBeGreaterThan(0);
    expect(grantsOf(dev, role).actions).toEqual([...new Set(calls)].sort());
  });

  it.each(FUNCTIONS)('$name: every grant names one specific resource, never a wildcard', ({ role }) => {
    const { statements } = grantsOf(dev, role);
    expect(statements.length).toBeGreaterThan(1);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      const resources = [statement.Resource].flat();
      expect(resources).toHaveLength(1);
      expect(JSON.stringify(resources[0])).not.toContain('*');
      expect(Object.keys(resources[0])).toEqual([expect.stringMatching(/^(Fn::GetAtt|Ref|Fn::ImportValue)$/)]);
    }
  });

  it('finds a call that has no grant (so the equality above is not vacuous)', async () => {
    // The facade's calls would not be covered by the MCP role's grants.
    const facadeCalls = await callsOf(OAUTH_HANDLER_ENTRY);
    const mcpGrants = grantsOf(dev, 'McpServerHandlerRole').actions;
    expect(facadeCalls.filter((c) => !mcpGrants.includes(c))).toEqual(expect.arrayContaining(['cognito-idp:CreateUserPoolClient', 'dynamodb:DeleteItem']));
  });
});
