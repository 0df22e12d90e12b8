import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { onlyFunction, sweeperFunction, synthApp, type SynthesizedApp } from './app-fixture';

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
  BROKER_SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:broker-signing-key-AbCdEf',
};

/**
 * Imports the bundle in a fresh Node process and sends it one request per `METHOD /path` in
 * REQUESTS (no body, no token); prints `[{ request, statusCode, body }]`.
 */
const INVOKE = `
const { handler } = await import(process.env.BUNDLE);
const results = [];
for (const request of JSON.parse(process.env.REQUESTS)) {
  const [method, path] = request.split(' ');
  const event = {
    version: '2.0', routeKey: request, rawPath: path, rawQueryString: '', isBase64Encoded: false,
    headers: { host: 'test.example.com', accept: 'application/json', 'user-agent': 'bundle-test' },
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'bundle-test' },
      domainName: 'test.example.com', requestId: 'req', stage: '$default', routeKey: request, timeEpoch: Date.now() },
  };
  const result = await handler(event, {});
  results.push({ request, statusCode: result.statusCode, body: result.body });
}
// The handlers log one JSON line per request to stdout; the results go on a line of their own.
process.stdout.write('\\nRESULTS ' + JSON.stringify(results) + '\\n');
process.stdout.write('UNDICI ' + process.moduleLoadList.some((name) => /undici/.test(name)) + '\\n');
`;

interface Answer {
  readonly request: string;
  readonly statusCode: number;
  readonly body: string;
}

/**
 * The environment a synthesized function runs with: its template variables, deploy-time tokens
 * replaced by stand-ins, and AWS settings that make any AWS call fail at once (closed port)
 * instead of reaching for the network.
 */
function functionEnv(fn: any): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
  };
  for (const [name, value] of Object.entries<unknown>(fn.Environment.Variables)) {
    if (typeof value === 'string') env[name] = value;
    else if (STAND_INS[name]) env[name] = STAND_INS[name];
    else throw new Error(`no stand-in value for the deploy-time variable ${name}`);
  }
  return env;
}

/** The ESM bundle the synth wrote for a function's code asset. */
function bundleOf(synth: SynthesizedApp, fn: any): string {
  const assetHash = String(fn.Code.S3Key).replace(/\.zip$/, '');
  return path.join(synth.app.synth().directory, `asset.${assetHash}`, 'index.mjs');
}

/** Whether the last `invoke` loaded undici (Node's fetch), about 45 ms of a cold start. */
let undiciLoaded: boolean | undefined;

async function invoke(synth: SynthesizedApp, stack: 'authorizationServer' | 'mcpServer', requests: string[]): Promise<Answer[]> {
  const fn = onlyFunction(synth[stack]).Properties;
  const env = { ...functionEnv(fn), BUNDLE: bundleOf(synth, fn), REQUESTS: JSON.stringify(requests) };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', INVOKE], { env, timeout: 20_000 });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULTS '));
  if (!line) throw new Error(`no results from the bundle: ${stdout.slice(0, 2000)}`);
  undiciLoaded = /^UNDICI true$/m.test(stdout);
  return JSON.parse(line.slice('RESULTS '.length)) as Answer[];
}

/** The route keys of a stack's API, with path parameters filled in. */
function routeRequests(synth: SynthesizedApp, stack: 'authorizationServer' | 'mcpServer'): string[] {
  return Object.values(synth[stack].findResources('AWS::ApiGatewayV2::Route')).map((route: any) =>
    String(route.Properties.RouteKey).replace('{client_id}', 'someclientid'),
  );
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
    const [answer] = await invoke(dev, 'authorizationServer', ['GET /.well-known/oauth-authorization-server']);
    expect(answer.statusCode).toBe(200);
    const body = JSON.parse(answer.body);
    expect(body.issuer).toBe(STAND_INS.ISSUER_URL);
    expect(body.registration_endpoint).toBe(`${STAND_INS.ISSUER_URL}/register`);
    expect(body.code_challenge_methods_supported).toEqual(['S256']);
    // Nothing on the way to a first answer loads undici (lambda/shared/node-http.ts).
    expect(undiciLoaded).toBe(false);
  });

  it('MCP bundle starts with the stack environment and serves PRM naming the facade as its authorization server', async () => {
    const [answer] = await invoke(dev, 'mcpServer', ['GET /.well-known/oauth-protected-resource/mcp']);
    expect(answer.statusCode).toBe(200);
    const body = JSON.parse(answer.body);
    expect(body.resource).toBe(STAND_INS.RESOURCE_URL);
    expect(body.authorization_servers).toEqual([STAND_INS.AUTHORIZATION_SERVER_URL]);
    expect(undiciLoaded).toBe(false);
  });

  // The stacks bundle the MCP function as the local stack and the bench do (lib/lambda-bundling.ts):
  // the SDK's shims without Ajv, and its Response replaced by lambda/mcp/sdk-response.ts.
  it('MCP bundle carries the shims alias and the injected Response, and the facade neither', () => {
    const sources = (stack: 'authorizationServer' | 'mcpServer') => {
      const map = JSON.parse(readFileSync(`${bundleOf(dev, onlyFunction(dev[stack]).Properties)}.map`, 'utf8')) as { sources: string[] };
      return map.sources.map((source) => source.replace(/\\/g, '/'));
    };
    const named = (list: string[], file: string) => list.some((source) => source.endsWith(file));
    expect(named(sources('mcpServer'), 'lambda/mcp/sdk-response.ts')).toBe(true);
    expect(named(sources('mcpServer'), 'lambda/mcp/sdk-shims.ts')).toBe(true);
    expect(named(sources('authorizationServer'), 'lambda/mcp/sdk-response.ts')).toBe(false);
  });

  it('sweeper bundle starts with the stack environment and runs up to its first AWS call', async () => {
    const fn = sweeperFunction(dev.authorizationServer)!.Properties;
    const env = functionEnv(fn);
    const bundle = bundleOf(dev, fn);
    // The config loads at import; the run then fails on its first call (sweeper#state) at the closed port.
    const script = `const { handler } = await import(${JSON.stringify(bundle)});
      try { await handler({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }); process.stdout.write('RESULT ran'); }
      catch (err) { process.stdout.write('RESULT ' + err.name + ': ' + err.message); }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env, timeout: 20_000 });
    const result = stdout.slice(stdout.indexOf('RESULT '));
    expect(result).toMatch(/^RESULT \w*Error: connect ECONNREFUSED 127\.0\.0\.1:9/);
  });

  // API Gateway sends only its routes to a function; the handler must recognize every one of them
  // (its own 404 would mean a route the handler does not know; API Gateway itself never says 405).
  it.each(['authorizationServer', 'mcpServer'] as const)('%s bundle recognizes every route of its API', async (stack) => {
    const requests = routeRequests(dev, stack);
    const answers = await invoke(dev, stack, requests);
    expect(answers.map((a) => a.request)).toEqual(requests);
    for (const answer of answers) {
      expect({ request: answer.request, notFound: answer.statusCode === 404 }).toEqual({ request: answer.request, notFound: false });
    }
    const preflights = answers.filter((a) => a.request.startsWith('OPTIONS '));
    expect(preflights.length).toBeGreaterThan(0);
    for (const answer of preflights) expect(answer.statusCode).toBeLessThan(300);
  });
});
