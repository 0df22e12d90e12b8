/**
 * node:http as the Lambda bundles import it: lib/lambda-bundling.ts aliases `node:http` and `http`
 * to this module for every handler, dependencies included (the AWS SDK's, middy's).
 *
 * Why: an ES module import of a built-in builds its ESM facade, which reads every export, and
 * node:http's exports include undici's lazily loaded `WebSocket`, `CloseEvent` and `MessageEvent`:
 * the import loaded undici, Node's fetch implementation, about 45 ms of every cold start on the
 * build machine. CommonJS `require`, which Lambda's runtime client uses for http, reads no export,
 * and neither does `process.getBuiltinModule`. This module re-exports everything else; a
 * dependency that imports one of those three fails the build, rather than loading undici.
 * test/integration/mcp/undici-free.test.ts and test/infra/bundles.test.ts check that the bundles
 * leave undici unloaded. Unbundled (jest, `tsx`), `node:http` is Node's own.
 */
import type * as Http from 'node:http';

const http: typeof Http = process.getBuiltinModule('node:http');

export default http;
export const {
  METHODS,
  STATUS_CODES,
  Agent,
  ClientRequest,
  IncomingMessage,
  OutgoingMessage,
  Server,
  ServerResponse,
  createServer,
  validateHeaderName,
  validateHeaderValue,
  get,
  request,
  setMaxIdleHTTPParsers,
  maxHeaderSize,
  globalAgent,
} = http;
