import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadConfig } from '../../lib/config';
import { createStacks, type McpAuthStacks } from '../../lib/stacks';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The context of cdk.json (feature flags and defaults), so tests synthesize what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
}

export interface SynthesizedApp {
  readonly app: App;
  readonly stacks: McpAuthStacks;
  readonly cognito: Template;
  readonly authorizationServer: Template;
  readonly mcpServer: Template;
  readonly monitoring: Template;
}

// Each synth writes bundles (a few MB) to its own temporary cloud assembly; this hook, registered
// in every test file that imports the fixture, removes them when the file is done.
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Builds the app with cdk.json's context plus `overrides` (as `-c key=value` would). */
export function synthApp(overrides: Record<string, unknown> = {}): SynthesizedApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-auth-infra-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { ...cdkJsonContext(), ...overrides } });
  const stacks = createStacks(app, loadConfig(app.node));
  return {
    app,
    stacks,
    cognito: Template.fromStack(stacks.cognito),
    authorizationServer: Template.fromStack(stacks.authorizationServer),
    mcpServer: Template.fromStack(stacks.mcpServer),
    monitoring: Template.fromStack(stacks.monitoring),
  };
}

/** Unacknowledged cdk-nag findings (errors and warnings) of the AwsSolutions and Serverless packs. */
export function nagFindings(app: App): string[] {
  const violations = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) => pack.validateScope(app).violations);
  return violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`),
  );
}

/**
 * A template with asset hashes replaced, so snapshots change when infrastructure changes and not
 * whenever handler code does (the bundle's hash is its S3 key).
 */
export function stableTemplate(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}/g, '[ASSET_HASH]'));
}

/** Every resource of a type in a template, as [logical id, resource]. */
export function resourcesOf(template: Template, type: string): Array<[string, { Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }]> {
  return Object.entries(template.findResources(type));
}

/** The registration sweeper's function is the one whose environment names REGISTRATION_IDLE_DAYS. */
const isSweeper = (fn: { Properties?: any }) => fn.Properties?.Environment?.Variables?.REGISTRATION_IDLE_DAYS !== undefined;

/**
 * The one API-serving Lambda function of a stack (each stack has exactly one; the
 * AuthorizationServer stack also holds the registration sweeper, see `sweeperFunction`).
 */
export function onlyFunction(template: Template): { Properties: any } {
  const functions = resourcesOf(template, 'AWS::Lambda::Function').filter(([, fn]) => !isSweeper(fn));
  if (functions.length !== 1) throw new Error(`expected one function, found ${functions.length}`);
  return functions[0][1] as { Properties: any };
}

/** The registration sweeper's function and logical id, or undefined when the stack has none. */
export function sweeperFunction(template: Template): { id: string; Properties: any } | undefined {
  const functions = resourcesOf(template, 'AWS::Lambda::Function').filter(([, fn]) => isSweeper(fn));
  if (functions.length > 1) throw new Error(`expected at most one sweeper, found ${functions.length}`);
  return functions[0] && { id: functions[0][0], Properties: functions[0][1].Properties };
}

/** The four templates with their stack's short name. */
export function allTemplates(s: SynthesizedApp): Array<[string, Template]> {
  return [
    ['Cognito', s.cognito],
    ['AuthorizationServer', s.authorizationServer],
    ['McpServer', s.mcpServer],
    ['Monitoring', s.monitoring],
  ];
}
