/**
 * The local AWS stand-ins refuse browsers (issue 12 item 9): dynalite and cognito-local answer
 * any origin with `Access-Control-Allow-Origin: *`, so without a guard a web page the developer
 * visits could read the local tables or administer the local pool. The SDK still gets through.
 *
 * | test                                             | why                                             |
 * |--------------------------------------------------|-------------------------------------------------|
 * | a request with Origin (also a CORS preflight)    | Fetch standard: browsers send Origin cross-origin |
 * | a Host that is not this loopback endpoint        | DNS rebinding                                   |
 * | the same call without Origin passes              | the SDK never sends Origin (test/unit/services-smoke) |
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCognitoLocal, startDynalite, type RunningService } from '../../scripts/local/services';

jest.setTimeout(60_000);

let dir: string;
let dynamo: RunningService;
let cognito: RunningService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-services-'));
  dynamo = await startDynalite();
  cognito = await startCognitoLocal({ dataDir: join(dir, 'cognito') });
});
afterAll(async () => {
  await dynamo?.stop();
  await cognito?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A SigV4-shaped header: the stand-ins check no signature, but dynalite wants one present. */
const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00', 'x-amz-date': '20260101T000000Z' };

/** What a browser (or a rebinding page) would send: the AWS JSON call, with `headers` on top. */
function send(endpoint: string, target: string, headers: Record<string, string>, method = 'POST'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(endpoint);
  return new Promise((ok, fail) => {
    const req = request({ host: url.hostname, port: url.port, method, path: '/', agent: false, headers: { host: url.host, 'content-type': target.startsWith('DynamoDB') ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1', 'x-amz-target': target, ...SIGNED, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

const services = () => [
  ['dynalite', dynamo.endpoint, 'DynamoDB_20120810.ListTables'],
  ['cognito-local', cognito.endpoint, 'AWSCognitoIdentityProviderService.ListUserPools'],
] as const;

describe.each(['dynalite', 'cognito-local'])('%s', (name) => {
  const service = () => services().find(([n]) => n === name)!;

  test.each([
    ['a request from another web page', { origin: 'https://evil.example' }, 'POST'],
    ['a request from a loopback page', { origin: 'http://127.0.0.1:6274' }, 'POST'],
    ['a CORS preflight', { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target' }, 'OPTIONS'],
  ])('%s (Origin header): 403, no CORS grant', async (_what, headers, method) => {
    const [, endpoint, target] = service();
    const res = await send(endpoint, target, headers, method);
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(res.body).__type).toBe('AccessDeniedException');
  });

  test('a Host header that is not this loopback endpoint (DNS rebinding): 403', async () => {
    const [, endpoint, target] = service();
    const port = new URL(endpoint).port;
    for (const host of [`rebind.evil.example:${port}`, '127.0.0.1:1', '127.0.0.1']) {
      const res = await send(endpoint, target, { host });
      expect(res.status).toBe(403);
    }
  });

  test('the same call without Origin, with its loopback Host, passes', async () => {
    const [, endpoint, target] = service();
    const port = new URL(endpoint).port;
    expect((await send(endpoint, target, {})).status).toBe(200);
    expect((await send(endpoint, target, { host: `localhost:${port}` })).status).toBe(200);
  });
});
