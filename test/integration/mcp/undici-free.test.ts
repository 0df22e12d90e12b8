/**
 * The MCP function's bundle serves without loading undici, Node's fetch implementation: loading it
 * was about 45 ms of every cold start (lambda/mcp/sdk-response.ts, lambda/shared/node-http.ts).
 * A fresh Node process imports the bundle as Lambda does and serves each kind of answer (the
 * 2026-07-28 path, the 2025-era path, a notification, a refusal by the SDK, a tool call); the
 * answers must match what the same bundle gives inside jest, and undici must not be loaded.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleHandler } from '../../../scripts/local/handler-bundles';
import { localContext } from '../../../scripts/local/lambda-http';
import type { HttpEvent, HttpResult } from '../../../lambda/shared/http';
import { event, modernCall, startFixture, type Fixture } from './support';

let fx: Fixture;
let dir: string;
beforeAll(async () => {
  fx = await startFixture();
  dir = mkdtempSync(join(tmpdir(), 'mcp-undici-free-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await fx.stop();
});

interface ChildRun {
  readonly results: HttpResult[];
  readonly loaded: string[];
}

/** Imports `bundle` in a fresh node, serves `events` in order, and reports the answers and which undici modules loaded. */
function serveInFreshProcess(bundle: string, events: HttpEvent[]): Promise<ChildRun> {
  const script = `
    const input = JSON.parse(await new Promise((ok) => { let text = ''; process.stdin.on('data', (d) => (text += d)); process.stdin.on('end', () => ok(text)); }));
    const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const results = [];
    for (const [event, context] of input) results.push(await handler(event, { ...context, getRemainingTimeInMillis: () => 30000 }));
    const loaded = process.moduleLoadList.filter((name) => /undici/i.test(name));
    process.stdout.write('\\n' + JSON.stringify({ results, loaded }) + '\\n');
  `;
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{"results"')) return fail(new Error(`child exited ${code}: ${err.slice(-2000)}`));
      ok(JSON.parse(last) as ChildRun);
    });
    child.stdin.end(JSON.stringify(events.map((e) => [e, localContext('undici-free-test', e)])));
  });
}

test('a fresh process serves every kind of answer without loading undici, and answers as in jest', async () => {
  const token = await fx.token();
  const legacyHeaders = { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
  const events = [
    modernCall(token, 'tools/list', {}, 1),
    modernCall(token, 'tools/call', { name: 'whoami', arguments: {} }, 2),
    event('POST', '/mcp', { headers: legacyHeaders, body: { jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} } }),
    event('POST', '/mcp', { headers: legacyHeaders, body: { jsonrpc: '2.0', method: 'notifications/initialized' } }),
    // A 2026-07-28 request whose header disagrees with its body: the SDK refuses it itself.
    event('POST', '/mcp', { headers: { ...legacyHeaders, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call' }, body: modernCall(token, 'tools/list', {}, 4).body }),
  ];
  const bundle = await bundleHandler('mcp', dir);
  const fresh = await serveInFreshProcess(bundle, events);
  expect(fresh.loaded).toEqual([]);

  const inJest: HttpResult[] = [];
  for (const e of events) inJest.push(await fx.handler(e));
  expect(fresh.results.map((r) => r.statusCode)).toEqual([200, 200, 200, 202, 400]);
  expect(fresh.results).toEqual(inJest);
});
