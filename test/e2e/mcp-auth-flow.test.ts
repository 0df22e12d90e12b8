/**
 * End to end: the official MCP clients against the local stack, through the whole authorization
 * flow, for each protocol revision the server serves.
 *
 * | test                                   | spec                                                            |
 * |----------------------------------------|-----------------------------------------------------------------|
 * | 401 with resource_metadata             | MCP Authorization §Authorization Server Discovery; RFC 9728 §5.1 |
 * | PRM then AS metadata                   | RFC 9728 §3; RFC 8414 §3; MCP §Authorization Server Metadata     |
 * | dynamic registration                   | RFC 7591 §3; MCP §Dynamic Client Registration                    |
 * | authorization code + PKCE S256, state  | OAuth 2.1 §4.1, §7.5; RFC 7636 §4; MCP §Authorization Code Protection |
 * | resource parameter                     | RFC 8707 §2; MCP §Resource Parameter Implementation             |
 * | bearer token on every request          | RFC 6750 §2.1; MCP §Access Token Usage                          |
 * | initialize / server/discover, tools    | MCP 2025-06-18, 2025-11-25 lifecycle; 2026-07-28 discover; tools |
 */
import { FormLoginProvider } from './support/v2-provider';
import { connect, type ClientKind } from './support/connect';
import { recordingFetch, startTestStack } from './support/stack';

jest.setTimeout(60_000);

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.cleanup();
});

const clients: Array<[string, ClientKind, string]> = [
  ['SDK v2 pinned to 2026-07-28', { sdk: 'v2', mode: { pin: '2026-07-28' } }, '2026-07-28'],
  ['SDK v2 with versionNegotiation auto', { sdk: 'v2', mode: 'auto' }, '2026-07-28'],
  ['SDK v1 1.32 (2025-11-25)', { sdk: 'v1' }, '2025-11-25'],
  ['SDK v1 1.32 offering 2025-06-18', { sdk: 'v1', offer: '2025-06-18' }, '2025-06-18'],
];

describe.each(clients)('%s', (_name, kind, revision) => {
  test('401 → PRM → AS metadata → registration → login with PKCE S256 → token → tools', async () => {
    const requests: string[] = [];
    const read = `${stack.urls.mcp}/read`;
    const provider = new FormLoginProvider({ username: stack.username, password: stack.password, scope: `${read} ${stack.urls.mcp}/write` });
    const client = await connect(stack.urls.mcp, provider, kind, recordingFetch(requests));
    try {
      // The order of a first connection, as the spec lays it out.
      const order = ['POST /mcp 401', 'GET /.well-known/oauth-protected-resource', 'GET /.well-known/oauth-authorization-server 200', 'POST /register 201', 'POST /token 200', 'POST /mcp 200'];
      let at = 0;
      for (const line of requests) if (at < order.length && line.startsWith(order[at])) at++;
      expect({ requests, matched: order.slice(0, at) }).toEqual({ requests, matched: order });

      // The authorization request: PKCE S256, the resource indicator, the scope asked for, state.
      const authorization = provider.authorizationUrls[0];
      expect(authorization.origin + authorization.pathname).toBe(stack.urls.authorize);
      expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorization.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(authorization.searchParams.get('resource')).toBe(stack.urls.mcp);
      expect(authorization.searchParams.get('state')).toBeTruthy();
      // The callback (from the broker) carries code, state and exactly one iss (RFC 9207 §2).
      expect(provider.lastCallback?.searchParams.get('state')).toBe(authorization.searchParams.get('state'));
      expect(provider.lastCallback?.searchParams.getAll('iss')).toEqual([stack.urls.base]);

      expect(client.protocolVersion()).toBe(revision);
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name).sort()).toEqual(['notes_add', 'notes_list', 'whoami']);
      const whoami = await client.callTool('whoami');
      expect(whoami.isError).toBeFalsy();
      expect(whoami.structuredContent).toMatchObject({ username: stack.username, clientId: provider.clientInformation()?.client_id });
      expect((whoami.structuredContent as { scopes: string[] }).scopes).toContain(read);
      const notes = await client.callTool('notes_list');
      expect(notes.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});
