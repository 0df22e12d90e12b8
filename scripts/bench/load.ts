/**
 * Load generator (its own process): `connections` keep-alive connections each send the same POST
 * back to back for `durationMs` after `warmupMs`; prints {ok, failed, seconds} as JSON.
 * argv[2] is a JSON {url, headers, body, connections, durationMs, warmupMs}.
 */
import { Agent, request } from 'node:http';

interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationMs: number;
  warmupMs: number;
}

const spec = JSON.parse(process.argv[2]) as LoadSpec;
const target = new URL(spec.url);
const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
const headers = { ...spec.headers, 'content-length': String(Buffer.byteLength(spec.body)) };

function once(): Promise<number> {
  return new Promise((ok) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('error', () => ok(0));
    req.end(spec.body);
  });
}

async function main(): Promise<void> {
  const start = Date.now();
  const measureFrom = start + spec.warmupMs;
  const end = measureFrom + spec.durationMs;
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (Date.now() < end) {
        const status = await once();
        if (Date.now() < measureFrom) continue;
        if (status === 200) ok++;
        else failed++;
      }
    }),
  );
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ ok, failed, seconds: spec.durationMs / 1000 })}\n`);
}

void main();
