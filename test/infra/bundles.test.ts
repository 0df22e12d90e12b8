import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { onlyFunction, synthApp, type SynthesizedApp } from './app-fixture';

const run = promisify(execFile);

/**
 * The synthesized Lambda bundles, loaded the way the Node.js 22 runtime loads them (ESM import of
 * index.mjs) with exactly the environment variables the template sets. Deploy-time tokens get
 * stand-in values, by name. A handler whose config needs a variable the stack does not pass fails
 * its cold start here, as would a broken ESM bundle (e.g. a CommonJS `require` without the banner).
 */
const STAND_INS: Record<string, string> = {
  USER_POOL_ID: 'us-east-1_TEST',
  REGISTRATIONS_TABLE: 'registrations',
  NOTES_TABLE: 'notes',
  RESOURCE_URL: 'https://mcp.example.com/mcp',
  ISSUER_URL: 'https://as.example.com',
  AUTHORIZATION_SERVER_URL: 'https://as.example.com',
  COGNITO_DOMAIN_URL: 'https://login.auth.us-east-1.amazoncognito.com',
  JWKS_URI: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST/.well-known/jwks.json',
  ALLOWED_SCOPES: 'https://mcp.example.com/mcp/read https://mcp.example.com/mcp/write openid email profile',
  DEFAULT_SCOPES: 'https://mcp.example.com/mcp/read',
  SCOPE_READ: 'https://mcp.example.com/mcp/read',
  SCOPE_WRITE: 'https://mcp.example.com/mcp/write',
  STATIC_CLIENT_ID: 'staticclientid',
};

/** Imports the bundle in a fresh Node process and sends it one GET; prints `{ statusCode, body }`. */
const INVOKE = `
const { handler } = await import(process.env.BUNDLE);
const path = process.env.REQUEST_PATH;
const event = {
  version: '2.0', routeKey: 'GET ' + path, rawPath: path, rawQueryString: '', isBase64Encoded: false,
  headers: { host: 'test.example.com', accept: 'application/json', 'user-agent': 'bundle-test' },
  requestContext: { http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'bundle-test' },
    domainName: 'test.example.com', requestId: 'req', stage: '$default', routeKey: 'GET ' + path, timeEpoch: Date.now() },
};
const result = await handler(event, {});
process.stdout.write(JSON.stringify({ statusCode: result.statusCode, body: result.body }));
`;

async function invoke(synth: SynthesizedApp, stack: 'authorizationServer' | 'mcpServer', requestPath: string) {
  const fn = onlyFunction(synth[stack]).Properties;
  const variables: Record<string, unknown> = fn.Environment.Variables;
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', BUNDLE: '', REQUEST_PATH: requestPath };
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') env[name] = value;
    else if (STAND_INS[name]) env[name] = STAND_INS[name];
    else throw new Error(`no stand-in value for the deploy-time variable ${name}`);
  }
  const assetHash = String(fn.Code.S3Key).replace(/\.zip$/, '');
  const outdir = synth.app.synth().directory;
  env.BUNDLE = path.join(outdir, `asset.${assetHash}`, 'index.mjs');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', INVOKE], { env, timeout: 20_000 });
  const result = JSON.parse(stdout) as { statusCode: number; body: string };
  return { statusCode: result.statusCode, body: JSON.parse(result.body) };
}

describe('Lambda bundles', () => {
  let dev: SynthesizedApp;
  beforeAll(() => {
    dev = synthApp();
  });

  it('runs on the same major Node.js version as the Lambda runtime', () => {
    expect(process.versions.node.split('.')[0]).toBe('22');
  });

  it('facade bundle starts with the stack environment and serves RFC 8414 metadata for its issuer', async () => {
    const { statusCode, body } = await invoke(dev, 'authorizationServer', '/.well-known/oauth-authorization-server');
    expect(statusCode).toBe(200);
    expect(body.issuer).toBe(STAND_INS.ISSUER_URL);
    expect(body.registration_endpoint).toBe(`${STAND_INS.ISSUER_URL}/register`);
    expect(body.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('MCP bundle starts with the stack environment and serves PRM naming the facade as its authorization server', async () => {
    const { statusCode, body } = await invoke(dev, 'mcpServer', '/.well-known/oauth-protected-resource/mcp');
    expect(statusCode).toBe(200);
    expect(body.resource).toBe(STAND_INS.RESOURCE_URL);
    expect(body.authorization_servers).toEqual([STAND_INS.AUTHORIZATION_SERVER_URL]);
  });
});
