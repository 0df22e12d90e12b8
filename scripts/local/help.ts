/** What `npm start` prints once ready: how to log in and how to connect common MCP clients. */
import type { LocalStack } from './stack';

export function connectionHelp(stack: LocalStack): string {
  const { mcp, authorizationServerMetadata } = stack.urls;
  const vscode = JSON.stringify({ servers: { 'local-mcp': { type: 'http', url: mcp } } }, null, 2)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `
  Log in as:        ${stack.username} / ${stack.password}   (MCP_LOCAL_USERNAME, MCP_LOCAL_PASSWORD)
  AS metadata:      ${authorizationServerMetadata}
  Static client:    ${stack.staticClientId} (public, callbacks ${stack.staticClientCallbacks.join(', ')})
  State:            ${stack.stateDir}

  Connect a client:
  - MCP Inspector:  npx @modelcontextprotocol/inspector   then Transport "Streamable HTTP", URL ${mcp}
  - Claude Code:    claude mcp add --transport http local-mcp ${mcp}
  - This repo:      npm run client -- ${mcp} tools
  - VS Code (.vscode/mcp.json):
${vscode}

  Ctrl-C stops everything.
`;
}
