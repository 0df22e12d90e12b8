/**
 * Explicit names of the stage's functions: the monitoring stack names them in alarms and the
 * dashboard as plain strings, so no function is pinned by a cross-stack export (with strong
 * references, removing the sweeper would otherwise stop at an export still in use).
 */
export function functionNames(stage: string) {
  return {
    authorizationServer: `mcp-auth-${stage}-authorization-server`,
    mcpServer: `mcp-auth-${stage}-mcp-server`,
    sweeper: `mcp-auth-${stage}-registration-sweeper`,
  } as const;
}
