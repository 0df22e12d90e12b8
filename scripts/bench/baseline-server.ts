/**
 * Benchmark baseline: the MCP SDK's own Node server as its documentation wires it. SDK v1
 * (`@modelcontextprotocol/sdk`) StreamableHTTPServerTransport in stateless mode (a new server and
 * transport per request) behind Express, with the SDK's `requireBearerAuth` middleware and a
 * verifier using jose `jwtVerify` on the same RS256 tokens, JWKS fetched remotely.
 * Env: PORT, TOKEN_ISSUER, RESOURCE_URL.
 */
import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import * as z from 'zod';
import { joseVerifier } from './jose-verifier';

// express 5 ships no types and @types/express is not installed; the few calls used are typed here.
type Req = IncomingMessage & { body?: unknown; auth?: AuthInfo };
type Middleware = (req: Req, res: ServerResponse, next: (err?: unknown) => void) => void;
interface ExpressApp {
  use(handler: Middleware): void;
  post(path: string, ...handlers: (Middleware | ((req: Req, res: ServerResponse) => Promise<void>))[]): void;
  listen(port: number, host: string, ready: () => void): Server;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as { (): ExpressApp; json(): Middleware };

const resourceUrl = process.env.RESOURCE_URL as string;
const verifier = joseVerifier(process.env.TOKEN_ISSUER as string);

function buildServer(): McpServer {
  const server = new McpServer({ name: 'baseline', version: '1.0.0' }, { capabilities: { tools: { listChanged: false } } });
  server.registerTool('whoami', { title: 'Who am I', description: 'Returns the caller.', inputSchema: {} }, async (_args, extra) => ({
    content: [{ type: 'text', text: JSON.stringify({ clientId: extra.authInfo?.clientId }) }],
  }));
  server.registerTool(
    'notes_list',
    { title: 'List my notes', description: 'Lists your notes.', inputSchema: { limit: z.number().int().min(1).max(50).optional() } },
    async () => ({ content: [{ type: 'text', text: '[]' }] }),
  );
  server.registerTool(
    'notes_add',
    { title: 'Add a note', description: 'Saves a note.', inputSchema: { text: z.string().min(1).max(2000) } },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
}

const app = express();
app.use(express.json());
app.post(
  '/mcp',
  requireBearerAuth({ verifier, resourceMetadataUrl: `${new URL(resourceUrl).origin}/.well-known/oauth-protected-resource/mcp` }) as unknown as Middleware,
  async (req: Req, res: ServerResponse) => {
    const server = buildServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  },
);

const listener = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = listener.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
