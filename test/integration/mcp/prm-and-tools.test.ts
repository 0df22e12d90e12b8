/**
 * Protected Resource Metadata (RFC 9728) and the tools: step-up (403 insufficient_scope),
 * per-user isolation of notes, input validation and tool errors.
 */
import { event, headerOf, modernCall, parse, PRM_URL, RESOURCE_URL, SCOPE_READ, SCOPE_WRITE, startFixture, AS_URL, type Fixture } from './support';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture({ RESOURCE_DOCUMENTATION: 'https://docs.example/mcp', RESOURCE_NAME: 'Notes MCP' });
});
afterAll(() => fx.stop());

describe('PRM', () => {
  test.each(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'])('%s', async (path) => {
    const result = await fx.handler(event('GET', path));
    expect(result.statusCode).toBe(200);
    expect(headerOf(result, 'access-control-allow-origin')).toBe('*');
    expect(parse(result)).toEqual({
      resource: RESOURCE_URL,
      authorization_servers: [AS_URL],
      scopes_supported: [SCOPE_READ, SCOPE_WRITE],
      bearer_methods_supported: ['header'],
      resource_name: 'Notes MCP',
      resource_documentation: 'https://docs.example/mcp',
    });
  });

  test('the challenge points at the path-suffixed PRM', () => {
    expect(PRM_URL).toBe('http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp');
  });

  test('needs no MCP headers or token, even with a foreign Origin', async () => {
    const result = await fx.handler(event('GET', '/.well-known/oauth-protected-resource/mcp', { headers: { origin: 'https://any.example' } }));
    expect(result.statusCode).toBe(200);
  });

  test('OPTIONS preflight', async () => {
    const result = await fx.handler(event('OPTIONS', '/.well-known/oauth-protected-resource/mcp', { headers: { origin: 'https://any.example' } }));
    expect(result.statusCode).toBe(204);
    expect(headerOf(result, 'access-control-allow-origin')).toBe('*');
  });

  test('never offline_access', async () => {
    const result = await fx.handler(event('GET', '/.well-known/oauth-protected-resource'));
    expect(result.body).not.toContain('offline_access');
  });

  test('POST → 405, not 5xx', async () => {
    const result = await fx.handler(event('POST', '/.well-known/oauth-protected-resource', { body: {} }));
    expect(result.statusCode).toBe(405);
  });
});

describe('step-up', () => {
  test('read-only token calling notes_add → 403 insufficient_scope naming read and write', async () => {
    const token = await fx.token({ scope: SCOPE_READ });
    const result = await fx.handler(modernCall(token, 'tools/call', { name: 'notes_add', arguments: { text: 'hi' } }, 'up-1'));
    expect(result.statusCode).toBe(403);
    const challenge = headerOf(result, 'www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain(`scope="${SCOPE_READ} ${SCOPE_WRITE}"`);
    expect(challenge).toContain(`resource_metadata="${PRM_URL}"`);
    expect(parse(result).id).toBe('up-1');
  });

  test('read-only token can still list tools and call read tools', async () => {
    const token = await fx.token({ scope: SCOPE_READ });
    expect((await fx.handler(modernCall(token, 'tools/list'))).statusCode).toBe(200);
    expect((await fx.handler(modernCall(token, 'tools/call', { name: 'notes_list', arguments: {} }))).statusCode).toBe(200);
  });

  test('write-only token calling whoami → 403 naming read', async () => {
    const token = await fx.token({ scope: SCOPE_WRITE });
    const result = await fx.handler(modernCall(token, 'tools/call', { name: 'whoami', arguments: {} }));
    expect(result.statusCode).toBe(403);
    expect(headerOf(result, 'www-authenticate')).toContain(`scope="${SCOPE_READ}"`);
  });

  test('aud-bound token without any scope → 403 on a tool', async () => {
    const token = await fx.token({ aud: RESOURCE_URL, scope: 'openid' });
    const result = await fx.handler(modernCall(token, 'tools/call', { name: 'whoami', arguments: {} }));
    expect(result.statusCode).toBe(403);
  });
});

describe('tools', () => {
  const call = async (token: string, name: string, args: Record<string, unknown>) => parse(await fx.handler(modernCall(token, 'tools/call', { name, arguments: args })));

  test('whoami reports subject, username, client and scopes', async () => {
    const body = await call(await fx.token(), 'whoami', {});
    expect(body.result.structuredContent).toEqual({ subject: 'user-1', username: 'alice', clientId: 'static-client', scopes: [SCOPE_READ, SCOPE_WRITE] });
  });

  test('notes are per user, newest first', async () => {
    const alice = await fx.token({ sub: 'alice-sub' });
    const bob = await fx.token({ sub: 'bob-sub', username: 'bob' });
    await call(alice, 'notes_add', { text: 'alice 1' });
    await new Promise((ok) => setTimeout(ok, 5));
    await call(alice, 'notes_add', { text: 'alice 2' });
    await call(bob, 'notes_add', { text: 'bob 1' });
    const aliceNotes = (await call(alice, 'notes_list', {})).result.structuredContent.notes.map((n: { text: string }) => n.text);
    const bobNotes = (await call(bob, 'notes_list', {})).result.structuredContent.notes.map((n: { text: string }) => n.text);
    expect(aliceNotes).toEqual(['alice 2', 'alice 1']);
    expect(bobNotes).toEqual(['bob 1']);
  });

  test('notes_list honours limit', async () => {
    const carol = await fx.token({ sub: 'carol-sub' });
    for (const text of ['a', 'b', 'c']) await call(carol, 'notes_add', { text });
    const notes = (await call(carol, 'notes_list', { limit: 2 })).result.structuredContent.notes;
    expect(notes).toHaveLength(2);
  });

  test('tool input cannot name another user', async () => {
    const mallory = await fx.token({ sub: 'mallory-sub' });
    const body = await call(mallory, 'notes_list', { subject: 'alice-sub' });
    // Unknown keys are stripped by the schema; the caller still sees only their own (empty) list.
    const notes = body.result?.structuredContent?.notes ?? [];
    expect(notes).toEqual([]);
  });

  test.each([
    ['empty text', { text: '' }],
    ['text over 2000 characters', { text: 'x'.repeat(2001) }],
    ['missing text', {}],
    ['text not a string', { text: 42 }],
  ])('notes_add with %s → tool error, not a crash', async (_name, args) => {
    const body = await call(await fx.token(), 'notes_add', args);
    const failed = body.result?.isError === true;
    expect(failed).toBe(true);
  });

  test('notes_add with exactly 2000 characters works', async () => {
    const body = await call(await fx.token({ sub: 'long-sub' }), 'notes_add', { text: 'y'.repeat(2000) });
    expect(body.result.isError).toBeFalsy();
  });

  test('notes_list with a bad limit → tool error', async () => {
    const body = await call(await fx.token(), 'notes_list', { limit: 0 });
    expect(body.result?.isError).toBe(true);
  });
});
