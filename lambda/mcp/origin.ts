/**
 * DNS-rebinding protection (MCP Streamable HTTP, 2026-07-28: servers MUST validate `Origin`).
 * Non-browser clients send no `Origin` and pass; a browser origin passes only when configured.
 */

/** True when the request may proceed: no `Origin`, or one listed exactly (scheme, host and port). */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined || origin === '') return true;
  // The literal `null` origin (sandboxed frames, file://) is never an allowed browser origin.
  return allowed.includes(origin.replace(/\/+$/, ''));
}
