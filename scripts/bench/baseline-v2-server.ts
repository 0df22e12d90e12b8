/**
 * Second benchmark baseline: the MCP SDK v2 as its documentation wires it for Express.
 * `@modelcontextprotocol/express` (`createMcpExpressApp`, `requireBearerAuth`) in front of
 * `createMcpHandler` (both eras: 2026-07-28, and 2025 through its stateless fallback) adapted with
 * `toNodeHandler`; a new `McpServer` with the same three tools per request (the documented
 * factory); the bearer verifier uses jose `jwtVerify` on the same RS256 tokens, JWKS fetched
 * remotely. Env: PORT, TOKEN_ISSUER, RESOURCE_URL.
 */
import type { Server } from 'node:http';
import { createMcpExpressApp, requireBearerAuth } from '@modelcontextprotocol/express';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { joseVerifier } from './jose-verifier';

const resourceUrl = process.env.RESOURCE_URL as string;
const verifier = joseVerifier(process.env.TOKEN_ISSUER as string);

function buildServer(): McpServer {
  const server = new McpServer({ name: 'baseline-v2', version: '1.0.0' }, { capabilities: { tools: { listChanged: false } } });
  server.registerTool('whoami', { title: 'Who am I', description: 'Returns the caller.', inputSchema: z.object({}) }, async (_args, ctx) => {
    const auth = ctx.http?.authInfo;
    return { content: [{ type: 'text', text: JSON.stringify({ subject: auth?.extra?.sub, clientId: auth?.clientId, scopes: auth?.scopes }) }] };
  });
  server.registerTool(
    'notes_list',
    { title: 'List my notes', description: 'Lists your notes.', inputSchema: z.object({ limit: z.number().int().min(1).max(50).optional() }) },
    async () => ({ content: [{ type: 'text', text: '[]' }] }),
  );
  server.registerTool(
    'notes_add',
    { title: 'Add a note', description: 'Saves a note.', inputSchema: z.object({ text: z.string().min(1).max(2000) }) },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
}

const mcp = createMcpHandler(() => buildServer(), { responseMode: 'json' });
const app = createMcpExpressApp();
const resourceMetadataUrl = `${new URL(resourceUrl).origin}/.well-known/oauth-protected-resource/mcp`;
const node = toNodeHandler(mcp);
// Express passes `next` third; the adapter's third parameter is the parsed body (express.json()).
app.post('/mcp', requireBearerAuth({ verifier, resourceMetadataUrl }), (req: Parameters<typeof node>[0] & { body?: unknown }, res: Parameters<typeof node>[1]) => void node(req, res, req.body));

const listener: Server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = listener.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
