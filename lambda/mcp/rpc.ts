/**
 * The JSON-RPC facts the handler needs before the SDK runs (the scope check, error ids), read
 * from the body parsed once, and the JSON-RPC error answers the handler gives itself.
 */
import { json, type Headers, type HttpResult } from '../shared/http';

export type JsonRpcId = string | number | null;

export interface RpcPeek {
  /** The parsed body (undefined when it is not JSON). */
  readonly body: unknown;
  readonly parsed: boolean;
  readonly isBatch: boolean;
  readonly id: JsonRpcId;
  readonly method?: string;
  /** `params.name` of a `tools/call`. */
  readonly toolName?: string;
}

export function peek(text: string): RpcPeek {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    return { body: undefined, parsed: false, isBatch: false, id: null };
  }
  if (body === undefined) return { body, parsed: false, isBatch: false, id: null };
  if (Array.isArray(body)) return { body, parsed: true, isBatch: true, id: null };
  const message = (body ?? {}) as { id?: unknown; method?: unknown; params?: { name?: unknown } };
  const id = typeof message.id === 'string' || typeof message.id === 'number' ? message.id : null;
  const method = typeof message.method === 'string' ? message.method : undefined;
  const toolName = method === 'tools/call' && typeof message.params?.name === 'string' ? message.params.name : undefined;
  return { body, parsed: true, isBatch: false, id, method, toolName };
}

/** JSON-RPC 2.0 error codes used here. */
export const RpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  /** Transport-level refusals (auth, origin, size); the HTTP status says which. */
  ServerError: -32000,
} as const;

/** An HTTP error answered with a JSON-RPC error body carrying the request's id. */
export function rpcError(statusCode: number, id: JsonRpcId, code: number, message: string, headers: Headers = {}): HttpResult {
  return json(statusCode, { jsonrpc: '2.0', id, error: { code, message } }, headers);
}
