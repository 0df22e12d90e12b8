/** MCP tool calls over the Streamable HTTP transport: one JSON-RPC request per POST, JSON or SSE answer. */

export interface ToolCall {
  readonly status: number;
  readonly wwwAuthenticate: string | null;
  readonly result?: { isError?: boolean; content?: Array<{ type: string; text?: string }> };
  readonly error?: { code: number; message: string };
}

/** The JSON-RPC message of a response body: plain JSON, or the first `data:` event of an SSE stream. */
function messageOf(body: string, contentType: string): Record<string, unknown> | undefined {
  if (contentType.includes('text/event-stream')) {
    const data = body.split('\n').find((line) => line.startsWith('data:'));
    return data ? (JSON.parse(data.slice(5)) as Record<string, unknown>) : undefined;
  }
  return body ? (JSON.parse(body) as Record<string, unknown>) : undefined;
}

/** One 2025-11-25 JSON-RPC request to the MCP endpoint (stateless: no initialize needed) with a bearer token. */
export function postMcp(mcpUrl: string, accessToken: string, method: string, params: Record<string, unknown> = {}): Promise<Response> {
  return fetch(mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
}

export async function callTool(mcpUrl: string, accessToken: string, name: string, args: Record<string, unknown> = {}): Promise<ToolCall> {
  const res = await postMcp(mcpUrl, accessToken, 'tools/call', { name, arguments: args });
  const body = await res.text();
  const message = res.ok ? messageOf(body, res.headers.get('content-type') ?? '') : undefined;
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), result: message?.result as ToolCall['result'], error: message?.error as ToolCall['error'] };
}

/** The call succeeded: 200, a result, and no tool error. */
export function expectSuccess(call: ToolCall, name: string): string {
  if (call.status !== 200) throw new Error(`${name} answered HTTP ${call.status}.`);
  if (call.error) throw new Error(`${name} answered JSON-RPC error ${call.error.code}: ${call.error.message}`);
  if (!call.result || call.result.isError) throw new Error(`${name} returned a tool error: ${call.result?.content?.[0]?.text ?? '(no result)'}`);
  return call.result.content?.map((c) => c.text ?? '').join('') ?? '';
}
