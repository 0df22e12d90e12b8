/**
 * A fault injector in front of dynalite, at the network boundary: the handler under test talks to
 * this proxy as its DynamoDB endpoint (it runs as its bundle, so module mocks cannot reach its
 * client). Records every call by operation with its JSON input and outcome, can answer a chosen
 * operation with a DynamoDB error or drop the connection, and can run a hook after a read.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  /** `ok`, the DynamoDB error type (`ConditionalCheckFailedException`…), or `dropped`. */
  outcome: string;
}

export type Fault = { readonly type: string; readonly message: string; readonly status?: number } | 'drop';

export interface DynamoDbProxy {
  readonly endpoint: string;
  readonly calls: ProxiedCall[];
  /** Answers every call of `operation` with the fault instead of forwarding it; `null` clears. */
  fail(operation: string, fault: Fault | null): void;
  /** Runs after a forwarded call of `operation` answered, before the answer goes back. */
  after(operation: string, hook: ((call: ProxiedCall) => Promise<void>) | null): void;
  reset(): void;
  stop(): Promise<void>;
}

export async function startDynamoDbProxy(target: string): Promise<DynamoDbProxy> {
  const calls: ProxiedCall[] = [];
  const faults = new Map<string, Fault>();
  const hooks = new Map<string, (call: ProxiedCall) => Promise<void>>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const call: ProxiedCall = { operation, input: body.length ? (JSON.parse(body.toString()) as Record<string, unknown>) : {}, outcome: 'pending' };
      calls.push(call);
      const fault = faults.get(operation);
      if (fault === 'drop') {
        call.outcome = 'dropped';
        req.socket.destroy();
        return;
      }
      if (fault) {
        call.outcome = fault.type;
        res.writeHead(fault.status ?? 400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${fault.type}`, message: fault.message }));
        return;
      }
      // dynalite's loopback guard wants its own host in Host (scripts/local/loopback-guard.cjs).
      const upstream = request(`${target}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', async () => {
          const text = Buffer.concat(parts).toString();
          call.outcome = (answer.statusCode ?? 500) < 300 ? 'ok' : String((JSON.parse(text) as { __type?: string }).__type ?? answer.statusCode).split('#').pop()!;
          await hooks.get(operation)?.(call);
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          res.end(text);
        });
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    fail: (operation, fault) => (fault ? faults.set(operation, fault) : faults.delete(operation)),
    after: (operation, hook) => (hook ? hooks.set(operation, hook) : hooks.delete(operation)),
    reset() {
      calls.length = 0;
      faults.clear();
      hooks.clear();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
}
